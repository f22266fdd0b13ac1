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

-- D-6: months paid for a child after its earlier date of death (art. 48: a declaration on an accident ground),
-- up to the judgment month that ended the file: for an officer to review (recovery is the officer's decision).
CREATE TABLE payment_reviews (
    event_id            uuid        PRIMARY KEY,          -- the SupportTerminated that named the months
    child_id            text        NOT NULL,
    reason              text        NOT NULL,             -- paid_after_declared_death
    first_month         date        NOT NULL,
    last_month          date        NOT NULL
);
CREATE INDEX payment_reviews_child ON payment_reviews (child_id);
GRANT SELECT, INSERT ON payment_reviews TO {{role}};
