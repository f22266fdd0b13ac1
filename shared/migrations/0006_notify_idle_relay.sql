-- Wake the outbox relay only while it waits (issue 19). Every NOTIFY costs the committing session a place in
-- one cluster-wide queue: PostgreSQL takes a lock that serialises all notifying commits of the cluster, held
-- until after the commit record is flushed, and signals every listening backend of the database (measured:
-- appends at 0.52 of a raw commit with the NOTIFY, 0.64 without; a fifth of a single append's backend samples
-- in that signalling). A relay that is busy publishing reads again by itself, so its wake-up is only needed
-- when it is about to wait, and then by the first commit only.
--
-- The relay says it waits by holding the idle lock (advisory, namespace 3, keyed by the schema) on its
-- listening session (shared/outbox.py). An append's statement tries to take that lock shared, without
-- waiting, and notifies only if it cannot, i.e. when the relay holds it:
--   - taken (the relay is busy): no NOTIFY. The shared lock is held until after the commit is visible, so
--     the relay cannot take the idle lock while an append that skipped its NOTIFY is still uncommitted, and
--     it reads again once it holds the lock: it sees every such append.
--   - refused (the relay holds the lock): NOTIFY at commit, which wakes the relay.
-- So no committed event waits for the relay's polling interval (tests/integration/test_relay_wake_up.py).
CREATE OR REPLACE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock_shared(3, hashtext(TG_TABLE_SCHEMA)) THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_events', '');
    END IF;
    RETURN NULL;
END $$;
