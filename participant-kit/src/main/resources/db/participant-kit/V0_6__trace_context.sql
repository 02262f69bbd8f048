-- The W3C traceparent of the change that wrote a row, so what it sends later (a reply or an event published
-- by the relay, a reaction when a deadline passes) stays in the order's trace. Null when nothing was traced.
ALTER TABLE outbox ADD COLUMN trace_parent varchar(64);
ALTER TABLE choreography_deadlines ADD COLUMN trace_parent varchar(64);
