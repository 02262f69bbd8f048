CREATE TABLE accounts (
    id       varchar(32)   PRIMARY KEY,
    owner    varchar(200)  NOT NULL,
    balance  numeric(19,2) NOT NULL CHECK (balance >= 0)
);
