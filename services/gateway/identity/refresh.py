"""Refresh chains: one per sign-in, rotating a refresh token at every use (OAuth 2.0 Security BCP §4.14).

A refresh token is 256 random bits, kept only as its SHA-256. Each use spends it and hands out the next
one of the same chain; the chain ends `ttl` seconds (≤ 12 h) after the sign-in, however often it rotates.
Presenting a spent token again means two parties hold the chain — the user and a thief — so the whole
chain is revoked and the call refused (`refresh_token_reused`). Logout revokes the chain.

Retention (docs/privacy.md): once a chain has expired, none of its tokens can do anything (not even reveal
reuse: an unknown token gets the same answer), so the chain and its tokens, spent or not, are deleted,
purged on write (services/gateway/retention.py). A live chain keeps its spent tokens — they are how reuse
is seen — and a revoked one is kept until it would have expired, with the reason it was revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from services.gateway.problems import Problem
from services.gateway.retention import PurgeOnWrite
from shared.db import Database


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invalid_refresh_token() -> Problem:
    return Problem(401, "invalid_refresh_token", "the refresh token is unknown, expired or revoked; sign in again")


@dataclass(frozen=True)
class Rotated:
    username: str
    refresh_token: str
    expires_in: int  # seconds left of the chain


class RefreshChains:
    def __init__(self, db: Database, *, ttl: int, purge_every: float = 300.0) -> None:
        self.db = db
        self.ttl = ttl
        self.purge = PurgeOnWrite(self._delete_expired, "refresh chain", purge_every)

    def _delete_expired(self) -> int:
        """Delete the expired chains with their tokens; returns how many chains."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM refresh_tokens WHERE chain_id IN"
                       " (SELECT chain_id FROM refresh_chains WHERE expires_at < now())")
            return tx.execute("DELETE FROM refresh_chains WHERE expires_at < now()").rowcount

    def start(self, username: str) -> str:
        token, chain = secrets.token_urlsafe(32), uuid.uuid4()
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO refresh_chains (chain_id, username, expires_at)"
                       " VALUES (%s, %s, now() + make_interval(secs => %s))", (chain, username, self.ttl))
            tx.execute("INSERT INTO refresh_tokens (token_sha256, chain_id) VALUES (%s, %s)", (_digest(token), chain))
        self.purge.after_write()
        return token

    def rotate(self, token: str) -> Rotated:
        reused = False
        with self.db.transaction() as tx:
            row = tx.execute(
                "SELECT t.spent_at IS NOT NULL, c.chain_id, c.username, c.revoked_at IS NOT NULL,"
                "       extract(epoch FROM c.expires_at - now())::int, a.active"
                " FROM refresh_tokens t JOIN refresh_chains c USING (chain_id) JOIN accounts a USING (username)"
                " WHERE t.token_sha256 = %s FOR UPDATE OF t, c", (_digest(token),)).fetchone()
            if row is None:
                raise invalid_refresh_token()
            spent, chain, username, revoked, left, active = row
            if revoked or left <= 0 or not active:
                raise invalid_refresh_token()
            if spent:
                tx.execute("UPDATE refresh_chains SET revoked_at = now(), revoked_because = 'refresh token reused'"
                           " WHERE chain_id = %s", (chain,))
                reused = True
            else:
                new = secrets.token_urlsafe(32)
                tx.execute("UPDATE refresh_tokens SET spent_at = now() WHERE token_sha256 = %s", (_digest(token),))
                tx.execute("INSERT INTO refresh_tokens (token_sha256, chain_id) VALUES (%s, %s)",
                           (_digest(new), chain))
        if reused:  # raised only now: the revocation had to commit
            raise Problem(401, "refresh_token_reused",
                          "this refresh token was used before; the session is revoked, sign in again")
        return Rotated(username, new, left)

    def revoke(self, token: str) -> None:
        """Logout: end the chain the token belongs to (spent or not). Unknown tokens are no error."""
        with self.db.connection() as conn:
            conn.execute("UPDATE refresh_chains SET revoked_at = now(), revoked_because = 'logout'"
                         " WHERE revoked_at IS NULL AND chain_id ="
                         " (SELECT chain_id FROM refresh_tokens WHERE token_sha256 = %s)", (_digest(token),))
