-- Least privilege (issue 12): a service's store is its own. The services' group role (of which every
-- service's and the gateway's role is a member) no longer reads any `events` or `relay_progress` table;
-- a consumer is granted SELECT on the `events` of the sources it subscribes to, and nothing else, by
-- `civreg migrate` (services/database_access.py). The gateway's /health reads only these two numbers, through
-- functions that run as the schema's owner.
REVOKE SELECT ON events FROM {{group}};
REVOKE SELECT ON relay_progress FROM {{group}};

CREATE FUNCTION head_position() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(max(global_position), 0) FROM {{schema}}.events
$$;

-- Events committed but not yet published by the outbox relay (shared/outbox.py names it 'amqp').
CREATE FUNCTION relay_lag() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT max(global_position) FROM {{schema}}.events), 0)
         - coalesce((SELECT position FROM {{schema}}.relay_progress WHERE relay = 'amqp'), 0)
$$;

REVOKE ALL ON FUNCTION head_position(), relay_lag() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION head_position(), relay_lag() TO {{group}};
