-- The coordinator's durable decision log. A row's state is written (and the commit forced to disk)
-- before any message that depends on it is sent.
CREATE TABLE transactions (
    id          uuid         PRIMARY KEY,
    protocol    varchar(8)   NOT NULL,
    state       varchar(16)  NOT NULL,
    decision    varchar(8),
    reason      text,
    timeout_ms  bigint       NOT NULL,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL
);
CREATE INDEX transactions_state_idx ON transactions (state, created_at);

CREATE TABLE branches (
    id           bigserial    PRIMARY KEY,
    tx_id        uuid         NOT NULL REFERENCES transactions (id),
    position     integer      NOT NULL,
    participant  varchar(64)  NOT NULL,
    url          varchar(512) NOT NULL,
    gid          varchar(128) NOT NULL UNIQUE,
    operation    jsonb        NOT NULL,
    vote         varchar(8),
    state        varchar(16)  NOT NULL,
    reason       text,
    UNIQUE (tx_id, position)
);

-- The timeline: every log write and every protocol message sent and received.
CREATE TABLE tx_events (
    id           bigserial    PRIMARY KEY,
    tx_id        uuid         NOT NULL REFERENCES transactions (id),
    at           timestamptz  NOT NULL,
    kind         varchar(16)  NOT NULL,
    participant  varchar(64),
    message      text         NOT NULL,
    duration_ms  bigint
);
CREATE INDEX tx_events_tx_idx ON tx_events (tx_id, id);
