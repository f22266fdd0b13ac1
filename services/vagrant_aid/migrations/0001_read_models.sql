-- vagrant_aid's inline read models: written in the same transaction as the events they come from
-- (services/vagrant_aid/adapters/read_models.py), so that commands can rely on them. All of them can be
-- rebuilt from the events. {{role}} is the service's own database role.

-- V-1: township aid points and village consultation points registered by an admin (the city and county
-- stations follow from the divisions in force and are not stored).
CREATE TABLE stations (
    code          text PRIMARY KEY,
    tier          text NOT NULL CHECK (tier IN ('township', 'village')),
    division      text NOT NULL,
    name          text NOT NULL,
    parent        text NOT NULL,
    registered_on date NOT NULL
);

-- Relief cases, one row each, kept in step with the case stream.
CREATE TABLE cases (
    case_id           uuid        PRIMARY KEY,
    station           text        NOT NULL,
    station_division  text        NOT NULL,
    person_id         text        NOT NULL,         -- ID number once known, else the temporary subject id
    temporary_id      text        UNIQUE,
    id_number         text,
    name              text,
    name_key          text,                         -- the name as watch-list matches compare it (V-10)
    sex               text        NOT NULL,
    birth_date        date,
    estimated_age     integer,
    minor             boolean     NOT NULL,
    identified        boolean     NOT NULL,         -- identified at intake or later (V-9), not by settlement
    settled           boolean     NOT NULL DEFAULT false,
    flags             text[]      NOT NULL DEFAULT '{}',
    arrived_at        timestamptz NOT NULL,
    arrived_on        date        NOT NULL,
    stay_last_day     date        NOT NULL,         -- V-5: normal stay or latest extension
    notice_due_at     timestamptz,                  -- V-6, unidentified persons only
    notice_at         timestamptz,
    dna_due_on        date,
    dna_requested_on  date,
    status            text        NOT NULL CHECK (status IN ('open', 'closed')),
    exit_kind         text,
    exited_on         date,
    returned_home     boolean,                      -- V-9
    version           integer     NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- One open case per person per station: two staff taking in the same person at once get one case (the
-- second insert waits for the first transaction and then fails; the command answers already_open_case).
CREATE UNIQUE INDEX cases_one_open_case_per_person ON cases (station, person_id) WHERE status = 'open';
CREATE INDEX cases_by_station ON cases (station, arrived_on DESC);
CREATE INDEX cases_open_by_stay ON cases (stay_last_day) WHERE status = 'open';
CREATE INDEX cases_by_person ON cases (person_id);
CREATE INDEX cases_by_exit ON cases (exited_on) WHERE status = 'closed';

-- V-2: refusals of ineligible persons, for the statistics.
CREATE TABLE refusals (
    refusal_id uuid PRIMARY KEY,
    station    text NOT NULL,
    refused_on date NOT NULL,
    reason     text NOT NULL
);
CREATE INDEX refusals_by_station ON refusals (station, refused_on);

-- V-10: the watch list, citywide.
CREATE TABLE watchlist (
    entry_id      uuid  PRIMARY KEY,
    id_number     text,
    name_key      text  NOT NULL,
    sex           text  NOT NULL,
    entry         jsonb NOT NULL,                   -- the WatchListEntryAdded payload
    registered_on date  NOT NULL
);
CREATE INDEX watchlist_by_id_number ON watchlist (id_number) WHERE id_number IS NOT NULL;
CREATE INDEX watchlist_by_name ON watchlist (name_key, sex);

-- Temporary subject ids (TMP-RS610500-000123): a sequence hands out numbers without locking anything.
CREATE SEQUENCE temporary_subject_numbers;

GRANT SELECT, INSERT, UPDATE ON stations, cases, refusals, watchlist TO {{role}};
GRANT USAGE ON SEQUENCE temporary_subject_numbers TO {{role}};
