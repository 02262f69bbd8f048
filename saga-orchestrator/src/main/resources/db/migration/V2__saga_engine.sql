-- The orchestrator's working state. A saga row holds its flow and the state machine's value (status and
-- each step's phase and attempt); the step log becomes a timeline of every command, reply, retry, timeout
-- and compensation, with the Kafka coordinates of each message. Commands leave through an outbox written
-- in the same transaction as the state change that calls for them; timers stand for the timeouts of the
-- commands now out.
ALTER TABLE sagas
    ADD COLUMN flow         varchar(32)  NOT NULL DEFAULT 'sequential',
    ADD COLUMN machine      jsonb,
    ADD COLUMN reason       text,
    ADD COLUMN finished_at  timestamptz;

ALTER TABLE saga_steps
    ALTER COLUMN step DROP NOT NULL,
    ADD COLUMN attempt          integer,
    ADD COLUMN participant      varchar(64),
    ADD COLUMN topic            varchar(200),
    ADD COLUMN kafka_partition  integer,
    ADD COLUMN kafka_offset     bigint,
    ADD COLUMN published_at     timestamptz;
-- a Kafka record is taken into a timeline once, however often it is delivered
CREATE UNIQUE INDEX saga_steps_record_idx ON saga_steps (topic, kafka_partition, kafka_offset)
    WHERE kind IN ('REPLY', 'EVENT');

CREATE TABLE saga_outbox (
    id            bigserial     PRIMARY KEY,
    saga_id       uuid          NOT NULL REFERENCES sagas (id),
    timeline_id   bigint        REFERENCES saga_steps (id),
    topic         varchar(200)  NOT NULL,
    message_key   varchar(200)  NOT NULL,
    payload       jsonb         NOT NULL,
    not_before    timestamptz   NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX saga_outbox_due_idx ON saga_outbox (not_before, id) WHERE published_at IS NULL;

CREATE TABLE saga_timers (
    saga_id       uuid         NOT NULL REFERENCES sagas (id),
    step          integer      NOT NULL,
    compensation  boolean      NOT NULL,
    attempt       integer      NOT NULL,
    due_at        timestamptz  NOT NULL,
    PRIMARY KEY (saga_id, step, compensation, attempt)
);
CREATE INDEX saga_timers_due_idx ON saga_timers (due_at);
