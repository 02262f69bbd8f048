-- Sagas, participant side. The inbox holds one row per (saga, step, kind) this participant has handled,
-- so a repeated command gets the same reply and no second effect; a compensation that arrives before its
-- action leaves a row that makes the late action a no-op. Replies go out through the outbox, written in
-- the same local transaction as the effect.
CREATE TABLE saga_inbox (
    saga_id  uuid         NOT NULL,
    step     varchar(64)  NOT NULL,
    kind     varchar(16)  NOT NULL CHECK (kind IN ('ACTION', 'COMPENSATION')),
    outcome  varchar(16)  NOT NULL CHECK (outcome IN ('DONE', 'REFUSED', 'SKIPPED')),
    reason   text,
    operation jsonb,
    at       timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_id, step, kind)
);

CREATE TABLE outbox (
    id            bigserial     PRIMARY KEY,
    topic         varchar(200)  NOT NULL,
    message_key   varchar(200)  NOT NULL,
    payload       jsonb         NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
