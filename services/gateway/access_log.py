"""The access log (architecture.md "Access classes and audit"): one row per authenticated call — who, in
which role, did what, to whom, for which stated purpose, with which outcome, when.

The table is append-only and hash-chained (migrations/0002_access_log_chain.sql): the gateway's role may only
call `append_access` and SELECT, a trigger refuses UPDATE, DELETE and TRUNCATE even to the table's owner, and
`civreg audit verify` finds any row a superuser changed anyway (shared/eventstore/chain.py). The subjects
are stored in clear: this is the audit record oversight reads. It never goes to the process log.

Durability: `record` returns only once the row is committed, so no response leaves before its audit row
is durable. Calls that finish while a write is in flight share the next one (group_commit.py): one INSERT and
one commit for every row waiting at that moment. If that write fails, it fails for every call in it (each is
answered 503 `audit_unavailable`); a failed row is never reported as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml
from psycopg.types.json import Jsonb

from services.gateway.group_commit import GroupCommit, GroupWriteFailed
from services.timeline.contract.feed import SOURCE_PREFIX as FEED_SOURCE_PREFIX
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
    subjects: tuple[str, ...] = ()  # every person the call concerned or its answer disclosed (canonical ids)
    client_ip: str | None = None
    purpose_code: str | None = None  # X-Purpose-Code (bureaus), from the vocabulary in access.yaml
    case_ref: str | None = None  # X-Case-Ref (bureaus)
    detail: str | None = None  # what a bulk read covered: "month=2025-08", "positions 1-1000"


class AccessLog(Protocol):
    def record(self, entry: AccessRecord) -> None: ...

    def history(self, *subjects: str) -> list[dict[str, object]]: ...


# The rows go through `append_access` (migrations/0002_access_log_chain.sql): the gateway's role may not
# INSERT; the function stamps the time and, through the chain trigger, the hash, under the log's lock.
APPEND_ROWS = "SELECT append_access(%s)"


def row_json(entry: AccessRecord) -> dict[str, object]:
    subjects = list(dict.fromkeys(storable(s) for s in (entry.subject, *entry.subjects) if s))
    return {"principal": entry.principal, "role": entry.role, "action": entry.action,
            "subject": storable(entry.subject), "subjects": subjects, "purpose": storable(entry.purpose),
            "purpose_code": storable(entry.purpose_code), "case_ref": storable(entry.case_ref),
            "client_ip": entry.client_ip, "detail": storable(entry.detail), "outcome": entry.outcome,
            "correlation_id": entry.correlation_id}


def rows_parameter(entries: Sequence[AccessRecord]) -> Jsonb:
    return Jsonb([row_json(entry) for entry in entries])


def storable(text: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL; a path that carries one is still audited, with the byte written out
    as `\\x00`, so that a hostile request never turns into a failed audit write (503)."""
    return text.replace("\x00", "\\x00") if text is not None else None


class AccessLogUnavailable(RuntimeError):
    """The write that carried this call's row failed: the row is not recorded."""


MAX_HISTORY_ENTRIES = 5000


class PostgresAccessLog:
    def __init__(self, db: Database, *, max_rows: int = 500) -> None:
        self.db = db
        self._group: GroupCommit[AccessRecord] = GroupCommit(max_items=max_rows)

    def history(self, *subjects: str) -> list[dict[str, object]]:
        """A person's access history (T-3, oversight): oldest first — at, principal, role, action, purpose and
        outcome of each call that concerned them under any of `subjects` (the person's ID number and the
        temporary ids linked to them). The ids are looked up as they are stored (`storable`), so even a hostile
        id finds its rows instead of failing the query."""
        ids = [storable(subject) for subject in subjects]
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT at, principal, role, action, purpose, outcome, purpose_code, case_ref, detail, client_ip"
                " FROM access_log WHERE subjects && %s::text[] OR subject = ANY(%s::text[])"
                " ORDER BY at, id LIMIT %s", (ids, ids, MAX_HISTORY_ENTRIES)).fetchall()
        return [{"at": at.isoformat(), "principal": principal, "role": role, "action": action, "purpose": purpose,
                 "outcome": outcome, "purpose_code": code, "case_ref": case_ref, "detail": detail,
                 "client_ip": client_ip}
                for at, principal, role, action, purpose, outcome, code, case_ref, detail, client_ip in rows]

    def record(self, entry: AccessRecord) -> None:
        try:
            self._group.submit(entry, self._write)
        except GroupWriteFailed as failed:
            raise AccessLogUnavailable("the access log could not be written") from failed.__cause__

    def _write(self, entries: Sequence[AccessRecord]) -> None:
        # One statement in autocommit: one round trip and one durable commit for the whole batch.
        with self.db.connection() as conn:
            conn.execute(APPEND_ROWS, (rows_parameter(entries),))


