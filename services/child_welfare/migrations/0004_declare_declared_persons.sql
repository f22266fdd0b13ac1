-- D-6, C-1: the courts' declarations of death and disappearance (funeral.CourtDeclarationRecorded), by person,
-- kept by the reactions so that a declaration made before a child's file exists still counts when the file
-- is opened: the parent is `declared_dead` or `declared_missing` from the judgment date. `ended_on`: the
-- revocation's date, or the judgment date of the death declaration that superseded a missing one (D-3).
-- Declarations recorded before this table existed reached only the files open then.
CREATE TABLE declared_persons (
    declaration_id      text        PRIMARY KEY,
    person_id           text        NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('death', 'missing')),
    judgment_on         date        NOT NULL,
    court               text        NOT NULL,
    judgment_ref        text        NOT NULL,
    ended_on            date
);
CREATE INDEX declared_persons_standing ON declared_persons (person_id) WHERE ended_on IS NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON declared_persons TO {{role}};
