-- Tags, normalised (lower case, single spaces) before they are stored.
CREATE TABLE post_tags (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_tags_tag ON post_tags (tag, post_id);

-- Every save of a post's text keeps a revision.
CREATE TABLE post_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    editor_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post_id ON post_revisions (post_id, id);

-- Old slugs of published posts, answered with a 301 to the current one.
CREATE TABLE post_slug_redirects (
    old_slug TEXT PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);

-- Readers' favorites. user_id is an opaque profile id.
CREATE TABLE post_favorites (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_favorites_user_id ON post_favorites (user_id, post_id);