# -- what a call states and discloses (api.md release 2; issue 14) ------------------------------------------
PURPOSES_FILE = Path(__file__).resolve().parents[1] / "timeline" / "access.yaml"  # data, not the service's code
_CASE_REF = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII, as a bureau's own file numbers are
# A person's id inside an answer or a body: an 18-character ID number (a body may spell its check character
# `x`), a 15-digit one, or a temporary subject id.
_PERSON_ID = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}|TMP-[A-Za-z0-9-]{1,60}", re.ASCII)
_ID_LENGTHS, _TEMPORARY = (18, 15), "TMP-"  # what `_PERSON_ID` can match: these lengths, or this prefix
_MERGED_IDS = re.compile(r'"merged_ids": (\[[^\]]*\])')
_PERSON = re.compile(r'"person": "([^"]{1,80})"')
MAX_SUBJECTS = 5000  # a feed page or a payroll holds at most this many persons


@cache
def purpose_codes() -> frozenset[str]:
    """The vocabulary of `X-Purpose-Code` (access.yaml `purposes`)."""
    document = yaml.safe_load(PURPOSES_FILE.read_text(encoding="utf-8")) or {}
    return frozenset(document.get("purposes") or {})


def case_ref_of(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not _CASE_REF.fullmatch(value.strip()):
        raise ValueError("X-Case-Ref is 1 to 100 visible ASCII characters")
    return value.strip()


def disclosed_subjects(body: object) -> tuple[str, ...]:
    """Every person's id an answer carries (bulk reads: payroll, lists, the feed), in order of appearance,
    each once. Timelines pass through as JSON text: their subject and linked ids head the document."""
    found: dict[str, None] = {}
    if isinstance(body, str):
        head = body[:4096]
        if (match := _PERSON.search(head)) and _PERSON_ID.fullmatch(match.group(1)):
            found[match.group(1)] = None
        if match := _MERGED_IDS.search(head):
            found.update(dict.fromkeys(i for i in json.loads(match.group(1)) if isinstance(i, str)))
        return tuple(found)
    # Run on every command's body and every answer (twice a registration): strings, the most common item, are
    # looked at first, and only those of an id's length or prefix go to the pattern (a registration's body and
    # answer: 17.9 → 12.5 µs, alone).
    stack = [body]
    pop, push = stack.pop, stack.extend
    while stack and len(found) < MAX_SUBJECTS:
        item = pop()
        if isinstance(item, str):
            if (len(item) in _ID_LENGTHS or item.startswith(_TEMPORARY)) and _PERSON_ID.fullmatch(item):
                found[item] = None
        elif isinstance(item, dict):
            push(reversed(item.values()))
        elif isinstance(item, list | tuple):
            push(reversed(item))
    return tuple(found)


def feed_detail(body: object) -> str | None:
    """For a feed page (CloudEvents entries, services/timeline/contract/feed.py): the positions it handed out,
    per source ("marriage positions 12-1011")."""
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        return None
    spans: dict[str, list[int]] = {}
    for entry in body["entries"]:
        data = entry.get("data") if isinstance(entry, dict) else None
        if isinstance(data, dict) and isinstance(data.get("position"), int):
            source = str(entry.get("source")).removeprefix(FEED_SOURCE_PREFIX)
            span = spans.setdefault(source, [data["position"], data["position"]])
            span[0], span[1] = min(span[0], data["position"]), max(span[1], data["position"])
    return ", ".join(f"{source} positions {low}-{high}" for source, (low, high) in spans.items()) or None
