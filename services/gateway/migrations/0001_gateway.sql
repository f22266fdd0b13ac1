-- The gateway's own tables: the access log (the audit record, append-only) and idempotency keys.
-- {{role}} is the gateway's database role; it runs with search_path set to the gateway schema.

CREATE TABLE access_log (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    principal      text        NOT NULL,
    role           text        NOT NULL,
    action         text        NOT NULL,                  -- the route's action name, e.g. principals.me
    subject        text,                                  -- the person concerned, in clear: the audit record
    purpose        text,                                  -- X-Purpose as stated by the caller
    outcome        smallint    NOT NULL CHECK (outcome BETWEEN 100 AND 599),  -- HTTP status returned
    correlation_id text        NOT NULL
);
-- Oversight reads a person's access history (api.md GET /v1/persons/{id}/access-log).
CREATE INDEX access_log_subject ON access_log (subject, at) WHERE subject IS NOT NULL;
CREATE INDEX access_log_principal ON access_log (principal, at);

-- The audit record is never edited: refuse UPDATE, DELETE and TRUNCATE even for the table's owner.
CREATE FUNCTION refuse_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_access_log_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_access_log_change();

-- Idempotency-Key: the first response to (principal, key); the primary key serialises concurrent claims.
CREATE TABLE idempotency_keys (
    principal     text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,                   -- sha256 of method, path and canonical body
    status        smallint,                               -- set in the claiming transaction, before commit
    content_type  text,
    body          bytea,
    headers       jsonb       NOT NULL DEFAULT '{}',      -- response headers worth replaying (Location)
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    PRIMARY KEY (principal, key)
);

GRANT SELECT, INSERT ON access_log TO {{role}};
REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM {{role}};
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO {{role}};
