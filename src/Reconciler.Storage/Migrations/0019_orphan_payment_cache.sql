-- The date's payments that name no known order (EvidenceSql.OrphanPayments, its first part: the date's payment lines
-- anti-joined with the orders, grouped per provider line) read the evidence only: a hash of the date's million orders
-- probed with its million payment lines, 1.7 s on three processes at a million orders, every run. They are kept here,
-- grouped, with the imported files they were read from (EvidenceSql.InputsStamp) and the date's bounds; a later run of
-- the date that finds no new file and the same bounds reads them back. The open orphans of earlier dates (a finding's
-- status, not the evidence) are read every time. Unlogged, like a cache: after a crash PostgreSQL empties both tables
-- and the next run reads the evidence again.
CREATE UNLOGGED TABLE orphan_payment_stamp (
    business_date date PRIMARY KEY,
    inputs        text NOT NULL,
    bounds        text NOT NULL,
    read_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNLOGGED TABLE orphan_payment_cache (
    business_date   date        NOT NULL,
    provider        text        NOT NULL,
    entry_ref       text        NOT NULL,
    provider_txn_id text        NOT NULL,
    order_no        text,
    gross           numeric     NOT NULL,
    currency        text        NOT NULL,
    occurred_at     timestamptz NOT NULL
);
CREATE INDEX orphan_payment_cache_date ON orphan_payment_cache (business_date);
