-- append_events, version 4 (issue 19): an append of one event — nearly every command's — is one INSERT after
-- the append lock instead of four statements. Version 3 (0003_hash_chain.sql) ran, after the lock, an EXISTS
-- over the unpacked array, the stream's version, the head and the INSERT with the chain as a window
-- aggregate: each statement's executor start-up and the window cost more than the row it wrote (perf on the
-- backend: executor start-up and plan-node set-up a fifth of its time, heap and index inserts a twentieth).
-- For one event the checks become conditions of the INSERT itself and the chain one sha256 of the head's hash
-- and the row's canonical bytes — what `chain_hashes` gives for a single row. The guarantees are unchanged:
--   - the lock is taken in a statement of its own, so the INSERT's snapshot sees every append committed
--     before the lock was granted (positions dense and commit-ordered, the head's hash the one before);
--   - a stored event id, or a stream not at p_expected_version, makes the INSERT write nothing and the
--     function return no rows, without an error (0002_append_events_replay.sql; the caller decides);
--   - the hash is sha256(hash of the row before || event_canonical(row)), the empty string before the first.
-- Appends of several events keep version 3's statements. Same signature, owner and grants.
-- This version was landed once before and reverted on two foundation runs of a loaded machine (batches of 10
-- at 2.20 of a raw commit against 3.52). Measured again by the backend's CPU per append (read from /proc,
-- old and new alternated eight times in one session, both without the NOTIFY of 0006): batches of 10 cost the
-- same in both versions (about 0.95 ms), a single event about a sixth less.
CREATE OR REPLACE FUNCTION append_events(p_stream_id text, p_expected_version integer, p_events jsonb)
RETURNS TABLE (global_position bigint, stream_version integer, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    v_version  integer;
    v_position bigint;
    v_head     bytea;
    v_at       timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    v_at := clock_timestamp();
    IF jsonb_array_length(p_events) = 1 THEN
        RETURN QUERY
        INSERT INTO events AS e (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                                 occurred_on, recorded_at, subjects, payload, metadata, hash)
        SELECT h.pos, r.id, p_stream_id, s.version, r.type, r.schema_version, r.occurred_on, v_at, r.subjects,
               r.payload, r.metadata,
               sha256(h.previous || event_canonical(h.pos, r.id, p_stream_id, s.version, r.type, r.schema_version,
                                                    r.occurred_on, v_at, r.subjects, r.payload, r.metadata))
          FROM (SELECT (d->>'event_id')::uuid AS id, d->>'type' AS type, (d->>'schema_version')::integer AS schema_version,
                       (d->>'occurred_on')::date AS occurred_on, d->'subjects' AS subjects, d->'payload' AS payload,
                       d->'metadata' AS metadata
                  FROM (SELECT p_events->0 AS d) u) r,
               (SELECT coalesce(max(x.stream_version), 0) + 1 AS version FROM events x
                 WHERE x.stream_id = p_stream_id) s,
               (SELECT coalesce(t.global_position, 0) + 1 AS pos, coalesce(t.hash, '\x'::bytea) AS previous
                  FROM (SELECT 1) AS one
                  LEFT JOIN (SELECT y.global_position, y.hash FROM events y
                              ORDER BY y.global_position DESC LIMIT 1) t ON true) h
         WHERE (p_expected_version IS NULL OR s.version = p_expected_version + 1)
           AND NOT EXISTS (SELECT 1 FROM events x WHERE x.event_id = r.id)
        RETURNING e.global_position, e.stream_version, e.recorded_at;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM events e
                WHERE e.event_id IN (SELECT (d->>'event_id')::uuid FROM jsonb_array_elements(p_events) AS u(d))) THEN
        RETURN;
    END IF;
    SELECT coalesce(max(e.stream_version), 0) INTO v_version FROM events e WHERE e.stream_id = p_stream_id;
    IF p_expected_version IS NOT NULL AND v_version <> p_expected_version THEN
        RETURN;
    END IF;
    SELECT e.global_position, e.hash INTO v_position, v_head FROM events e ORDER BY e.global_position DESC LIMIT 1;
    v_position := coalesce(v_position, 0);
    RETURN QUERY
    INSERT INTO events AS e (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                             occurred_on, recorded_at, subjects, payload, metadata, hash)
    SELECT r.pos, r.id, p_stream_id, r.version, r.type, r.schema_version, r.occurred_on, v_at, r.subjects,
           r.payload, r.metadata,
           chain_hashes(v_head, event_canonical(r.pos, r.id, p_stream_id, r.version, r.type, r.schema_version,
                                                r.occurred_on, v_at, r.subjects, r.payload, r.metadata))
               OVER (ORDER BY r.pos)
      FROM (SELECT v_position + n AS pos, (d->>'event_id')::uuid AS id, v_version + n::integer AS version,
                   d->>'type' AS type, (d->>'schema_version')::integer AS schema_version,
                   (d->>'occurred_on')::date AS occurred_on, d->'subjects' AS subjects, d->'payload' AS payload,
                   d->'metadata' AS metadata
              FROM jsonb_array_elements(p_events) WITH ORDINALITY AS u(d, n)) r
     ORDER BY r.pos
    RETURNING e.global_position, e.stream_version, e.recorded_at;
END $$;
