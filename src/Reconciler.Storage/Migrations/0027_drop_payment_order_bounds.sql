-- The orphan check no longer bounds the orders it anti-joins by the least and greatest order number a date's files
-- name (migration 0016): it hashes the date's orders (by created_at) and probes the orders' key for the few payments
-- left, which costs the same on a first day and does not widen when an orphan's made-up number or a late payment
-- stretches the bounds over other dates' orders (EvidenceSql.KeepOrphanPayments). Nothing reads the bounds any more.
ALTER TABLE imported_file
    DROP COLUMN IF EXISTS payment_order_low,
    DROP COLUMN IF EXISTS payment_order_high,
    DROP COLUMN IF EXISTS payment_orders_known;
