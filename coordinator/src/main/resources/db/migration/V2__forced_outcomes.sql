-- Outcomes forced by an operator on a stuck transaction: who, when, why.
CREATE TABLE forced_outcomes (
    id         bigserial    PRIMARY KEY,
    tx_id      uuid         NOT NULL REFERENCES transactions (id),
    outcome    varchar(8)   NOT NULL CHECK (outcome IN ('COMMIT', 'ABORT')),
    forced_by  varchar(64)  NOT NULL,
    reason     text         NOT NULL,
    at         timestamptz  NOT NULL
);
CREATE INDEX forced_outcomes_tx_idx ON forced_outcomes (tx_id);
