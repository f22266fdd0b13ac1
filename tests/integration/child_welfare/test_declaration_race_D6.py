"""D-6 on the real PostgreSQL: a parent's death declaration applied at the very moment the child's file is opened.
Whichever transaction comes first, the file ends with the parent `declared_dead` exactly once — taken from the
standing declarations when the file opens, or applied by the declaration's reaction to the open file, never
both and never neither (the per-parent lock in `ReadModels.lock_parent_conditions`)."""

from __future__ import annotations

import threading

import pytest

from tests.integration.child_welfare.test_child_welfare_application import OFFICER, application
from tests.support.court_declarations import JUDGMENT_ON, death_declared
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration


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
