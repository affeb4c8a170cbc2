-- A run's outputs are stored gzip-compressed by the reconciler (a 100,000-finding day writes 120 MB of outputs, 12 MB
-- compressed; PostgreSQL's own pglz compression of them took longer than the rest of the report). Rows written before
-- this migration stay as they were ('identity'). Compressed bytes do not compress again: no TOAST compression attempt.
ALTER TABLE run_output
    ADD COLUMN content_encoding text NOT NULL DEFAULT 'identity' CHECK (content_encoding IN ('identity', 'gzip'));
ALTER TABLE run_output ALTER COLUMN content SET STORAGE EXTERNAL;
