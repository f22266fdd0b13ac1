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
CREATE INDEX events_subjects ON events USING gin (subjects jsonb_path_ops);

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
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM {{role}};
GRANT SELECT ON events TO {{group}};             -- consumers fill gaps from the source store, read-only
GRANT SELECT, INSERT, UPDATE ON relay_progress TO {{role}};
GRANT SELECT ON relay_progress TO {{group}};        -- the gateway reports relay lag on /health
GRANT SELECT, INSERT, DELETE ON processed_events TO {{role}};
GRANT SELECT, INSERT, UPDATE ON stream_checkpoints TO {{role}};
