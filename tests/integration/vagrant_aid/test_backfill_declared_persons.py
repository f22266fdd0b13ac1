"""D-9 on the real PostgreSQL: a system upgraded from the release before vagrant aid kept the courts'
declarations standing about a person (migration 0002). That release applied the funeral service's
declarations (recorded in `processed_events`) only to alert the cases open then, and did not take their
revocations at all; migrating fills `declared_persons` from the funeral store (0003), so identifying or taking
in a person declared before the upgrade alerts the station's staff — and a declaration revoked or superseded
before it does not. A declaration vagrant aid had not applied yet is left to its reaction."""

from __future__ import annotations

import datetime as dt

import pytest

from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.domain.decide import Clock
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from tests.e2e.vagrant_aid.support import identified, intake
from tests.support import upgrades
from tests.support.court_declarations import (
    COURT,
    JUDGMENT_ON,
    death_declared,
    declaration_revoked,
    missing_declared,
)
from tests.support.infrastructure import destroy_namespace
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

FIRST_OF_THIS_RELEASE = "vagrant_aid/0002_declare_declared_persons.sql"
NOW = dt.datetime(2025, 6, 10, 2, 0, tzinfo=dt.UTC)
REVOKED_ON = dt.date(2025, 6, 5)
STAFF = {"name": "relief.RS-610500", "role": "relief_staff", "office": "RS-610500"}


@pytest.fixture(scope="module")
def previous_release():
    """Funeral as it is; vagrant aid migrated only up to the release before `declared_persons`."""
    namespace, migrations = upgrades.previous_release("vagrant_aid", FIRST_OF_THIS_RELEASE)
    yield namespace, migrations
    destroy_namespace(namespace)


def row(declared, ended_on: dt.date | None = None) -> tuple:  # noqa: ANN001 - the declaration's event
    """The `declared_persons` row the reaction to `declared` writes, ended on `ended_on`."""
    [subject] = declared.subjects
    return (declared.payload["declaration_id"], subject.id, declared.payload["kind"], COURT,
            declared.payload["judgment_ref"], ended_on)


def test_d9_an_upgrade_fills_the_standing_declarations_that_identifying_or_taking_in_a_person_alerts_on(
        previous_release):
    namespace, migrations = previous_release
    funeral_store = PostgresEventStore(namespace.database("funeral"))
    declared_person, revoked_person, superseded_person, not_yet_applied = (synthetic_id_number(sex="male")
                                                                           for _ in range(4))
    declared = death_declared(funeral_store, declared_person)
    revoked = missing_declared(funeral_store, revoked_person)
    declaration_revoked(funeral_store, revoked, REVOKED_ON)  # the previous release did not subscribe to it
    was_missing = missing_declared(funeral_store, superseded_person)
    declared_dead = death_declared(funeral_store, superseded_person, supersedes=was_missing)
    death_declared(funeral_store, not_yet_applied)  # still on its way to vagrant aid
    upgrades.applied(namespace, "vagrant_aid", [declared, revoked, was_missing, declared_dead])

    upgrades.upgrade(namespace, "vagrant_aid", migrations)

    with namespace.admin("vagrant_aid").connection() as conn:
        rows = conn.execute("SELECT declaration_id, person_id, kind, court, judgment_ref, ended_on"
                            " FROM declared_persons").fetchall()
    assert sorted(rows) == sorted([row(declared), row(revoked, REVOKED_ON), row(was_missing, JUDGMENT_ON),
                                   row(declared_dead)])

    relief = VagrantAid(PostgresEventStore(namespace.database("vagrant_aid")),
                        Correlation("it-correlation", None, "tester"), lambda: Clock.at(NOW))

    def identifying(person: str) -> list[tuple[str, str]]:
        unknown = relief.take_in(intake(), STAFF)
        case = relief.identify(unknown["case_id"], {"id_number": person, "method": "dna"}, STAFF)
        return [(alert["reason"], alert["declaration_id"]) for alert in case["alerts"]]

    assert identifying(declared_person) == [("declared_person_identified", declared.payload["declaration_id"])]
    assert identifying(revoked_person) == []
    assert identifying(not_yet_applied) == []
    taken_in = relief.take_in(identified(superseded_person), STAFF)
    assert [(a["reason"], a["declaration_id"]) for a in taken_in["alerts"]] == [
        ("declared_person_taken_in", declared_dead.payload["declaration_id"])]
