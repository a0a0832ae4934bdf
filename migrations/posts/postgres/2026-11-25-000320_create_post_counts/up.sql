-- How many published posts carry each tag, kept exact by every change to a post's status or
-- tags in the same transaction as that change (so `GET /api/tags` and the sitemap read a
-- few rows instead of counting every tag of every post). Only tags of at least one
-- published post have a row.
CREATE TABLE post_tag_counts (
    tag TEXT PRIMARY KEY,
    published_posts BIGINT NOT NULL CHECK (published_posts >= 0)
);
INSERT INTO post_tag_counts (tag, published_posts)
SELECT t.tag, COUNT(*)
FROM post_tags t
JOIN posts p ON p.id = t.post_id
WHERE p.status = 'published'
GROUP BY t.tag;

-- How many posts are published, kept exact the same way (the article list's total without
-- counting every published post on each request). Exactly one row.
CREATE TABLE post_published_total (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    published_posts BIGINT NOT NULL CHECK (published_posts >= 0)
);
INSERT INTO post_published_total (id, published_posts)
SELECT 1, COUNT(*) FROM posts WHERE status = 'published';
