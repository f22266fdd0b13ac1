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
-- 3. an entry beyond version + 1 means earlier events of its stream have not arrived (or arrive later in the
--    batch): the function returns NULL having written nothing but the (version 0) rows of step 1, and the
--    caller applies the batch the general way, which reads the missing events from the source store;
-- 4. otherwise the moved checkpoints are written, the entries recorded in `processed_events` (by event id:
--    one recorded before is not applied again), and those newly recorded projected by `project_events`, in
--    position order (its lock order).
--
-- Each step is one set-based statement (no loop over the entries: a backlog's batch is 500 of them).
-- Returns the event ids applied, in delivery order (NULL: see 3). Every entry of the batch is of a wanted
-- type (the caller's subscription takes every event of its source) and makes no identity merge (the caller
-- checks: a merge's alias rows are written by Python in the same transaction, the general way).
CREATE FUNCTION project_deliveries(p_subscription text, p_entries jsonb)
RETURNS uuid[]
LANGUAGE plpgsql AS $$
DECLARE
    v_last jsonb;
    v_in_order boolean;
    v_pending jsonb;
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

    -- Set-based, as `admit` decides one delivery after another: each version's first delivery, those beyond
    -- their stream's version. Delivered in version order and without a hole (the k-th new version of a stream
    -- delivered k-th, and equal to version + k), they are what `admit` would apply, in that order; anything
    -- else (a hole, a later version delivered before an earlier one) is left to it.
    WITH delivered AS (
        SELECT u.e, u.n, u.e->>3 AS stream, (u.e->>4)::integer AS version
          FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS u (e, n)
    ), firsts AS (
        SELECT DISTINCT ON (stream, version) e, n, stream, version FROM delivered ORDER BY stream, version, n
    ), news AS (
        SELECT e, n, stream, version, (v_last->>stream)::integer AS known,
               row_number() OVER (PARTITION BY stream ORDER BY n) AS by_arrival,
               row_number() OVER (PARTITION BY stream ORDER BY version) AS by_version
          FROM firsts WHERE version > (v_last->>stream)::integer
    )
    SELECT coalesce(bool_and(by_arrival = by_version AND version = known + by_version), true),
           coalesce(jsonb_agg(e ORDER BY n), '[]')
      INTO v_in_order, v_pending FROM news;
    IF NOT v_in_order THEN
        RETURN NULL;  -- earlier versions missing: the caller's general path reads them from the source
    END IF;
    IF jsonb_array_length(v_pending) = 0 THEN
        RETURN '{}';
    END IF;

    UPDATE stream_checkpoints c SET version = m.version
      FROM (SELECT e->>3 AS stream_id, max((e->>4)::integer) AS version
              FROM jsonb_array_elements(v_pending) e GROUP BY 1) AS m
     WHERE c.subscription = p_subscription AND c.stream_id = m.stream_id;

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
