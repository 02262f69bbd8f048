-- The W3C traceparent of the request that began a transaction. Recovery finishes it in the same trace, and
-- the transaction view shows its trace id. Null when the request was not traced.
ALTER TABLE transactions ADD COLUMN trace_parent varchar(64);
