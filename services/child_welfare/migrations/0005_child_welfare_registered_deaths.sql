-- C-6: the deaths the funeral service registered (funeral.DeathRegistered of an identified person,
-- funeral.BodyIdentified), by person, kept by the reactions so that a death registered before a child's file
-- exists still counts when the file is opened, as a declaration does (D-6): the parent is `deceased` from the
-- date of death. A death corrected to another person moves with it (F-7), a corrected date follows it, a
-- withdrawn death (D-11) goes.
CREATE TABLE registered_deaths (
    death_id            text        PRIMARY KEY,
    person_id           text        NOT NULL,
    died_on             date        NOT NULL
);
CREATE INDEX registered_deaths_person ON registered_deaths (person_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON registered_deaths TO {{role}};
