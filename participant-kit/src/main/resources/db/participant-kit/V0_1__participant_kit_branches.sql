-- Participant kit schema: versions 0.x belong to the kit and run before the service's own (1 and up).
-- One row per branch (global transaction id) this participant has decided locally.
-- A COMMITTED row is inserted inside the prepared transaction itself, so it becomes visible exactly when
-- COMMIT PREPARED runs. An ABORTED row is written when the branch votes NO or is aborted; because gid is
-- the primary key, an abort that arrives before its prepare makes any later prepare fail.
CREATE TABLE branches (
    gid         varchar(128) PRIMARY KEY,
    state       varchar(16)  NOT NULL CHECK (state IN ('COMMITTED', 'ABORTED')),
    operation   jsonb,
    reason      text,
    decided_at  timestamptz  NOT NULL DEFAULT now()
);
