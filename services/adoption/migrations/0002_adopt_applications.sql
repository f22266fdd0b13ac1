-- A-12: applications received in person, to be decided within 30 days from the day after receipt (a foundling
-- notice's days not counted); the undecided ones past their day are the registrars' tasks. Written inline with
-- the application's events and with the registration or dissolution that decides it.
CREATE TABLE applications (
    application_id   uuid        PRIMARY KEY,
    office           text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('registration', 'dissolution')),
    child_id_number  text        NOT NULL,
    adoption_id      uuid,
    received_on      date        NOT NULL,
    decided_on       date,
    outcome          text        CHECK (outcome IN ('registered', 'dissolved', 'refused')),
    version          integer     NOT NULL
);
-- the open ones, by office: what GET /v1/adoption/tasks reads
CREATE INDEX applications_open ON applications (office, received_on) WHERE decided_on IS NULL;

GRANT SELECT, INSERT, UPDATE ON applications TO {{role}};
