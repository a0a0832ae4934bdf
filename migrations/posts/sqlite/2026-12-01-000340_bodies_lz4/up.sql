-- PostgreSQL compresses post bodies with lz4 from here on. SQLite stores values as they
-- are: nothing to change.
SELECT 1;
