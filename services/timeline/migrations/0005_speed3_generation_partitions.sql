-- A table per generation (issue 19): `entries` and `entry_subjects` become partitioned by generation, one
-- partition each per generation, named `entries_g<N>` and `entry_subjects_g<N>`. A rebuild fills its
-- generation's two tables before they have a primary key (appending to heaps with no index to maintain), builds
-- the keys once at the end (a sort, where the row-by-row B-tree inserts into `entry_subjects` went to random
-- pages), and attaches them; retiring a generation drops its tables instead of deleting its rows
-- (services/timeline/adapters/rebuild.py; docs/benchmarks.md). Queries and live writes name `entries` and
-- `entry_subjects` as before; only the live generation's partitions, attached, ever receive live writes.
--
-- The service's role owns no table, so creating, attaching and dropping a generation's tables happen in the
-- four functions below, which run as the schema's owner and touch nothing but the tables of the generation
-- they are given.
--
-- Upgrade: the rows of generations other than the live one are left-overs (an interrupted rebuild's, or a
-- retired generation not yet deleted), which the next rebuild would delete; they are deleted here, and the
-- existing tables become the live generation's partitions as they are (renamed and attached, not copied).

DELETE FROM entries WHERE generation <> (SELECT generation FROM generations WHERE state = 'live');
DELETE FROM entry_subjects WHERE generation <> (SELECT generation FROM generations WHERE state = 'live');
DELETE FROM aliases WHERE generation <> (SELECT generation FROM generations WHERE state = 'live');
DELETE FROM checkpoints WHERE generation <> (SELECT generation FROM generations WHERE state = 'live');
DELETE FROM generations WHERE state <> 'live';

