"""The access log (architecture.md "Access classes and audit"): one row per authenticated call — who, in
which role, did what, to whom, for which stated purpose, with which outcome, when.

The table is append-only: the gateway's role may only INSERT and SELECT, and a trigger refuses UPDATE,
DELETE and TRUNCATE even to the table's owner. The subject is stored in clear: this is the audit record
oversight reads. It never goes to the process log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.db import Database


@dataclass(frozen=True)
class AccessRecord:
    principal: str
    role: str
    action: str
    subject: str | None
    purpose: str | None
    outcome: int  # the HTTP status returned
    correlation_id: str


class AccessLog(Protocol):
    def record(self, entry: AccessRecord) -> None: ...


class PostgresAccessLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, entry: AccessRecord) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO access_log (principal, role, action, subject, purpose, outcome, correlation_id)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (entry.principal, entry.role, entry.action, entry.subject, entry.purpose, entry.outcome,
                 entry.correlation_id),
            )
