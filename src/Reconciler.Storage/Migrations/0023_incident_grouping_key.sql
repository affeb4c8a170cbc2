-- What each run's incidents were grouped from (IncidentGrouping): the incident statements' text, the run's parameters
-- (date, as-of, hold limit, missing settlements, incident rule), the imported files' stamps the attempts and the orders
-- were read under, and a digest of the run's current findings of the date in every column the grouping reads. A later
-- run of the date with the same key groups the same incidents: it copies them from that run instead of grouping again
-- (1.2-1.7 s on the report's critical path of a 1 M rerun at 10 % breaks).
CREATE TABLE incident_grouping (
    run_id        bigint PRIMARY KEY,
    business_date date   NOT NULL,
    grouping_key  text   NOT NULL
);
CREATE INDEX incident_grouping_by_key ON incident_grouping (business_date, grouping_key);
