-- 009 (PostgreSQL twin of db/sqlite/009.sql): customers by e-mail address, as sync pages match
-- records to them; without it each address not seen before read every customer. The id follows so
-- that min(id) for an address is the index's first entry for it (with the address alone the planner,
-- lacking statistics on the expression, chose to walk the primary key in id order).
CREATE INDEX customers_by_email ON customers (lower(email), id);
