"""D-6 on the real PostgreSQL: a parent's death declaration applied at the very moment the child's file is opened.
Whichever transaction comes first, the file ends with the parent `declared_dead` exactly once — taken from the
standing declarations when the file opens, or applied by the declaration's reaction to the open file, never
both and never neither (the per-parent lock in `ReadModels.lock_parent_conditions`)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest

from shared.envelope import Metadata, NewEvent, Subject
from tests.integration.child_welfare.test_child_welfare_application import OFFICER, application
from tests.support.event_samples import payload_of
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

JUDGMENT_ON = dt.date(2025, 6, 2)


def death_declared(funeral_store, person: str):
    declaration_id = str(uuid.uuid4())
    [event] = funeral_store.append(f"declaration-{declaration_id}", [NewEvent(
        type="funeral.CourtDeclarationRecorded", occurred_on=JUDGMENT_ON,
        subjects=(Subject(id=person, role="declared"),),
        payload=payload_of("funeral.CourtDeclarationRecorded", declaration_id=declaration_id, kind="death",
                           court="渭南市临渭区人民法院", judgment_ref=f"(2025)陕0502民特{uuid.uuid4().int % 9000}号",
                           judgment_on=JUDGMENT_ON.isoformat(), ground="missing_four_years",
                           died_on=JUDGMENT_ON.isoformat(), plausibility_confirmed=False),
        metadata=Metadata(actor="registrar.MR-610502", office="MR-610502"))], 0)
    return event


def declaration_revoked(funeral_store, declared, revoked_on: dt.date):  # noqa: ANN001, ANN201
    """The court's revocation of `declared` (the declaration's event), as the funeral service records it."""
    declaration_id = declared.payload["declaration_id"]
    [event] = funeral_store.append(f"declaration-{declaration_id}", [NewEvent(
        type="funeral.CourtDeclarationRevoked", occurred_on=revoked_on, subjects=declared.subjects,
        payload=payload_of("funeral.CourtDeclarationRevoked", declaration_id=declaration_id,
                           kind=declared.payload["kind"], court="渭南市临渭区人民法院",
                           judgment_ref=f"(2025)陕0502民特{uuid.uuid4().int % 9000}号",
                           revoked_on=revoked_on.isoformat(), spouse_statements=[]),
        metadata=Metadata(actor="registrar.MR-610502", office="MR-610502"))], 1)
    return event


@pytest.mark.parametrize("round_", range(8))
def test_d6_a_declaration_applied_while_the_childs_file_opens_counts_exactly_once(welfare, store, funeral_store,
                                                                                  round_):
    father = synthetic_id_number(sex="male")
    body = application(applied_on="2025-06-06", father={
        "name": "王父", "condition": "lost_contact", "condition_since": "2024-01-05", "evidence_ref": "报警回执-1",
        "id_number": father})
    declared = death_declared(funeral_store, father)
    barrier, failures = threading.Barrier(2), []

    def opening() -> None:
        barrier.wait()
        try:
            welfare.open_file(body, OFFICER, None)
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's other outcome
            failures.append(exc)

    def reacting() -> None:
        barrier.wait()
        try:
            with store.db.transaction() as tx:
                welfare.react(declared, tx)
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=opening), threading.Thread(target=reacting)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    file = welfare.child(body["child"]["id_number"])
    changes = [h["payload"] for h in file["history"] if h["type"] == "child_welfare.ParentConditionChanged"
               and h["payload"]["condition"] == "declared_dead"]
    assert len(changes) == 1, changes
    assert (changes[0]["parent"], changes[0]["condition_since"], changes[0]["death_id"]) == (
        0, JUDGMENT_ON.isoformat(), declared.payload["declaration_id"])
