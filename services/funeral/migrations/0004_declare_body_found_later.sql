-- D-8: a body found later of a person declared dead is registered as any death and linked to the standing
-- death declaration; where its date of death differs from the declaration's (art. 48), the death is on the
-- registrar's review list (GET /v1/funeral/tasks, `declaration_reviews`) while the declaration stands.
ALTER TABLE deaths ADD COLUMN declaration_id text;
ALTER TABLE deaths ADD COLUMN declared_died_on date;
CREATE INDEX deaths_declaration_conflicts ON deaths (died_on, death_id)
    WHERE declaration_id IS NOT NULL AND declared_died_on <> died_on;
