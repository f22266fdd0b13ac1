-- M-12, version 6 of the historical import's append: as version 5 (0010_import_events_from_staged_records.sql),
-- with every JSON object whose values are all text built by `jsonb_object(keys, values)` instead of
-- `jsonb_build_object(...)`: the parties (in `marriages.parties` and the payload), the certificates, the subjects
-- and the office added to the metadata. PostgreSQL 15's `jsonb_build_object` looks up the type of each of its
-- arguments, keys included, in the catalog on every call (three lookups for a text argument); `jsonb_object`
-- takes two text arrays and converts nothing. The values are the same text, so the jsonb is the same
-- (tests/integration/marriage/test_import_read_models.py compares every event and read-model row written here
-- with `registration_draft` and the registration path). Measured on 1,000 staged records, statement by statement
-- (the backend's CPU read from /proc, 20 batches): the parties 5.0 -> 3.2 ms, the payload's certificates 0.7 ms
-- and the subjects 0.6 ms less (issue 19). Objects with a boolean, a date or a null stay `jsonb_build_object`.
CREATE OR REPLACE FUNCTION append_historical_registrations(p_ended text[], p_batch_id text, p_metadata jsonb,
                                                p_event_type text, p_schema_version integer, p_role text)
RETURNS TABLE (first_position bigint, appended bigint, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
    WITH records AS MATERIALIZED (
        SELECT s.*,
               jsonb_build_array(
                   jsonb_object('{id_number,sex,household_division,name,recorded_id_number}',
                                ARRAY[s.husband, 'male', s.husband_household, s.husband_name, s.husband_recorded]),
                   jsonb_object('{id_number,sex,household_division,name,recorded_id_number}',
                                ARRAY[s.wife, 'female', s.wife_household, s.wife_name, s.wife_recorded])) AS parties
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
           jsonb_build_array(jsonb_object('{id,role}', ARRAY[r.husband, p_role]),
                             jsonb_object('{id,role}', ARRAY[r.wife, p_role])),
           jsonb_build_object(
               'registration_id', r.registration_id, 'office', r.office, 'office_division', r.office_division,
               'registered_on', r.registered_on, 'parties', r.parties,
               'certificates', jsonb_build_array(
                   jsonb_object('{number,id_number}', ARRAY[r.husband_certificate, r.husband]),
                   jsonb_object('{number,id_number}', ARRAY[r.wife_certificate, r.wife])),
               'cross_county', r.cross_county, 'imported', true, 'jurisdiction', r.jurisdiction,
               'batch_id', p_batch_id, 'record_ref', r.record_ref)
           || CASE WHEN cardinality(r.review) > 0 THEN jsonb_build_object('review', to_jsonb(r.review))
                   ELSE '{}'::jsonb END,
           p_metadata || jsonb_object('{office}', ARRAY[r.office]),
           r.ordinal
      FROM records r
     ORDER BY r.ordinal;
    DELETE FROM historical_staging s WHERE s.txid = pg_current_xact_id();
    RETURN QUERY SELECT * FROM append_staged();
END $$;
