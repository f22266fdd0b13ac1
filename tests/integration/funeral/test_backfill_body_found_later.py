"""D-8 on the real PostgreSQL: a system upgraded from the release before bodies found later were linked to the
death declaration (funeral migration 0004). A body of a person declared dead registered then carries no
`declaration_id`; migrating links it from the events (0006), so a conflicting date reaches the registrar's
review list — and a death registered after the declaration was revoked, or of a person never declared, stays
unlinked."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services import spec
from services.funeral.adapters.read_models import ReadModels
from services.funeral.application import lists
from services.funeral.contract.queries import ReviewsQuery
from shared.envelope import Metadata, NewEvent, Subject
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import migrate_service, migrations_of
from tests.support.court_declarations import JUDGMENT_ON, death_declared, declaration_revoked
from tests.support.event_samples import payload_of
from tests.support.infrastructure import ADMIN_URL, Namespace, destroy_namespace, new_id
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

FIRST_AFTER_THE_LINK = "funeral/0005_funeral_declaration_review_settled.sql"


@pytest.fixture(scope="module")
def previous_release():
    """Funeral migrated up to the link's columns (0004), as an upgraded system has them: NULL on the rows the
    previous release wrote."""
    namespace = Namespace(new_id(), ("funeral",))
    migrations = migrations_of("funeral", spec("funeral").directory)
    migrate_service(ADMIN_URL, namespace.name, "funeral",
                    migrations[:[m.name for m in migrations].index(FIRST_AFTER_THE_LINK)])
    yield namespace, migrations
    destroy_namespace(namespace)


def _projected(store: PostgresEventStore, *events) -> None:  # noqa: ANN002
    """As the previous release's projection wrote the rows (the payloads have no link to write)."""
    with store.db.transaction() as tx:
        for event in events:
            ReadModels(tx).apply(event)


def _registered(store: PostgresEventStore, person: str, died_on: dt.date):  # noqa: ANN202
    """A death registered as the previous release did: no `declaration_id`, no `declared_died_on`."""
    death_id = str(uuid.uuid4())
    payload = payload_of("funeral.DeathRegistered", death_id=death_id, died_on=died_on.isoformat(), identified=True,
                         natural=True, place_division="610502", funeral_home="FH-610502", source="funeral_home")
    assert "declaration_id" not in payload
    [event] = store.append(f"death-{death_id}", [NewEvent(
        type="funeral.DeathRegistered", occurred_on=died_on, subjects=(Subject(id=person, role="deceased"),),
        payload=payload, metadata=Metadata(actor="funeral.FH-610502", office="FH-610502"))], 0)
    return event


def test_d8_an_upgrade_links_a_body_found_later_to_the_declaration_standing_when_it_was_registered(previous_release):
    namespace, migrations = previous_release
    store = PostgresEventStore(namespace.database("funeral"))
    declared, revoked_first, never_declared = (synthetic_id_number(sex="male") for _ in range(3))
    declaration = death_declared(store, declared)
    later = death_declared(store, revoked_first)
    revocation = declaration_revoked(store, later, dt.date(2025, 6, 5))
    _projected(store, declaration, later, revocation)
    found_later = _registered(store, declared, dt.date(2025, 6, 10))  # another date than the judgment's
    after_revocation = _registered(store, revoked_first, dt.date(2025, 6, 11))
    nobody_declared = _registered(store, never_declared, dt.date(2025, 6, 12))
    _projected(store, found_later, after_revocation, nobody_declared)

    migrate_service(ADMIN_URL, namespace.name, "funeral", migrations)

    with namespace.admin("funeral").connection() as conn:
        links = {row[0]: row[1:] for row in conn.execute(
            "SELECT death_id, declaration_id, declared_died_on FROM deaths").fetchall()}
        reviews = lists.declaration_reviews(conn, ReviewsQuery())["items"]
    assert links == {found_later.payload["death_id"]: (declaration.payload["declaration_id"], JUDGMENT_ON),
                     after_revocation.payload["death_id"]: (None, None),
                     nobody_declared.payload["death_id"]: (None, None)}
    assert [(r["death_id"], r["died_on"], r["declared_died_on"]) for r in reviews] == [
        (found_later.payload["death_id"], "2025-06-10", JUDGMENT_ON.isoformat())]
