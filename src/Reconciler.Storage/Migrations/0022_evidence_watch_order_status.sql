-- The platform's status of each order on a date's watch list, kept with its folded evidence by the full look. The
-- incidents join the run's findings of the date with the date's watch list (the orders that could still break, in the
-- snapshot the findings came from) instead of with every order of the date (a million at a million orders, 0.7-0.85 s
-- on the report's critical path); callback_failure reads the order's status from it, and whether the order has any
-- delivery row from its kept vendors. Rows kept before this migration have no status: their orders are joined with
-- platform_order as before.
ALTER TABLE evidence_watch ADD COLUMN order_status text;
