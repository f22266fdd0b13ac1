"""Keeps a service process's holiday calendar (rule 0.3) equal to the shipped years plus the loaded ones.

At start it reads `<namespace>_reference.holiday_calendar_years` (shared/calendar_store) and installs the
result as the process's calendar before the service answers anything; then a green thread LISTENs on the
schema's channel and reads the table again on each NOTIFY (sent by the table's trigger when an
administrator loads a year), and at least every `poll_seconds` in case a NOTIFY was lost across a
reconnect. If the table cannot be read (not migrated yet, database down) the last calendar stays in place
and the failure is logged: periods in years the calendar lacks are refused (`calendar_year_missing`), never
guessed.
"""

from __future__ import annotations

import time

import psycopg
import structlog
from nameko.extensions import DependencyProvider
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from shared.calendar_store import current_calendar, reference_schema
from shared.reference.calendar import install_calendar
from shared.settings import Database, HolidayCalendar

log = structlog.get_logger(__name__)


class HolidayCalendarWatch(DependencyProvider):
    """No injection: domain code reads the calendar through `shared.reference.default_calendar()`."""

    retry_seconds = 5.0

    def setup(self) -> None:
        config = self.container.config
        database = Database.of(config)
        settings = database.of_service(self.container.service_name)
        self._namespace = database.NAMESPACE
        self._url = settings.url
        self._kwargs: dict[str, object] = {"autocommit": True, "connect_timeout": 10}
        if not conninfo_to_dict(settings.url).get("user"):
            self._kwargs["user"] = settings.role or settings.schema  # as DatabasePool connects
        self.poll_seconds = HolidayCalendar.of(config).HOLIDAY_CALENDAR.POLL_SECONDS
        self._stopping = False
        self._years: frozenset[int] | None = None

    def start(self) -> None:
        try:
            with psycopg.connect(self._url, **self._kwargs) as conn:
                self._install(conn)
        except psycopg.Error as exc:
            log.warning("holiday calendar not read at start; shipped years only", error=str(exc))
        self.container.spawn_managed_thread(self._watch, identifier="holiday_calendar_watch")

    def stop(self) -> None:
        self._stopping = True

    kill = stop

    def _install(self, conn: psycopg.Connection) -> None:
        calendar = current_calendar(conn, self._namespace)
        install_calendar(calendar)
        if calendar.years != self._years:  # read every poll; said only when the years change
            self._years = calendar.years
            log.info("holiday calendar installed", years=sorted(calendar.years))

    def _watch(self) -> None:
        channel = sql.SQL("LISTEN {}").format(sql.Identifier(reference_schema(self._namespace)))
        delay = self.retry_seconds
        while not self._stopping:
            try:
                with psycopg.connect(self._url, **self._kwargs) as conn:
                    conn.execute(channel)
                    # Read after LISTEN: a load committed from here on sends a NOTIFY this connection gets.
                    self._install(conn)
                    delay = self.retry_seconds
                    while not self._stopping:
                        for _ in conn.notifies(timeout=self.poll_seconds, stop_after=1):
                            pass
                        for _ in conn.notifies(timeout=0):  # several loads at once: one read covers them
                            pass
                        self._install(conn)
            except (psycopg.Error, ValueError) as exc:  # ValueError: data in the table that no longer validates
                log.warning("holiday calendar watch failed; keeping the last calendar", error=str(exc),
                            retry_in_seconds=delay)
                time.sleep(delay)
                delay = min(delay * 2, self.poll_seconds)  # an unmigrated schema should not flood the log
