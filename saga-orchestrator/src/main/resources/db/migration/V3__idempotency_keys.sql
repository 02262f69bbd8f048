-- A client's Idempotency-Key on the request that started a saga, and a fingerprint of that request: a
-- repeated request with the same key gets this saga instead of starting another. Written with the saga row.
ALTER TABLE sagas ADD COLUMN idempotency_key varchar(128);
ALTER TABLE sagas ADD COLUMN request_hash char(64);
CREATE UNIQUE INDEX sagas_idempotency_key_idx ON sagas (idempotency_key) WHERE idempotency_key IS NOT NULL;
