-- One hundred funded accounts for load and contention tests: orders spread over them contend on stock
-- only, not on balances.
INSERT INTO accounts (id, owner, balance)
SELECT 'acc-load-' || lpad(g::text, 3, '0'), 'Load client ' || g, 100.00
FROM generate_series(1, 100) AS g;
