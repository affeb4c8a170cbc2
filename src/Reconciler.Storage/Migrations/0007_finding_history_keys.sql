-- A run merges its findings in one transaction: on a bad day of a million orders that is 100,000 findings upserted
-- and 100,000 run_finding rows, and every foreign key below was a trigger query per row (about 400,000 per run)
-- checking a run id or finding id that the same statement had just taken from the run it is writing. The finding
-- merge (FindingWriter) is the only writer of these columns; the keys that other systems lean on stay: the
-- compensation_request's finding and run, and every primary key.
ALTER TABLE finding DROP CONSTRAINT IF EXISTS finding_first_run_id_fkey;
ALTER TABLE finding DROP CONSTRAINT IF EXISTS finding_last_run_id_fkey;
ALTER TABLE finding DROP CONSTRAINT IF EXISTS finding_resolved_run_id_fkey;
ALTER TABLE run_finding DROP CONSTRAINT IF EXISTS run_finding_run_id_fkey;
ALTER TABLE run_finding DROP CONSTRAINT IF EXISTS run_finding_finding_id_fkey;
