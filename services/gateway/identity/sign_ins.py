"""The record of every sign-in attempt, with its address, and the lockout it implies.

An account is locked once it has `failures` failed attempts within `window` seconds since its last
success. Attempts under unknown usernames are recorded and counted the same way, so that the answers do
not tell which usernames exist. Oversight and admins read the record (`GET /v1/admin/sign-ins`).

Retention (docs/privacy.md): an attempt is kept `retention_days` (180 by default,
`IDENTITY.SIGN_IN_RETENTION_DAYS`), then deleted, purged on write (services/gateway/retention.py). Six months
is what the Cybersecurity Law of the PRC (art. 21) asks a network operator to keep its logs for, long
enough for oversight to follow up a complaint or an incident; nothing needs an attempt after that (the
lockout looks back 15 minutes).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from services.gateway.retention import PurgeOnWrite
from shared.db import Database

SUCCESS = "success"
MAX_USERNAME = 64
MAX_LISTED = 500
DEFAULT_RETENTION_DAYS = 180


class SignInAttempt(BaseModel):
    at: dt.datetime
    username: str
    outcome: str
    ip: str | None


class SignIns:
    def __init__(self, db: Database, *, failures: int, window: int,
                 retention_days: int = DEFAULT_RETENTION_DAYS, purge_every: float = 300.0) -> None:
        self.db = db
        self.failures = failures
        self.window = window
        self.retention_days = retention_days
        self.purge = PurgeOnWrite(self._delete_expired, "sign-in", purge_every)

    def record(self, username: str, outcome: str, ip: str | None) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO sign_ins (username, outcome, ip) VALUES (%s, %s, %s)",
                         (username[:MAX_USERNAME], outcome, ip))
        self.purge.after_write()

    def _delete_expired(self) -> int:
        """Delete the attempts older than the retention; returns how many."""
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM sign_ins WHERE at < now() - make_interval(days => %s)",
                                (self.retention_days,)).rowcount

    def locked(self, username: str) -> bool:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT count(*) FROM sign_ins WHERE username = %s AND outcome <> %s"
                " AND at > now() - make_interval(secs => %s)"
                " AND at > coalesce((SELECT max(at) FROM sign_ins WHERE username = %s AND outcome = %s),"
                "                   '-infinity')",
                (username[:MAX_USERNAME], SUCCESS, self.window, username[:MAX_USERNAME], SUCCESS)).fetchone()
        return bool(row) and row[0] >= self.failures

    def history(self, username: str | None, limit: int = MAX_LISTED) -> list[SignInAttempt]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT at, username, outcome, ip FROM sign_ins WHERE %(u)s::text IS NULL OR username = %(u)s"
                " ORDER BY id DESC LIMIT %(n)s", {"u": username, "n": limit}).fetchall()
        return [SignInAttempt(at=r[0], username=r[1], outcome=r[2], ip=r[3]) for r in rows]
