-- The W3C traceparent of the request that started a saga, and of the change that wrote each command, so
-- every command, reply, retry and compensation of one order is one trace. Null when nothing was traced.
ALTER TABLE sagas ADD COLUMN trace_parent varchar(64);
ALTER TABLE saga_outbox ADD COLUMN trace_parent varchar(64);
