"""A source event as the timeline keeps it (`Entry`), and what it means for identities (merges, splits).

Identity merges (T-1, "temporary subject ids merge on identification"), generic over services:
* link — an event whose subjects hold a `temporary` id and an `identified` or `settled` one
  (`funeral.BodyIdentified`, `vagrant_aid.PersonIdentified`, `vagrant_aid.PersonSettled`, and any future
  type following the convention) merges the temporary id into that person;
* unlink — an event whose payload carries `unlinked_temporary_id` splits that temporary id off again
  (docs/events.md, "Rules for every contract");
* relink — `funeral.DeathCorrected` whose `subject` differs from `previous_subject` moves the temporary ids
  merged into the previous subject through the same death stream to the corrected subject.
The latest link or unlink of a temporary id (by recording time; within one event the link comes after the
unlink) decides where it belongs — applied when a person is read (adapters/projection.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from services.funeral.contract import events as funeral
from shared.envelope import Event

LINK_ROLES = frozenset({"identified", "settled"})
TEMPORARY_ROLE = "temporary"
UNLINK_FIELD = "unlinked_temporary_id"
DEATH_CORRECTED = funeral.DeathCorrected.TYPE


@dataclass(frozen=True)
class Entry:
    """One source event, keyed by where it sits in its source store."""

    source: str
    global_position: int
    event_id: str
    stream_id: str
    stream_version: int
    type: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    subjects: tuple[tuple[str, str], ...]  # (id, role)
    payload: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, source: str, event: Event) -> Entry:
        return cls(
            source=source, global_position=event.global_position, event_id=str(event.event_id),
            stream_id=event.stream_id, stream_version=event.stream_version, type=event.type,
            occurred_on=event.occurred_on, recorded_at=event.recorded_at,
            subjects=tuple((s.id, s.role) for s in event.subjects), payload=event.payload,
            metadata=event.metadata.model_dump(exclude_none=True),
        )

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    def concerns(self, ids: Iterable[str], roles: Iterable[str] | None = None) -> bool:
        ids, roles = set(ids), set(roles) if roles is not None else None
        return any(sid in ids and (roles is None or role in roles) for sid, role in self.subjects)


@dataclass(frozen=True)
class AliasChange:
    temporary_id: str
    person_id: str
    action: str  # "link" | "unlink"


# Given (stream id, person id): the temporary ids merged into that person through that stream.
LinksOfStream = Callable[[str, str], list[str]]


def alias_changes(entry: Entry, links_of_stream: LinksOfStream) -> list[AliasChange]:
    """The identity merges and splits an event makes (see the module docstring)."""
    temporary = [sid for sid, role in entry.subjects if role == TEMPORARY_ROLE]
    persons = [sid for sid, role in entry.subjects if role in LINK_ROLES]
    changes = [AliasChange(t, p, "link") for t in temporary for p in persons if t != p]
    unlinked = entry.payload.get(UNLINK_FIELD)
    if isinstance(unlinked, str):
        others = [sid for sid, _ in entry.subjects if sid != unlinked] or [""]
        changes += [AliasChange(unlinked, person, "unlink") for person in others]
    if entry.type == DEATH_CORRECTED:
        corrected = funeral.CATALOGUE.read(entry)  # the producer's contract, never its domain
        previous, now = corrected.previous_subject, corrected.subject
        if previous != now:
            for temporary_id in links_of_stream(entry.stream_id, previous):
                changes += [AliasChange(temporary_id, previous, "unlink"), AliasChange(temporary_id, now, "link")]
    return changes


def may_merge(entry: Entry) -> bool:
    """Whether projecting `entry` may write alias rows: `alias_changes` finds some without asking for a stream's
    links, or would have to ask (a relink). One set-based statement projects entries that make none
    (adapters/deliveries.py, `apply_at_once`)."""
    asked: list[str] = []

    def links(stream_id: str, person: str) -> list[str]:
        asked.append(stream_id)
        return []

    return bool(alias_changes(entry, links)) or bool(asked)
