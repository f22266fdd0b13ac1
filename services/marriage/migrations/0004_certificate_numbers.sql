-- Certificates as documents (docs/certificates.md, K-2 to K-5, K-8).

-- K-3: one 字号 per registration, carried by both copies: a copy is the number and its holder.
ALTER TABLE certificates DROP CONSTRAINT certificates_pkey, ADD PRIMARY KEY (number, id_number);

-- K-4: one gap-free sequence per prefix, issuing office's division and year. The row is updated in the
-- transaction that records the registration: a refused or failed command rolls its increment back (a
-- database sequence would skip), and concurrent registrations of one office queue on the row for as long
-- as the winner's transaction lasts. Never decremented: a revoked registration keeps its number.
CREATE TABLE certificate_serials (
    prefix          text        NOT NULL,             -- J, L, BJ, BL
    division        text        NOT NULL,             -- the issuing office's six-digit division
    year            integer     NOT NULL,             -- the business date's year
    last            integer     NOT NULL CHECK (last BETWEEN 1 AND 999999),
    PRIMARY KEY (prefix, division, year)
);

-- K-8: each copy's verification code, hashed (domain/certificates.py says why a fast hash suffices).
-- Written by the issuing command's transaction and never put into an event: events travel to other
-- services and the feed, and a hash there would let anyone test guesses offline.
CREATE TABLE certificate_codes (
    number          text        NOT NULL,
    id_number       text        NOT NULL,
    code_hash       text        NOT NULL,
    PRIMARY KEY (number, id_number)
);

-- K-5: controlled blank stock by its preprinted number: received, then issued (字号, copy) or spoiled.
CREATE TABLE certificate_blanks (
    number          text        PRIMARY KEY,
    office          text        NOT NULL,
    received_on     date,                             -- NULL: voided without a recorded receipt (audit)
    status          text        NOT NULL,             -- on_hand | issued | spoiled
    certificate     text,                             -- issued: the 字号 printed on it
    holder          text,                             -- issued: the copy's holder
    reason          text,                             -- spoiled: why
    changed_on      date
);
CREATE INDEX certificate_blanks_office ON certificate_blanks (office, status);

GRANT SELECT, INSERT, UPDATE ON certificate_serials, certificate_codes, certificate_blanks TO {{role}};

-- The citywide sequence that numbered certificates before K-4: it skipped on every refusal.
DROP SEQUENCE certificate_numbers;
