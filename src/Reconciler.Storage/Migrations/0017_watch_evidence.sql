-- The folded evidence of each order on a date's watch list, kept with it by the full look (the columns of
-- Reconciler.Core.Matching.OrderEvidence but the settlement-missing flag, which the run decides). A rerun over unchanged
-- evidence with no order carried over from earlier dates reads these rows instead of reading and folding the watched
-- orders' evidence again. A stamp written before this migration (evidence_kept false) is looked at as before.
ALTER TABLE evidence_watch
    ADD COLUMN created_at             timestamptz,
    ADD COLUMN paid_at                timestamptz,
    ADD COLUMN product_type           text,
    ADD COLUMN quantity               integer,
    ADD COLUMN amount                 numeric,
    ADD COLUMN currency               text,
    ADD COLUMN pay_channel            text,
    ADD COLUMN payment_count          integer,
    ADD COLUMN payment_gross          numeric,
    ADD COLUMN refund_total           numeric,
    ADD COLUMN chargeback_total       numeric,
    ADD COLUMN first_payment_at       timestamptz,
    ADD COLUMN provider               text,
    ADD COLUMN provider_txn_id        text,
    ADD COLUMN vendor                 text,
    ADD COLUMN delivered_quantity     integer,
    ADD COLUMN wrong_account_quantity integer,
    ADD COLUMN in_flight              boolean;
ALTER TABLE evidence_stamp ADD COLUMN evidence_kept boolean NOT NULL DEFAULT false;
