DROP INDEX post_tags_published;
ALTER TABLE post_tags DROP COLUMN published_at;
