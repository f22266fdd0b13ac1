"""C-5 the allowance ledger: what is due for each month, and why.

* A month is due from the month after the confirmation to the month of the terminating event (paid for that
  month, not after). The 18th birthday ends support by itself (C-6): its month is the last one paid even
  before the scheduled termination is recorded.
* A month is paid on the facts in force on its first day: the category derived from both parents'
  conditions (C-1, eligibility.py) and the care arrangement (C-4). A change during a month takes effect from
  the next one, as the confirmation does. A month whose first day finds the child not eligible is 0 — except
  the month of the terminating event, paid on the facts of the day before that event.
* The standard is that of the category and care in force for the month (`Standards`): a standard set by an
  admin (`StandardSet` events) from its month on, else the bundled dated parameter. De facto unattended
  children are on the dispersed standard; foster children, in the care of the welfare institution, on the
  institutional one — unless a standard of their own was set.
* Every month carries its `basis`: the facts and the standard that held.
* A correction of a past fact recomputes the months already paid; the difference is an adjustment
  (`adjustment`), recorded as an event — history is never edited.

The ledger is a list of spans (months with the same facts), so that a payroll reads one row per child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from services.child_welfare.domain import parameters
from services.child_welfare.domain.eligibility import category_on, facts_changing
from services.child_welfare.domain.file import ChildFile
from shared.reference.dates import ADULT_AGE, add_years

Month = dt.date  # the first day of the month
ZERO = Decimal("0.00")


def month_of(day: dt.date) -> Month:
    return day.replace(day=1)


def next_month(month: Month) -> Month:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months(first: Month, last: Month) -> Iterable[Month]:
    month = first
    while month <= last:
        yield month
        month = next_month(month)


def parse_month(text: str) -> Month:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def month_text(month: Month) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


# -- standards ------------------------------------------------------------------------------------------------
CARE_FALLBACK = {
    # (category, care) → the standards tried in order (the first known one applies)
    ("orphan", "dispersed"): (("orphan", "dispersed"),),
    ("orphan", "institution"): (("orphan", "institution"),),
    ("orphan", "foster"): (("orphan", "foster"), ("orphan", "institution")),
    ("de_facto_unattended", "dispersed"): (("de_facto_unattended", "dispersed"),),
    ("de_facto_unattended", "institution"): (("de_facto_unattended", "institution"),
                                             ("de_facto_unattended", "dispersed")),
    ("de_facto_unattended", "foster"): (("de_facto_unattended", "foster"), ("de_facto_unattended", "dispersed")),
}


@dataclass(frozen=True)
class Standard:
    amount: Decimal
    source: str  # rule_parameters | standard_set
    category: str
    care: str
    since: str | None = None  # the month a set standard applies from

    def to_json(self) -> dict[str, Any]:
        return {"amount": money(self.amount), "source": self.source, "category": self.category, "care": self.care,
                "from_month": self.since}


class Standards:
    """The standards in force: those set by admins (by month) over the bundled dated parameters."""

    def __init__(self, set_standards: Mapping[tuple[str, str], Iterable[tuple[Month, Decimal]]] = ()) -> None:
        self._set = {key: sorted(values) for key, values in dict(set_standards).items()}
        self._cache: dict[tuple[str, str, Month], Standard | None] = {}

    def for_month(self, category: str, care: str, month: Month) -> Standard | None:
        key = (category, care, month)
        if key not in self._cache:
            self._cache[key] = self._lookup(category, care, month)
        return self._cache[key]

    def _lookup(self, category: str, care: str, month: Month) -> Standard | None:
        for cat, kind in CARE_FALLBACK[(category, care)]:
            chosen = None
            for since, amount in self._set.get((cat, kind), ()):
                if since <= month:
                    chosen = Standard(amount, "standard_set", cat, kind, month_text(since))
            if chosen is not None:
                return chosen
            bundled = parameters.yaml_standard(cat, kind, month)
            if bundled is not None:
                return Standard(bundled, "rule_parameters", cat, kind)
        return None


# -- the ledger ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """Consecutive months paid on the same facts; `last` None while open-ended."""

    first: Month
    last: Month | None
    category: str | None  # None: not eligible on those months' first days (nothing due)
    care: str
    basis: dict[str, Any]


@dataclass(frozen=True)
class MonthDue:
    month: Month
    amount: Decimal
    standard: Standard | None
    basis: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        standard = self.standard.to_json() if self.standard else None
        return {"month": month_text(self.month), "amount": money(self.amount),
                "standard": standard["amount"] if standard else None, "basis": {**self.basis, "standard": standard}}


def first_month(file: ChildFile) -> Month | None:
    """The month after the confirmation (C-5)."""
    return next_month(month_of(file.confirmed_on)) if file.confirmed_on else None


def support_ends_on(file: ChildFile) -> dt.date | None:
    """C-6: the 18th birthday; for a full-time student at 18 (where the extension holds), the end of the
    schooling, at the latest the birthday of the extension's age."""
    if file.birth_date is None:
        return None
    adult_on = add_years(file.birth_date, ADULT_AGE)
    until_age = parameters.student_extension_until_age(adult_on)
    if file.student_until is None or file.student_until <= adult_on or until_age is None:
        return adult_on
    return min(file.student_until, add_years(file.birth_date, until_age))


