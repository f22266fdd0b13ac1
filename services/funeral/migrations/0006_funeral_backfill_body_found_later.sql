-- D-8: a body found later of a person declared dead, registered (F-1) or identified (F-6) before the link
-- existed (0004), carries no `declaration_id` in its event, so its row was left unlinked and a conflicting
-- date never reached the registrar. Linked here from the events, as the decision would have linked it: the
-- person's death declaration recorded before the registration (or identification) and not revoked by then.
-- Only events written before 0004 (their payload has no `declaration_id` key) are looked at.
UPDATE deaths d SET declaration_id = linked.declaration_id, declared_died_on = linked.declared_died_on
  FROM (SELECT DISTINCT ON (r.death_id) r.death_id, c.payload ->> 'declaration_id' AS declaration_id,
               (c.payload ->> 'died_on')::date AS declared_died_on
          FROM (SELECT e.global_position, e.payload ->> 'death_id' AS death_id,
                       CASE WHEN e.event_type = 'funeral.BodyIdentified' THEN e.payload ->> 'id_number'
                            WHEN (e.payload ->> 'identified')::boolean THEN
                                (SELECT s ->> 'id' FROM jsonb_array_elements(e.subjects) s
                                  WHERE s ->> 'role' = 'deceased' LIMIT 1)
                       END AS person
                  FROM events e
                 WHERE e.event_type IN ('funeral.DeathRegistered', 'funeral.BodyIdentified')
                   AND NOT (e.payload ? 'declaration_id')) r
          JOIN events c ON c.event_type = 'funeral.CourtDeclarationRecorded' AND c.payload ->> 'kind' = 'death'
                       AND c.global_position < r.global_position
                       AND c.subjects @> jsonb_build_array(jsonb_build_object('id', r.person, 'role', 'declared'))
         WHERE r.person IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM events v
                            WHERE v.event_type = 'funeral.CourtDeclarationRevoked'
                              AND v.payload ->> 'declaration_id' = c.payload ->> 'declaration_id'
                              AND v.global_position < r.global_position)
         ORDER BY r.death_id, r.global_position DESC, c.global_position DESC) linked
 WHERE d.death_id = linked.death_id AND d.declaration_id IS NULL;
