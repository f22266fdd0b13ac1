"""A person's access history (T-3; api.md `GET /v1/persons/{id}/access-log`): every recorded call that
concerned them, read from the gateway's own append-only `access_log` (services/gateway/access_log.py
writes it). Oversight only; the read is itself recorded like any other call.
"""

from __future__ import annotations

from typing import Any

from services.gateway.access_log import storable
from shared.db import Database

MAX_ENTRIES = 5000


def access_history(db: Database, subject: str, limit: int = MAX_ENTRIES) -> list[dict[str, Any]]:
    """Oldest first: at, principal, role, action, purpose, and the outcome (HTTP status) of each call.

    The subject is looked up as the access log stores it, so even a hostile id (one carrying NUL) finds its
    rows instead of failing the query."""
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT at, principal, role, action, purpose, outcome FROM access_log WHERE subject = %s"
            " ORDER BY at, id LIMIT %s",
            (storable(subject), limit),
        ).fetchall()
    return [{"at": at.isoformat(), "principal": principal, "role": role, "action": action, "purpose": purpose,
             "outcome": outcome} for at, principal, role, action, purpose, outcome in rows]
