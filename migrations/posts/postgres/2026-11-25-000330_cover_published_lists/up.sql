-- SQLite gets a covering index for lists of published posts here (its rows keep the
-- summary columns behind the bodies). PostgreSQL stores large values out of line (TOAST),
-- so posts_status_published_at serves it as it is: nothing to change.
SELECT 1;
