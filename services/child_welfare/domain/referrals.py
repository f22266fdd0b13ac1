"""The relief loop (domain.md "Reacting to other services", V-7, V-8): how a relief station's referral file
ends when the relief case does.

* A minor's case ends by being collected by family, escorted home or transferred (`vagrant_aid.PersonExited`):
  the referral closes on the exit day with that reason (`relief_exit`). A closed file is no longer open, so
  the three-month transfer of an unidentified child to the welfare institution is never made for it.
* An identification shows the person was an adult on arrival (`vagrant_aid.PersonIdentified`, `minor`
  false): the referral is cancelled on the identification day — temporary state guardianship never applied.

Only a referral file of that very relief case is closed: a child who already had a file of its own (an
application) keeps it. Both are `SupportTerminated` (reason `referral_closed` or `referral_cancelled`), so the
timeline and every other reader of the contract see the file end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.child_welfare.contract import events as contract
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.ledger import month_of, month_text

# V-8 exits that hand the child to family or to another carer: the referral has done its work.
CLOSING_EXITS: frozenset[str] = frozenset({"collected", "escorted", "transferred"})
IDENTIFIED_ADULT = "identified_adult"
REFERRAL_CLOSED = "referral_closed"
REFERRAL_CANCELLED = "referral_cancelled"


@dataclass(frozen=True)
class ReliefClosure:
    """Why and when a relief case stopped being a referral: an exit kind or `identified_adult`."""

    case_id: str
    outcome: str
    on: dt.date
    cause: str  # the triggering event type

    @property
    def closes(self) -> bool:
        return self.outcome in CLOSING_EXITS or self.outcome == IDENTIFIED_ADULT


def closure_of_exit(case_id: str, kind: str, minor: bool, exited_on: dt.date, cause: str) -> ReliefClosure | None:
    """The closure a `PersonExited` means for a referral, or None (an adult's case, or an exit that leaves the
    referral to the officers: absconded, died — the death reaches child welfare through funeral)."""
    if not minor or kind not in CLOSING_EXITS:
        return None
    return ReliefClosure(case_id, kind, exited_on, cause)


def closure_of_identification(case_id: str, minor: bool, identified_on: dt.date,
                              cause: str) -> ReliefClosure | None:
    """An identification showing an adult cancels the referral; a minor's identification changes nothing here
    (the child is linked to the ID number, reactions.py)."""
    return None if minor else ReliefClosure(case_id, IDENTIFIED_ADULT, identified_on, cause)


def decide_relief_closure(file: ChildFile, closure: ReliefClosure) -> list[ev.Draft]:
    """The referral of `closure.case_id` ends: closed with the exit's kind, or cancelled for an adult. Nothing
    for another file, a file ended already (by an officer, a death, or this closure applied before)."""
    if not (closure.closes and file.is_open and file.source == "relief_referral"
            and file.relief_case_id == closure.case_id):
        return []
    effective_on = max(closure.on, file.applied_on)
    reason = REFERRAL_CANCELLED if closure.outcome == IDENTIFIED_ADULT else REFERRAL_CLOSED
    payload = {"child_id": file.child_id, "reason": reason, "effective_on": effective_on.isoformat(),
               "allowance_until": month_text(month_of(effective_on)), "cause": closure.cause,
               "relief_exit": closure.outcome, "relief_case_id": closure.case_id}
    return [ev.Draft.of(contract.SupportTerminated(**payload), effective_on, ((file.subject_id, "child"),))]
