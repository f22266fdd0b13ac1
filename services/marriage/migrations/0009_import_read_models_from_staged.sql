-- M-12, version 4 of the historical import's append: the read-model rows of an import batch (`marriages`,
-- both parties' `current_marriages` rows, both `certificates`) are written here from the staged events'
-- payloads, inside PostgreSQL, instead of being encoded and COPYed by the importing process (three COPYs a
-- batch, the largest share of its per-record encoding and a parse of every row by the server). The rows are
-- the ones the COPYs wrote (services/marriage/adapters/historical.py, tests/integration/marriage/
-- test_import_read_models.py compares them with rows built from the events in Python).
--
-- The order keeps the guarantees of the COPY path: the read-model rows first, before the store's append
-- lock — `current_marriages` is M-3's key and `certificates` M-7's, so a person or number registered
-- meanwhile (a registration, another batch) fails the batch here on the key, before it queues for the lock;
-- then `append_staged` (0003) numbers, chains and moves the events under the lock, held to the commit.
-- `p_ended`: the records a paper divorce ended (their divorce is appended next in the same transaction):
-- not in force, so no `current_marriages` row.
CREATE FUNCTION append_staged_registrations(p_ended text[])
RETURNS TABLE (first_position bigint, appended bigint, recorded_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
    INSERT INTO marriages (registration_id, office, registered_on, husband, wife, parties, cross_county, imported,
                           status, version, flagged)
    SELECT s.payload->>'registration_id', s.payload->>'office', (s.payload->>'registered_on')::date,
           s.payload->'parties'->0->>'id_number', s.payload->'parties'->1->>'id_number', s.payload->'parties',
           (s.payload->>'cross_county')::boolean, true, 'married', 1,
           coalesce(jsonb_array_length(s.payload->'review') > 0, false)
      FROM events_staging s
     WHERE s.txid = pg_current_xact_id() AND s.event_type = 'marriage.MarriageRegistered'
     ORDER BY s.ordinal;
    INSERT INTO current_marriages (person_id, registration_id)
    SELECT p.party->>'id_number', s.payload->>'registration_id'
      FROM events_staging s, jsonb_array_elements(s.payload->'parties') WITH ORDINALITY AS p(party, n)
     WHERE s.txid = pg_current_xact_id() AND s.event_type = 'marriage.MarriageRegistered'
       AND NOT (s.payload->>'registration_id') = ANY(coalesce(p_ended, '{}'))
     ORDER BY s.ordinal, p.n;
    INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)
    SELECT c.certificate->>'number', s.payload->>'registration_id', c.certificate->>'id_number', 'marriage',
           (s.payload->>'registered_on')::date, s.payload->>'office'
      FROM events_staging s, jsonb_array_elements(s.payload->'certificates') WITH ORDINALITY AS c(certificate, n)
     WHERE s.txid = pg_current_xact_id() AND s.event_type = 'marriage.MarriageRegistered'
     ORDER BY s.ordinal, c.n;
    RETURN QUERY SELECT * FROM append_staged();
END $$;

REVOKE ALL ON FUNCTION append_staged_registrations(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_staged_registrations TO {{role}};
