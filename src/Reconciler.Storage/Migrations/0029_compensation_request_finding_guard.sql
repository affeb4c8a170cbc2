-- compensation_request.request_id -> finding was a foreign key: a trigger query per request written, looking up and
-- key-share locking (a WAL record each) the finding the same merge had just written. On a vendor-outage day of a
-- million orders that is 195,398 queries on the one connection every finding waits for: inserting that day's requests
-- took 2.42-2.65 s with the key against 1.36-1.40 s without (psql, alternating, a checkpoint before each), and a
-- statement-level check of the inserted rows (a transition table anti-joined with finding) 1.86-2.27 s.
--
-- What the compensation workflow leans on is that a request's finding is always there. The finding merge is the only
-- writer of requests and writes each from a finding it has upserted earlier in the same transaction (FindingWriter);
-- what could break the guarantee afterwards is a finding deleted, truncated or renumbered, and these guards refuse
-- that as the key did, at no cost to the inserts and updates a run makes (no run deletes a finding, and its upsert
-- never sets finding_id).
ALTER TABLE compensation_request DROP CONSTRAINT IF EXISTS compensation_request_request_id_fkey;

CREATE OR REPLACE FUNCTION finding_keep_requested() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM compensation_request) THEN
            RAISE EXCEPTION 'finding cannot be truncated: compensation requests name its findings'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM compensation_request c WHERE c.request_id = OLD.finding_id) THEN
            RAISE EXCEPTION 'finding % cannot change its id: a compensation request names it', OLD.finding_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
    ELSE
        -- DELETE, per statement: every deleted finding that a request names.
        IF EXISTS (SELECT 1 FROM deleted d JOIN compensation_request c ON c.request_id = d.finding_id) THEN
            RAISE EXCEPTION 'findings cannot be deleted while compensation requests name them'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS finding_keep_requested_delete ON finding;
CREATE TRIGGER finding_keep_requested_delete AFTER DELETE ON finding REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION finding_keep_requested();
-- After the truncation, as the key was checked: a TRUNCATE that empties the requests too (with their history) passes.
DROP TRIGGER IF EXISTS finding_keep_requested_truncate ON finding;
CREATE TRIGGER finding_keep_requested_truncate AFTER TRUNCATE ON finding
    FOR EACH STATEMENT EXECUTE FUNCTION finding_keep_requested();
-- Fires only for an UPDATE whose SET names finding_id, and calls the function only when the id changes.
DROP TRIGGER IF EXISTS finding_keep_requested_update ON finding;
CREATE TRIGGER finding_keep_requested_update BEFORE UPDATE OF finding_id ON finding
    FOR EACH ROW WHEN (OLD.finding_id IS DISTINCT FROM NEW.finding_id) EXECUTE FUNCTION finding_keep_requested();
