-- Rule 0.3: the years of the public-holiday calendar an administrator has loaded (`civreg calendar load`),
-- beside the years shipped with civreg; a loaded year replaces a shipped one. Every service reads them at
-- start and again on the NOTIFY this table's trigger sends on the schema's channel.
CREATE TABLE holiday_calendar_years (
    year       integer PRIMARY KEY CHECK (year BETWEEN 1949 AND 2199),
    data       jsonb NOT NULL,            -- {"rest_days": ["YYYY-MM-DD", ...], "working_weekends": [...]}
    source     text NOT NULL,             -- the file it was loaded from, for the record
    loaded_by  text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION holiday_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA, 'holiday_calendar_years');
    RETURN NULL;
END $$;

CREATE TRIGGER holiday_calendar_changed AFTER INSERT OR UPDATE OR DELETE ON holiday_calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION holiday_calendar_changed();

GRANT SELECT ON holiday_calendar_years TO {{group}};
