-- M-12, version 3 of the historical import's append: the service role may no longer INSERT into `events`
-- (shared/migrations/0003_hash_chain.sql), so COPY cannot write there. The import COPYs its events into
-- `events_staging` instead (tagged with the writing transaction, numbered in the batch's order) and calls
-- `append_staged`, which runs as the owner: it takes the store's append lock (as `append_events` does),
-- reads the last position in a fresh snapshot, moves the transaction's staged rows into `events` in order,
-- numbered densely from there, stamped with one `recorded_at` and chained (each row's hash, as in
-- `append_events`, shared/migrations/0003_hash_chain.sql). The
-- staging table is unlogged: its rows live only inside their transaction.
CREATE UNLOGGED TABLE events_staging (
    txid           xid8    NOT NULL DEFAULT pg_current_xact_id(),
    ordinal        integer NOT NULL,
    event_id       uuid    NOT NULL,
    stream_id      text    NOT NULL,
    stream_version integer NOT NULL,
    event_type     text    NOT NULL,
    schema_version integer NOT NULL,
    occurred_on    date    NOT NULL,
    subjects       jsonb   NOT NULL,
    payload        jsonb   NOT NULL,
    metadata       jsonb   NOT NULL
);
CREATE INDEX events_staging_txid ON events_staging (txid);

CREATE FUNCTION append_staged()
RETURNS TABLE (first_position bigint, appended bigint, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    v_last  bigint;
    v_head  bytea;
    v_at    timestamptz;
    v_count bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    SELECT e.global_position, e.hash INTO v_last, v_head FROM events e ORDER BY e.global_position DESC LIMIT 1;
    v_last := coalesce(v_last, 0);
    v_at := clock_timestamp();
    INSERT INTO events (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                        occurred_on, recorded_at, subjects, payload, metadata, hash)
    SELECT r.pos, r.event_id, r.stream_id, r.stream_version, r.event_type, r.schema_version, r.occurred_on, v_at,
           r.subjects, r.payload, r.metadata,
           chain_hashes(v_head, event_canonical(r.pos, r.event_id, r.stream_id, r.stream_version, r.event_type,
                                                r.schema_version, r.occurred_on, v_at, r.subjects, r.payload,
                                                r.metadata)) OVER (ORDER BY r.pos)
      FROM (SELECT v_last + row_number() OVER (ORDER BY s.ordinal) AS pos, s.*
              FROM events_staging s WHERE s.txid = pg_current_xact_id()) r
     ORDER BY r.pos;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DELETE FROM events_staging s WHERE s.txid = pg_current_xact_id();
    RETURN QUERY SELECT v_last + 1, v_count, v_at;
END $$;

REVOKE ALL ON FUNCTION append_staged() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_staged TO {{role}};
GRANT INSERT ON events_staging TO {{role}};

-- The lock-then-COPY path it replaces.
DROP FUNCTION lock_appends();
