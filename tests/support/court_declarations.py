"""The funeral service's court declarations (D-1..D-5) as it records them, written straight into a funeral
store: for the tests of the services that react to them (child welfare, vagrant aid) and of the backfills that
fill their read models from that store on an upgraded system."""

from __future__ import annotations

import datetime as dt
import uuid

from shared.envelope import Metadata, NewEvent, Subject
from tests.support.event_samples import payload_of

JUDGMENT_ON = dt.date(2025, 6, 2)
COURT = "渭南市临渭区人民法院"
REGISTRAR = Metadata(actor="registrar.MR-610502", office="MR-610502")


def _judgment_ref() -> str:
    return f"(2025)陕0502民特{uuid.uuid4().int % 9000}号"


def _recorded(funeral_store, person: str, **payload):  # noqa: ANN001, ANN003, ANN202 - a store, an event
    declaration_id = str(uuid.uuid4())
    [event] = funeral_store.append(f"declaration-{declaration_id}", [NewEvent(
        type="funeral.CourtDeclarationRecorded", occurred_on=JUDGMENT_ON,
        subjects=(Subject(id=person, role="declared"),),
        payload=payload_of("funeral.CourtDeclarationRecorded", declaration_id=declaration_id, court=COURT,
                           judgment_ref=_judgment_ref(), judgment_on=JUDGMENT_ON.isoformat(),
                           plausibility_confirmed=False, **payload),
        metadata=REGISTRAR)], 0)
    return event


def death_declared(funeral_store, person: str, supersedes=None):  # noqa: ANN001, ANN201
    """The person declared dead on JUDGMENT_ON (missing four years); `supersedes`: the event of the person's
    missing declaration this one ends (D-3)."""
    ended = {"supersedes": supersedes.payload["declaration_id"]} if supersedes is not None else {}
    return _recorded(funeral_store, person, kind="death", ground="missing_four_years",
                     died_on=JUDGMENT_ON.isoformat(), **ended)


def missing_declared(funeral_store, person: str, missing_since: dt.date = dt.date(2021, 3, 1)):  # noqa: ANN001, ANN201
    """The person declared missing on JUDGMENT_ON."""
    return _recorded(funeral_store, person, kind="missing", missing_since=missing_since.isoformat())


def declaration_revoked(funeral_store, declared, revoked_on: dt.date):  # noqa: ANN001, ANN201
    """The court's revocation of `declared` (the declaration's event), as the funeral service records it."""
    declaration_id = declared.payload["declaration_id"]
    [event] = funeral_store.append(f"declaration-{declaration_id}", [NewEvent(
        type="funeral.CourtDeclarationRevoked", occurred_on=revoked_on, subjects=declared.subjects,
        payload=payload_of("funeral.CourtDeclarationRevoked", declaration_id=declaration_id,
                           kind=declared.payload["kind"], court=COURT, judgment_ref=_judgment_ref(),
                           revoked_on=revoked_on.isoformat(), spouse_statements=[]),
        metadata=REGISTRAR)], 1)
    return event
