"""The drafts the adoption deciders produce, and the streams they go to: `assessment-<id>`, `notice-<id>`,
`adoption-<id>`, `placement-<id>` (a sealed adoption's placing parent, A-14), `application-<id>` (A-12). The
event models and their payloads are the contract's (`contract/events.py`, docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass

from services.adoption.contract import events as contract
from shared import envelope

SCHEMA_VERSIONS = contract.CATALOGUE.schema_versions
ALL_TYPES = contract.CATALOGUE.types


@dataclass(frozen=True)
class Draft(envelope.Draft):
    """An event decided on, before it has an id, metadata or a stream position."""

    SCHEMA_VERSIONS = SCHEMA_VERSIONS


def assessment_stream(assessment_id: str) -> str:
    return f"assessment-{assessment_id}"


def notice_stream(notice_id: str) -> str:
    return f"notice-{notice_id}"


def adoption_stream(adoption_id: str) -> str:
    return f"adoption-{adoption_id}"


def placement_stream(placement_id: str) -> str:
    return f"placement-{placement_id}"


def application_stream(application_id: str) -> str:
    return f"application-{application_id}"
