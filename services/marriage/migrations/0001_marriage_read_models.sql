-- The marriage service's inline read models: written in the same transaction as the events they follow
-- (services/marriage/adapters/read_models.py), so that commands decide on them and queries answer from
-- them. They hold nothing the events do not. {{role}} is the service's own database role.

-- One row per registration (imported ones too), with what decisions, queries and statistics need.
CREATE TABLE marriages (
    registration_id text        PRIMARY KEY,
    office          text        NOT NULL,
    registered_on   date        NOT NULL,
    husband         text        NOT NULL,             -- the parties' ID numbers (M-2: one man, one woman)
    wife            text        NOT NULL,
    parties         jsonb       NOT NULL,             -- [{id_number, sex, household_division, name}]
    cross_county    boolean     NOT NULL,             -- M-6, the plan's 市内通办 indicator
    imported        boolean     NOT NULL,             -- M-12
    status          text        NOT NULL,             -- married | divorced | widowed | void | annulled | revoked
    ended_on        date,
    flagged         boolean     NOT NULL DEFAULT false, -- M-11 registered after a party's death
    version         integer     NOT NULL
);
CREATE INDEX marriages_registered_on ON marriages (registered_on);
-- A person's registrations, whatever became of them: the streams their marital status is derived from
-- (services/marriage/domain/status.py) and the marriages a death reaches (M-11).
CREATE INDEX marriages_husband ON marriages (husband);
CREATE INDEX marriages_wife ON marriages (wife);

-- M-3, monogamy citywide: one row per person married right now, whichever office registered it. The
-- primary key is what makes races safe: a registration inserts both parties' rows in its own transaction;
-- a second registration of either party at any office, however concurrent, either waits for the first
-- transaction and then fails on the key (→ 409 already_married, nothing written) or sees the first
-- committed and is refused by the rule. Rows leave when the marriage ends or never existed.
CREATE TABLE current_marriages (
    person_id       text        PRIMARY KEY,
    registration_id text        NOT NULL            -- a marriages row; no foreign key: the projection writes
);                                                  -- both in one statement, and the check cost 20% of it

-- M-3, M-11: persons recorded as deceased by the funeral service (from its events).
CREATE TABLE deceased_persons (
    person_id       text        PRIMARY KEY,
    died_on         date        NOT NULL,
    death_id        text        NOT NULL
);

-- M-10: the serious-dishonesty list (失信名单), shown to clerks at later applications.
CREATE TABLE dishonest_persons (
    person_id       text        NOT NULL,
    registration_id text        NOT NULL,
    document_ref    text        NOT NULL,
    listed_on       date        NOT NULL,
    PRIMARY KEY (person_id, registration_id)
);

-- M-7: every certificate number ever issued or imported, unique citywide; a reissue invalidates the old.
CREATE SEQUENCE certificate_numbers;
CREATE TABLE certificates (
    number          text        PRIMARY KEY,
    registration_id text        NOT NULL,             -- a marriages row (no foreign key, as above)
    id_number       text        NOT NULL,
    kind            text        NOT NULL,             -- marriage | divorce
    issued_on       date        NOT NULL,
    office          text,
    valid           boolean     NOT NULL DEFAULT true,
    replaced_by     text
);

-- M-8: divorce applications; at most one pending per marriage (the partial unique index, race-safe).
CREATE TABLE divorces (
    divorce_id      text        PRIMARY KEY,
    registration_id text        NOT NULL REFERENCES marriages,
    office          text        NOT NULL,
    applied_on      date        NOT NULL,
    register_until  date        NOT NULL,
    status          text        NOT NULL,             -- pending | withdrawn | deemed_withdrawn | closed | registered
    registered_on   date,
    version         integer     NOT NULL
);
CREATE UNIQUE INDEX divorces_one_pending ON divorces (registration_id) WHERE status = 'pending';
CREATE INDEX divorces_lapsing ON divorces (register_until) WHERE status = 'pending';
CREATE INDEX divorces_registered_on ON divorces (registered_on) WHERE registered_on IS NOT NULL;

-- M-5: refused applications and their reasons (statistics).
CREATE TABLE refusals (
    refusal_id      text        PRIMARY KEY,
    office          text        NOT NULL,
    refused_on      date        NOT NULL,
    reasons         text[]      NOT NULL
);
CREATE INDEX refusals_refused_on ON refusals (refused_on);

-- M-13: appointments and the bookings per slot (office, date, kind), kept within capacity by a
-- conditional update.
CREATE TABLE appointments (
    appointment_id  text        PRIMARY KEY,
    office          text        NOT NULL,
    date            date        NOT NULL,
    kind            text        NOT NULL,
    status          text        NOT NULL,
    version         integer     NOT NULL
);
CREATE TABLE appointment_slots (
    office          text        NOT NULL,
    date            date        NOT NULL,
    kind            text        NOT NULL,
    booked          integer     NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (office, date, kind)
);

-- M-12: paper records that could not be imported as they stand, kept for review; a record (its office and
-- certificate numbers: `record_id`) is recorded once, however often its file is run.
CREATE TABLE import_conflicts (
    record_id       text        PRIMARY KEY,
    batch_id        text        NOT NULL,
    record_ref      text        NOT NULL,
    reason          text        NOT NULL
);

-- M-12: a historical import appends hundreds of registrations, each its own new stream at version 1, in one
-- statement: the same append lock and position rule as `append_events` (shared/migrations/0001_event_store.sql),
-- so the outbox relay's ordering guarantee holds; a stream that already exists fails on its unique key.
CREATE FUNCTION append_new_streams(p_events jsonb)
RETURNS TABLE (global_position bigint, stream_id text, recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_position bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    SELECT coalesce(max(e.global_position), 0) INTO v_position FROM events e;
    RETURN QUERY
    INSERT INTO events AS e (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                             occurred_on, recorded_at, subjects, payload, metadata)
    SELECT v_position + n, (d->>'event_id')::uuid, d->>'stream_id', 1, d->>'type',
           (d->>'schema_version')::integer, (d->>'occurred_on')::date, clock_timestamp(),
           d->'subjects', d->'payload', d->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS u(d, n)
    RETURNING e.global_position, e.stream_id, e.recorded_at;
END $$;

GRANT EXECUTE ON FUNCTION append_new_streams TO {{role}};
GRANT USAGE ON SEQUENCE certificate_numbers TO {{role}};
GRANT SELECT, INSERT, UPDATE ON marriages, certificates, divorces, refusals, appointments, appointment_slots,
    import_conflicts TO {{role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON current_marriages, deceased_persons TO {{role}};
GRANT SELECT, INSERT ON dishonest_persons TO {{role}};
