-- What a timeline or the change feed shows of an entry besides its own columns — where it happened and the
-- records it names — computed once when the entry is written (live, gap fill or a rebuild's COPY), not on
-- every read: a person's 200-entry timeline spent a third of its database time taking payloads apart
-- (docs/timeline.md, "What a query costs").
--
-- office: the recording office, else the place the payload names.
-- refs: the payload's record ids (`*_id`, but not `unlinked_temporary_id`) and document numbers — never ID
-- numbers or names — and the event id.

CREATE FUNCTION entry_refs(p_payload jsonb, p_event_id uuid) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT jsonb_object_agg(p.key, p.value) FROM jsonb_each(p_payload) AS p
                      WHERE jsonb_typeof(p.value) = 'string' AND p.key <> 'unlinked_temporary_id'
                        AND (p.key LIKE '%\_id' OR p.key IN ('certificate_no', 'cremation_certificate', 'document_ref'))),
                    '{}') || jsonb_build_object('event_id', p_event_id)
$$;

ALTER TABLE entries
    ADD COLUMN office text GENERATED ALWAYS AS (
        coalesce(metadata->>'office', payload->>'office', payload->>'station', payload->>'funeral_home',
                 payload->>'cemetery')) STORED,
    ADD COLUMN refs jsonb GENERATED ALWAYS AS (entry_refs(payload, event_id)) STORED;
