-- compensation_request_claimable (created_at, for pending and claimed requests; migration 0001) has served no query
-- since the queue claims by due time (compensation_request_due, migration 0004) and lists by state and id
-- (compensation_request_state): the claim's plan at 195 k requests is an Index Scan using compensation_request_due,
-- and pg_stat_user_indexes counted no scan of it after a run and its claims. Each request the finding merge writes
-- still paid an entry in it: 0.1-0.2 s of the 1.6-2.1 s that 130 k requests take to insert (psql, three times each).
DROP INDEX IF EXISTS compensation_request_claimable;
