"""Answers to callers (T-1 to T-3): a person's timeline, their facts, and the change feed — each filtered to
what the caller's role and scopes let them see (domain/access.py).

A caller is described by `viewer = {"role", "scopes"}` as the gateway authenticated it. Every read is also
recorded by the gateway in its access log (who, which person, which purpose, when).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import itertools
import json
import re
from collections import OrderedDict
from functools import cache
from typing import Any

from pydantic_core import to_jsonable_python

from services.funeral.contract.seen_alive import SEEN_ALIVE, seen_after, sightings
from services.funeral.contract.table import DECLARERS, DECLARING_BUREAU
from services.timeline.adapters import projection
from services.timeline.adapters.projection import Shown
from services.timeline.contract.feed import SPECVERSION, source_of
from services.timeline.contract.queries import DEFAULT_FEED_LIMIT, EVENT_TYPE_PATTERN, MAX_FEED_LIMIT, SERVICE_PATTERN
from services.timeline.contract.refusals import FEED_NOT_IN_SCOPE, INVALID_SUBJECT, TIMELINE_NOT_IN_SCOPE
from services.timeline.domain import cursor
from services.timeline.domain.access import Visibility, visibility_of
from services.timeline.domain.facts import derive_facts
from services.timeline.domain.titles import title_of
from shared.db import Database
from shared.envelope import SUBJECT_ID_PATTERN
from shared.errors import NotFound, Refusal
from shared.reference.refusals import FORBIDDEN, INVALID_QUERY
from shared.sized_cache import SizedCache

PERSONS_CACHED = 2048  # timelines remembered per process (a few hundred entries each)
DOCUMENTS_CACHED_BYTES = 64 * 2**20  # finished documents remembered per process, in bytes of text
_SUBJECT = re.compile(SUBJECT_ID_PATTERN)
_SERVICE = re.compile(SERVICE_PATTERN)
_TYPE = re.compile(EVENT_TYPE_PATTERN)


class Queries:
    def __init__(self, db: Database, sources: list[str]) -> None:
        self.db = db
        self.sources = sources
        # subject -> (the person's ids, their stamp, their timeline rows, the rows' serial): least recently used
        # first. The serial is new with every read of the rows: a document made from them carries it.
        self._cache: OrderedDict[str, tuple[tuple[str, ...], tuple[int, int, int] | None, list[Any], int]] = \
            OrderedDict()
        self._serials = itertools.count(1)
        # (subject, the caller's grants, as_of, service, known_at) -> (rows' serial, document, digest).
        self._documents: SizedCache[tuple[Any, ...], tuple[int, str, str]] = SizedCache(
            DOCUMENTS_CACHED_BYTES, lambda value: value[1])

    # -- a person -------------------------------------------------------------------------------------------
    def timeline(self, subject: str, as_of: str | None, service: str | None, viewer: Any,
                 known_at: str | None = None) -> dict[str, Any]:
        """The timeline as Python values (in-process callers); RPC answers with `timeline_document`."""
        return json.loads(self.timeline_document(subject, as_of, service, viewer, known_at))

    def timeline_answer(self, subject: str, as_of: str | None, service: str | None, viewer: Any,
                        known_at: str | None = None, held: str | None = None) -> dict[str, str | None]:
        """The RPC's answer: `{"digest", "document"}`, the document's digest (SHA-256 of its UTF-8 text) and the
        document, or `None` for the document when `held` is that digest — the caller holds this very text
        from an earlier answer and need not be sent it again (docs/timeline.md, "What a query costs"). The
        digest is of what this caller may see now, so a document held for another caller, or one that has
        changed since, never matches."""
        document, digest = self._document(subject, as_of, service, viewer, known_at)
        return {"digest": digest, "document": None if held == digest else document}

    def timeline_document(self, subject: str, as_of: str | None, service: str | None, viewer: Any,
                          known_at: str | None = None) -> str:
        """Every event about the person, in business-date order, as far as the caller may see (T-1, T-3) —
        as JSON text, built from the entries' JSON texts without parsing them (docs/timeline.md, "What a
        query costs"). `as_of` is what was true on a date (business dates); `known_at` what the registry knew at
        a moment (entries recorded until then, links as they stood): corrections and late registrations differ.
        A person the caller may see nothing of is 404, as one with no events: a 200 with no entries would tell
        a caller without the `case` class that a relief case exists (issue 14); for the same reason only such
        callers see `merged_ids`, the temporary ids (relief cases) linked to the person."""
        return self._document(subject, as_of, service, viewer, known_at)[0]

    def _document(self, subject: str, as_of: str | None, service: str | None, viewer: Any,
                  known_at: str | None) -> tuple[str, str]:
        """`timeline_document` and its digest. A present document (no `known_at`) is remembered with the
        serial of the rows it was made from, under everything else it depends on: the id asked for, the
        caller's grants (access classes and services, T-3), and `as_of`, `service` and `known_at` as given
        (they are echoed). It is answered again only while `_timeline_rows` answers from those very rows,
        that is while the person's stamp has not moved: a new entry, link, unlink or correction makes new
        rows, and the next read a new document."""
        visibility = _visibility(viewer)
        if not visibility.reads_timeline:
            raise Refusal(TIMELINE_NOT_IN_SCOPE, "your scopes cover current facts only, not timelines", 403)
        if service is not None and not _SERVICE.match(service):
            raise Refusal(INVALID_QUERY, "service is a service name", 422,
                          [{"loc": ["query", "service"], "msg": "unknown service"}])
        until = _date(as_of)
        moment = _moment(known_at)
        _check_subject(subject)
        rows, serial = self._timeline_rows(subject, moment)
        key = (subject, visibility.grants, as_of, service, known_at)
        if serial is not None and (remembered := self._documents.get(key)) is not None and remembered[0] == serial:
            return remembered[1], remembered[2]
        visible = [row for row in rows if row.recorded_at <= moment and visibility.sees_entry(row.type)]
        if not visible or not _may_address(visibility, subject, rows[0].person):
            raise NotFound("no events about this person")
        last_day = None if until is None else until.isoformat()
        # The same filter as the feed's: business date, service, and the caller's access classes (T-3).
        shown = [_titled(row.type, row.shown) for row in visible
                 if (last_day is None or row.occurred_on <= last_day) and service in (None, row.type.split(".", 1)[0])]
        merged = rows[0].merged_ids if visibility.sees_cases else "[]"
        document = (f'{{"subject": {json.dumps(subject)}, "person": {json.dumps(rows[0].person, ensure_ascii=False)},'
                    f' "merged_ids": {merged}, "as_of": {json.dumps(as_of)}, "known_at": {json.dumps(known_at)},'
                    f' "entries": [{", ".join(shown)}]}}')
        digest = hashlib.sha256(document.encode()).hexdigest()
        if serial is not None:
            self._documents.put(key, (serial, document, digest))
        return document, digest

    def _timeline_rows(self, subject: str, moment: dt.datetime) -> tuple[list[projection.TimelineRow], int | None]:
        """The person's timeline rows, and for the present (no `known_at`) their serial; from this process's
        cache while the person's stamp (adapters/projection.py) has not moved: one small indexed read instead
        of the whole document. A stamp is only ever stored with rows read after it, so a row written in
        between makes the next request read again and never keeps a stale answer; the first read of a person
        stores no stamp. Rows read again get a new serial, even when they are the same."""
        with self.db.connection() as conn:
            if moment != projection.ALWAYS:
                return projection.person_timeline_rows(conn, subject, moment), None
            stamp = None
            cached = self._cache.get(subject)
            if cached is not None:
                ids, stored, rows, serial = cached
                stamp = projection.person_stamp(conn, ids)
                if stamp == stored:
                    self._cache.move_to_end(subject)
                    return rows, serial
            rows = projection.person_timeline_rows(conn, subject, moment)
        if not rows:
            self._cache.pop(subject, None)
            return rows, None
        ids = (subject, rows[0].person, *json.loads(rows[0].merged_ids))
        if cached is None or cached[0] != ids:
            stamp = None  # a stamp is kept only for the ids it counted
        serial = next(self._serials)
        self._cache[subject] = (ids, stamp, rows, serial)
        self._cache.move_to_end(subject)
        while len(self._cache) > PERSONS_CACHED:
            self._cache.popitem(last=False)
        return rows, serial

    def seen_alive(self, subject: str, after: str, viewer: Any) -> list[dict[str, str]]:
        """D-2 (docs/declarations.md): the days civreg saw the person alive, in person, after `after` — the
        service and the day, nothing else — from every service, whatever the caller may read of the person's
        timeline: a court's judgment is checked against all of civreg, and the refusal names only these. For
        who enters a declaration (registrars, the courts' system), whose gateway route records the read with its
        purpose; a person never seen, or unknown, has none."""
        if not _declares(viewer):
            raise Refusal(FORBIDDEN, "civreg's sightings of a person are read to enter a court declaration", 403)
        day = _date(after)
        if day is None:
            raise Refusal(INVALID_QUERY, "after is a date YYYY-MM-DD", 422, [{"loc": ["after"], "msg": "a date"}])
        _check_subject(subject)
        rows, _ = self._timeline_rows(subject, projection.ALWAYS)
        seen = sightings(json.loads(row.shown) for row in rows if row.type in SEEN_ALIVE)
        return [{"service": s.service, "on": s.on.isoformat()} for s in seen_after(seen, day)]

    def facts(self, subject: str, as_of: str | None, viewer: Any, known_at: str | None = None) -> dict[str, Any]:
        """The person's facts on `as_of` (a business date), as the registry knew them at `known_at`."""
        visibility = _visibility(viewer)
        if not visibility.reads_anything:
            raise Refusal(FORBIDDEN, "no access class covers this person's facts", 403)
        until = _date(as_of)
        moment = _moment(known_at)
        _check_subject(subject)
        with self.db.connection() as conn:
            person, ids, entries = projection.person_history(conn, subject, moment)
        if not entries or not _may_address(visibility, subject, person):
            raise NotFound("no events about this person")
        facts = derive_facts(entries, ids, until)
        shown = {name: value for name, value in facts.items() if visibility.sees_fact(_fact_of(name))}
        if not shown:  # nothing the caller may see: as if there were nothing (no hint of a relief case)
            raise NotFound("no events about this person")
        return to_jsonable_python({"subject": subject, "person": person, "as_of": as_of, "known_at": known_at,
                                   **shown})

    def person_ids(self, subject: str, viewer: Any) -> list[str]:
        """The person `subject` stands for and every temporary id linked to them now, the person first; for
        oversight only (the access history looks each of them up): the links are relief cases' data."""
        if not isinstance(viewer, dict) or viewer.get("role") != "oversight":
            raise Refusal(FORBIDDEN, "only oversight reads the ids linked to a person", 403)
        if not isinstance(subject, str) or not _SUBJECT.match(subject):
            return [subject]  # no person has it; its own rows are still the history (a hostile id's too)
        with self.db.connection() as conn:
            person, ids = projection.person_ids(conn, subject)
        return [person, *sorted(set(ids) - {person})]

    # -- the change feed ------------------------------------------------------------------------------------
    def feed(self, after: str | None, types: str | None, limit: int | str | None, viewer: Any) -> dict[str, Any]:
        visibility = _visibility(viewer)
        if not visibility.reads_timeline:
            raise Refusal(FEED_NOT_IN_SCOPE, "your scopes cover current facts only, not events", 403)
        wanted = _types(types)
        size = _limit(limit)
        positions = cursor.decode(after)
        with self.db.transaction() as conn:
            generation = projection.live_generation(conn)
            done = projection.checkpoints(conn, generation)
            scans = {}
            for source in self.sources:
                start, until = positions.get(source, 0), done.get(source, 0)
                rows = projection.feed_scan(conn, generation, source, start, until, size) if until > start else []
                scanned_to = until if len(rows) < size else rows[-1].global_position
                scans[source] = ([e for e in rows if visibility.sees_entry(e.type) and _wanted(e, wanted)],
                                 max(start, scanned_to))
        page = list(heapq.merge(*(shown for shown, _ in scans.values()), key=lambda e: e.recorded_at))[:size]
        taken: dict[str, int] = {}
        for entry in page:
            taken[entry.source] = entry.global_position
        following = dict(positions)
        for source, (shown, scanned_to) in scans.items():
            all_taken = not shown or taken.get(source) == shown[-1].global_position
            following[source] = scanned_to if all_taken else taken.get(source, positions.get(source, 0))
        return {"entries": [feed_entry(e) for e in page], "next": cursor.encode(following)}


@cache
def _title_member(event_type: str) -> str:
    return f'{{"title": {json.dumps(title_of(event_type), ensure_ascii=False)}, '


def _titled(event_type: str, shown: str) -> str:
    """The entry's JSON object text with its title (titles.yaml) put in front: `{"occurred_on" ...}` becomes
    `{"title": "...", "occurred_on" ...}`."""
    return _title_member(event_type) + shown[1:]


def feed_entry(entry: Shown) -> dict[str, Any]:
    """The entry as a CloudEvents 1.0 event (services/timeline/contract/feed.py)."""
    return {
        "specversion": SPECVERSION,
        "id": entry.event_id,
        "source": source_of(entry.source),
        "type": entry.type,
        "subject": entry.stream_id,
        "time": entry.recorded_at,
        "datacontenttype": "application/json",
        "data": {"position": entry.global_position, "occurred_on": entry.occurred_on, "title": title_of(entry.type),
                 "office": entry.office, "subjects": entry.subjects, "refs": entry.refs},
    }


def _may_address(visibility: Visibility, subject: str, person: str) -> bool:
    """A temporary id that stands for another person is a relief case's link to them: a caller without the
    `case` class who addresses the person by it gets the 404 of an unknown id, not the person (issue 14)."""
    return subject == person or visibility.sees_cases


def _declares(viewer: Any) -> bool:
    """D-1: who enters a court declaration — a registrar, or the courts' system and no other bureau."""
    if not isinstance(viewer, dict) or viewer.get("role") not in DECLARERS:
        return False
    return viewer["role"] != "bureau" or viewer.get("bureau") == DECLARING_BUREAU


def _check_subject(subject: Any) -> None:
    if not isinstance(subject, str) or not _SUBJECT.match(subject):
        raise Refusal(INVALID_SUBJECT, "an ID number or temporary subject id", 422,
                      [{"loc": ["path", "person_id"], "msg": "not a subject id"}])


def _fact_of(name: str) -> str:
    return {"marital_status_since": "marital_status", "registration_id": "marital_status"}.get(name, name)


def _visibility(viewer: Any) -> Visibility:
    if not isinstance(viewer, dict) or not isinstance(viewer.get("role"), str):
        raise Refusal(FORBIDDEN, "the call names no principal", 403)
    scopes = viewer.get("scopes") or []
    return visibility_of(viewer["role"], [s for s in scopes if isinstance(s, str)])


def _date(text: str | None) -> dt.date | None:
    if text is None or text == "":
        return None
    try:
        if not isinstance(text, str) or len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refusal(INVALID_QUERY, "as_of is a date, YYYY-MM-DD", 422,
                      [{"loc": ["query", "as_of"], "msg": "not a date"}]) from None


def _moment(text: str | None) -> dt.datetime:
    """`known_at`: an RFC 3339 time with its offset (`2026-03-01T12:00:00+08:00`, `…Z`); none: now."""
    if text is None or text == "":
        return projection.ALWAYS
    try:
        if not isinstance(text, str) or len(text) > 40:
            raise ValueError(text)
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
        return moment
    except ValueError:
        raise Refusal(INVALID_QUERY, "known_at is an RFC 3339 time with its offset, e.g. 2026-03-01T12:00:00Z",
                      422, [{"loc": ["query", "known_at"], "msg": "not a time with an offset"}]) from None


def _types(text: str | None) -> list[str]:
    if not text:
        return []
    wanted = [t.strip() for t in text.split(",") if t.strip()]
    if len(wanted) > 50 or not all(_TYPE.match(t) for t in wanted):
        raise Refusal(INVALID_QUERY, "types is a comma-separated list of event types or `service.*`", 422,
                      [{"loc": ["query", "types"], "msg": "not event types"}])
    return wanted


def _wanted(entry: Shown, wanted: list[str]) -> bool:
    return not wanted or entry.type in wanted or f"{entry.service}.*" in wanted


def _limit(value: int | str | None) -> int:
    if value in (None, ""):
        return DEFAULT_FEED_LIMIT
    text = str(value)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_FEED_LIMIT):
        raise Refusal(INVALID_QUERY, f"limit is 1 to {MAX_FEED_LIMIT}", 422,
                      [{"loc": ["query", "limit"], "msg": "out of range"}])
    return int(text)
