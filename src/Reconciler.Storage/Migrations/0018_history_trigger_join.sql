-- compensation_history_record() (0004) joins its transition tables, new_rows and old_rows. PL/pgSQL plans that
-- statement once per session, the first time the trigger fires, for the transition tables of that firing, and keeps
-- the plan: a run's compensation-request upsert fires it first with nothing changed, so the join was planned for one
-- row on each side, a nested loop, and the withdrawal that followed compared n² pairs. A run after a late delivery log
-- that withdrew 17,728 requests spent 54 s there (314 M pairs), one that withdrew 52,600 spent 408 s. Without nested
-- loops for the function's own statements the join is hashed (or both sides sorted) once, whatever n.
ALTER FUNCTION compensation_history_record() SET enable_nestloop = off;
