-- A batch of deliveries applied in one statement (issue 19): `project_deliveries` does what a batch took
-- five round trips for — BEGIN, the subscription's two bookkeeping statements (adapters/deliveries.py,
-- `admit`), `project_events`, COMMIT — in one call, which the caller runs on its own (autocommit: the
-- statement is the transaction). In the deployed shape a batch is one or two events, so those fixed round
-- trips were most of the timeline's work per registration and a good part of PostgreSQL's.
--
-- `p_entries` is what `project_events` takes (migrations/0006), in delivery order. For the subscription
-- `p_subscription`, with the guarantees of `shared.subscriptions` (and of `admit`, whose Python logic this is):
--
-- 1. the checkpoint rows of the batch's streams are created where missing and locked, in stream order;
-- 2. an entry at or below its stream's version (so far in the batch) is a duplicate and is skipped;
-- 3. an entry beyond version + 1 means earlier events of its stream have not arrived: the function returns
--    NULL having written nothing but the (version 0) rows of step 1, and the caller applies the batch the
--    general way, which reads the missing events from the source store;
-- 4. otherwise the moved checkpoints are written, the entries recorded in `processed_events` (by event id:
--    one recorded before is not applied again), and those newly recorded projected by `project_events`, in
--    position order (its lock order).
--
-- Returns the event ids applied, in delivery order (NULL: see 3). Every entry of the batch is of a wanted
-- type (the caller's subscription takes every event of its source) and makes no identity merge (the caller
-- checks: a merge's alias rows are written by Python in the same transaction, the general way).
CREATE FUNCTION project_deliveries(p_subscription text, p_entries jsonb)
RETURNS uuid[]
LANGUAGE plpgsql AS $$
DECLARE
    v_last jsonb;
    v_pending jsonb := '[]';
    v_entry jsonb;
    v_known integer;
    v_version integer;
    v_applied uuid[];
    v_new jsonb;
BEGIN
    -- One statement creates the missing rows and locks them all (an upsert locks the rows it touches).
    WITH locked AS (
        INSERT INTO stream_checkpoints AS c (subscription, stream_id, version)
        SELECT p_subscription, s, 0 FROM (SELECT DISTINCT e->>3 AS s FROM jsonb_array_elements(p_entries) e) AS d
         ORDER BY s
        ON CONFLICT (subscription, stream_id) DO UPDATE SET version = c.version
        RETURNING c.stream_id, c.version
    )
    SELECT jsonb_object_agg(locked.stream_id, locked.version) INTO v_last FROM locked;

    FOR v_entry IN SELECT u.e FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS u (e, n) ORDER BY u.n LOOP
        v_known := (v_last->>(v_entry->>3))::integer;
        v_version := (v_entry->>4)::integer;
        CONTINUE WHEN v_version <= v_known;  -- a duplicate, or an earlier version of this batch
        IF v_version > v_known + 1 THEN
            RETURN NULL;  -- earlier versions missing: the caller's general path reads them from the source
        END IF;
        v_pending := v_pending || jsonb_build_array(v_entry);
        v_last := jsonb_set(v_last, ARRAY[v_entry->>3], to_jsonb(v_version));
    END LOOP;
    IF jsonb_array_length(v_pending) = 0 THEN
        RETURN '{}';
    END IF;

    UPDATE stream_checkpoints c SET version = (v_last->>c.stream_id)::integer
     WHERE c.subscription = p_subscription AND c.stream_id IN (SELECT jsonb_object_keys(v_last))
       AND c.version <> (v_last->>c.stream_id)::integer;

    WITH recorded AS (
        INSERT INTO processed_events (subscription, event_id)
        SELECT p_subscription, (e->>2)::uuid FROM jsonb_array_elements(v_pending) e
        ON CONFLICT DO NOTHING
        RETURNING processed_events.event_id
    ), applied AS (
        SELECT u.e, u.n FROM jsonb_array_elements(v_pending) WITH ORDINALITY AS u (e, n)
         WHERE (u.e->>2)::uuid IN (SELECT recorded.event_id FROM recorded)
    )
    SELECT array_agg((applied.e->>2)::uuid ORDER BY applied.n),
           jsonb_agg(applied.e ORDER BY applied.e->>0, (applied.e->>1)::bigint)
      INTO v_applied, v_new FROM applied;

    IF v_new IS NOT NULL THEN
        PERFORM project_events(v_new);
    END IF;
    RETURN coalesce(v_applied, '{}');
END $$;

GRANT EXECUTE ON FUNCTION project_deliveries TO {{role}};
