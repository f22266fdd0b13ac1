"""docs/events.md, rendered from the event models (`civreg docs events`): every type, version, field, type and
description, so the catalogue can no longer drift from the code. A test fails when the committed file is stale.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from services.event_contracts import catalogues
from shared.reference.events import EventModel
from shared.reference.glossary import field_description

EVENTS_MD = Path(__file__).resolve().parents[1] / "docs" / "events.md"

PREAMBLE = """\
# Event contracts between services

<!-- Generated from services/<name>/contract/events.py by `civreg docs events`; do not edit by hand. -->

Services share only these contracts and RPC, never each other's code. Each service's events are one frozen
pydantic model per type and schema version in `services/<name>/contract/events.py`; this page is rendered from
them (the machine-readable form is the AsyncAPI document, `GET /asyncapi.json` and docs/asyncapi.json).

An event on the wire is the envelope of `shared/envelope.py` (JSON): `event_id`, `type`, `schema_version`,
`stream_id`, `stream_version`, `global_position`, `occurred_on` (the business date), `recorded_at`, `subjects`
(`[{id, role}]`: ID numbers or temporary subject ids), `payload` (the model below), `metadata` (`actor`,
`office`, `correlation_id`, `causation_id`, `idempotency_key`, `traceparent`: the W3C trace context of the
worker that recorded it). It is published on exchange `<service>.events` with the type as routing key.

Rules for every contract:
- A type is `<service>.<PastTense>`; its payload fields are only ever added, never renamed or removed. A change
  that breaks readers is a new `schema_version`: a new model, and an upcaster from the old shape in the
  producer's contract (`UPCASTERS`), so that stored history is never rewritten and consumers read the current
  model. Readers pass over fields their version of the contract does not know.
- Consumers parse payloads through the producer's contract models (`CATALOGUE.read(event)`), never its domain.
  A reaction is a command in the consumer whose events carry `causation_id` = the triggering event's id.
- Facts derived across services (marital status, alive, child welfare status) are defined once, in the
  producer's `contract/facts.py`, and called by the producer and the timeline alike (docs/timeline.md, T-2).
- Dates are `YYYY-MM-DD`, times RFC 3339, places are place codes (`MR-610502`, `RS-610500`, `FH-610502`,
  `CEM-610502-1`) and divisions are six-digit codes (domain.md 0.2). Temporary subject ids:
  `TMP-<place code without dashes>-<sequence or uuid>`; they match `shared/envelope.SUBJECT_ID_PATTERN`.
- Identity merges (timeline, T-1): an event whose subjects hold a `{id: TMP-…, role: "temporary"}` and a
  `{id: ID number, role: "identified"}` (or `"settled"`) merges the temporary id into that person; a payload
  carrying `unlinked_temporary_id` splits it off again. The latest of the two decides (docs/timeline.md).
"""


def type_name(annotation: Any) -> str:
    """A field's type as a reader of the docs says it: `date`, `string | null`, `[MarriageRegisteredParties]`."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(arg) for arg in typing.get_args(annotation))
    if origin in (tuple, list):
        return f"[{type_name(typing.get_args(annotation)[0])}]"
    if origin is dict:
        return "object"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "string", int: "integer", bool: "boolean", float: "number", type(None): "null"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _doc(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def _field_rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        rows.append(f"| `{prefix}{name}` | {type_name(info.annotation).replace(' | ', ' or ')} | "
                    f"{_required(info)} | {field_description(name, info).replace('|', '/')} |")
        for part in _parts(info.annotation):
            rows += _field_rows(part, f"{prefix}{name}[].")
    return rows


def _required(info: FieldInfo) -> str:
    return "yes" if info.is_required() else "no"


def _parts(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [part for arg in typing.get_args(annotation) for part in _parts(arg)]


def render_model(model: type[EventModel]) -> str:
    lines = [f"### `{model.TYPE}` v{model.VERSION}", "", _doc(model), "",
             "| field | type | required | description |", "| --- | --- | --- | --- |", *_field_rows(model), ""]
    return "\n".join(lines)


def render() -> str:
    sections = [PREAMBLE]
    for catalogue in catalogues():
        sections.append(f"## {catalogue.service}\n\nExchange `{catalogue.service}.events`; "
                        f"{len(catalogue.models)} event types and versions.\n")
        sections += [render_model(model) for _, model in sorted(catalogue.models.items())]
    return "\n".join(sections).rstrip() + "\n"

