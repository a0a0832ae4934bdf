-- Soft deletion (a deleted comment with replies stays as a placeholder), edit marks,
-- duplicate submissions, the moderation queue, and first-time moderation.
ALTER TABLE comments ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE comments ADD COLUMN edited_at TIMESTAMP;
-- The form's random token, unique per author: a resubmission returns the first comment.
ALTER TABLE comments ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX comments_author_idempotency_key ON comments (author_id, idempotency_key);
CREATE INDEX comments_parent_id ON comments (parent_id);
CREATE INDEX comments_status_created_at ON comments (status, created_at, id);
-- Commenters a moderator approved (or whose comment was published visible): in first-time
-- mode their further comments need no approval. author_id is an opaque profile id.
CREATE TABLE comment_trusted_authors (
    author_id BIGINT PRIMARY KEY,
    trusted_at TIMESTAMP NOT NULL
);
