-- Stock taken by a saga is a reservation until the saga confirms it (the order is placed) or releases it
-- (the saga is compensated). A release after a confirmation still puts the stock back: a compensation
-- always succeeds. A confirmation after a release is refused.
CREATE TABLE reservations (
    saga_id     uuid         PRIMARY KEY,
    sku         varchar(32)  NOT NULL REFERENCES products (sku),
    qty         integer      NOT NULL CHECK (qty > 0),
    status      varchar(16)  NOT NULL CHECK (status IN ('RESERVED', 'CONFIRMED', 'RELEASED')),
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX reservations_open_idx ON reservations (created_at) WHERE status = 'RESERVED';
