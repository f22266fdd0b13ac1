"""Helpers of the vagrant-aid end-to-end tests: fresh synthetic ID numbers, request bodies, a probe queue
on `vagrant_aid.events` that collects what the outbox relay published, and event counts in the store."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from typing import Any

from kombu import Connection, Queue

from shared.business_dates import LOCAL_TIME_ZONE, local_today
from shared.messaging import declare_all, event_exchange
from shared.reference import check_digit
from tests.support.waiting import wait_until

_sequence = itertools.count(random.randrange(0, 500))  # test data, not secrets


def new_id_number(born: dt.date = dt.date(1980, 5, 17), sex: str = "male") -> str:
    """A valid synthetic ID number nobody else in this run uses (one open case per person)."""
    n = next(_sequence)
    day = born + dt.timedelta(days=n // 500)
    sequence = (n % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"610502{day:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def today() -> dt.date:
    return local_today()


def days_ago(days: int, hour: int = 9) -> str:
    day = today() - dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TIME_ZONE).isoformat()


def intake(station: str = "RS-610500", **overrides: Any) -> dict[str, Any]:
    person = overrides.pop("person", {"sex": "male", "estimated_age": 45})
    return {"station": station, "source": "patrol", "consent": True, "person": person, **overrides}


def identified(id_number: str, station: str = "RS-610500", **overrides: Any) -> dict[str, Any]:
    return intake(station, person={"id_number": id_number, **overrides.pop("person", {})}, **overrides)


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


class EventProbe:
    """A private queue bound to every event type of `vagrant_aid.events`, drained on demand."""

    def __init__(self, amqp_uri: str) -> None:
        declare_all(amqp_uri, [], ["vagrant_aid"])
        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"probe-{uuid.uuid4().hex}", exchange=event_exchange("vagrant_aid"),
                           routing_key="vagrant_aid.#", auto_delete=True, exclusive=True)
        self.queue(self.connection.default_channel).declare()
        self.received: list[dict[str, Any]] = []

    def drain(self) -> None:
        while (message := self.queue(self.connection.default_channel).get(no_ack=True)) is not None:
            self.received.append(message.payload)

    def wait_for(self, event_type: str, case_id: str, timeout: float = 15) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            self.drain()
            return next((m for m in self.received
                         if m["type"] == event_type and m["payload"].get("case_id") == case_id), None)

        return wait_until(found, timeout=timeout, what=f"{event_type} of case {case_id}")

    def close(self) -> None:
        self.connection.release()


def count_events(admin_db: Any) -> int:
    """Events in the vagrant_aid store (read through a superuser pool of the test namespace)."""
    with admin_db.connection() as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]
