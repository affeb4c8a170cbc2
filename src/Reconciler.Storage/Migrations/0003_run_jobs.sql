-- Runs requested through `serve` exist before they start: queued with their Hangfire job, then running with
-- progress, then completed or failed. The CLI's own runs keep starting as running.
ALTER TABLE run DROP CONSTRAINT run_status_check;
ALTER TABLE run ADD CONSTRAINT run_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed'));
ALTER TABLE run ALTER COLUMN started_at DROP NOT NULL;
ALTER TABLE run
    ADD COLUMN trigger             text        NOT NULL DEFAULT 'cli' CHECK (trigger IN ('schedule', 'api', 'cli', 'dashboard')),
    ADD COLUMN queued_at           timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN hangfire_job_id     text,
    ADD COLUMN attempts            integer     NOT NULL DEFAULT 0,
    ADD COLUMN server              text,
    ADD COLUMN progress_phase      text,
    ADD COLUMN progress_rows       bigint      NOT NULL DEFAULT 0,
    ADD COLUMN progress_updated_at timestamptz,
    ADD COLUMN inbox               text,
    ADD COLUMN out_dir             text,
    ADD COLUMN forced_format       text;
UPDATE run SET queued_at = started_at, attempts = 1;
CREATE INDEX run_newest ON run (run_id DESC);

-- The three outputs of a completed run, byte for byte as written, so any server can hand them out.
CREATE TABLE run_output (
    run_id   bigint NOT NULL REFERENCES run,
    name     text   NOT NULL CHECK (name IN ('mismatches.csv', 'report.html', 'summary.json')),
    content  bytea  NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE INDEX run_hangfire_job ON run (hangfire_job_id) WHERE hangfire_job_id IS NOT NULL;
