//! Diesel schema of the kernel's outbox tables.

diesel::table! {
    outbox_events (id) {
        id -> BigInt,
        event_type -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_deliveries (consumer, event_id) {
        consumer -> Text,
        event_id -> BigInt,
        delivered_at -> Timestamp,
    }
}

diesel::table! {
    outbox_floors (consumer) {
        consumer -> Text,
        floor -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(outbox_events, outbox_deliveries);
