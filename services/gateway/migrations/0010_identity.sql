-- Identity at the edge (api.md "Release 2 › Identity"): accounts of people, other bureaus' OAuth2 clients,
-- the keys that sign access tokens, refresh chains and the record of every sign-in attempt.
-- Passwords and client secrets are kept only as argon2id hashes, refresh tokens only as SHA-256 digests
-- (they are 256 random bits: a slow hash would add nothing), private keys only encrypted (keys.py).

CREATE TABLE accounts (
    username       text        PRIMARY KEY,
    name           text        NOT NULL,               -- the person's name, shown in the workbench
    role           text        NOT NULL,
    office         text,                               -- registry office, relief station, funeral home, cemetery
    county         text,                               -- a county-level division code (child welfare officers)
    township       text,                               -- a township division code (township officers)
    password_hash  text        NOT NULL,               -- argon2id, PHC string
    active         boolean     NOT NULL DEFAULT true,
    origin         text        NOT NULL DEFAULT 'admin' CHECK (origin IN ('admin', 'development')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_clients (
    client_id      text        PRIMARY KEY,
    secret_hash    text        NOT NULL,               -- argon2id
    bureau         text        NOT NULL,
    scopes         text[]      NOT NULL,
    active         boolean     NOT NULL DEFAULT true,
    origin         text        NOT NULL DEFAULT 'admin' CHECK (origin IN ('admin', 'development')),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Signing keys: the newest unretired key signs; a retired key is still published (JWKS) until every token
-- it signed has expired.
CREATE TABLE signing_keys (
    kid            text        PRIMARY KEY,
    alg            text        NOT NULL,
    public_jwk     jsonb       NOT NULL,
    private_jwe    text        NOT NULL,               -- the private JWK, JWE-encrypted with the key secret
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    retired_at     timestamptz
);

-- A refresh chain is one sign-in: every rotation adds a token to it; reuse of a spent token revokes it.
CREATE TABLE refresh_chains (
    chain_id       uuid        PRIMARY KEY,
    username       text        NOT NULL REFERENCES accounts (username),
    started_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_because text
);
CREATE INDEX refresh_chains_username ON refresh_chains (username) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    token_sha256   text        PRIMARY KEY,
    chain_id       uuid        NOT NULL REFERENCES refresh_chains (chain_id),
    issued_at      timestamptz NOT NULL DEFAULT now(),
    spent_at       timestamptz                         -- rotated: presenting it again is reuse
);
CREATE INDEX refresh_tokens_chain ON refresh_tokens (chain_id);

-- Every sign-in attempt, successful or not, with the address it came from (oversight reads it).
CREATE TABLE sign_ins (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    username       text        NOT NULL,               -- as typed (truncated): unknown names are attempts too
    outcome        text        NOT NULL,               -- success, invalid_credentials, account_locked, …
    ip             text
);
CREATE INDEX sign_ins_username ON sign_ins (username, at);

GRANT SELECT, INSERT, UPDATE ON accounts, oauth_clients, signing_keys, refresh_chains, refresh_tokens TO {{role}};
GRANT SELECT, INSERT ON sign_ins TO {{role}};
