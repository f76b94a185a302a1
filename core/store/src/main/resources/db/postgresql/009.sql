-- 009 (PostgreSQL twin of db/sqlite/009.sql): customers by e-mail address, as sync pages match
-- records to them; without it each address not seen before read every customer.
CREATE INDEX customers_by_email ON customers (lower(email));
