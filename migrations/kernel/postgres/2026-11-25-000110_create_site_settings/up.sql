-- Site-wide settings an administrator edits at run time (title, sign-up policy, …).
-- Keys and values are text; the server owns their meaning and defaults.
CREATE TABLE site_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
