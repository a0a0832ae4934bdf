DROP TABLE post_favorites;
DROP TABLE post_slug_redirects;
DROP TABLE post_revisions;
DROP TABLE post_tags;
