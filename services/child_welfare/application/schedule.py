"""The scheduled work of the service (a nameko `timer` runs it, service.py): nothing here waits for an officer.

* C-6: a child whose 18th birthday has come has its support terminated, reason `adult`, on the birthday.
* C-6: a confirmed child whose parents' known facts end the eligibility (a sentence's last day has passed)
  has its support terminated, reason `parent_condition_ended`, if no officer recorded it first.
* An unidentified minor referred by a relief station, still unidentified after 3 months (configurable), is
  transferred from the minors' protection centre to the welfare institution (C-4).

Each file is handled in a transaction of its own with ids derived from the file and the rule, so a run that
overlaps another (two service instances) or is repeated writes each consequence once.
"""

from __future__ import annotations

import datetime as dt

from services.child_welfare.application.unit_of_work import EventIds, UnitOfWork, execute
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain import parameters
from shared.envelope import Metadata
from shared.eventstore.postgres import PostgresEventStore
from shared.reference.dates import ADULT_AGE, add_months


def due_files(store: PostgresEventStore, today: dt.date) -> tuple[list[str], list[str], list[str]]:
    """The open files whose child is 18 by today, whose eligibility has lapsed, and the unidentified
    referrals due for transfer."""
    born_by = today.replace(year=today.year - ADULT_AGE) if not (today.month == 2 and today.day == 29) \
        else dt.date(today.year - ADULT_AGE, 2, 28)
    referred_by = add_months(today, -parameters.unidentified_transfer_months(today))
    with store.db.connection() as conn:
        adults = [row[0] for row in conn.execute(
            "SELECT child_id FROM child_files WHERE terminated_on IS NULL AND birth_date <= %s ORDER BY child_id",
            (born_by,))]
        lapsed = [row[0] for row in conn.execute(
            "SELECT child_id FROM child_files WHERE terminated_on IS NULL AND eligibility_ends_on <= %s"
            " ORDER BY child_id", (today,))]
        referrals = [row[0] for row in conn.execute(
            "SELECT child_id FROM child_files WHERE terminated_on IS NULL AND id_number IS NULL"
            " AND institution = 'minors_protection_centre' AND applied_on <= %s ORDER BY child_id",
            (referred_by,))]
    return adults, lapsed, referrals


def run(store: PostgresEventStore, metadata: Metadata, today: dt.date) -> dict[str, int]:
    adults, lapsed, referrals = due_files(store, today)
    terminated = sum(_apply(store, metadata, "adult", child_id, today, d.decide_adult_termination)
                     for child_id in adults)
    ended = sum(_apply(store, metadata, "eligibility_lapsed", child_id, today, d.decide_eligibility_lapse)
                for child_id in lapsed)
    transferred = sum(_apply(store, metadata, "unidentified_transfer", child_id, today,
                             d.decide_unidentified_transfer) for child_id in referrals)
    return {"terminated_adults": terminated, "terminated_lapsed": ended, "transferred_unidentified": transferred}


def _apply(store: PostgresEventStore, metadata: Metadata, rule: str, child_id: str, today: dt.date,
           decide) -> int:  # noqa: ANN001 - one of the decide_* functions taking (file, today)
    def work(uow: UnitOfWork) -> int:
        file = uow.file(child_id)
        if file is None or uow.replayed():
            return 0
        drafts = decide(file, today)
        if not drafts:
            return 0
        drafts = d.with_adjustment(file, drafts, today, uow.read.standards(), rule)
        uow.record(ev.child_stream(child_id), drafts, file.version, file)
        return 1
    return execute(store, metadata, EventIds.for_reaction(f"schedule:{rule}", child_id), work)
