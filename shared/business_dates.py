"""Business dates: when something happened in the world, which the rules in force are judged by.

api.md: commands that record something that happened accept an optional business date (`registered_on`,
`died_on`, …; default today). It is never in the future; clerks and staff may record up to
`records.backdating_days` back (shared/reference/data/rule_parameters.yaml); registrars, admins and
historical imports without limit. "Today" is the bureau's: China Standard Time, whatever the server's zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shared.errors import Refusal
from shared.reference.parameters import default_parameters

LOCAL_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Weinan (UTC+8), from an aware `now` (default: the current time)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(LOCAL_TIME_ZONE).date()


def check_business_date(
    occurred_on: dt.date, *, today: dt.date, unlimited_backdating: bool = False, field: str = "occurred_on"
) -> None:
    """Refuse a business date in the future, or further back than staff may record."""
    if occurred_on > today:
        raise Refusal("business_date_in_future", f"{field} {occurred_on} is after today ({today})",
                      errors=[{"loc": ["body", field], "msg": "must not be in the future"}])
    if unlimited_backdating:
        return
    days_back = int(default_parameters().value("records.backdating_days", today))
    if (today - occurred_on).days > days_back:
        raise Refusal("business_date_too_old",
                      f"{field} {occurred_on} is more than {days_back} days back; a registrar records it",
                      errors=[{"loc": ["body", field], "msg": f"at most {days_back} days back"}])


def day_of(value: object) -> dt.date:
    """A date from another service's payload, also from the date part of a timestamp (`exited_on` may carry
    the time of day)."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
