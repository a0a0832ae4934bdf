-- The outbox: events written in the same transaction as the change they describe.
CREATE TABLE outbox_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The inbox keys: one row per (consumer, event) once that consumer has handled the event.
CREATE TABLE outbox_deliveries (
    consumer TEXT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    delivered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
