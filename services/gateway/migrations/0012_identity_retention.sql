-- Retention (docs/privacy.md): the gateway deletes sign-in attempts after their retention and refresh chains
-- (with their tokens) once expired; the indexes keep each purge one range scan.
CREATE INDEX sign_ins_at ON sign_ins (at);
CREATE INDEX refresh_chains_expires_at ON refresh_chains (expires_at);

GRANT DELETE ON sign_ins, refresh_chains, refresh_tokens TO {{role}};
