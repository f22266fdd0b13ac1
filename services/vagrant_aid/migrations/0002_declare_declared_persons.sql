-- D-9: the courts' declarations standing about a person (funeral.CourtDeclarationRecorded, ended by its
-- revocation or by a death declaration superseding a missing one), kept by the reactions so that identifying
-- a declared person (V-6) or taking one in (V-2) alerts the station's staff. Declarations recorded before this
-- table existed alerted the cases open then only.
CREATE TABLE declared_persons (
    declaration_id  text PRIMARY KEY,
    person_id       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('death', 'missing')),
    court           text NOT NULL,
    judgment_ref    text NOT NULL,
    ended_on        date
);
CREATE INDEX declared_persons_standing ON declared_persons (person_id) WHERE ended_on IS NULL;
GRANT SELECT, INSERT, UPDATE ON declared_persons TO {{role}};
