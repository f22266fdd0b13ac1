"""Rule 0.3 in a running service: the holiday-calendar watch (shared/nameko_ext/calendar.py) does not keep a
service from starting when the reference schema cannot be read, keeps the shipped years meanwhile, and
installs the loaded years once they can be read, without a restart."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from shared.calendar_store import migrate_reference, reference_schema, store_years
from shared.nameko_ext.calendar import HolidayCalendarWatch
from shared.reference.calendar import CalendarYear, default_calendar, install_calendar, shipped_calendar
from tests.support.infrastructure import ADMIN_URL, create_namespace, destroy_namespace
from tests.support.services import running, service_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


class QuickWatch(HolidayCalendarWatch):
    retry_seconds = 0.1


class FuneralCalendarOnly:
    """Only the watch, connecting as the funeral service's role (a role the namespace has)."""

    name = "funeral"
    holiday_calendar = QuickWatch()


@pytest.fixture
def namespace():
    created = create_namespace(("funeral",))
    yield created
    destroy_namespace(created)
    install_calendar(None)


def test_a_service_starts_on_the_shipped_years_and_takes_loaded_ones_when_they_can_be_read(namespace, vhost):
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(reference_schema(namespace.name))))
    install_calendar(shipped_calendar().with_years([CalendarYear(2041, frozenset())]))  # a stale install

    config = service_config(namespace, vhost, HOLIDAY_CALENDAR={"POLL_SECONDS": 1})
    with running(FuneralCalendarOnly, config):
        assert 2040 not in default_calendar().years
        migrate_reference(ADMIN_URL, namespace.name)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            store_years(conn, namespace.name, [CalendarYear(2040, frozenset())], source="test", loaded_by="test")
        wait_until(lambda: 2040 in default_calendar().years, timeout=20, what="the watch to read the loaded year")
        assert default_calendar().years == shipped_calendar().years | {2040}
