"""D-6, C-6 on the real PostgreSQL: a system upgraded from the release before the indexes a file opened later
reads. Child welfare had applied the funeral service's declarations and deaths (recorded in
`processed_events`) but kept no index of them; migrating fills `declared_persons` and `registered_deaths` from
the funeral store (migration 0006), so a file opened after the upgrade takes the parents' conditions as it
would have had the indexes existed all along. Events child welfare had not applied yet are left to their
reactions."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.application.child_welfare import ChildWelfare
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.integration.child_welfare.test_child_welfare_application import OFFICER, application, funeral_event
from tests.integration.child_welfare.test_parent_condition_races_D6_D11 import death_registered
from tests.support import upgrades
from tests.support.clock import Clock
from tests.support.court_declarations import JUDGMENT_ON, death_declared, declaration_revoked
from tests.support.infrastructure import destroy_namespace
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

FIRST_OF_THIS_RELEASE = "child_welfare/0004_declare_declared_persons.sql"  # the first index a later file reads


@pytest.fixture(scope="module")
def previous_release():
    """Funeral as it is; child welfare migrated only up to the release before the indexes."""
    namespace, welfare = upgrades.previous_release("child_welfare", FIRST_OF_THIS_RELEASE)
    yield namespace, welfare
    destroy_namespace(namespace)


def test_d6_c6_an_upgrade_fills_the_parents_declarations_and_deaths_that_a_file_opened_later_reads(previous_release):
    namespace, welfare_migrations = previous_release
    funeral_store = PostgresEventStore(namespace.database("funeral"))
    declared_father, revoked_person, dead_mother = (synthetic_id_number(sex="male"), synthetic_id_number(),
                                                    synthetic_id_number(sex="female"))
    withdrawn_person, wrongly_recorded, rightly_recorded, not_yet_applied = (synthetic_id_number() for _ in range(4))

    declared = death_declared(funeral_store, declared_father)
    missing = death_declared(funeral_store, revoked_person)
    revocation = declaration_revoked(funeral_store, missing, dt.date(2025, 6, 10))
    died = death_registered(funeral_store, dead_mother, dt.date(2025, 5, 20))
    in_error = death_registered(funeral_store, withdrawn_person, dt.date(2025, 5, 1))
    withdrawal = funeral_event(funeral_store, "funeral.DeathWithdrawn", [(withdrawn_person, "withdrawn")],
                               {"death_id": in_error.payload["death_id"], "reason": "本人健在", "document_ref": "HJ-1",
                                "withdrawn_on": "2025-06-01", "died_on": "2025-05-01"}, dt.date(2025, 6, 1))
    moved = death_registered(funeral_store, wrongly_recorded, dt.date(2025, 4, 2))
    correction = funeral_event(funeral_store, "funeral.DeathCorrected",
                               [(rightly_recorded, "deceased"), (wrongly_recorded, "wrongly_recorded")],
                               {"death_id": moved.payload["death_id"], "reason": "登记错人",
                                "changes": {"id_number": {"from": wrongly_recorded, "to": rightly_recorded},
                                            "died_on": {"from": "2025-04-02", "to": "2025-04-03"}},
                                "previous_subject": wrongly_recorded, "subject": rightly_recorded,
                                "died_on": "2025-04-03", "corrected_on": "2025-06-05"}, dt.date(2025, 6, 5))
    death_registered(funeral_store, not_yet_applied, dt.date(2025, 6, 1))  # still on its way to child welfare
    upgrades.applied(namespace, "child_welfare",
                     [declared, missing, revocation, died, in_error, withdrawal, moved, correction])

    upgrades.upgrade(namespace, "child_welfare", welfare_migrations)

    with namespace.admin("child_welfare").connection() as conn:
        declarations = conn.execute("SELECT person_id, declaration_id, judgment_on, ended_on FROM declared_persons"
                                    " ORDER BY judgment_on, person_id").fetchall()
        deaths = dict(conn.execute("SELECT person_id, died_on FROM registered_deaths").fetchall())
    assert sorted(declarations) == sorted([
        (declared_father, declared.payload["declaration_id"], JUDGMENT_ON, None),
        (revoked_person, missing.payload["declaration_id"], JUDGMENT_ON, dt.date(2025, 6, 10))])
    assert deaths == {dead_mother: dt.date(2025, 5, 20), rightly_recorded: dt.date(2025, 4, 3)}

    welfare = ChildWelfare(PostgresEventStore(namespace.database("child_welfare")),
                           Correlation("it-correlation", None, "tester"), Clock(dt.date(2025, 6, 16)))
    body = application(applied_on="2025-06-06", father={
        "name": "王父", "condition": "lost_contact", "condition_since": "2024-01-05", "evidence_ref": "报警回执-1",
        "id_number": declared_father}, mother={
        "name": "李母", "condition": "lost_contact", "condition_since": "2024-01-05", "evidence_ref": "报警回执-2",
        "id_number": dead_mother})
    welfare.open_file(body, OFFICER, None)

    file = welfare.child(body["child"]["id_number"])
    assert [(p["condition"], [c["condition"] for c in p["conditions"]]) for p in file["parents"]] == [
        ("declared_dead", ["lost_contact", "declared_dead"]), ("deceased", ["lost_contact", "deceased"])]
