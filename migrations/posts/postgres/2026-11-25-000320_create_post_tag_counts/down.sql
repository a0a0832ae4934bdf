DROP TABLE post_tag_counts;
