-- The marriage read models' identifier keys compared byte by byte (`COLLATE "C"`): registration ids, the
-- parties' ID numbers, certificate numbers. They are ASCII identifiers (validated ID numbers, uuids, numbers
-- matched by patterns: domain/imports.py, contract/commands.py), so equality is what it was and their order is
-- the order of their characters, which is what the database's C.UTF-8 gave them too. What changes is the price
-- of each comparison in their indexes: under a libc collation PostgreSQL 15 copies both strings and calls
-- `strcoll` for every comparison; under "C" it compares the bytes. A registration, an import's record, writes
-- eight index entries keyed by these columns, and M-3 and M-7 look them up.
--
-- Measured (issue 19): the three read-model inserts of a thousand imported records (a marriage, two current-
-- marriage rows and two certificates each), 20,000 records a round into tables with these keys and indexes,
-- the two collations alternated twelve times: median 22.9 against 19.3 ms per 1,000 records. The `events`
-- table keeps its collation: its shape is the benchmarks' raw baseline (docs/benchmarks.md).
ALTER TABLE marriages
    ALTER COLUMN registration_id TYPE text COLLATE "C",
    ALTER COLUMN husband TYPE text COLLATE "C",
    ALTER COLUMN wife TYPE text COLLATE "C";
ALTER TABLE current_marriages
    ALTER COLUMN person_id TYPE text COLLATE "C";
ALTER TABLE certificates
    ALTER COLUMN number TYPE text COLLATE "C",
    ALTER COLUMN id_number TYPE text COLLATE "C";
