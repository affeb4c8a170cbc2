-- The incidents' pass over a date's delivery attempts (IncidentSql.Attempts: each vendor's attempts per minute and its
-- failures one by one) reads the evidence only: a join of the date's orders with their delivery rows, 2 s at a million.
-- It is kept here with the imported files it was read from (EvidenceSql.InputsStamp) and the date's bounds; a later
-- run of the date that finds no new file and the same bounds copies it back. Unlogged, like a cache: after a crash
-- PostgreSQL empties it and the next run reads the evidence again.
CREATE UNLOGGED TABLE incident_attempts_stamp (
    business_date date PRIMARY KEY,
    inputs        text NOT NULL,
    bounds        text NOT NULL,
    read_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNLOGGED TABLE incident_minute_cache (
    business_date date        NOT NULL,
    vendor        text        NOT NULL,
    minute        timestamptz NOT NULL,
    attempts      bigint      NOT NULL
);
CREATE INDEX incident_minute_cache_date ON incident_minute_cache (business_date);

CREATE UNLOGGED TABLE incident_failure_cache (
    business_date date        NOT NULL,
    vendor        text        NOT NULL,
    at            timestamptz NOT NULL,
    order_no      text        NOT NULL
);
CREATE INDEX incident_failure_cache_date ON incident_failure_cache (business_date);
