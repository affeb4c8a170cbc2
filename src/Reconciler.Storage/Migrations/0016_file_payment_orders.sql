-- The least and greatest order number that a settlement file's payment lines name, in code point order (what
-- COLLATE "C" compares), written when the file is imported. The orphan check anti-joins a date's payments with the
-- orders; bounded by these it reads the orders those payments can name instead of every order ever imported.
-- payment_orders_known says the bounds were kept (false for files imported before this migration, and for files
-- whose payments name no order: such payments are orphans whatever the orders are).
ALTER TABLE imported_file
    ADD COLUMN payment_order_low   text,
    ADD COLUMN payment_order_high  text,
    ADD COLUMN payment_orders_known boolean NOT NULL DEFAULT false;
