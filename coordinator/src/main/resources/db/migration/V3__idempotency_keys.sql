-- A client's Idempotency-Key on the request that began a transaction, and a fingerprint of that request:
-- a repeated request with the same key gets this transaction instead of beginning another. Written in the
-- same local transaction as the begin record, so a key never names a transaction that did not begin.
ALTER TABLE transactions ADD COLUMN idempotency_key varchar(128);
ALTER TABLE transactions ADD COLUMN request_hash char(64);
CREATE UNIQUE INDEX transactions_idempotency_key_idx ON transactions (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
