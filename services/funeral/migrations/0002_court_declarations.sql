-- Court declarations of death and disappearance (D-1..D-5) and withdrawn deaths (D-11): inline read models,
-- written in the same transaction as the events they follow (services/funeral/adapters/read_models.py).

-- One row per declaration. `ends_on`: revoked (D-5) or, for a missing declaration, superseded by a death
-- declaration (D-3) from that day.
CREATE TABLE declarations (
    declaration_id  text        PRIMARY KEY,
    subject_id      text        NOT NULL,
    kind            text        NOT NULL,             -- death | missing
    court           text        NOT NULL,
    judgment_ref    text        NOT NULL,
    judgment_on     date        NOT NULL,
    died_on         date,                             -- death: the art. 48 date (D-3)
    ends_on         date,
    ended_by        text,                             -- revocation | death_declaration
    version         integer     NOT NULL
);
-- D-1: the same court and case number is the same declaration.
CREATE UNIQUE INDEX declarations_judgment ON declarations (court, judgment_ref);
-- D-1: a second declaration while one stands is refused; the index makes two registrars entering one at once
-- safe (the second insert waits for the first transaction and then fails).
CREATE UNIQUE INDEX declarations_standing ON declarations (subject_id) WHERE ends_on IS NULL;

-- D-11: a withdrawn death stays, marked.
ALTER TABLE deaths ADD COLUMN withdrawn_on date;

GRANT SELECT, INSERT, UPDATE ON declarations TO {{role}};
-- D-11: a withdrawn death no longer answers for the person (the death record itself stays).
GRANT DELETE ON person_deaths TO {{role}};
