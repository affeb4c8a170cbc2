-- compensation_request.created_run_id names the run that wrote the request, in the run's own finding merge (the only
-- writer), and runs are never deleted: its foreign key was a trigger query per request checking the run id the
-- statement had just taken from the run it is writing, as migration 0007's were. At a million orders and 10 % breaks
-- that is 59,922 queries, 0.4-0.5 s of a 1.3-1.4 s insert (alone in psql); on a vendor-outage day three times as
-- many. The key the compensation workflow leans on stays: each request's finding (request_id -> finding).
ALTER TABLE compensation_request DROP CONSTRAINT IF EXISTS compensation_request_created_run_id_fkey;
