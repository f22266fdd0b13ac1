"""The record of every sign-in attempt, with its address, and the lockout it implies.

An account is locked once it has `failures` failed attempts within `window` seconds since its last
success. Attempts under unknown usernames are recorded and counted the same way, so that the answers do
not tell which usernames exist. Oversight and admins read the record (`GET /v1/admin/sign-ins`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from shared.db import Database

SUCCESS = "success"
MAX_USERNAME = 64
MAX_LISTED = 500


class SignInAttempt(BaseModel):
    at: dt.datetime
    username: str
    outcome: str
    ip: str | None


class SignIns:
    def __init__(self, db: Database, *, failures: int, window: int) -> None:
        self.db = db
        self.failures = failures
        self.window = window

    def record(self, username: str, outcome: str, ip: str | None) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO sign_ins (username, outcome, ip) VALUES (%s, %s, %s)",
                         (username[:MAX_USERNAME], outcome, ip))

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
