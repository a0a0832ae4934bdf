-- Threaded comments. post_id and author_id are opaque ids owned by other modules (no foreign
-- key across the boundary); parent_id stays inside this module, so it is a real foreign key.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'pending', 'hidden')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_post_id_created_at ON comments (post_id, created_at, id);
CREATE INDEX comments_author_id ON comments (author_id);
