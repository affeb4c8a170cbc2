-- Runs: one row per `reconciler run`, with who asked and why.
CREATE TABLE run (
    run_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_date  date        NOT NULL,
    as_of          timestamptz NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    status         text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
    requested_by   text        NOT NULL,
    reason         text,
    error          text,
    summary        jsonb
);
CREATE INDEX run_business_date ON run (business_date, run_id);

-- A file (or one entry of an archive) is identified by the SHA-256 of its bytes plus the entry name.
CREATE TABLE imported_file (
    file_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256           text        NOT NULL,
    entry_name       text        NOT NULL DEFAULT '',
    source_name      text        NOT NULL,
    format           text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('orders', 'settlement', 'delivery')),
    provider         text,
    status           text        NOT NULL CHECK (status IN ('importing', 'imported', 'rejected', 'no_bill')),
    rows_imported    bigint      NOT NULL DEFAULT 0,
    rows_quarantined bigint      NOT NULL DEFAULT 0,
    control_summary  text,
    detail           text,
    period_start     date,
    period_end       date,
    run_id           bigint REFERENCES run,
    imported_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sha256, entry_name)
);

-- What each run saw in its inbox, file by file, for the report.
CREATE TABLE run_file (
    run_id          bigint  NOT NULL REFERENCES run,
    seq             int     NOT NULL,
    source_name     text    NOT NULL,
    sha256          text    NOT NULL,
    status          text    NOT NULL CHECK (status IN ('imported', 'duplicate', 'rejected', 'no_bill')),
    file_id         bigint REFERENCES imported_file,
    detail          text,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE platform_order (
    order_no        text PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    paid_at         timestamptz,
    customer_id     text        NOT NULL,
    merchant_id     text        NOT NULL,
    product_type    text        NOT NULL,
    sku             text        NOT NULL,
    target_account  text        NOT NULL,
    quantity        integer     NOT NULL,
    unit_price      numeric     NOT NULL,
    amount          numeric     NOT NULL,
    currency        text        NOT NULL,
    pay_channel     text        NOT NULL,
    status          text        NOT NULL,
    file_id         bigint      NOT NULL REFERENCES imported_file,
    line_no         bigint      NOT NULL
);
CREATE INDEX platform_order_created_at ON platform_order (created_at);

-- Every settlement line as imported, with its file and line; the same provider line in two files is
-- counted once by (provider, entry_type, entry_ref) when matching.
CREATE TABLE settlement_line (
    file_id          bigint      NOT NULL REFERENCES imported_file,
    line_no          bigint      NOT NULL,
    provider         text        NOT NULL,
    entry_type       text        NOT NULL,
    provider_txn_id  text        NOT NULL,
    entry_ref        text        NOT NULL,
    order_no         text,
    gross            numeric     NOT NULL,
    fee              numeric,
    net              numeric,
    currency         text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    provider_status  text        NOT NULL,
    PRIMARY KEY (file_id, line_no)
);
CREATE INDEX settlement_line_order_no ON settlement_line (order_no);
CREATE INDEX settlement_line_occurred_at ON settlement_line (occurred_at);
CREATE INDEX settlement_line_txn ON settlement_line (provider_txn_id) WHERE entry_type = 'payment';

CREATE TABLE delivery_event (
    file_id          bigint      NOT NULL REFERENCES imported_file,
    line_no          bigint      NOT NULL,
    vendor           text        NOT NULL,
    vendor_order_id  text        NOT NULL,
    order_no         text        NOT NULL,
    target_account   text        NOT NULL,
    sku              text        NOT NULL,
    quantity         integer     NOT NULL,
    face_value       numeric,
    cost             numeric,
    status           text        NOT NULL CHECK (status IN ('success', 'failed', 'processing')),
    finished_at      timestamptz,
    PRIMARY KEY (file_id, line_no)
);
CREATE INDEX delivery_event_order_no ON delivery_event (order_no);

CREATE TABLE quarantine (
    file_id   bigint NOT NULL REFERENCES imported_file,
    line_no   bigint NOT NULL,
    raw_text  text   NOT NULL,
    reason    text   NOT NULL,
    PRIMARY KEY (file_id, line_no)
);

-- A finding is keyed by its derived id; reruns update it in place.
CREATE TABLE finding (
    finding_id           text PRIMARY KEY,
    kind                 text        NOT NULL,
    business_date        date        NOT NULL,
    order_no             text,
    provider             text,
    provider_txn_id      text,
    vendor               text,
    expected_amount      numeric,
    charged_amount       numeric,
    delivered_quantity   integer,
    ordered_quantity     integer,
    currency             text,
    compensation_action  text        NOT NULL,
    compensation_amount  numeric,
    detail               text        NOT NULL,
    status               text        NOT NULL CHECK (status IN ('open', 'resolved')),
    first_run_id         bigint      NOT NULL REFERENCES run,
    last_run_id          bigint      NOT NULL REFERENCES run,
    resolved_run_id      bigint REFERENCES run,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_open_by_date ON finding (business_date) WHERE status = 'open';
CREATE INDEX finding_order_no ON finding (order_no);

-- What each run found (or saw resolve), as it found it: the report's "what changed" and the rerun history.
CREATE TABLE run_finding (
    run_id               bigint  NOT NULL REFERENCES run,
    finding_id           text    NOT NULL REFERENCES finding,
    change               text    NOT NULL CHECK (change IN ('new', 'open', 'resolved')),
    kind                 text    NOT NULL,
    business_date        date    NOT NULL,
    order_no             text,
    provider             text,
    provider_txn_id      text,
    vendor               text,
    expected_amount      numeric,
    charged_amount       numeric,
    delivered_quantity   integer,
    ordered_quantity     integer,
    currency             text,
    compensation_action  text    NOT NULL,
    compensation_amount  numeric,
    detail               text    NOT NULL,
    PRIMARY KEY (run_id, finding_id)
);

-- One request per automatic finding: the id is the finding id, so no rerun can create a second one.
CREATE TABLE compensation_request (
    request_id        text PRIMARY KEY REFERENCES finding (finding_id),
    order_no          text,
    kind              text        NOT NULL,
    action            text        NOT NULL CHECK (action IN ('refund', 'redeliver')),
    amount            numeric     NOT NULL,
    currency          text,
    state             text        NOT NULL DEFAULT 'pending'
                                  CHECK (state IN ('pending', 'claimed', 'completed', 'failed', 'withdrawn')),
    claimed_by        text,
    lease_expires_at  timestamptz,
    attempts          integer     NOT NULL DEFAULT 0,
    outcome           text,
    created_run_id    bigint      NOT NULL REFERENCES run,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compensation_request_claimable ON compensation_request (created_at) WHERE state IN ('pending', 'claimed');

-- The view the compensation API reads.
CREATE VIEW compensation_queue AS
SELECT c.request_id, c.state, c.action, c.amount, c.currency, c.order_no, c.kind,
       f.provider, f.provider_txn_id, f.business_date, f.detail,
       c.claimed_by, c.lease_expires_at, c.attempts, c.outcome, c.created_at, c.updated_at
FROM compensation_request c
JOIN finding f ON f.finding_id = c.request_id;
