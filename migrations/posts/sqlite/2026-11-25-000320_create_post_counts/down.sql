DROP TABLE post_published_total;
DROP TABLE post_tag_counts;
