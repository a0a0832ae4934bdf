//! Diesel schema of the posts module's tables; private to the crate.

diesel::table! {
    posts (id) {
        id -> BigInt,
        author_id -> BigInt,
        slug -> Text,
        title -> Text,
        description -> Text,
        body_markdown -> Text,
        body_html -> Text,
        excerpt_html -> Text,
        toc_json -> Text,
        word_count -> Integer,
        reading_minutes -> Integer,
        cover_image_url -> Nullable<Text>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    post_tags (post_id, tag) {
        post_id -> BigInt,
        tag -> Text,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        title -> Text,
        description -> Text,
        body_markdown -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_slug_redirects (old_slug) {
        old_slug -> Text,
        post_id -> BigInt,
    }
}

diesel::table! {
    post_favorites (post_id, user_id) {
        post_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_tag_counts (tag) {
        tag -> Text,
        published_posts -> BigInt,
    }
}

diesel::table! {
    post_published_total (id) {
        id -> BigInt,
        published_posts -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    posts,
    post_tags,
    post_revisions,
    post_slug_redirects,
    post_favorites,
    post_tag_counts,
    post_published_total,
);
