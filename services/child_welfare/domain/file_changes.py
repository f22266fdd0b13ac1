"""Changes to a child's file beyond the procedure (C-2 一人一档 keeps them on the one file), pure:

* the guardian changes (a relative takes over, a court appoints another);
* the household registration moves — out of the city, support ends that day (C-6 `moved_away`);
* a terminated file is reopened: the child is checked and decided again (C-3), the months paid before stay
  paid (C-5, ledger.py periods); a child of 18 or over is not reopened;
* the state assumes long-term guardianship (长期监护, 未成年人保护法 94) on the civil affairs department's
  decision: temporary state guardianship (a relief referral) ends, and a child at the minors' protection
  centre moves to the welfare institution (a recorded transfer, C-4).
"""

from __future__ import annotations

import datetime as dt

from services.child_welfare.contract import events as contract
from services.child_welfare.contract.commands import (
    AssumeLongTermGuardianship,
    ChangeGuardian,
    ChangeHousehold,
    ReopenFile,
)
from services.child_welfare.contract.refusals import (
    ALREADY_LONG_TERM_GUARDIANSHIP,
    CHANGE_BEFORE_APPLICATION,
    FILE_NOT_TERMINATED,
    NOT_A_MINOR,
    NOTHING_TO_CHANGE,
    PLACEMENT_BEFORE_CURRENT,
    REOPENED_BEFORE_TERMINATION,
)
from services.child_welfare.domain import events as ev
from services.child_welfare.domain import rules
from services.child_welfare.domain.decide import termination_draft
from services.child_welfare.domain.file import ChildFile
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.divisions import in_city

LONG_TERM = "long_term"
STATE_GUARDIAN = {"name": "long-term state guardianship", "relation": "long_term_state"}


def _child(file: ChildFile) -> tuple[tuple[str, str], ...]:
    return ((file.subject_id, "child"),)


def _checked(file: ChildFile, actor: Actor, version: int | None) -> None:
    rules.check_acts_for_file(actor, file)
    rules.check_version(version, file)
    rules.check_open(file)


def decide_guardian_change(file: ChildFile, command: ChangeGuardian, actor: Actor, today: dt.date) -> list[ev.Draft]:
    """C-2: the child's guardian changed, from a day on."""
    _checked(file, actor, command.version)
    on = command.effective_on or today
    rules.check_recorded_on(on, actor, today, "effective_on")
    rules.check_not_before(on, file.applied_on, CHANGE_BEFORE_APPLICATION, "effective_on is before the application",
                           "effective_on")
    guardian = command.guardian.model_dump(mode="json")
    if guardian["id_number"] is not None:
        guardian["id_number"] = rules.check_id_number(guardian["id_number"], today, "guardian.id_number").value
    if guardian == file.guardian:
        raise rules.refusal(NOTHING_TO_CHANGE, "this is the child's guardian already", field="guardian")
    payload = {"child_id": file.child_id, "guardian": guardian, "from_guardian": file.guardian,
               "effective_on": on.isoformat(), "reason": command.reason}
    return [ev.Draft.of(contract.GuardianChanged(**payload), on, _child(file))]


def decide_household_change(file: ChildFile, command: ChangeHousehold, actor: Actor,
                            today: dt.date) -> list[ev.Draft]:
    """C-2: the household registration moved; C-6: moved out of the city, support ends on that day."""
    _checked(file, actor, command.version)
    division = rules.check_division(command.household_division, "household_division")
    on = command.effective_on or today
    rules.check_recorded_on(on, actor, today, "effective_on")
    rules.check_not_before(on, file.applied_on, CHANGE_BEFORE_APPLICATION, "effective_on is before the application",
                           "effective_on")
    if division == file.household_division:
        raise rules.refusal(NOTHING_TO_CHANGE, "the household is registered there already",
                            field="household_division")
    payload = {"child_id": file.child_id, "household_division": division, "from_division": file.household_division,
               "effective_on": on.isoformat(), "reason": command.reason}
    drafts = [ev.Draft.of(contract.HouseholdChanged(**payload), on, _child(file))]
    if not in_city(division):
        drafts.append(termination_draft(file, "moved_away", on, cause=ev.HOUSEHOLD_CHANGED))
    return drafts


def decide_reopening(file: ChildFile, command: ReopenFile, actor: Actor, today: dt.date) -> list[ev.Draft]:
    """C-2, C-3: a terminated file is reopened for a child under 18; it is checked and decided again."""
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    if file.termination is None:
        raise Refusal(FILE_NOT_TERMINATED, "only a terminated file is reopened", 409)
    on = command.reopened_on or today
    rules.check_recorded_on(on, actor, today, "reopened_on")
    rules.check_not_before(on, file.termination.effective_on, REOPENED_BEFORE_TERMINATION,
                           "reopened_on is before the termination", "reopened_on")
    if file.birth_date is not None:
        try:
            rules.check_under_18(file, on)
        except Refusal:
            raise rules.refusal(NOT_A_MINOR, f"the child is not under 18 on {on}", field="reopened_on") from None
    payload = {"child_id": file.child_id, "reopened_on": on.isoformat(), "reason": command.reason,
               "terminated_on": file.termination.effective_on.isoformat(),
               "termination_reason": file.termination.reason}
    return [ev.Draft.of(contract.FileReopened(**payload), on, _child(file))]


def decide_long_term_guardianship(file: ChildFile, command: AssumeLongTermGuardianship, actor: Actor,
                                  today: dt.date) -> list[ev.Draft]:
    """The state assumes long-term guardianship: the guardian becomes the state; a child at the minors'
    protection centre (temporary state guardianship) is transferred to the welfare institution (C-4)."""
    _checked(file, actor, command.version)
    if file.state_guardianship == LONG_TERM:
        raise Refusal(ALREADY_LONG_TERM_GUARDIANSHIP, "the state is the child's long-term guardian already", 409)
    on = command.decided_on or today
    rules.check_recorded_on(on, actor, today, "decided_on")
    rules.check_not_before(on, file.placement.effective_on, PLACEMENT_BEFORE_CURRENT,
                           "decided_on is before the current arrangement began", "decided_on")
    payload = {"child_id": file.child_id, "guardian": STATE_GUARDIAN, "from_guardian": file.guardian,
               "effective_on": on.isoformat(), "reason": "long_term_state_guardianship",
               "state_guardianship": LONG_TERM, "document_ref": command.document_ref}
    drafts = [ev.Draft.of(contract.GuardianChanged(**payload), on, _child(file))]
    current = file.placement
    if current.institution == "minors_protection_centre":
        move = {"child_id": file.child_id, "care": "institution", "from_care": current.care,
                "institution": "welfare_institution", "from_institution": current.institution, "carer": None,
                "effective_on": on.isoformat(), "transfer": True, "reason": "long_term_state_guardianship"}
        drafts.append(ev.Draft.of(contract.CarePlacementChanged(**move), on, _child(file)))
    return drafts
