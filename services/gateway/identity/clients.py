"""Other bureaus' systems as OAuth2 clients (RFC 6749 §4.4, client credentials).

A client belongs to one bureau and may be granted that bureau's scopes (the access-class grants of
`services/timeline/access.yaml`: `status`, `case`, `protected`, with `:facts` or `@service` narrowings).
Its secret is kept only as an argon2id hash. The token it obtains makes it a `bureau` principal named by
its client id; as before, it must state a purpose (`X-Purpose`) on every call.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.gateway.auth import SCOPE_PATTERN, Principal
from services.gateway.identity.passwords import hash_secret, verify_secret
from shared.db import Database

CLIENT_ID = r"^[a-z][a-z0-9._-]{2,63}$"


class NewClient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    client_id: str = Field(pattern=CLIENT_ID)
    client_secret: str = Field(min_length=24, max_length=200)
    bureau: str = Field(pattern=r"^[a-z][a-z_]{1,40}$")
    scopes: tuple[str, ...] = Field(min_length=1, max_length=20)

    @field_validator("scopes")
    @classmethod
    def well_formed(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        import re

        for scope in scopes:
            if not re.fullmatch(SCOPE_PATTERN, scope):
                raise ValueError(f"malformed scope {scope!r}")
        return scopes


@dataclass(frozen=True)
class Client:
    client_id: str
    secret_hash: str
    bureau: str
    scopes: tuple[str, ...]
    active: bool

    def principal(self, scopes: tuple[str, ...]) -> Principal:
        return Principal(self.client_id, "bureau", bureau=self.bureau, scopes=scopes, via="client")


class Clients:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, new: NewClient, *, origin: str = "admin", exists_ok: bool = False) -> bool:
        with self.db.connection() as conn:
            row = conn.execute(
                "INSERT INTO oauth_clients (client_id, secret_hash, bureau, scopes, origin) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (client_id) DO NOTHING RETURNING 1",
                (new.client_id, hash_secret(new.client_secret), new.bureau, list(new.scopes), origin)).fetchone()
        if row is None and not exists_ok:
            raise ValueError(f"a client {new.client_id} exists already")
        return row is not None

    def get(self, client_id: str) -> Client | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT client_id, secret_hash, bureau, scopes, active FROM oauth_clients"
                               " WHERE client_id = %s", (client_id,)).fetchone()
        return Client(row[0], row[1], row[2], tuple(row[3]), row[4]) if row else None

    def all(self) -> list[Client]:
        with self.db.connection() as conn:
            rows = conn.execute("SELECT client_id, secret_hash, bureau, scopes, active FROM oauth_clients"
                                " ORDER BY client_id").fetchall()
        return [Client(r[0], r[1], r[2], tuple(r[3]), r[4]) for r in rows]

    def set_active(self, client_id: str, active: bool) -> bool:
        with self.db.connection() as conn:
            return conn.execute("UPDATE oauth_clients SET active = %s WHERE client_id = %s RETURNING 1",
                                (active, client_id)).fetchone() is not None

    def authenticate(self, client_id: str, secret: str) -> Client | None:
        """The active client these credentials prove, or None (argon2 runs for unknown ids too)."""
        client = self.get(client_id[:64])
        ok = verify_secret(client.secret_hash if client else None, secret)
        return client if ok and client is not None and client.active else None
