-- Ten conference tickets: a small stock for contention (many orders, one row).
INSERT INTO products (sku, name, stock) VALUES ('TICKET-10', 'Conference ticket', 10);
