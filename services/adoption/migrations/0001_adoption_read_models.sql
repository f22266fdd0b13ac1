-- adoption's inline read models: written in the same transaction as the events they come from
-- (services/adoption/adapters/read_models.py), so that commands can rely on them. All of them can be
-- rebuilt from the events. {{role}} is the service's own database role.

-- A-12, A-16, A-17: one row per adoption, kept in step with its stream; the list route reads it.
CREATE TABLE adoptions (
    adoption_id      uuid        PRIMARY KEY,
    office           text        NOT NULL,
    registered_on    date        NOT NULL,
    child_id_number  text        NOT NULL,
    adopters         text[]      NOT NULL,
    sealed           boolean     NOT NULL,
    status           text        NOT NULL CHECK (status IN ('registered', 'dissolved', 'void')),
    certificate      text        NOT NULL,
    version          integer     NOT NULL
);
-- A-12: one adoption in force per child; the second of two simultaneous registrations fails here.
CREATE UNIQUE INDEX one_adoption_in_force ON adoptions (child_id_number) WHERE status = 'registered';
CREATE INDEX adoptions_by_date ON adoptions (registered_on, adoption_id);
CREATE INDEX adoptions_by_adopter ON adoptions USING gin (adopters);

-- A-10: assessments by their adopters (sorted ID numbers joined by commas).
CREATE TABLE assessments (
    assessment_id    uuid        PRIMARY KEY,
    adopters_key     text        NOT NULL,
    outcome          text        NOT NULL,
    assessed_on      date        NOT NULL
);
CREATE INDEX assessments_by_adopters ON assessments (adopters_key, assessed_on);

-- A-11: foundling notices by child.
CREATE TABLE notices (
    notice_id        uuid        PRIMARY KEY,
    child_id_number  text        NOT NULL,
    published_on     date        NOT NULL,
    claimed_on       date
);
CREATE INDEX notices_by_child ON notices (child_id_number, published_on);

-- K-1, K-6, K-9: each copy issued, its kind, date and validity.
CREATE TABLE certificates (
    number           text        PRIMARY KEY,
    adoption_id      uuid        NOT NULL,
    kind             text        NOT NULL,
    holder           text        NOT NULL,
    issued_on        date        NOT NULL,
    valid            boolean     NOT NULL DEFAULT true,
    revoked          boolean     NOT NULL DEFAULT false
);

-- K-4: one gap-free sequence per prefix, issuing office's division and year (shared/certificates.py): the row
-- is updated in the transaction that records the registration, so a refusal takes no number.
CREATE TABLE certificate_serials (
    prefix          text        NOT NULL,
    division        text        NOT NULL,
    year            integer     NOT NULL,
    last            integer     NOT NULL CHECK (last BETWEEN 1 AND 999999),
    PRIMARY KEY (prefix, division, year)
);

-- K-8: each copy's verification code, hashed; never in an event.
CREATE TABLE certificate_codes (
    number          text        NOT NULL,
    id_number       text        NOT NULL,
    code_hash       text        NOT NULL,
    PRIMARY KEY (number, id_number)
);

GRANT SELECT, INSERT, UPDATE ON adoptions, assessments, notices, certificates, certificate_serials,
    certificate_codes TO {{role}};
