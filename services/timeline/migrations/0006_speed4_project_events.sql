-- A batch of events projected in one set-based write (issue 19): `project_events` replaces `project_event`,
-- which a batch called once per entry — an advisory lock, a generation look-up and two single-row inserts per
-- entry, most of PostgreSQL's time per live event. Here the lock is taken and the generation looked up once
-- per batch, and the entries and their subjects go in as one insert each.
--
-- `p_entries` is a JSON array of entries, each an array: source, global_position, event_id, stream_id,
-- stream_version, event_type, occurred_on, recorded_at, subjects (an array of {"id", "role"}), payload,
-- metadata. They are inserted in the array's order, which the caller makes position order: two transactions
-- writing overlapping batches then wait on each other's keys in the same order, and cannot deadlock.
--
-- With no `p_generation`, the live path: take the switch lock shared (a rebuild's switch-over takes it alone),
-- then read the live generation in a statement of its own, so that it sees a switch-over that committed while
-- this writer waited for the lock. With one, the rebuild's catch-up writing the generation it builds, as
-- before without the lock (the switch-over holds it already when it catches up last).
--
-- Idempotent by (generation, source, global_position): an entry present already, or twice in the array, is
-- written once (ON CONFLICT DO NOTHING). Returns the generation and the key of every entry that is new, for
-- the caller's identity merges (aliases); its subjects are written with it, in the same statement.
CREATE FUNCTION project_events(p_entries jsonb, p_generation integer DEFAULT NULL)
RETURNS TABLE (generation integer, source text, global_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_generation integer := p_generation;
BEGIN
    IF v_generation IS NULL THEN
        PERFORM pg_advisory_xact_lock_shared(3, 0);
        SELECT g.generation INTO v_generation FROM generations g WHERE g.state = 'live';
    END IF;
    RETURN QUERY
    WITH added AS (
        INSERT INTO entries AS e (generation, source, global_position, event_id, stream_id, stream_version,
                                  event_type, occurred_on, recorded_at, subjects, payload, metadata)
        SELECT v_generation, u.e->>0, (u.e->>1)::bigint, (u.e->>2)::uuid, u.e->>3, (u.e->>4)::integer, u.e->>5,
               (u.e->>6)::date, (u.e->>7)::timestamptz, u.e->8, u.e->9, u.e->10
          FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS u (e, n)
         ORDER BY u.n
        ON CONFLICT DO NOTHING
        RETURNING e.source, e.global_position, e.subjects
    ), subjects AS (
        INSERT INTO entry_subjects AS s (generation, subject_id, source, global_position, role)
        SELECT DISTINCT v_generation, j.subject->>'id', added.source, added.global_position, j.subject->>'role'
          FROM added, jsonb_array_elements(added.subjects) AS j (subject)
        ON CONFLICT DO NOTHING
    )
    SELECT v_generation, added.source, added.global_position FROM added;
END $$;

GRANT EXECUTE ON FUNCTION project_events TO {{role}};

-- Nothing calls the one-entry function any more: one definition of a projected write.
DROP FUNCTION project_event(text, bigint, uuid, text, integer, text, date, timestamptz, jsonb, jsonb, jsonb);
