//! Diesel schema of the comments module's tables; private to the crate.

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        author_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        body_markdown -> Text,
        body_html -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        edited_at -> Nullable<Timestamp>,
        idempotency_key -> Nullable<Text>,
    }
}

diesel::table! {
    comment_trusted_authors (author_id) {
        author_id -> BigInt,
        trusted_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(comments, comment_trusted_authors);
