-- Choreographed sagas: a deadline this participant keeps after announcing an event (e.g. inventory waits for
-- the payment after StockReserved). Written in the transaction of the event that starts it, removed when an
-- awaited event arrives or when its reaction ran.
CREATE TABLE choreography_deadlines (
    saga_id      uuid         NOT NULL,
    after_event  varchar(64)  NOT NULL,
    order_json   jsonb        NOT NULL,
    due_at       timestamptz  NOT NULL,
    PRIMARY KEY (saga_id, after_event)
);
CREATE INDEX choreography_deadlines_due_idx ON choreography_deadlines (due_at);
