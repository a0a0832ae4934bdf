//! Diesel schema of the profiles module's tables; private to the crate.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        bio_markdown -> Text,
        bio_html -> Text,
        avatar_url -> Nullable<Text>,
        website_url -> Nullable<Text>,
        role -> Text,
        suspended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follows (follower_id, followed_id) {
        follower_id -> BigInt,
        followed_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(users, sessions, api_tokens, follows);

/// SQL functions both backends share.
pub(crate) mod functions {
    #![allow(unreachable_pub, missing_docs)]

    use diesel::sql_types::Text;

    #[diesel::declare_sql_function]
    extern "SQL" {
        /// `lower(text)`: usernames (ASCII) compare regardless of case through it, matching
        /// the `users_username_lower` index.
        fn lower(x: Text) -> Text;
    }
}
