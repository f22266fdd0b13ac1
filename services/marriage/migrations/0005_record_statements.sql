-- K-7: record-of-registration statements (docs/certificates.md): each statement's own serial (`ZM`, one
-- gap-free sequence per office and year in certificate_serials), whom it is about and what it listed, so that
-- it can be printed again and verified (its code, hashed, is in certificate_codes like a certificate copy's).
CREATE TABLE record_statements (
    number          text        PRIMARY KEY,
    id_number       text        NOT NULL,
    name            text        NOT NULL,
    office          text        NOT NULL,
    issued_on       date        NOT NULL,
    purpose         text        NOT NULL,
    destination     text        NOT NULL,
    registrations   jsonb       NOT NULL
);
CREATE INDEX record_statements_person ON record_statements (id_number);

GRANT SELECT, INSERT ON record_statements TO {{role}};
