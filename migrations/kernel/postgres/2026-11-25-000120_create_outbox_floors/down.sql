DROP TABLE outbox_floors;
