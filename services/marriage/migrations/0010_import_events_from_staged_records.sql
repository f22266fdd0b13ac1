-- M-12, version 5 of the historical import's append: the importing process COPYs each imported record's
-- checked fields (the ids it derived, the parties' numbers and households as checked, the flags it decided)
-- into `historical_staging`, and the events' payloads, subjects and metadata are built here from those columns
-- instead of being built as dicts, encoded as JSON and COPYed by the importing process, then parsed again by
-- the server (issue 19: the importing process was the import's limit; building the payload and its JSON was a
-- fifth of its CPU). The payload is the jsonb of `registration_draft`'s (services/marriage/domain/imports.py,
-- its one definition; tests/integration/marriage/test_import_read_models.py compares every event written here
-- with the drafts); the read-model rows are the ones 0009 wrote from the payloads.
--
-- The order keeps the guarantees of 0009: the read-model rows first, before the store's append lock —
-- `current_marriages` is M-3's key and `certificates` M-7's, so a person or number registered meanwhile fails
-- the batch here, before it queues for the lock; then the events go through `events_staging` and
-- `append_staged` (0003), which numbers, chains and moves them under the lock, held to the commit.
CREATE UNLOGGED TABLE historical_staging (
    txid                xid8    NOT NULL DEFAULT pg_current_xact_id(),
    ordinal             integer NOT NULL,
    event_id            uuid    NOT NULL,
    registration_id     text    NOT NULL,
    stream_id           text    NOT NULL,
    office              text    NOT NULL,
    office_division     text    NOT NULL,
    registered_on       date    NOT NULL,
    husband             text    NOT NULL,
    husband_name        text    NOT NULL,
    husband_recorded    text    NOT NULL,
    husband_household   text    NOT NULL,
    wife                text    NOT NULL,
    wife_name           text    NOT NULL,
    wife_recorded       text    NOT NULL,
    wife_household      text    NOT NULL,
    husband_certificate text    NOT NULL,
    wife_certificate    text    NOT NULL,
    cross_county        boolean NOT NULL,
    jurisdiction        text,
    record_ref          text    NOT NULL,
    review              text[]
);
CREATE INDEX historical_staging_txid ON historical_staging (txid);

-- `p_ended`: the records a paper divorce ended (no `current_marriages` row, as in 0009); `p_batch_id`, the
-- batch's id in every payload; `p_metadata`: the events' metadata but their office, which is each record's;
-- `p_event_type`, `p_schema_version`: the type and version the service writes (its `Draft`), and `p_role` the
-- parties' role as subjects (`events.parties`).
CREATE FUNCTION append_historical_registrations(p_ended text[], p_batch_id text, p_metadata jsonb,
                                                p_event_type text, p_schema_version integer, p_role text)
RETURNS TABLE (first_position bigint, appended bigint, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
    WITH records AS MATERIALIZED (
        SELECT s.*,
               jsonb_build_array(
                   jsonb_build_object('id_number', s.husband, 'sex', 'male', 'household_division', s.husband_household,
                                      'name', s.husband_name, 'recorded_id_number', s.husband_recorded),
                   jsonb_build_object('id_number', s.wife, 'sex', 'female', 'household_division', s.wife_household,
                                      'name', s.wife_name, 'recorded_id_number', s.wife_recorded)) AS parties
          FROM historical_staging s
         WHERE s.txid = pg_current_xact_id()
    ), married AS (
        INSERT INTO marriages (registration_id, office, registered_on, husband, wife, parties, cross_county, imported,
                               status, version, flagged)
        SELECT r.registration_id, r.office, r.registered_on, r.husband, r.wife, r.parties, r.cross_county, true,
               'married', 1, coalesce(cardinality(r.review) > 0, false)
          FROM records r
         ORDER BY r.ordinal
    ), current AS (
        INSERT INTO current_marriages (person_id, registration_id)
        SELECT p.person_id, r.registration_id
          FROM records r, LATERAL (VALUES (1, r.husband), (2, r.wife)) AS p(n, person_id)
         WHERE NOT r.registration_id = ANY(coalesce(p_ended, '{}'))
         ORDER BY r.ordinal, p.n
    ), issued AS (
        INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)
        SELECT c.number, r.registration_id, c.id_number, 'marriage', r.registered_on, r.office
          FROM records r, LATERAL (VALUES (1, r.husband_certificate, r.husband),
                                          (2, r.wife_certificate, r.wife)) AS c(n, number, id_number)
         ORDER BY r.ordinal, c.n
    )
    INSERT INTO events_staging (event_id, stream_id, stream_version, event_type, schema_version, occurred_on,
                                subjects, payload, metadata, ordinal)
    SELECT r.event_id, r.stream_id, 1, p_event_type, p_schema_version, r.registered_on,
           jsonb_build_array(jsonb_build_object('id', r.husband, 'role', p_role),
                             jsonb_build_object('id', r.wife, 'role', p_role)),
           jsonb_build_object(
               'registration_id', r.registration_id, 'office', r.office, 'office_division', r.office_division,
               'registered_on', r.registered_on, 'parties', r.parties,
               'certificates', jsonb_build_array(
                   jsonb_build_object('number', r.husband_certificate, 'id_number', r.husband),
                   jsonb_build_object('number', r.wife_certificate, 'id_number', r.wife)),
               'cross_county', r.cross_county, 'imported', true, 'jurisdiction', r.jurisdiction,
               'batch_id', p_batch_id, 'record_ref', r.record_ref)
           || CASE WHEN cardinality(r.review) > 0 THEN jsonb_build_object('review', to_jsonb(r.review))
                   ELSE '{}'::jsonb END,
           p_metadata || jsonb_build_object('office', r.office),
           r.ordinal
      FROM records r
     ORDER BY r.ordinal;
    DELETE FROM historical_staging s WHERE s.txid = pg_current_xact_id();
    RETURN QUERY SELECT * FROM append_staged();
END $$;

REVOKE ALL ON FUNCTION append_historical_registrations(text[], text, jsonb, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_historical_registrations TO {{role}};
GRANT INSERT ON historical_staging TO {{role}};

-- The path it replaces: the events' payloads COPYed whole into `events_staging` by the importing process.
DROP FUNCTION append_staged_registrations(text[]);
