-- The funeral service's inline read models: written in the same transaction as the events they follow
-- (services/funeral/adapters/read_models.py), so that commands can decide on them and queries answer from
-- them. They hold nothing the events do not: replaying the store through the projection rebuilds them.
-- {{role}} is the service's own database role.

-- One row per death record, with what the queries and statistics need.
CREATE TABLE deaths (
    death_id        text        PRIMARY KEY,
    subject_id      text        NOT NULL,             -- the ID number, or the TMP- id while unidentified
    temporary_id    text,
    id_number       text,
    died_on         date        NOT NULL,
    place_division  text        NOT NULL,
    natural_death   boolean     NOT NULL,             -- F-1 natural or unnatural ("natural" is an SQL keyword)
    funeral_home    text        NOT NULL,
    source          text        NOT NULL,             -- funeral_home | relief_station
    relief_case_id  text,
    cremated_on     date,
    ashes           text,                             -- family | deposit
    version         integer     NOT NULL
);
CREATE INDEX deaths_died_on ON deaths (died_on);
CREATE UNIQUE INDEX deaths_relief_case ON deaths (relief_case_id) WHERE relief_case_id IS NOT NULL;

-- F-1, one death per person: every id a death is known under (ID number; temporary id of an unidentified
-- body, kept after identification so both ids answer) maps to exactly one death. The primary key is what
-- makes two staff recording the same death at once safe: the second insert waits for the first
-- transaction and then fails, whatever either read before (see application/deaths.py).
CREATE TABLE person_deaths (
    subject_id      text        PRIMARY KEY,
    death_id        text        NOT NULL REFERENCES deaths
);

-- F-2: cremation certificate numbers are unique; a body is cremated once.
CREATE TABLE cremations (
    cremation_id    text        PRIMARY KEY,
    death_id        text        NOT NULL UNIQUE REFERENCES deaths,
    certificate     text        NOT NULL UNIQUE,
    cremated_on     date        NOT NULL,
    funeral_home    text        NOT NULL,
    ashes_number    text        UNIQUE
);
CREATE INDEX cremations_cremated_on ON cremations (cremated_on);

-- Numbers the service issues: temporary subject ids per funeral home (TMP-FH610502-000017), cremation
-- certificates per funeral home and year, ashes numbers. A row lock per counter; rolled back with a
-- refused command, so numbers have no gaps.
CREATE TABLE counters (
    name            text        PRIMARY KEY,
    value           bigint      NOT NULL
);

-- F-3: cemeteries and their plots (occupancy, expiring terms).
CREATE TABLE cemeteries (
    code            text        PRIMARY KEY,
    name            text        NOT NULL,
    kind            text        NOT NULL,             -- public_welfare | commercial
    division        text        NOT NULL
);
CREATE TABLE plots (
    plot_id         text        PRIMARY KEY,
    cemetery        text        NOT NULL REFERENCES cemeteries,
    number          text        NOT NULL,
    kind            text        NOT NULL,             -- plot | niche
    burial_type     text        NOT NULL,
    area_m2         numeric(8, 2),
    capacity        integer     NOT NULL,
    occupants       integer     NOT NULL DEFAULT 0,
    reserved        integer     NOT NULL DEFAULT 0,
    term_from       date,
    term_until      date,
    version         integer     NOT NULL,
    UNIQUE (cemetery, number)
);
CREATE INDEX plots_term_until ON plots (term_until) WHERE term_until IS NOT NULL;

-- F-3, F-4: burials (eco share by year).
CREATE TABLE burials (
    burial_id       text        PRIMARY KEY,
    death_id        text        NOT NULL UNIQUE REFERENCES deaths,
    cemetery        text,
    plot_id         text,
    burial_type     text        NOT NULL,
    eco             boolean     NOT NULL,
    interred_on     date        NOT NULL
);
CREATE INDEX burials_interred_on ON burials (interred_on);

-- F-5: waivers (assistance totals by year and category).
CREATE TABLE assistance (
    assistance_id   text        PRIMARY KEY,
    death_id        text        NOT NULL REFERENCES deaths,
    category        text        NOT NULL,
    items           text[]      NOT NULL,
    amount          numeric(12, 2) NOT NULL,
    granted_on      date        NOT NULL,
    funeral_home    text        NOT NULL
);
CREATE INDEX assistance_granted_on ON assistance (granted_on);

GRANT SELECT, INSERT, UPDATE ON deaths, person_deaths, cremations, counters, cemeteries, plots, burials, assistance
    TO {{role}};
