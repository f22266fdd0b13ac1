-- The access log, release 2 (issue 14): hash-chained like the services' events, appended only through a
-- SECURITY DEFINER function, and each row tells more: every person the answer disclosed (an indexed set,
-- canonical ids and linked temporary ids), the client's address, a bureau's purpose code and case
-- reference, and what a bulk read covered (`detail`: "month=2025-08", "positions 1-1000").
-- {{role}} is the gateway's database role.

ALTER TABLE access_log
    ADD COLUMN subjects     text[] NOT NULL DEFAULT '{}',   -- every person the call concerned or disclosed
    ADD COLUMN client_ip    text,                           -- the peer address the gateway saw
    ADD COLUMN purpose_code text,                           -- X-Purpose-Code, from services/timeline/access.yaml
    ADD COLUMN case_ref     text,                           -- X-Case-Ref, the bureau's own case reference
    ADD COLUMN detail       text,                           -- what a bulk read covered
    ADD COLUMN hash         bytea;
-- Oversight finds a person by any row that names them, whichever spelling the caller used.
CREATE INDEX access_log_subjects ON access_log USING gin (subjects);

-- The canonical bytes of a row (as for events, shared/migrations/0003_hash_chain.sql).
CREATE FUNCTION access_log_canonical(p {{schema}}.access_log) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT convert_to(jsonb_build_array(
        p.id, to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), p.principal, p.role, p.action,
        p.subject, p.subjects, p.purpose, p.purpose_code, p.case_ref, p.client_ip, p.detail, p.outcome,
        p.correlation_id)::text, 'UTF8')
$$;

-- hash = sha256(hash of the row before, in id order || canonical bytes). Appends are serialised by the
-- access log's lock (taken in `append_access`), so the row before is the last one; a row inserted earlier
-- by the same statement is visible here.
CREATE FUNCTION chain_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_previous bytea;
BEGIN
    SELECT a.hash INTO v_previous FROM {{schema}}.access_log a WHERE a.id < NEW.id ORDER BY a.id DESC LIMIT 1;
    NEW.hash := sha256(coalesce(v_previous, '\x') || {{schema}}.access_log_canonical(NEW));
    RETURN NEW;
END $$;

-- Rows written before this migration are chained once, in order.
ALTER TABLE access_log DISABLE TRIGGER access_log_append_only;
DO $$
DECLARE
    v_row      {{schema}}.access_log;
    v_previous bytea := '\x';
BEGIN
    FOR v_row IN SELECT * FROM {{schema}}.access_log ORDER BY id LOOP
        v_row.subjects := CASE WHEN v_row.subject IS NULL THEN '{}' ELSE ARRAY[v_row.subject] END;
        v_previous := sha256(v_previous || {{schema}}.access_log_canonical(v_row));
        UPDATE {{schema}}.access_log SET subjects = v_row.subjects, hash = v_previous WHERE id = v_row.id;
    END LOOP;
END $$;
ALTER TABLE access_log ENABLE TRIGGER access_log_append_only;
ALTER TABLE access_log ALTER COLUMN hash SET NOT NULL;

CREATE TRIGGER access_log_chain BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION chain_access_log();

-- Appending: the rows as one JSON array of objects (the group commit writes many at once), in order,
-- under the access log's append lock (held to the commit); `at` is stamped here. Returns the rows written.
CREATE FUNCTION append_access(p_rows jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    v_count bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    INSERT INTO access_log (at, principal, role, action, subject, subjects, purpose, purpose_code, case_ref,
                            client_ip, detail, outcome, correlation_id)
    SELECT clock_timestamp(), r->>'principal', r->>'role', r->>'action', r->>'subject',
           ARRAY(SELECT jsonb_array_elements_text(coalesce(r->'subjects', '[]'))), r->>'purpose',
           r->>'purpose_code', r->>'case_ref', r->>'client_ip', r->>'detail', (r->>'outcome')::smallint,
           r->>'correlation_id'
      FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS u(r, n)
     ORDER BY n;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END $$;

REVOKE ALL ON FUNCTION append_access(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_access(jsonb) TO {{role}};
REVOKE INSERT ON access_log FROM {{role}};

-- Idempotency keys and their stored responses are kept 72 hours (configurable): the gateway deletes older
-- ones (services/gateway/idempotency.py); the index makes that a range scan.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
GRANT DELETE ON idempotency_keys TO {{role}};
