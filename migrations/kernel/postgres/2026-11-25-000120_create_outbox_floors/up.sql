-- Per-consumer floors: every event with an id at or below `floor` has been handled by the
-- consumer (or was of no interest to it), so looking for its pending events starts above.
CREATE TABLE outbox_floors (
    consumer TEXT PRIMARY KEY NOT NULL,
    floor BIGINT NOT NULL
);
