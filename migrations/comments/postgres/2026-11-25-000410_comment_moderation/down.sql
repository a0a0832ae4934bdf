DROP TABLE comment_trusted_authors;
DROP INDEX comments_status_created_at;
DROP INDEX comments_parent_id;
DROP INDEX comments_author_idempotency_key;
ALTER TABLE comments DROP COLUMN idempotency_key;
ALTER TABLE comments DROP COLUMN edited_at;
ALTER TABLE comments DROP COLUMN deleted_at;
