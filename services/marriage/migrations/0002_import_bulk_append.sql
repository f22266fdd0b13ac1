-- M-12, version 2 of the historical import's append: the events of an import batch are written with COPY
-- (services/marriage/adapters/historical.py) instead of one JSON parameter that the server had to parse,
-- take apart and build the rows from. COPY cannot call a function, so the append's two steps that must
-- happen under the store's append lock are this function: take the lock (the same advisory lock as
-- `append_events`, shared/migrations/0001_event_store.sql, held to the end of the transaction) and then,
-- in a statement of its own (a fresh snapshot: every append committed before the lock was granted is seen),
-- read the last position. The caller numbers its events from there, densely, in the same transaction, so
-- positions stay dense and commit-ordered; the events table's keys still refuse a duplicate event id or a
-- stream that exists, and its statement trigger still notifies the relay (COPY fires it).
CREATE FUNCTION lock_appends()
RETURNS TABLE (last_position bigint, locked_at timestamptz)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    RETURN QUERY SELECT coalesce(max(e.global_position), 0), clock_timestamp() FROM events e;
END $$;

GRANT EXECUTE ON FUNCTION lock_appends TO {{role}};

-- The JSON-parameter path it replaces.
DROP FUNCTION append_new_streams(jsonb);