def last_month(file: ChildFile) -> Month | None:
    """The month of the terminating event, or of the end of support by age, whichever comes first (C-5, C-6)."""
    ends = []
    if file.termination is not None:
        ends.append(month_of(file.termination.effective_on))
    if (age_end := support_ends_on(file)) is not None:
        ends.append(month_of(age_end))
    return min(ends) if ends else None


def _facts_on(file: ChildFile, month: Month) -> tuple[str | None, str, dict[str, Any]]:
    day = month
    placement = file.placement_on(month)
    category = category_on(file.parents, day)
    termination = file.termination
    if category is None and termination is not None and month_of(termination.effective_on) == month:
        # C-5: the month of the terminating event is paid, on the facts of the day before it (a parent
        # released on the 1st ends the eligibility that day, not the month's allowance).
        day = max(termination.effective_on - dt.timedelta(days=1), file.confirmed_on or month)
        category = category_on(file.parents, day)
    parents = []
    for parent in file.parents:
        fact = parent.fact_on(day)
        parents.append(fact.to_json() if fact else {"condition": "none"})
    basis = {"category": category, "care": placement.care, "institution": placement.institution,
             "confirmed_on": file.confirmed_on.isoformat() if file.confirmed_on else None, "parents": parents}
    if day != month:
        basis["facts_of"] = day.isoformat()
    return category, placement.care, basis


def spans(file: ChildFile) -> list[Span]:
    """The child's ledger as spans of months with the same facts: the periods before a reopening (their months
    stay paid), then the current one (empty before a confirmation)."""
    past = [span for period in file.periods
            for span in _stint_spans(replace(file, confirmed_on=period.confirmed_on, termination=period.termination))]
    return [*past, *_stint_spans(file)]


def earliest_month(file: ChildFile) -> Month | None:
    """The first month ever due: of the first period before a reopening, else of the current confirmation."""
    firsts = [next_month(month_of(period.confirmed_on)) for period in file.periods]
    current = first_month(file)
    return min([*firsts, *([current] if current else [])], default=None)


def _stint_spans(file: ChildFile) -> list[Span]:
    """One confirmed stretch: from the month after the confirmation to the terminating month."""
    start = first_month(file)
    if start is None:
        return []
    end = last_month(file)
    if end is not None and end < start:
        return []
    changes = [month_of(day) for day in facts_changing(file.parents)]
    changes += [month_of(placement.effective_on) for placement in file.placements]
    horizon = next_month(max([start, *changes]))  # after this month nothing changes any more
    stop = end if end is not None else horizon
    result: list[Span] = []
    for month in months(start, stop):
        category, care, basis = _facts_on(file, month)
        if result and (result[-1].category, result[-1].care, result[-1].basis) == (category, care, basis):
            continue
        if result:
            result[-1] = Span(result[-1].first, _previous(month), result[-1].category, result[-1].care,
                              result[-1].basis)
        result.append(Span(month, None, category, care, basis))
    if result and end is not None:
        last = result[-1]
        result[-1] = Span(last.first, end, last.category, last.care, last.basis)
    return result


def _previous(month: Month) -> Month:
    return month_of(month - dt.timedelta(days=1))


def due(span: Span, month: Month, standards: Standards) -> MonthDue:
    """What one month of a span is due."""
    if span.category is None:
        return MonthDue(month, ZERO, None, {**span.basis, "not_eligible": True})
    standard = standards.for_month(span.category, span.care, month)
    amount = standard.amount if standard else ZERO
    return MonthDue(month, amount, standard, span.basis)


def ledger(file: ChildFile, first: Month, last: Month, standards: Standards) -> list[MonthDue]:
    """Every month from `first` to `last`, 0 where nothing is due (api.md `GET /children/{id}/allowances`)."""
    found = spans(file)
    start, end = first_month(file), last_month(file)
    result = []
    for month in months(first, last):
        span = next((s for s in found if s.first <= month and (s.last is None or month <= s.last)), None)
        if span is not None:
            result.append(due(span, month, standards))
            continue
        why = ("not_confirmed" if start is None else "before_first_month" if month < start
               else "after_termination" if end is not None and month > end else "not_due")
        if file.periods and (start is None or month < start) and month > month_of(
                file.periods[-1].termination.effective_on):
            why = "terminated_before_reopening"
        result.append(MonthDue(month, ZERO, None, {"due": False, "why": why}))
    return result


def adjustment(before: ChildFile, after: ChildFile, settled_through: Month,
               standards: Standards) -> list[dict[str, Any]]:
    """C-5: the months up to `settled_through` (already paid) whose amount the change alters, with what was
    paid, what is due now and the difference (arrears positive, recovery negative)."""
    starts = [m for m in (earliest_month(before), earliest_month(after)) if m is not None]
    if not starts or min(starts) > settled_through:
        return []
    first = min(starts)
    paid = ledger(before, first, settled_through, standards)
    now = ledger(after, first, settled_through, standards)
    return [
        {"month": month_text(old.month), "paid": money(old.amount), "due": money(new.amount),
         "difference": money(new.amount - old.amount)}
        for old, new in zip(paid, now, strict=True) if old.amount != new.amount
    ]
