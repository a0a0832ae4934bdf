-- A tag's list of published posts, newest first, read from one index: each tag row carries
-- its post's publication time while the post is published (NULL otherwise), kept in the
-- same transaction as every change of status or tags. Before, a tag page walked the
-- index of all published posts and checked each for the tag, so a page of a tag that one
-- post in forty carries read forty posts per listed one.
ALTER TABLE post_tags ADD COLUMN published_at TIMESTAMP;
UPDATE post_tags SET published_at = (
    SELECT p.published_at FROM posts p WHERE p.id = post_tags.post_id AND p.status = 'published'
);
CREATE INDEX post_tags_published ON post_tags (tag, published_at DESC, post_id DESC)
    WHERE published_at IS NOT NULL;
