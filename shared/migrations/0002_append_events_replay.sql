-- append_events, version 2: a retried append (event ids already stored) returns no rows instead of failing
-- with a unique violation. An error aborts the caller's transaction, so every append inside a unit of work
-- had to be wrapped in a SAVEPOINT … RELEASE SAVEPOINT (two more round trips per command) only to survive
-- the retry case; with no error there is nothing to roll back to. The check runs under the append lock,
-- which every append takes, so no concurrent append can store the same ids between the check and the
-- INSERT; the caller reads the stored events back and answers as the first time (shared/eventstore/postgres.py).
-- Everything else is as in 0001: same signature, same grants (CREATE OR REPLACE keeps them).
CREATE OR REPLACE FUNCTION append_events(p_stream_id text, p_expected_version integer, p_events jsonb)
RETURNS TABLE (global_position bigint, stream_version integer, recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_version  integer;
    v_position bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    IF EXISTS (SELECT 1 FROM events e
                WHERE e.event_id IN (SELECT (d->>'event_id')::uuid FROM jsonb_array_elements(p_events) AS u(d))) THEN
        RETURN;
    END IF;
    SELECT coalesce(max(e.stream_version), 0) INTO v_version FROM events e WHERE e.stream_id = p_stream_id;
    IF p_expected_version IS NOT NULL AND v_version <> p_expected_version THEN
        RETURN;
    END IF;
    SELECT coalesce(max(e.global_position), 0) INTO v_position FROM events e;
    RETURN QUERY
    INSERT INTO events AS e (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                             occurred_on, recorded_at, subjects, payload, metadata)
    SELECT v_position + n, (d->>'event_id')::uuid, p_stream_id, v_version + n::integer, d->>'type',
           (d->>'schema_version')::integer, (d->>'occurred_on')::date, clock_timestamp(),
           d->'subjects', d->'payload', d->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS u(d, n)
    RETURNING e.global_position, e.stream_version, e.recorded_at;
END $$;
