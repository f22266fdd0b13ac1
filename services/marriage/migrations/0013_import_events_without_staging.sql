-- M-12, version 8 of the historical import's append: the events are built from the staged records straight into
-- `events`, under the store's append lock, instead of into a second temporary table (`historical_events`) that
-- `append_staged` then read back, numbered and chained (0012_import_session_staging.sql). What is written does
-- not change: the same read-model rows, the same events with the same payloads, subjects and metadata (as
-- 0011 builds them), numbered densely after the last position in the batch's order, stamped with one
-- `recorded_at` and chained. The order keeps the guarantees it kept:
--   1. the read-model rows first, without the lock: M-3's key (`current_marriages`) or a certificate number in
--      use fails the batch before anything is appended, and the caller decides it again;
--   2. then the lock, in a statement of its own, so that the next statement's snapshot sees every append
--      committed before the lock was granted: the last position and its hash are the ones before this batch;
--   3. then one INSERT of the events, numbered and chained; the lock is held to the commit.
--
-- Why: every event was written twice, once into the temporary table and once into `events`, and read back
-- once between; and the temporary table was emptied twice a batch (by `append_staged`, then at the commit).
-- The events' JSON is now built while the lock is held, which lengthens the part of a batch that excludes
-- other batches' appends; the import's rate, measured alternated with version 7, is in docs/benchmarks.md
-- (issue 19).
CREATE OR REPLACE FUNCTION historical_import_tables() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
    IF to_regclass('pg_temp.historical_records') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TEMPORARY TABLE historical_records (
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
    ) ON COMMIT DELETE ROWS;
    REVOKE ALL ON pg_temp.historical_records FROM PUBLIC;
    GRANT INSERT ON pg_temp.historical_records TO {{role}};
END $$;

-- The parties of a staged record as `marriages.parties` and the event's payload both hold them (the payload of
-- `domain.imports.registration_draft`), defined once for the two statements below. A one-expression SQL function,
-- neither strict nor SECURITY DEFINER, which the planner inlines: the same cost as the expression written out
-- (1,000 records, 40 alternated statements: 2.195 against 2.209 ms).
CREATE FUNCTION historical_parties(p_husband text, p_husband_household text, p_husband_name text,
                                   p_husband_recorded text, p_wife text, p_wife_household text, p_wife_name text,
                                   p_wife_recorded text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_array(
        jsonb_object('{id_number,sex,household_division,name,recorded_id_number}',
                     ARRAY[p_husband, 'male', p_husband_household, p_husband_name, p_husband_recorded]),
        jsonb_object('{id_number,sex,household_division,name,recorded_id_number}',
                     ARRAY[p_wife, 'female', p_wife_household, p_wife_name, p_wife_recorded]))
$$;
REVOKE ALL ON FUNCTION historical_parties(text, text, text, text, text, text, text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION append_historical_registrations(p_ended text[], p_batch_id text, p_metadata jsonb,
                                                p_event_type text, p_schema_version integer, p_role text)
RETURNS TABLE (first_position bigint, appended bigint, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    v_last  bigint;
    v_head  bytea;
    v_at    timestamptz;
    v_count bigint;
BEGIN
    WITH records AS MATERIALIZED (
        SELECT s.ordinal, s.registration_id, s.office, s.registered_on, s.husband, s.wife, s.cross_county, s.review,
               s.husband_certificate, s.wife_certificate,
               historical_parties(s.husband, s.husband_household, s.husband_name, s.husband_recorded, s.wife,
                                  s.wife_household, s.wife_name, s.wife_recorded) AS parties
          FROM pg_temp.historical_records s
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
    )
    INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)
    SELECT c.number, r.registration_id, c.id_number, 'marriage', r.registered_on, r.office
      FROM records r, LATERAL (VALUES (1, r.husband_certificate, r.husband),
                                      (2, r.wife_certificate, r.wife)) AS c(n, number, id_number)
     ORDER BY r.ordinal, c.n;

    PERFORM pg_advisory_xact_lock(1, hashtext(current_schema()));
    SELECT e.global_position, e.hash INTO v_last, v_head FROM events e ORDER BY e.global_position DESC LIMIT 1;
    v_last := coalesce(v_last, 0);
    v_at := clock_timestamp();
    INSERT INTO events (global_position, event_id, stream_id, stream_version, event_type, schema_version,
                        occurred_on, recorded_at, subjects, payload, metadata, hash)
    SELECT r.pos, r.event_id, r.stream_id, 1, p_event_type, p_schema_version, r.registered_on, v_at,
           r.subjects, r.payload, r.metadata,
           chain_hashes(v_head, event_canonical(r.pos, r.event_id, r.stream_id, 1, p_event_type, p_schema_version,
                                                r.registered_on, v_at, r.subjects, r.payload, r.metadata))
               OVER (ORDER BY r.pos)
      FROM (SELECT v_last + row_number() OVER (ORDER BY s.ordinal) AS pos, s.event_id, s.stream_id, s.registered_on,
                   jsonb_build_array(jsonb_object('{id,role}', ARRAY[s.husband, p_role]),
                                     jsonb_object('{id,role}', ARRAY[s.wife, p_role])) AS subjects,
                   jsonb_build_object(
                       'registration_id', s.registration_id, 'office', s.office, 'office_division', s.office_division,
                       'registered_on', s.registered_on,
                       'parties', historical_parties(s.husband, s.husband_household, s.husband_name,
                                                     s.husband_recorded, s.wife, s.wife_household, s.wife_name,
                                                     s.wife_recorded),
                       'certificates', jsonb_build_array(
                           jsonb_object('{number,id_number}', ARRAY[s.husband_certificate, s.husband]),
                           jsonb_object('{number,id_number}', ARRAY[s.wife_certificate, s.wife])),
                       'cross_county', s.cross_county, 'imported', true, 'jurisdiction', s.jurisdiction,
                       'batch_id', p_batch_id, 'record_ref', s.record_ref)
                   || CASE WHEN cardinality(s.review) > 0 THEN jsonb_build_object('review', to_jsonb(s.review))
                           ELSE '{}'::jsonb END AS payload,
                   p_metadata || jsonb_object('{office}', ARRAY[s.office]) AS metadata
              FROM pg_temp.historical_records s) r
     ORDER BY r.pos;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    TRUNCATE pg_temp.historical_records;
    RETURN QUERY SELECT v_last + 1, v_count, v_at;
END $$;

-- Nothing calls it any more: the events are no longer staged.
DROP FUNCTION append_staged();
