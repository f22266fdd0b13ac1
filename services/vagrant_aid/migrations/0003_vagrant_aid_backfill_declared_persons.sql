-- D-9: the standing declarations by person (`declared_persons`, 0002) filled from the funeral declarations
-- vagrant aid applied before the table existed, as the reactions would have written them had it existed then:
-- each declaration (the person it declares, its kind, court and case number), ended by whichever came first of
-- its revocation (on `revoked_on`) and a death declaration superseding it (on that judgment's date).
-- The source is the funeral service's store (the consumer may read it: docs/architecture.md, "Roles").
-- Declarations are those recorded in `processed_events`; one still on its way is kept by its reaction when it
-- arrives. Revocations are taken from the whole store: the release before 0002 did not subscribe to them, so
-- none recorded then was applied or will be (nothing follows a revocation in its stream to have the gap filled),
-- and without it a revoked declaration would stand and alert; one on its way ends the row the same way again.
-- A new installation has no funeral store yet, or nothing in it: nothing to fill.
DO $backfill$
BEGIN
    IF to_regclass('{{schema:funeral}}.events') IS NULL THEN
        RETURN;
    END IF;

    CREATE TEMPORARY TABLE applied_declarations ON COMMIT DROP AS
        SELECT e.global_position, e.subjects, e.payload
          FROM {{schema:funeral}}.events e
         WHERE e.event_type = 'funeral.CourtDeclarationRecorded'
           AND e.event_id IN (SELECT p.event_id FROM processed_events p);

    INSERT INTO declared_persons (declaration_id, person_id, kind, court, judgment_ref)
    SELECT a.payload ->> 'declaration_id',
           (SELECT s ->> 'id' FROM jsonb_array_elements(a.subjects) s WHERE s ->> 'role' = 'declared' LIMIT 1),
           a.payload ->> 'kind', a.payload ->> 'court', a.payload ->> 'judgment_ref'
      FROM applied_declarations a
    ON CONFLICT (declaration_id) DO NOTHING;

    UPDATE declared_persons d SET ended_on = first_end.ended_on
      FROM (SELECT DISTINCT ON (ending.declaration_id) ending.declaration_id, ending.ended_on
              FROM (SELECT e.global_position, e.payload ->> 'declaration_id' AS declaration_id,
                           (e.payload ->> 'revoked_on')::date AS ended_on
                      FROM {{schema:funeral}}.events e
                     WHERE e.event_type = 'funeral.CourtDeclarationRevoked'
                    UNION ALL
                    SELECT a.global_position, a.payload ->> 'supersedes', (a.payload ->> 'judgment_on')::date
                      FROM applied_declarations a
                     WHERE a.payload ->> 'supersedes' IS NOT NULL) ending
             ORDER BY ending.declaration_id, ending.global_position) first_end
     WHERE d.declaration_id = first_end.declaration_id AND d.ended_on IS NULL;
END
$backfill$;
