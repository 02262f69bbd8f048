-- Seed accounts for the local stack and the demo. acc-dave is empty: orders charged to it are declined.
INSERT INTO accounts (id, owner, balance) VALUES
    ('acc-alice', 'Alice Lamport',  1000.00),
    ('acc-bob',   'Bob Gray',        250.00),
    ('acc-carol', 'Carol Skeen',      40.00),
    ('acc-dave',  'Dave Lynch',        0.00);
