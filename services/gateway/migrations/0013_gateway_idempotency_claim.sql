-- The Idempotency-Key claim in two round trips instead of four (services/gateway/idempotency.py): the gateway
-- sends `BEGIN; SELECT * FROM claim_idempotency_key(...)` as one message, and after the handler
-- `SELECT record_idempotency_outcome(...); COMMIT` as one. The mechanism is unchanged: the claim is the key
-- row's primary key, inserted in a transaction held open while the request runs; an identical request meanwhile
-- waits on that insert and then reads the committed outcome. Functions (rather than the statements themselves
-- in the simple-query message) keep their plans cached per session.

-- Claims (principal, key): `claimed` when this transaction inserted the row (the caller executes and records);
-- otherwise the stored row's request fingerprint and outcome (NULLs if there is none to read).
CREATE FUNCTION claim_idempotency_key(p_principal text, p_key text, p_request_hash text, OUT claimed boolean,
                                      OUT stored_hash text, OUT stored_status smallint, OUT stored_type text,
                                      OUT stored_body bytea, OUT stored_headers jsonb)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO idempotency_keys (principal, key, request_hash) VALUES (p_principal, p_key, p_request_hash)
    ON CONFLICT DO NOTHING;
    claimed := FOUND;
    IF NOT claimed THEN
        -- The insert waited for the first holder to commit; this statement's own snapshot (READ COMMITTED, a
        -- new one per statement of a volatile function) sees its outcome. No row: nothing to read (NULLs).
        SELECT k.request_hash, k.status, k.content_type, k.body, k.headers
          INTO stored_hash, stored_status, stored_type, stored_body, stored_headers
          FROM idempotency_keys k WHERE k.principal = p_principal AND k.key = p_key;
    END IF;
END $$;

-- Stores the outcome of a claimed key, with the call's access-log rows (`p_audit`, as `append_access` takes
-- them; NULL: none) in the same transaction, so that neither is durable without the other.
CREATE FUNCTION record_idempotency_outcome(p_principal text, p_key text, p_status integer, p_content_type text,
                                           p_body bytea, p_headers jsonb, p_audit jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_audit IS NOT NULL THEN
        PERFORM append_access(p_audit);
    END IF;
    UPDATE idempotency_keys SET status = p_status, content_type = p_content_type, body = p_body,
                                headers = p_headers, completed_at = now()
     WHERE principal = p_principal AND key = p_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'idempotency key (%, %) is not claimed', p_principal, p_key;
    END IF;
END $$;

REVOKE ALL ON FUNCTION claim_idempotency_key(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION record_idempotency_outcome(text, text, integer, text, bytea, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_idempotency_key(text, text, text) TO {{role}};
GRANT EXECUTE ON FUNCTION record_idempotency_outcome(text, text, integer, text, bytea, jsonb, jsonb) TO {{role}};
