-- `entry_refs` (0002_shown_columns.sql), the same result computed in PL/pgSQL: as a SQL function with a
-- subquery it is never inlined, and the generated column `refs` paid a fresh execution of it for every entry
-- written — 16–20 µs a row, the largest share of a rebuild's insert of an entry. Looking each key up in the
-- payload instead of aggregating `jsonb_each` gave 30–40% more rows a second on the same events, with the
-- same object for each (docs/benchmarks.md, "second pass"). Rows already written keep their value, which
-- is the one this function gives.
CREATE OR REPLACE FUNCTION entry_refs(p_payload jsonb, p_event_id uuid) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v_refs jsonb := '{}';
    v_key  text;
BEGIN
    FOREACH v_key IN ARRAY ARRAY(SELECT jsonb_object_keys(p_payload)) LOOP
        IF v_key <> 'unlinked_temporary_id'
           AND (v_key LIKE '%\_id' OR v_key IN ('certificate_no', 'cremation_certificate', 'document_ref'))
           AND jsonb_typeof(p_payload -> v_key) = 'string' THEN
            v_refs := v_refs || jsonb_build_object(v_key, p_payload -> v_key);
        END IF;
    END LOOP;
    RETURN v_refs || jsonb_build_object('event_id', p_event_id);
END $$;
