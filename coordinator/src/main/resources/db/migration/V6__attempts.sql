-- An order whose attempt aborted only because of lock conflicts is tried again as a new transaction: the
-- attempt's number, the order's first attempt (which keeps the idempotency key) and the attempt before it.
ALTER TABLE transactions
    ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    ADD COLUMN first_attempt uuid,
    ADD COLUMN previous_attempt uuid;
CREATE INDEX transactions_first_attempt ON transactions (first_attempt) WHERE first_attempt IS NOT NULL;
