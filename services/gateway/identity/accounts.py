"""Accounts of people: who they are, the role they act in, the place or division that scopes them.

A username is lower-case ASCII; the person's own name (Chinese or not) is kept beside it. Disabling an
account revokes its refresh chains at once; its access tokens run out within their ≤ 15 minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.gateway.auth import Principal, Role, check_scope
from services.gateway.identity.passwords import MAX_PASSWORD, MIN_PASSWORD, hash_secret
from services.gateway.problems import Problem
from shared.db import Database
from shared.reference.refusals import NOT_FOUND

USERNAME = r"^[a-z][a-z0-9._-]{2,63}$"
_COLUMNS = "username, name, role, office, county, township, password_hash, active, origin, created_at"


class Password(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    password: str = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


class NewAccount(Password):
    """An account to create (api.md `POST /v1/admin/accounts`)."""

    username: str = Field(pattern=USERNAME)
    name: str = Field(min_length=1, max_length=100)
    role: Role
    office: str | None = None
    county: str | None = None
    township: str | None = None

    @model_validator(mode="after")
    def check_scope(self) -> NewAccount:
        check_scope(self.role, self.office, self.county, self.township)
        return self


class AccountView(BaseModel):
    """An account as admins see it: never its password hash."""

    username: str
    name: str
    role: str
    office: str | None
    county: str | None
    township: str | None
    active: bool
    created_at: dt.datetime


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str
    office: str | None
    county: str | None
    township: str | None
    password_hash: str
    active: bool
    origin: str
    created_at: dt.datetime

    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.office, county=self.county, township=self.township,
                         display_name=self.name, via="password")

    def view(self) -> AccountView:
        return AccountView(username=self.username, name=self.name, role=self.role, office=self.office,
                           county=self.county, township=self.township, active=self.active,
                           created_at=self.created_at)


class Accounts:
    """The `accounts` table of the gateway's schema."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, new: NewAccount, *, origin: str = "admin", exists_ok: bool = False) -> bool:
        """Create the account; False if it existed and `exists_ok` (seeding), else 409 `account_exists`."""
        with self.db.connection() as conn:
            row = conn.execute(
                "INSERT INTO accounts (username, name, role, office, county, township, password_hash, origin)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (username) DO NOTHING RETURNING 1",
                (new.username, new.name, new.role, new.office, new.county, new.township,
                 hash_secret(new.password), origin)).fetchone()
        if row is None and not exists_ok:
            raise Problem(409, "account_exists", f"an account {new.username} exists already")
        return row is not None

    def get(self, username: str) -> Account | None:
        with self.db.connection() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE username = %s", (username,)).fetchone()
        return Account(*row) if row else None

    def all(self) -> list[Account]:
        with self.db.connection() as conn:
            return [Account(*row) for row in conn.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY username")]

    def set_active(self, username: str, active: bool) -> Account:
        with self.db.transaction() as tx:
            found = tx.execute("UPDATE accounts SET active = %s, updated_at = now() WHERE username = %s"
                               " RETURNING 1", (active, username)).fetchone()
            if found and not active:  # a disabled account keeps no session
                tx.execute("UPDATE refresh_chains SET revoked_at = now(), revoked_because = 'account disabled'"
                           " WHERE username = %s AND revoked_at IS NULL", (username,))
        return self._found(username, found)

    def set_password(self, username: str, password: str) -> Account:
        with self.db.transaction() as tx:
            found = tx.execute("UPDATE accounts SET password_hash = %s, updated_at = now() WHERE username = %s"
                               " RETURNING 1", (hash_secret(password), username)).fetchone()
            if found:  # a new password ends every session signed in with the old one
                tx.execute("UPDATE refresh_chains SET revoked_at = now(), revoked_because = 'password changed'"
                           " WHERE username = %s AND revoked_at IS NULL", (username,))
        return self._found(username, found)

    def development_origin(self) -> int:
        """How many accounts and clients came from the development file (a production start refuses any)."""
        with self.db.connection() as conn:
            row = conn.execute("SELECT (SELECT count(*) FROM accounts WHERE origin = 'development')"
                               " + (SELECT count(*) FROM oauth_clients WHERE origin = 'development')").fetchone()
        return int(row[0]) if row else 0

    def _found(self, username: str, found: object) -> Account:
        account = self.get(username) if found else None
        if account is None:
            raise Problem(404, NOT_FOUND, f"no account {username}")
        return account
