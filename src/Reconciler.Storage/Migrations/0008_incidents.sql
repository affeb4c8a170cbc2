-- Incidents: findings of one run that share a cause, grouped (a vendor down, a provider's settlement missing, lost
-- payment callbacks, deliveries held in flight). Computed with each run after its findings are written.
CREATE TABLE incident (
    run_id         bigint      NOT NULL REFERENCES run,
    incident_no    integer     NOT NULL,
    business_date  date        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('vendor_down', 'settlement_missing', 'callback_failure', 'risk_hold')),
    vendor         text,
    provider       text,
    from_at        timestamptz NOT NULL,
    to_at          timestamptz NOT NULL,
    findings       integer     NOT NULL,
    -- amount is the total in the currency most of its findings are in; amounts lists every currency's total.
    amount         numeric     NOT NULL,
    currency       text,
    amounts        jsonb       NOT NULL DEFAULT '[]',
    detail         text        NOT NULL,
    PRIMARY KEY (run_id, incident_no)
);
CREATE INDEX incident_by_date ON incident (business_date, run_id);

-- The primary key keeps each finding in at most one incident of a run.
CREATE TABLE incident_finding (
    run_id       bigint  NOT NULL,
    finding_id   text    NOT NULL REFERENCES finding,
    incident_no  integer NOT NULL,
    PRIMARY KEY (run_id, finding_id),
    FOREIGN KEY (run_id, incident_no) REFERENCES incident (run_id, incident_no)
);
CREATE INDEX incident_finding_by_incident ON incident_finding (run_id, incident_no);

-- The findings page lists findings of any status by date, newest date first (finding_open_by_date covers open ones only).
CREATE INDEX finding_by_date ON finding (business_date DESC, finding_id);
