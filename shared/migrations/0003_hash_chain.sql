-- Tamper evidence (issue 14): the events of a schema form a hash chain in position order. Each row carries
-- hash = sha256(hash of the row at position - 1 || canonical bytes of the row), the first row's predecessor
-- being the empty string. A superuser can still edit, delete or re-order rows (or disable the triggers to do
-- so), but not without breaking the chain at that very place, and `civreg audit verify` names it
-- (shared/eventstore/chain.py); rewriting the chain from there on is caught against the published anchors.
--
-- The hash is computed inside PostgreSQL, by a BEFORE INSERT trigger, during the append functions, which run
-- SECURITY DEFINER under the store's append lock: appends are serial, so the predecessor is the row just
-- before (a row inserted earlier by the same statement is visible to the trigger). A row whose predecessor
-- is missing is refused: positions stay dense. The service role loses INSERT on `events`: it can only call
-- the append functions, which stamp the position, `recorded_at` and (through the trigger) the hash.

-- The canonical bytes of a row: a JSON array of every column, rendered by PostgreSQL (jsonb text is
-- deterministic: sorted keys, fixed spacing); the time in UTC with microseconds, whatever the session's zone.
-- One definition, by columns (the append functions hash rows before they exist) and by row (verification).
CREATE FUNCTION event_canonical(p_position bigint, p_event_id uuid, p_stream_id text, p_version integer,
                                p_type text, p_schema_version integer, p_occurred_on date,
                                p_recorded_at timestamptz, p_subjects jsonb, p_payload jsonb, p_metadata jsonb)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT convert_to(jsonb_build_array(
        p_position, p_event_id, p_stream_id, p_version, p_type, p_schema_version, p_occurred_on,
        to_char(p_recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_subjects, p_payload, p_metadata)::text, 'UTF8')
$$;
CREATE FUNCTION event_canonical(p {{schema}}.events) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT {{schema}}.event_canonical(p.global_position, p.event_id, p.stream_id, p.stream_version, p.event_type,
                                      p.schema_version, p.occurred_on, p.recorded_at, p.subjects, p.payload,
                                      p.metadata)
$$;

-- The chain as a running aggregate: over rows in position order, `chain_hashes(head, canonical)` gives each
-- row sha256(hash of the row before || its canonical bytes), starting from `head` (the stored hash of the
-- row before the first; '' at the very start). A window aggregate over a frame from the first row advances
-- its state row by row, so an append of n rows hashes them in one set-based statement: no per-row trigger,
-- no per-row lookup (measured: a row trigger cut the import's append to a third).
CREATE FUNCTION chain_step(p_state bytea, p_head bytea, p_row bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN sha256(coalesce(p_state, p_head, '\x'::bytea) || p_row);
END $$;
CREATE AGGREGATE chain_hashes(bytea, bytea) (SFUNC = chain_step, STYPE = bytea);

ALTER TABLE events ADD COLUMN hash bytea;

-- Rows stored before this migration are chained once, in order (the only UPDATE the table ever sees).
ALTER TABLE events DISABLE TRIGGER events_append_only;
UPDATE events e SET hash = c.hash
  FROM (SELECT global_position, chain_hashes(NULL, event_canonical(x)) OVER (ORDER BY global_position) AS hash
          FROM events x) c
 WHERE e.global_position = c.global_position;
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events ALTER COLUMN hash SET NOT NULL;

-- append_events, version 3: as version 2 (shared/migrations/0002), and it stamps each row's hash. It runs as
-- the function's owner (the service role may no longer INSERT), with the search path pinned so that no
-- caller's object shadows ours.
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
    v_at := clock_timestamp();
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
REVOKE INSERT ON events FROM {{role}};
