-- Lists of published posts (the article list, the home page, tag and author pages) read
-- only the columns of this index, in its order. SQLite stores a row's columns one after
-- the other, so reading the summary columns from the table means walking the overflow
-- pages of the bodies stored before them; from this covering index it does not.
-- It replaces posts_status_published_at, a prefix of it.
CREATE INDEX posts_published_list ON posts (
    status, published_at DESC, id DESC,
    author_id, slug, title, description, reading_minutes, updated_at, excerpt_html
);
DROP INDEX posts_status_published_at;
