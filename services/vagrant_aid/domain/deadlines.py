"""The time limits of a case, computed from its stored dates — never typed in, never ticked off by hand.

* V-5 stay: the normal stay is a period of `stay_limit_days` after the arrival day (0.3: it starts the day
  after and its last day rolls to a working day, the first day an office can file an extension); an
  extension filing moves the last day. An open case past its last day is stranded (滞留).
* V-6 family search: the notice is due `family_search_notice_hours` after the arrival time; the DNA
  request by the end of the `dna_request_working_days`-th working day after the arrival day; settlement
  only once `settlement_after_months` have passed after the arrival day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.vagrant_aid.domain.parameters import (
    DNA_WORKING_DAYS,
    NOTICE_HOURS,
    SETTLEMENT_AFTER_MONTHS,
    STAY_LIMIT_DAYS,
    parameter,
)
from services.vagrant_aid.domain.state import Case
from shared.reference import default_calendar, period_of_days, period_of_months


def normal_stay_last_day(arrived_on: dt.date) -> dt.date:
    """V-5: the last day of the normal stay, by the limit in force on the arrival day."""
    return period_of_days(arrived_on, int(parameter(STAY_LIMIT_DAYS, arrived_on))).last_day


def stay_last_day(case: Case) -> dt.date:
    """V-5: the normal stay's last day, or the latest extension's if that is later."""
    normal = normal_stay_last_day(case.arrived_on)
    return max(normal, case.extension_until) if case.extension_until else normal


def is_stranded(case: Case, today: dt.date) -> bool:
    """V-5: open and past the last day of its stay without an extension covering today."""
    return case.is_open and today > stay_last_day(case)


def notice_due_at(arrived_at: dt.datetime) -> dt.datetime:
    """V-6: the family-search notice is due this many hours after arrival."""
    return arrived_at + dt.timedelta(hours=int(parameter(NOTICE_HOURS, arrived_at.date())))


def dna_due_on(arrived_on: dt.date) -> dt.date:
    """V-6: the DNA request is due by the end of the n-th working day after the arrival day."""
    return default_calendar().add_working_days(arrived_on, int(parameter(DNA_WORKING_DAYS, arrived_on)))


def settlement_from(arrived_on: dt.date) -> dt.date:
    """V-6: the first day on which an unidentified person may be settled ("over three months")."""
    months = int(parameter(SETTLEMENT_AFTER_MONTHS, arrived_on))
    return period_of_months(arrived_on, months).last_day + dt.timedelta(days=1)


@dataclass(frozen=True)
class FamilySearchDue:
    notice_due_at: dt.datetime
    notice_overdue: bool
    dna_due_on: dt.date
    dna_overdue: bool


def family_search_due(case: Case, now: dt.datetime, today: dt.date) -> FamilySearchDue | None:
    """V-6 for an open case of an unidentified person; None when no family search is due."""
    if not (case.is_open and case.unidentified):
        return None
    notice_due, dna_due = notice_due_at(case.arrived_at), dna_due_on(case.arrived_on)
    return FamilySearchDue(
        notice_due_at=notice_due,
        notice_overdue=case.notice_at is None and now > notice_due,
        dna_due_on=dna_due,
        dna_overdue=case.dna_requested_on is None and today > dna_due,
    )


@dataclass(frozen=True)
class Deadline:
    """One deadline of an open case as the lists show it: `stay` (V-5, overdue = stranded), `notice` (V-6, the
    family-search notice, an instant) and `dna` (V-6, the DNA request, a day)."""

    kind: str
    due_at: dt.date | dt.datetime
    overdue: bool


def open_deadlines(*, is_open: bool, unidentified: bool, stay_last: dt.date, notice_due: dt.datetime | None,
                   notice_at: dt.datetime | None, dna_due: dt.date | None, dna_requested_on: dt.date | None,
                   now: dt.datetime, today: dt.date) -> list[Deadline]:
    """V-5, V-6: the deadlines still running for a case (none once it is closed); a family-search step is
    listed until it is done, and only while the person is unidentified."""
    if not is_open:
        return []
    found = [Deadline("stay", stay_last, today > stay_last)]
    if unidentified and notice_due is not None and notice_at is None:
        found.append(Deadline("notice", notice_due, now > notice_due))
    if unidentified and dna_due is not None and dna_requested_on is None:
        found.append(Deadline("dna", dna_due, today > dna_due))
    return found


def days_in_care(arrived_on: dt.date, exited_on: dt.date | None, today: dt.date) -> int:
    """Days at the station, the arrival day counting as the first (to the exit day once closed)."""
    return ((exited_on or today) - arrived_on).days + 1
