-- The compensation queue's leases, retries and answers, its state history, and the outbox of events for webhooks.

-- A claim hands out a fresh lease token; a retryable failure waits until next_attempt_at before it is claimable again.
ALTER TABLE compensation_request
    ADD COLUMN lease_token      uuid,
    ADD COLUMN next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_error       text,
    ADD COLUMN reference        text,
    ADD COLUMN completed_at     timestamptz;

-- What a claim reads: the moment each pending or claimed request becomes claimable (retry due, or lease expired), so
-- a claim walks only due rows in due order and stops, however many live leases or later retries the queue holds.
-- CompensationStore's claim repeats this expression word for word so that the planner uses the index.
CREATE INDEX compensation_request_due ON compensation_request
    ((CASE WHEN state = 'claimed' THEN lease_expires_at ELSE next_attempt_at END))
    WHERE state IN ('pending', 'claimed');
CREATE INDEX compensation_request_state ON compensation_request (state, request_id);

-- The first answer to each state change sent with an Idempotency-Key, replayed byte for byte to a retry.
-- scope is the request id, or 'claim:<consumer>' for a claim.
CREATE TABLE compensation_idempotency (
    scope            text        NOT NULL,
    idempotency_key  text        NOT NULL,
    operation        text        NOT NULL,
    fingerprint      text        NOT NULL,
    status_code      integer     NOT NULL,
    body             text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, idempotency_key)
);

-- Every state change of a request after its creation (created_at and created_run_id say when it was made), for the
-- order timeline. A trigger keeps it, so the finding merge's withdrawals are recorded as well as the queue's changes.
CREATE TABLE compensation_history (
    request_id      text        NOT NULL REFERENCES compensation_request,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    previous_state  text        NOT NULL,
    state           text        NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    consumer        text,
    attempt         integer     NOT NULL,
    note            text,
    PRIMARY KEY (request_id, seq)
);

-- Statement-level with transition tables: one set-based insert per statement, not a function call per row, so a
-- run that withdraws many requests pays one join.
CREATE FUNCTION compensation_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO compensation_history (request_id, previous_state, state, consumer, attempt, note)
    SELECT n.request_id, o.state, n.state, n.claimed_by, n.attempts, n.outcome
    FROM new_rows n JOIN old_rows o ON o.request_id = n.request_id
    WHERE n.state IS DISTINCT FROM o.state OR n.lease_token IS DISTINCT FROM o.lease_token;
    RETURN NULL;
END;
$$;

CREATE TRIGGER compensation_history_on_update
    AFTER UPDATE ON compensation_request
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION compensation_history_record();

-- The view the compensation API reads, with the new columns appended (lease tokens stay out of it).
CREATE OR REPLACE VIEW compensation_queue AS
SELECT c.request_id, c.state, c.action, c.amount, c.currency, c.order_no, c.kind,
       f.provider, f.provider_txn_id, f.business_date, f.detail,
       c.claimed_by, c.lease_expires_at, c.attempts, c.outcome, c.created_at, c.updated_at,
       f.vendor, c.next_attempt_at, c.last_error, c.reference, c.completed_at
FROM compensation_request c
JOIN finding f ON f.finding_id = c.request_id;

-- Events written in the same transaction as the change they announce; dedupe_key keeps a rerun from announcing the
-- same thing twice (a spike of one kind on one date).
CREATE TABLE event_outbox (
    event_id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type     text        NOT NULL,
    payload        jsonb       NOT NULL,
    dedupe_key     text        UNIQUE,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    fanned_out_at  timestamptz
);
CREATE INDEX event_outbox_not_fanned_out ON event_outbox (event_id) WHERE fanned_out_at IS NULL;

-- One row per event and configured webhook that wants it, with its own retries.
CREATE TABLE event_delivery (
    event_id         bigint      NOT NULL REFERENCES event_outbox,
    webhook          text        NOT NULL,
    url              text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, webhook)
);
CREATE INDEX event_delivery_due ON event_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX event_delivery_by_state ON event_delivery (state, event_id);
