"""Reactions closing the relief loop (domain/referrals.py): a minor's relief case ending (`vagrant_aid.PersonExited`:
collected, escorted, transferred) closes the referral file; an identification showing an adult
(`vagrant_aid.PersonIdentified`, `minor` false) cancels it.

Deduplicated by the triggering event (its ids derive from it, like every reaction here) and order-tolerant:
the closure is remembered by relief case (`relief_closures`), so a referral that reaches the service after its
case ended — a dead letter replayed later — is opened and closed in the same transaction, and the closure of
a case whose file is already ended (by an officer, a death) records nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.child_welfare.application.unit_of_work import UnitOfWork
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.referrals import (
    ReliefClosure,
    closure_of_exit,
    closure_of_identification,
    decide_relief_closure,
)
from services.vagrant_aid.contract import events as relief
from shared.envelope import Event

EXIT_TYPES = (relief.PersonExited.TYPE,)


def on_exit(reactor: Any, event: Event, exited: relief.PersonExited) -> None:
    """V-8: collected, escorted or transferred: the minor's referral closes with that reason."""
    closure = closure_of_exit(exited.case_id, exited.kind, exited.minor, exited.exited_on, event.type)
    if closure is not None:
        close(reactor, event, closure)


def on_identification(reactor: Any, event: Event, identified: relief.PersonIdentified) -> None:
    """0.5, V-7: the identified person was an adult on arrival: the referral is cancelled."""
    closure = closure_of_identification(identified.case_id, identified.minor, identified.identified_on, event.type)
    if closure is not None:
        close(reactor, event, closure)


def close(reactor: Any, event: Event, closure: ReliefClosure) -> None:
    def work(uow: UnitOfWork) -> None:
        if uow.replayed():
            return
        uow.read.note_relief_closure(closure, str(event.event_id))
        child_id = uow.read.referral_of_case(closure.case_id)
        if child_id is not None:
            close_referral(uow, child_id, closure, reactor.today)

    reactor.on(f"relief-closure:{closure.case_id}", work)


def close_referral(uow: UnitOfWork, child_id: str, closure: ReliefClosure, today: dt.date) -> None:
    """The referral file ends by the closure (nothing if it is not that case's open referral)."""
    file = uow.file(child_id)
    if file is None:
        return
    drafts = decide_relief_closure(file, closure)
    if drafts:
        drafts = d.with_adjustment(file, drafts, today, uow.read.standards(), "referral_closed")
        uow.record(ev.child_stream(file.child_id), drafts, file.version, file)


def close_if_ended(uow: UnitOfWork, child_id: str, case_id: str, today: dt.date) -> None:
    """Right after a referral file opens: its case may have ended before the referral arrived."""
    closure = uow.read.relief_closure(case_id)
    if closure is not None:
        close_referral(uow, child_id, closure, today)
