-- The event store, the outbox relay's progress and the subscriptions' bookkeeping of one service schema.
-- {{role}} is the service's own database role; {{group}} the group role of all civreg services.

CREATE TABLE events (
    global_position bigint      PRIMARY KEY,           -- dense, commit-ordered (see shared/eventstore/postgres.py)
    event_id        uuid        NOT NULL UNIQUE,       -- appending the same id twice is a no-op
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version > 0),
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL CHECK (schema_version > 0),
    occurred_on     date        NOT NULL,              -- the business date rules are judged by
    recorded_at     timestamptz NOT NULL,
    subjects        jsonb       NOT NULL DEFAULT '[]',
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    UNIQUE (stream_id, stream_version)                 -- optimistic concurrency, backstop of the lock
);

-- History is never edited: refuse UPDATE, DELETE and TRUNCATE even for the table's owner.
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- Wake the outbox relay at commit (NOTIFY is delivered only when the transaction commits).
CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();

-- Appending: one statement, so that an append outside a larger transaction costs one round trip and one
-- commit, like a plain INSERT. The append lock (advisory, namespace 1, released after the commit is
-- visible) serialises appends of this schema; each statement after it sees every earlier append, so the
-- positions handed out are dense and become visible in order (shared/eventstore/postgres.py). The events
-- come as one JSON array (one parameter to encode); no rows come back when the stream is not at
-- p_expected_version (NULL: append at any version).
CREATE FUNCTION append_events(p_stream_id text, p_expected_version integer, p_events jsonb)
RETURNS TABLE (global_position bigint, stream_version integer, recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_version  integer;
    v_position bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
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

-- How far the outbox relay has published (advanced only after the broker confirmed).
CREATE TABLE relay_progress (
    relay       text        PRIMARY KEY,
    position    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Subscriptions: the events a consumer has applied (recorded in the same transaction as the effect) and
-- the last version applied per source stream (to restore per-stream order).
CREATE TABLE processed_events (
    subscription text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription, event_id)
);
CREATE TABLE stream_checkpoints (
    subscription text    NOT NULL,
    stream_id    text    NOT NULL,
    version      integer NOT NULL,
    PRIMARY KEY (subscription, stream_id)
);

GRANT SELECT, INSERT ON events TO {{role}};
GRANT EXECUTE ON FUNCTION append_events TO {{role}};
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM {{role}};
GRANT SELECT ON events TO {{group}};             -- consumers fill gaps from the source store, read-only
GRANT SELECT, INSERT, UPDATE ON relay_progress TO {{role}};
GRANT SELECT ON relay_progress TO {{group}};        -- the gateway reports relay lag on /health
GRANT SELECT, INSERT, DELETE ON processed_events TO {{role}};
GRANT SELECT, INSERT, UPDATE ON stream_checkpoints TO {{role}};
