-- Three-phase commit: what a participant needs to decide by itself when the coordinator is gone.
-- Written before the branch's prepared transaction, so a prepared 3PC branch always has its row.
CREATE TABLE branch_3pc (
    gid              varchar(128) PRIMARY KEY,
    coordinator_url  varchar(512) NOT NULL,
    peers            jsonb        NOT NULL,   -- [{participant, url, gid}] of every branch, this one included
    wait_timeout_ms  bigint       NOT NULL,
    precommitted_at  timestamptz,
    created_at       timestamptz  NOT NULL DEFAULT now()
);
