"""A system upgraded from a previous release, for the tests of the migrations that fill a consumer's new read
model from the events it applied before the model existed: the sources migrated as they are, the consumer only
up to the release before, and the events it applied then recorded as its subscription records them."""

from __future__ import annotations

from collections.abc import Iterable

from services import spec
from services.database_access import grant_consumers
from shared.calendar_store import migrate_reference
from shared.envelope import Event
from shared.migrations import Migration, migrate_service, migrations_of
from shared.nameko_ext.subscription import queue_name
from tests.support.infrastructure import ADMIN_URL, Namespace, load_stand_in_calendar_years, new_id


def previous_release(consumer: str, first_of_this_release: str,
                     sources: tuple[str, ...] = ("funeral",)) -> tuple[Namespace, list[Migration]]:
    """A namespace with `sources` migrated in full and `consumer` up to, not including, the migration named
    `first_of_this_release`; and all the consumer's migrations, for the upgrade (`upgrade`)."""
    namespace = Namespace(new_id(), (*sources, consumer))
    for source in sources:
        migrate_service(ADMIN_URL, namespace.name, source, migrations_of(source, spec(source).directory))
    migrations = migrations_of(consumer, spec(consumer).directory)
    migrate_service(ADMIN_URL, namespace.name, consumer,
                    migrations[:[m.name for m in migrations].index(first_of_this_release)])
    migrate_reference(ADMIN_URL, namespace.name)
    load_stand_in_calendar_years(namespace.name)
    grant_consumers(ADMIN_URL, namespace.name, namespace.services)
    return namespace, migrations


def upgrade(namespace: Namespace, consumer: str, migrations: list[Migration]) -> list[str]:
    """Migrate the consumer to this release; the migrations applied."""
    return migrate_service(ADMIN_URL, namespace.name, consumer, migrations)


def applied(namespace: Namespace, consumer: str, events: Iterable[Event], source: str = "funeral",
            handler: str = "on_funeral_event") -> None:
    """As the consumer's subscription to `source` (its method `handler`) recorded the events it handled."""
    subscription = queue_name(source, consumer, handler)
    with namespace.admin(consumer).transaction() as tx:
        for event in events:
            tx.execute("INSERT INTO processed_events (subscription, event_id) VALUES (%s, %s)",
                       (subscription, event.event_id))
