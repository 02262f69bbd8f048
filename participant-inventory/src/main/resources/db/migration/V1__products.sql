CREATE TABLE products (
    sku    varchar(32)  PRIMARY KEY,
    name   varchar(200) NOT NULL,
    stock  integer      NOT NULL CHECK (stock >= 0)
);
