-- Seed catalogue for the local stack and the demo. RARE-1 has one unit, SOLD-OUT none: they make
-- out-of-stock orders easy to produce.
INSERT INTO products (sku, name, stock) VALUES
    ('BOOK-001', 'Designing Data-Intensive Applications', 100),
    ('MUG-042',  'Two-phase mug',                          50),
    ('LAMP-007', 'Coordinator desk lamp',                  20),
    ('RARE-1',   'Signed first edition',                    1),
    ('SOLD-OUT', 'Last year''s conference shirt',           0);
