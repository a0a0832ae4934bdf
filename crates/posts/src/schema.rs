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
        cover_image_url -> Nullable<Text>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
