-- The timeline projection (T-1, T-2): every event of every source service, the persons each concerns, and
-- the identity merges (temporary subject ids linked to ID numbers). Everything here is rebuilt from the
-- source stores; a rebuild writes a new `generation` beside the live one and switches over in one
-- transaction (services/timeline/adapters/rebuild.py). {{role}} is the timeline's database role.

-- Which generation answers queries ('live'), which one a rebuild is filling ('building'), and old ones.
CREATE TABLE generations (
    generation  integer     PRIMARY KEY,
    state       text        NOT NULL CHECK (state IN ('live', 'building', 'retired')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    switched_at timestamptz
);
CREATE UNIQUE INDEX generations_one_live ON generations (state) WHERE state = 'live';
INSERT INTO generations (generation, state, switched_at) VALUES (1, 'live', now());

-- One row per source event, keyed by where it sits in its source store: (source, global_position). Source
-- positions are dense, so the first missing position is a missed message (see checkpoints).
CREATE TABLE entries (
    generation      integer     NOT NULL,
    source          text        NOT NULL,
    global_position bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL,
    event_type      text        NOT NULL,
    occurred_on     date        NOT NULL,
    recorded_at     timestamptz NOT NULL,
    subjects        jsonb       NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    PRIMARY KEY (generation, source, global_position)
);

-- The persons an entry concerns (T-1: "whose subjects include the person").
CREATE TABLE entry_subjects (
    generation      integer NOT NULL,
    subject_id      text    NOT NULL,
    source          text    NOT NULL,
    global_position bigint  NOT NULL,
    role            text    NOT NULL,
    PRIMARY KEY (generation, subject_id, source, global_position, role)
);

-- Identity merges: a temporary id is linked to a person by an identification and unlinked again by an
-- unlink (docs/events.md, "Rules for every contract"). The latest row per temporary id decides.
CREATE TABLE aliases (
    generation      integer     NOT NULL,
    temporary_id    text        NOT NULL,
    person_id       text        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('link', 'unlink')),
    source          text        NOT NULL,
    global_position bigint      NOT NULL,
    stream_id       text        NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (generation, source, global_position, temporary_id, action)
);
CREATE INDEX aliases_by_person ON aliases (generation, person_id);
CREATE INDEX aliases_by_temporary ON aliases (generation, temporary_id, recorded_at);
CREATE INDEX aliases_by_stream ON aliases (generation, source, stream_id);

-- The checkpoint per source service: every position up to `position` is in `entries`. The change feed
-- serves nothing beyond it, and a checkpoint that stays behind the source's head is a gap to fill.
CREATE TABLE checkpoints (
    generation integer     NOT NULL,
    source     text        NOT NULL,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, source)
);

-- Advance a source's checkpoint over every contiguous position now present; returns it. The row is locked
-- first and read after: each later statement of this (volatile) function takes a fresh snapshot, so it sees
-- every writer that held the lock before, and two writers of neighbouring positions cannot miss each other.
CREATE FUNCTION advance_checkpoint(p_generation integer, p_source text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_start    bigint;
    v_position bigint;
BEGIN
    INSERT INTO checkpoints (generation, source, position) VALUES (p_generation, p_source, 0)
        ON CONFLICT DO NOTHING;
    SELECT c.position INTO v_start FROM checkpoints c
     WHERE c.generation = p_generation AND c.source = p_source FOR UPDATE;
    v_position := v_start;
    LOOP
        PERFORM 1 FROM entries e
         WHERE e.generation = p_generation AND e.source = p_source AND e.global_position = v_position + 1;
        EXIT WHEN NOT FOUND;
        v_position := v_position + 1;
    END LOOP;
    IF v_position <> v_start THEN
        UPDATE checkpoints c SET position = v_position, updated_at = now()
         WHERE c.generation = p_generation AND c.source = p_source;
    END IF;
    RETURN v_position;
END $$;

-- Project one event into the live generation, in one round trip: take the switch lock shared (a rebuild's
-- switch-over takes it alone), read the live generation (a statement of its own, so it sees a switch-over
-- that committed while this writer waited), insert the entry and its subjects unless present. Returns the
-- generation and whether the entry is new (identity merges follow). The checkpoint is advanced apart, so
-- that no writer holds the checkpoint row through its commit (services/timeline/adapters/projection.py).
CREATE FUNCTION project_event(p_source text, p_position bigint, p_event_id uuid, p_stream_id text,
                              p_stream_version integer, p_event_type text, p_occurred_on date,
                              p_recorded_at timestamptz, p_subjects jsonb, p_payload jsonb, p_metadata jsonb)
RETURNS TABLE (generation integer, inserted boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_generation integer;
    v_inserted   boolean;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(3, 0);
    SELECT g.generation INTO v_generation FROM generations g WHERE g.state = 'live';
    INSERT INTO entries AS e (generation, source, global_position, event_id, stream_id, stream_version, event_type,
                              occurred_on, recorded_at, subjects, payload, metadata)
    VALUES (v_generation, p_source, p_position, p_event_id, p_stream_id, p_stream_version, p_event_type,
            p_occurred_on, p_recorded_at, p_subjects, p_payload, p_metadata)
    ON CONFLICT DO NOTHING;
    v_inserted := FOUND;
    IF v_inserted THEN
        INSERT INTO entry_subjects (generation, subject_id, source, global_position, role)
        SELECT DISTINCT v_generation, s->>'id', p_source, p_position, s->>'role'
          FROM jsonb_array_elements(p_subjects) AS s
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN QUERY SELECT v_generation, v_inserted;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON generations, entries, entry_subjects, aliases, checkpoints TO {{role}};
GRANT SELECT ON generations, checkpoints TO {{group}};  -- the gateway's /health reports projector lag
GRANT EXECUTE ON FUNCTION advance_checkpoint TO {{role}};
GRANT EXECUTE ON FUNCTION project_event TO {{role}};
