CREATE INDEX posts_status_published_at ON posts (status, published_at DESC, id DESC);
DROP INDEX posts_published_list;
