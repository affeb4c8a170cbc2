-- The date's settlement lines are found by occurred_at (the report's totals, the orphan payments, the probe of a file's
-- span). A B-tree kept up row by row cost 1.3-1.6 s of PostgreSQL's CPU per million lines copied in (psql), on the two
-- cores the parse needs too; a BRIN index summarises each 128 pages by the least and greatest instant, which a bill
-- written in time order keeps narrow, and costs next to nothing while copying. Ranges added by a COPY are summarised by
-- the run right after its import (RunStore.RefreshStatisticsAsync: 0.18 s per million lines), so the date's range never
-- reads the pages of other dates' files not yet summarised by autovacuum.
DROP INDEX IF EXISTS settlement_line_occurred_at;
CREATE INDEX settlement_line_occurred_at ON settlement_line USING brin (occurred_at);
