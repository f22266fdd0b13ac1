-- Least privilege (issue 12): the gateway's /health no longer reads the timeline's tables; it reads the
-- live projection's checkpoint per source through this function, which runs as the schema's owner.
REVOKE SELECT ON generations, checkpoints FROM {{group}};

CREATE FUNCTION live_checkpoints() RETURNS TABLE (source text, "position" bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.source, c.position FROM {{schema}}.checkpoints c JOIN {{schema}}.generations g USING (generation)
    WHERE g.state = 'live'
$$;

REVOKE ALL ON FUNCTION live_checkpoints() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION live_checkpoints() TO {{group}};
