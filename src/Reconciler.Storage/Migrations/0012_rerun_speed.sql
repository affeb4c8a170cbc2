-- The report's settlement totals of a date (distinct provider lines that happened on it, per provider and currency)
-- with the imported files they were counted from (EvidenceSql.InputsStamp) and the date's bounds. Counting them takes
-- a sort of the day's lines (3.5-7 s at a million); a later run of the date that finds no new file and the same
-- bounds reads them here. Unlogged, like a cache: after a crash PostgreSQL empties it and the next run counts again.
CREATE UNLOGGED TABLE settlement_totals_cache (
    business_date date  PRIMARY KEY,
    inputs        text  NOT NULL,
    bounds        text  NOT NULL,
    totals        jsonb NOT NULL,
    counted_at    timestamptz NOT NULL DEFAULT now()
);

-- Delivery rows still in flight: few on any day. The risk_hold incident looks at the vendor orders of the run's
-- findings only where one of these exists, instead of grouping every finding's delivery rows.
CREATE INDEX delivery_event_in_flight ON delivery_event (order_no) WHERE status = 'processing';

-- A finding found again exactly as it was is no longer rewritten (FindingWriter): rewriting 100k unchanged rows was most
-- of a rerun's merge. run_finding keeps every run's view of every finding.
COMMENT ON COLUMN finding.last_run_id IS
    'the last run that changed the finding (found it first, altered it, reopened or resolved it); run_finding lists every run that saw it';
