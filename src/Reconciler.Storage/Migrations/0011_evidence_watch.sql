-- What the last full look at a date's evidence saw, so that a rerun over the same evidence looks again only at the
-- orders that could still break (MatchingRules.CannotBreak): a clean order's findings cannot change while its
-- evidence does not. Unlogged, like a cache: after a crash PostgreSQL empties both tables and the next run of each
-- date looks at every order again.
CREATE UNLOGGED TABLE evidence_watch (
    business_date date NOT NULL,
    order_no      text NOT NULL
);
CREATE INDEX evidence_watch_date ON evidence_watch (business_date);

CREATE UNLOGGED TABLE evidence_stamp (
    business_date date   PRIMARY KEY,
    inputs        text   NOT NULL,  -- the imported files the look saw (EvidenceSql.InputsStamp)
    policy        text   NOT NULL,  -- the date's bounds and the amount tolerance it judged with
    totals        jsonb  NOT NULL,  -- the date's order and vendor totals it counted
    run_id        bigint NOT NULL,
    orders        bigint NOT NULL,  -- orders of the date it looked at
    watched       bigint NOT NULL,  -- of which it kept on the watch list
    stamped_at    timestamptz NOT NULL DEFAULT now()
);
