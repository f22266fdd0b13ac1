-- D-6, C-6: the indexes a file opened later reads — the standing declarations by person (`declared_persons`,
-- 0004) and the registered deaths by person (`registered_deaths`, 0005) — filled from the funeral events
-- child welfare applied before they existed: as the reactions would have written them had they existed then.
-- The source is the funeral service's store (the consumer may read it: docs/architecture.md, "Roles"), the
-- events limited to those recorded in `processed_events`; events still on their way are kept by the reactions
-- when they arrive. A new installation has no funeral store yet, or nothing in it: nothing to fill.
DO $backfill$
BEGIN
    IF to_regclass('{{schema:funeral}}.events') IS NULL THEN
        RETURN;
    END IF;

    CREATE TEMPORARY TABLE applied_funeral_events ON COMMIT DROP AS
        SELECT e.global_position, e.event_type, e.subjects, e.payload
          FROM {{schema:funeral}}.events e
         WHERE e.event_type IN ('funeral.CourtDeclarationRecorded', 'funeral.CourtDeclarationRevoked',
                                'funeral.DeathRegistered', 'funeral.BodyIdentified', 'funeral.DeathCorrected',
                                'funeral.DeathWithdrawn')
           AND e.event_id IN (SELECT p.event_id FROM processed_events p);

    -- D-6: every declaration, then its end: revoked (D-5), or a missing one superseded by a death declaration (D-3).
    INSERT INTO declared_persons (declaration_id, person_id, kind, judgment_on, court, judgment_ref)
    SELECT a.payload ->> 'declaration_id',
           (SELECT s ->> 'id' FROM jsonb_array_elements(a.subjects) s WHERE s ->> 'role' = 'declared' LIMIT 1),
           a.payload ->> 'kind', (a.payload ->> 'judgment_on')::date, a.payload ->> 'court',
           a.payload ->> 'judgment_ref'
      FROM applied_funeral_events a
     WHERE a.event_type = 'funeral.CourtDeclarationRecorded'
    ON CONFLICT (declaration_id) DO NOTHING;
    UPDATE declared_persons d SET ended_on = (a.payload ->> 'revoked_on')::date
      FROM applied_funeral_events a
     WHERE a.event_type = 'funeral.CourtDeclarationRevoked' AND a.payload ->> 'declaration_id' = d.declaration_id
       AND d.ended_on IS NULL;
    UPDATE declared_persons d SET ended_on = (a.payload ->> 'judgment_on')::date
      FROM applied_funeral_events a
     WHERE a.event_type = 'funeral.CourtDeclarationRecorded' AND a.payload ->> 'supersedes' = d.declaration_id
       AND d.ended_on IS NULL;

    -- C-6: each death as its last event left it — registered or identified (the person and date), corrected
    -- (to the person and date it now names, F-7), withdrawn (D-11: none); a temporary id is nobody's yet.
    INSERT INTO registered_deaths (death_id, person_id, died_on)
    SELECT last.death_id, last.person_id, last.died_on
      FROM (SELECT DISTINCT ON (a.payload ->> 'death_id') a.payload ->> 'death_id' AS death_id,
                   CASE a.event_type
                       WHEN 'funeral.DeathRegistered' THEN CASE WHEN (a.payload ->> 'identified')::boolean THEN
                           (SELECT s ->> 'id' FROM jsonb_array_elements(a.subjects) s
                             WHERE s ->> 'role' = 'deceased' LIMIT 1) END
                       WHEN 'funeral.BodyIdentified' THEN a.payload ->> 'id_number'
                       WHEN 'funeral.DeathCorrected' THEN a.payload ->> 'subject'
                   END AS person_id,
                   (a.payload ->> 'died_on')::date AS died_on
              FROM applied_funeral_events a
             WHERE a.event_type IN ('funeral.DeathRegistered', 'funeral.BodyIdentified', 'funeral.DeathCorrected',
                                    'funeral.DeathWithdrawn')
             ORDER BY a.payload ->> 'death_id', a.global_position DESC) last
     WHERE last.person_id IS NOT NULL AND last.person_id NOT LIKE 'TMP-%'
    ON CONFLICT (death_id) DO NOTHING;
END
$backfill$;
