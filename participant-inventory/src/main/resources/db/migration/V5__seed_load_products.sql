-- Ten products with deep stock for load and fault campaigns: thousands of orders can run without
-- selling out, so their outcomes turn on faults and not on an empty shelf.
INSERT INTO products (sku, name, stock)
SELECT 'LOAD-' || lpad(g::text, 3, '0'), 'Load product ' || g, 100000
FROM generate_series(1, 10) AS g;
