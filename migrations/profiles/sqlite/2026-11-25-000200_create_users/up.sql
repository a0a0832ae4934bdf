-- Accounts. Usernames and emails are unique regardless of case (emails are also stored
-- lower-cased). Only an argon2id hash of the password is kept (a PHC string).
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    bio_markdown TEXT NOT NULL DEFAULT '',
    bio_html TEXT NOT NULL DEFAULT '',
    avatar_url TEXT,
    website_url TEXT,
    role TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('admin', 'editor', 'author', 'reader')),
    suspended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_created_at ON users (created_at, id);
