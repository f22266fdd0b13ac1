"""D-6, D-11 on the real PostgreSQL: a change of a parent's condition from the funeral service (a death registered,
a death withdrawn, a declaration revoked) applied at the very moment the parent's child has a file opened.
Whichever transaction comes first, the file ends as if the two had come one after the other — the death counted
exactly once, the withdrawn death or the revoked declaration not left standing — through the one per-parent
lock (`ReadModels.lock_parent_conditions`) that the declaration's race (test_declaration_race_D6.py) needed.
Each race is also run in both orders one after the other: the opening must see what the funeral service's
event left (the registered deaths kept by person), else a file opened a moment later misses it."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable

import pytest

from tests.integration.child_welfare.test_child_welfare_application import OFFICER, application, funeral_event
from tests.support.court_declarations import JUDGMENT_ON, death_declared, declaration_revoked
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

DIED_ON = dt.date(2025, 6, 3)
REVOKED_ON = dt.date(2025, 6, 10)


def _application(father: str) -> dict:
    return application(applied_on="2025-06-06", father={
        "name": "王父", "condition": "lost_contact", "condition_since": "2024-01-05", "evidence_ref": "报警回执-1",
        "id_number": father})


def _react(welfare, store, event) -> None:
    with store.db.transaction() as tx:
        welfare.react(event, tx)


def _race(first: Callable[[], None], second: Callable[[], None]) -> None:
    barrier, failures = threading.Barrier(2), []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported below, with the other thread's outcome
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(work,)) for work in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def _in_order(order: str, opening: Callable[[], None], reacting: Callable[[], None]) -> None:
    if order == "race":
        _race(opening, reacting)
    elif order == "opening_first":
        opening(), reacting()
    else:
        reacting(), opening()


def _changes(welfare, body: dict, condition: str) -> list[dict]:
    file = welfare.child(body["child"]["id_number"])
    return [h["payload"] for h in file["history"] if h["type"] == "child_welfare.ParentConditionChanged"
            and h["payload"]["condition"] == condition and h["payload"]["parent"] == 0]


def death_registered(funeral_store, person: str, died_on: dt.date = DIED_ON) -> object:  # noqa: ANN001
    """The person's death registered by the funeral service (an identified person)."""
    return funeral_event(funeral_store, "funeral.DeathRegistered", [(person, "deceased")],
                         {"death_id": str(uuid.uuid4()), "died_on": died_on.isoformat(), "identified": True,
                          "natural": True}, died_on)


ORDERS = ["opening_first", "reaction_first", *(["race"] * 6)]


@pytest.mark.parametrize("order", ORDERS)
def test_d6_a_parents_death_registered_while_the_childs_file_opens_counts_exactly_once(
        welfare, store, funeral_store, order):
    father = synthetic_id_number(sex="male")
    body = _application(father)
    died = death_registered(funeral_store, father)

    _in_order(order, lambda: welfare.open_file(body, OFFICER, None), lambda: _react(welfare, store, died))

    [change] = _changes(welfare, body, "deceased")
    assert (change["condition_since"], change["death_id"]) == (DIED_ON.isoformat(), died.payload["death_id"])


@pytest.mark.parametrize("order", ORDERS)
def test_d11_a_parents_death_withdrawn_while_the_childs_file_opens_is_not_left_standing(
        welfare, store, funeral_store, order):
    father = synthetic_id_number(sex="male")
    body = _application(father)
    died = death_registered(funeral_store, father)
    _react(welfare, store, died)  # registered before the file: the opening would take it
    withdrawn = funeral_event(funeral_store, "funeral.DeathWithdrawn", [(father, "withdrawn")],
                              {"death_id": died.payload["death_id"], "reason": "登记错误，本人健在",
                               "document_ref": "户籍恢复-1", "withdrawn_on": "2025-06-12",
                               "died_on": DIED_ON.isoformat()}, dt.date(2025, 6, 12))

    _in_order(order, lambda: welfare.open_file(body, OFFICER, None), lambda: _react(welfare, store, withdrawn))

    file = welfare.child(body["child"]["id_number"])
    assert [f for f in file["parents"][0]["conditions"] if f["condition"] == "deceased"] == [], file["parents"][0]


@pytest.mark.parametrize("order", ORDERS)
def test_d6_a_parents_declaration_revoked_while_the_childs_file_opens_is_not_left_standing(
        welfare, store, funeral_store, order):
    father = synthetic_id_number(sex="male")
    body = _application(father)
    declared = death_declared(funeral_store, father)
    _react(welfare, store, declared)  # standing before the file: the opening would take it
    revoked = declaration_revoked(funeral_store, declared, REVOKED_ON)

    _in_order(order, lambda: welfare.open_file(body, OFFICER, None), lambda: _react(welfare, store, revoked))

    declared_dead, ended = _changes(welfare, body, "declared_dead"), _changes(welfare, body, "none")
    # Opened first: declared from the judgment, ended by the revocation; revoked first: never declared on it.
    assert (len(declared_dead), len(ended)) in ((1, 1), (0, 0)), (declared_dead, ended)
    if ended:
        assert (declared_dead[0]["condition_since"], ended[0]["condition_since"]) == (
            JUDGMENT_ON.isoformat(), REVOKED_ON.isoformat())
