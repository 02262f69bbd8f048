-- Who forced an outcome as the service authenticated it (the caller whose key signed the request), beside
-- the --by text the operator typed. Outcomes forced before callers were authenticated say so.
ALTER TABLE forced_outcomes ADD COLUMN authenticated_as varchar(64) NOT NULL DEFAULT 'unauthenticated';
ALTER TABLE forced_outcomes ALTER COLUMN authenticated_as DROP DEFAULT;
