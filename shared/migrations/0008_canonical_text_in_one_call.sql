-- The canonical bytes of an event rendered by one call of `json_build_array` (issue 19: the single-event
-- append). The bytes do not change: `json_build_array(...)::text` writes each element exactly as 0005 wrote it
-- by hand, through the same functions (escape_json for text and for a uuid's text, JsonEncodeDateTime for the
-- date, the number's own text, a jsonb argument's own text, null for a null argument) and the same layout
-- ("[", elements joined by ", ", "]"). Like 0005, it is compared with the first definition of 0003
-- (`jsonb_build_array(...)::text`) on awkward values and on nulls by tests/integration/test_canonical_bytes.py.
--
-- Why: an append renders one row per statement, and PostgreSQL compiles a statement's expressions each time it
-- starts it. 0005's rendering is some thirty function calls and text casts (each concatenation one), which cost
-- more to set up than to run for one row. Measured by a PL/pgSQL loop that runs a one-row statement 20,000 times
-- (PostgreSQL's own clock, the two renderings alternated in four rounds): 13.7-15.2 µs a statement for 0005's
-- rendering, 8.1-9.0 µs for this one, 1.0-2.4 µs for the statement without a rendering. Verification's
-- set-based pass is not slower either (one rendering per row of 100,000: 8.1 against 10.3 µs in one run).
-- The append functions and verification call this same function, so they keep agreeing, and rows chained
-- before this migration verify unchanged.
CREATE OR REPLACE FUNCTION event_canonical(p_position bigint, p_event_id uuid, p_stream_id text,
                                          p_version integer, p_type text, p_schema_version integer,
                                          p_occurred_on date, p_recorded_at timestamptz, p_subjects jsonb,
                                          p_payload jsonb, p_metadata jsonb)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT convert_to(json_build_array(
        p_position, p_event_id, p_stream_id, p_version, p_type, p_schema_version, p_occurred_on,
        to_char(p_recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_subjects, p_payload, p_metadata)::text, 'UTF8')
$$;