-- `refs` becomes a plain column, filled by a trigger for every write through `entries` (live, gap fill, a
-- rebuild's catch-up) with the value the generated column had. The rebuild's bulk copy writes a building
-- generation's table before it is a partition, so no trigger fires there: it gives `refs` itself, from the key
-- names a chunk's payloads hold, in one expression per row (services/timeline/adapters/rebuild.py), where the
-- generated column called `entry_refs` for each row and cost half the copy of an entry. Rows written keep
-- their value.
ALTER TABLE entries ALTER COLUMN refs DROP EXPRESSION;

ALTER TABLE entries RENAME TO entries_previous;
ALTER TABLE entries_previous RENAME CONSTRAINT entries_pkey TO entries_previous_pkey;
ALTER TABLE entry_subjects RENAME TO entry_subjects_previous;
ALTER TABLE entry_subjects_previous RENAME CONSTRAINT entry_subjects_pkey TO entry_subjects_previous_pkey;

CREATE TABLE entries (LIKE entries_previous INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY LIST (generation);
ALTER TABLE entries ADD CONSTRAINT entries_pkey PRIMARY KEY (generation, source, global_position);
CREATE TABLE entry_subjects (LIKE entry_subjects_previous INCLUDING DEFAULTS) PARTITION BY LIST (generation);
ALTER TABLE entry_subjects ADD CONSTRAINT entry_subjects_pkey
    PRIMARY KEY (generation, subject_id, source, global_position, role);
GRANT SELECT, INSERT, UPDATE, DELETE ON entries, entry_subjects TO {{role}};

DO $$
DECLARE
    v_live integer := (SELECT generation FROM generations WHERE state = 'live');
BEGIN
    EXECUTE format('ALTER TABLE entries_previous RENAME CONSTRAINT entries_previous_pkey TO %I',
                   'entries_g' || v_live || '_pkey');
    EXECUTE format('ALTER TABLE entries_previous RENAME TO %I', 'entries_g' || v_live);
    EXECUTE format('ALTER TABLE entries ATTACH PARTITION %I FOR VALUES IN (%s)', 'entries_g' || v_live, v_live);
    EXECUTE format('ALTER TABLE entry_subjects_previous RENAME CONSTRAINT entry_subjects_previous_pkey TO %I',
                   'entry_subjects_g' || v_live || '_pkey');
    EXECUTE format('ALTER TABLE entry_subjects_previous RENAME TO %I', 'entry_subjects_g' || v_live);
    EXECUTE format('ALTER TABLE entry_subjects ATTACH PARTITION %I FOR VALUES IN (%s)',
                   'entry_subjects_g' || v_live, v_live);
END $$;

CREATE FUNCTION entries_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.refs := entry_refs(NEW.payload, NEW.event_id);
    RETURN NEW;
END $$;
CREATE TRIGGER entries_refs BEFORE INSERT OR UPDATE ON entries FOR EACH ROW EXECUTE FUNCTION entries_refs();

-- A building generation's two tables, empty, with no key yet: the rebuild's bulk copy writes them by name.
-- The generated column (`office`) is the parent's, as a partition's must be; `refs` is the copy's to give.
CREATE FUNCTION open_generation(p_generation integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generations WHERE generation = p_generation AND state = 'building') THEN
        RAISE EXCEPTION 'generation % is not being built', p_generation;
    END IF;
    -- The check is the partition's bound: attaching a table whose own constraint implies it skips a scan of
    -- every row to prove it.
    EXECUTE format('CREATE TABLE %I (LIKE entries INCLUDING DEFAULTS INCLUDING GENERATED, CHECK (generation = %s))',
                   'entries_g' || p_generation, p_generation);
    EXECUTE format('CREATE TABLE %I (LIKE entry_subjects INCLUDING DEFAULTS, CHECK (generation = %s))',
                   'entry_subjects_g' || p_generation, p_generation);
    EXECUTE format('GRANT SELECT, INSERT ON %I, %I TO {{role}}', 'entries_g' || p_generation,
                   'entry_subjects_g' || p_generation);
END $$;

-- The primary key of one of a building generation's tables ('entries' or 'entry_subjects'), built once over
-- the loaded rows (a sort). A function per table, so that the rebuild builds the two at once on two
-- connections.
CREATE FUNCTION key_generation(p_generation integer, p_table text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generations WHERE generation = p_generation AND state = 'building') THEN
        RAISE EXCEPTION 'generation % is not being built', p_generation;
    END IF;
    IF p_table = 'entries' THEN
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (generation, source, global_position)',
                       'entries_g' || p_generation, 'entries_g' || p_generation || '_pkey');
    ELSIF p_table = 'entry_subjects' THEN
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (generation, subject_id, source,'
                       ' global_position, role)', 'entry_subjects_g' || p_generation,
                       'entry_subjects_g' || p_generation || '_pkey');
    ELSE
        RAISE EXCEPTION 'no table %', p_table;
    END IF;
END $$;

-- A building generation's tables attached (a key not built yet is built here): from now on its rows are read
-- and written through `entries` and `entry_subjects`, and the trigger fills `refs`. Attaching takes a lock
-- that lets the live generation's readers and writers go on, and no scan (the tables' checks).
CREATE FUNCTION seal_generation(p_generation integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_catalog, pg_temp AS $$
DECLARE
    v_entries  text := 'entries_g' || p_generation;
    v_subjects text := 'entry_subjects_g' || p_generation;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generations WHERE generation = p_generation AND state = 'building') THEN
        RAISE EXCEPTION 'generation % is not being built', p_generation;
    END IF;
    EXECUTE format('ALTER TABLE entries ATTACH PARTITION %I FOR VALUES IN (%s)', v_entries, p_generation);
    EXECUTE format('ALTER TABLE entry_subjects ATTACH PARTITION %I FOR VALUES IN (%s)', v_subjects, p_generation);
    EXECUTE format('REVOKE ALL ON %I, %I FROM {{role}}', v_entries, v_subjects);
END $$;

-- One of a retired or abandoned generation's tables dropped ('entries' or 'entry_subjects'), attached or not
-- (never the live generation's). Dropping a partition locks its parent alone for an instant (the parent first,
-- as every query and writer locks it): a table per call, each in a transaction of its own, so that the rebuild
-- never holds one parent while it waits for the other, which a query holding that one and waiting for the
-- first would make a deadlock.
CREATE FUNCTION drop_generation(p_generation integer, p_table text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM generations WHERE generation = p_generation AND state = 'live') THEN
        RAISE EXCEPTION 'generation % is live', p_generation;
    END IF;
    IF p_table NOT IN ('entries', 'entry_subjects') THEN
        RAISE EXCEPTION 'no table %', p_table;
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS %I', p_table || '_g' || p_generation);
END $$;

REVOKE ALL ON FUNCTION open_generation(integer), key_generation(integer, text), seal_generation(integer),
    drop_generation(integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION open_generation(integer), key_generation(integer, text), seal_generation(integer),
    drop_generation(integer, text) TO {{role}};
