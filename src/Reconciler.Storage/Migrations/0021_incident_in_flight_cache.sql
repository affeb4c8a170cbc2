-- risk_hold looked up each finding's vendor orders in delivery_event, one index scan per finding with a row still in
-- flight (10,110 at a million orders and 10 % breaks: 0.57 s of heap reads on the report's critical path). The date's
-- vendor orders still in flight (every event of them processing; the least vendor per order) are now found with the
-- date's attempts (IncidentSql.Attempts, evidence only, beside the finding merge) and kept with them. Stamps written
-- before this migration kept no such rows, so they are dropped: the next run of each date reads its attempts again.
CREATE UNLOGGED TABLE incident_in_flight_cache (
    business_date date NOT NULL,
    order_no      text NOT NULL,
    vendor        text NOT NULL
);
CREATE INDEX incident_in_flight_cache_date ON incident_in_flight_cache (business_date);

DELETE FROM incident_attempts_stamp;
