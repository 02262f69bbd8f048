-- Coordinator replicas sharing this log. Each transaction has an owner (the replica that drives it) and an
-- epoch (1 at its begin, one more at each change of owner: the fencing token its participant calls carry).
-- Transactions begun before replicas existed have no owner, and the first replica to look adopts them.
ALTER TABLE transactions ADD COLUMN owner varchar(128), ADD COLUMN epoch bigint NOT NULL DEFAULT 1;
CREATE INDEX transactions_unfinished_owner_idx ON transactions (owner)
    WHERE state IN ('PREPARING', 'PRECOMMITTING', 'COMMITTING', 'ABORTING');

-- One lease per live replica, renewed on the database's clock. When a lease has expired another replica
-- takes over the transactions its holder owned; a lease row is locked (FOR UPDATE SKIP LOCKED) while that
-- happens, so only one replica takes a dead one's work.
CREATE TABLE coordinator_leases (
    node_id      varchar(128) PRIMARY KEY,
    incarnation  uuid         NOT NULL,
    url          varchar(512) NOT NULL,
    acquired_at  timestamptz  NOT NULL,
    expires_at   timestamptz  NOT NULL
);
