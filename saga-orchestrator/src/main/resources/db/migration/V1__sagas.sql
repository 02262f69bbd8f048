-- Saga instances and their step log, owned by the orchestrator.
CREATE TABLE sagas (
    id          uuid         PRIMARY KEY,
    kind        varchar(64)  NOT NULL,
    state       varchar(24)  NOT NULL,
    payload     jsonb        NOT NULL,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL
);
CREATE INDEX sagas_state_idx ON sagas (state, created_at);

CREATE TABLE saga_steps (
    id          bigserial    PRIMARY KEY,
    saga_id     uuid         NOT NULL REFERENCES sagas (id),
    step        varchar(64)  NOT NULL,
    kind        varchar(24)  NOT NULL,
    at          timestamptz  NOT NULL,
    detail      text
);
CREATE INDEX saga_steps_saga_idx ON saga_steps (saga_id, id);
