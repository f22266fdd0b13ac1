"""The decisions on a child's file: `decide_*(file, command, …) -> list[Draft]`, pure.

Cross-stream facts (whether the child already has a file, a foster carer's children, the standards in
force) are looked up by the application and handed in. Every decision that may change what is due ends
with `with_adjustment`: months already paid are recomputed and a difference is recorded (C-5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.child_welfare.contract import events as contract
from services.child_welfare.contract.commands import (
    ChangeParentCondition,
    ChangePlacement,
    Decide,
    OpenFile,
    RecordStudentStatus,
    RecordTownshipCheck,
    RecordVisit,
    SignAgreement,
    Terminate,
)
from services.child_welfare.contract.refusals import (
    BIRTH_DATE_UNKNOWN,
    BUSINESS_DATE_IN_FUTURE,
    CHECK_BEFORE_APPLICATION,
    DECISION_BEFORE_CHECK,
    ENDS_BEFORE_IT_STARTS,
    NO_SUCH_FACT,
    NO_SUCH_PARENT,
    NOT_A_MINOR,
    NOTHING_TO_CHANGE,
    PARENT_NAME_REQUIRED,
    PLACEMENT_BEFORE_CURRENT,
    SCHOOLING_ENDED,
    STUDENT_EXTENSION_NOT_AVAILABLE,
    TERMINATION_BEFORE_APPLICATION,
)
from services.child_welfare.domain import events as ev
from services.child_welfare.domain import parameters, rules
from services.child_welfare.domain.eligibility import category_on, facts_changing
from services.child_welfare.domain.file import ChildFile, fold
from services.child_welfare.domain.ledger import (
    Month,
    Standards,
    adjustment,
    month_of,
    month_text,
    next_month,
    support_ends_on,
)
from shared.actor import Actor
from shared.reference.dates import ADULT_AGE, add_months, add_years

Draft = ev.Draft


def _child(file: ChildFile) -> tuple[tuple[str, str], ...]:
    return ((file.subject_id, "child"),)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- C-2: opening the file -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewFile:
    child_id: str
    existing_child_id: str | None  # C-2: the file this child already has, if any


def decide_open(command: OpenFile, actor: Actor, today: dt.date, new: NewFile) -> list[Draft]:
    """C-2, C-3: the application opens the child's one file (an officer's act, never an admin's)."""
    rules.check_records_business(actor)
    child = rules.check_id_number(command.child.id_number, today, "child.id_number")
    rules.check_division(command.child.household_division)
    applied_on = command.applied_on or today
    rules.check_recorded_on(applied_on, actor, today, "applied_on")
    if applied_on < child.birth_date or not applied_on < add_years(child.birth_date, ADULT_AGE):
        raise rules.refusal(NOT_A_MINOR, "the child is not under 18 on the application date", field="applied_on")
    rules.check_parent_facts(command.parents, today)
    rules.check_care(command.care, command.institution, command.carer)
    if command.guardian.id_number is not None:
        rules.check_id_number(command.guardian.id_number, today, "guardian.id_number")
    rules.check_one_file_per_child(new.existing_child_id)
    parents = [{**parent.model_dump(mode="json"),
                "id_number": rules.check_id_number(parent.id_number, today).value if parent.id_number else None}
               for parent in command.parents]
    payload = {
        "child_id": new.child_id, "household_division": command.child.household_division, "care": command.care,
        "applied_on": applied_on.isoformat(), "source": "application", "name": command.child.name,
        "birth_date": child.birth_date.isoformat(), "sex": child.sex, "parents": parents,
        "guardian": command.guardian.model_dump(mode="json"), "institution": command.institution,
        "carer": command.carer.model_dump(mode="json") if command.carer else None,
    }
    subjects = ((child.value, "child"), *((p["id_number"], "parent") for p in parents if p["id_number"]))
    return [Draft.of(contract.ChildFileOpened(**payload), applied_on, subjects)]


@dataclass(frozen=True)
class Declared:
    """D-6: a court's declaration standing about a person (funeral's event, kept by child welfare's reactions)."""

    person: str
    declaration_id: str
    kind: str  # death | missing
    judgment_on: dt.date
    court: str
    judgment_ref: str


DECLARED_CONDITION = {"death": "declared_dead", "missing": "declared_missing"}  # D-6: the parent's condition


def declared_parents_on_open(opened: list[Draft], declared: list[Declared], cause: str) -> list[Draft]:
    """D-6, C-1: a parent declared dead or missing before the child's file existed counts once the file opens:
    the declared condition from the judgment date, on C-1's "dead or missing" side, unless the application
    records that condition (or a death) already. The change enters the file on its opening day, or on the
    judgment day when that is later."""
    file = fold(opened)
    assert file is not None
    drafts: list[Draft] = []
    for declaration in declared:
        index = next((n for n, parent in enumerate(file.parents) if parent.id_number == declaration.person), None)
        if index is None:
            continue
        condition = DECLARED_CONDITION[declaration.kind]
        if any(fact.condition in ("deceased", condition) for fact in file.parents[index].facts):
            continue
        drafts.append(parent_change_draft(file, index, condition, declaration.judgment_on,
                                          f"{declaration.court} {declaration.judgment_ref}", cause=cause,
                                          death_id=declaration.declaration_id,
                                          on=max(file.applied_on, declaration.judgment_on)))
    return drafts


@dataclass(frozen=True)
class RegisteredDeath:
    """C-6: a person's death registered by the funeral service (F-1, F-6; kept by child welfare's reactions until
    it is corrected away from the person or withdrawn, D-11)."""

    person: str
    death_id: str
    died_on: dt.date


def dead_parents_on_open(opened: list[Draft], deaths: list[RegisteredDeath], cause: str) -> list[Draft]:
    """C-1, C-6: a parent whose death was registered before the child's file existed counts once the file opens,
    as the death's reaction would have counted it on an open file: `deceased` from the date of death, unless
    the application records the death already, or the parent's declaration (`opened` may carry it, D-6) dates
    the death that very day. The change enters the file on its opening day, or on the day of death when that is
    later."""
    file = fold(opened)
    assert file is not None
    drafts: list[Draft] = []
    for death in deaths:
        index = next((n for n, parent in enumerate(file.parents) if parent.id_number == death.person), None)
        if index is None or any(fact.condition == "deceased" or (fact.condition == "declared_dead"
                                                                 and fact.since == death.died_on)
                                for fact in file.parents[index].facts):
            continue
        drafts.append(parent_change_draft(file, index, "deceased", death.died_on, f"death {death.death_id}",
                                          cause=cause, death_id=death.death_id,
                                          on=max(file.applied_on, death.died_on)))
    return drafts


@dataclass(frozen=True)
class Referral:
    """A minor taken in by a relief station (vagrant_aid.MinorReferred, V-7)."""

    subject_id: str
    case_id: str
    station: str
    station_division: str | None
    referred_on: dt.date
    birth_date: dt.date | None
    sex: str | None


def decide_referral(referral: Referral, child_id: str) -> list[Draft]:
    """A referred minor's file, under temporary state guardianship at the minors' protection centre."""
    payload = {
        "child_id": child_id, "household_division": referral.station_division, "care": "institution",
        "applied_on": referral.referred_on.isoformat(), "source": "relief_referral", "name": None,
        "birth_date": _iso(referral.birth_date), "sex": referral.sex, "parents": [],
        "guardian": {"name": "temporary state guardianship", "relation": "temporary_state"},
        "institution": "minors_protection_centre", "carer": None, "relief_case_id": referral.case_id,
        "station": referral.station,
    }
    return [Draft.of(contract.ChildFileOpened(**payload), referral.referred_on, ((referral.subject_id, "child"),))]


# -- C-3: check and decision ---------------------------------------------------------------------------------
def decide_township_check(file: ChildFile, command: RecordTownshipCheck, actor: Actor,
                          today: dt.date) -> list[Draft]:
    rules.check_township_checker(actor, file)
    rules.check_version(command.version, file)
    rules.check_awaiting_check(file)
    checked_on = command.checked_on or today
    rules.check_recorded_on(checked_on, actor, today, "checked_on")
    rules.check_not_before(checked_on, file.assessment_from or file.applied_on, CHECK_BEFORE_APPLICATION,
                           "checked_on is before the application", "checked_on")
    payload = {"child_id": file.child_id, "checked_on": checked_on.isoformat(), "outcome": command.outcome,
               "notes": command.notes}
    return [Draft.of(contract.TownshipCheckRecorded(**payload), checked_on, _child(file))]


def decide_decision(file: ChildFile, command: Decide, actor: Actor, today: dt.date) -> list[Draft]:
    rules.check_decider(actor, file)
    rules.check_version(command.version, file)
    rules.check_township_checked(file)
    decided_on = command.decided_on or today
    rules.check_recorded_on(decided_on, actor, today, "decided_on")
    assert file.township_check is not None
    rules.check_not_before(decided_on, file.township_check[0], DECISION_BEFORE_CHECK,
                           "decided_on is before the township's check", "decided_on")
    rules.check_reasons(command.outcome, command.reasons)
    if command.outcome == "rejected":
        payload = {"child_id": file.child_id, "reasons": command.reasons, "decided_on": decided_on.isoformat()}
        return [Draft.of(contract.ApplicationRejected(**payload), decided_on, _child(file))]
    rules.check_under_18(file, decided_on)
    category = rules.check_eligible_as(file, command.category, decided_on)
    payload = {"child_id": file.child_id, "category": category, "decided_on": decided_on.isoformat(),
               "allowance_from": month_text(next_month(month_of(decided_on))), "reasons": command.reasons}
    return [Draft.of(contract.EligibilityConfirmed(**payload), decided_on, _child(file))]


# -- C-6: parents' conditions and their consequences -----------------------------------------------------------
def parent_change_draft(file: ChildFile, index: int, condition: str, since: dt.date, evidence_ref: str, *,
                        ends_on: dt.date | None = None, replaces_since: dt.date | None = None,
                        withdrawn: bool = False, cause: str = "officer", death_id: str | None = None,
                        name: str | None = None, id_number: str | None = None, on: dt.date | None = None) -> Draft:
    payload = {"child_id": file.child_id, "parent": index, "condition": condition,
               "condition_since": since.isoformat(), "ends_on": _iso(ends_on), "evidence_ref": evidence_ref,
               "replaces_since": _iso(replaces_since), "withdrawn": withdrawn, "cause": cause, "death_id": death_id,
               "name": name, "id_number": id_number}
    return Draft.of(contract.ParentConditionChanged(**payload), on or since, _child(file))


def consequences(before: ChildFile, drafts: list[Draft], effective_on: dt.date, cause: str) -> list[Draft]:
    """What a change of the parents' conditions means for the child on `effective_on` (C-1, C-6): a confirmed
    child is reclassified, or its support ends when it no longer qualifies; a rejected child whose parents
    now make it eligible is assessed again."""
    after = fold(drafts, before)
    assert after is not None
    derived = category_on(after.parents, effective_on)
    if after.termination is not None:
        return []
    if after.status == "confirmed":
        if derived is None:
            payload = {"child_id": after.child_id, "reason": "parent_condition_ended",
                       "effective_on": effective_on.isoformat(), "allowance_until": month_text(month_of(effective_on)),
                       "cause": cause}
            return [Draft.of(contract.SupportTerminated(**payload), effective_on, _child(after))]
        if derived != after.category:
            payload = {"child_id": after.child_id, "from_category": after.category, "to_category": derived,
                       "effective_on": effective_on.isoformat(), "cause": cause}
            return [Draft.of(contract.ChildReclassified(**payload), effective_on, _child(after))]
    if after.status == "rejected" and derived is not None:
        payload = {"child_id": after.child_id, "opened_on": effective_on.isoformat(), "reason": cause,
                   "suggested_category": derived}
        return [Draft.of(contract.AssessmentOpened(**payload), effective_on, _child(after))]
    return []


def decide_parent_change(file: ChildFile, command: ChangeParentCondition, actor: Actor,
                         today: dt.date) -> list[Draft]:
    """C-6: a parent's condition starts, ends, or is corrected, with its evidence."""
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    if command.parent > len(file.parents):
        raise rules.refusal(NO_SUCH_PARENT, "the file has no such parent", field="parent")
    if command.parent == len(file.parents) and command.name is None:
        raise rules.refusal(PARENT_NAME_REQUIRED, "a parent new to the file is named", field="name")
    if command.condition_since > today:
        raise rules.refusal(BUSINESS_DATE_IN_FUTURE, "condition_since is in the future", field="condition_since")
    if command.ends_on is not None and command.ends_on < command.condition_since:
        raise rules.refusal(ENDS_BEFORE_IT_STARTS, "ends_on is before condition_since", field="ends_on")
    if command.replaces_since is not None:
        known = {fact.since for fact in file.parents[command.parent].facts} if command.parent < len(file.parents) \
            else set()
        if command.replaces_since not in known:
            raise rules.refusal(NO_SUCH_FACT, "the parent has no condition starting on replaces_since",
                                field="replaces_since")
    id_number = rules.check_id_number(command.id_number, today).value if command.id_number else None
    draft = parent_change_draft(file, command.parent, command.condition, command.condition_since,
                                command.evidence_ref, ends_on=command.ends_on, replaces_since=command.replaces_since,
                                name=command.name, id_number=id_number, on=today)
    effective_on = _effective(file, command.condition_since, command.ends_on, today)
    return [draft, *consequences(file, [draft], effective_on, "parent_condition_changed")]


def _effective(file: ChildFile, since: dt.date, ends_on: dt.date | None, today: dt.date) -> dt.date:
    """The day a change takes effect for the child: its start, or the day after a known end that has
    passed (a release), never before the file's confirmation."""
    day = since
    if ends_on is not None and ends_on < today:
        day = ends_on + dt.timedelta(days=1)
    return max(day, file.confirmed_on or day)


# -- C-4: placements -----------------------------------------------------------------------------------------
def decide_placement(file: ChildFile, command: ChangePlacement, actor: Actor, today: dt.date,
                     carer_children: int = 0) -> list[Draft]:
    """C-4: another care arrangement; between institutions it is a recorded transfer."""
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    rules.check_care(command.care, command.institution, command.carer)
    effective_on = command.effective_on or today
    rules.check_recorded_on(effective_on, actor, today, "effective_on")
    rules.check_not_before(effective_on, file.placement.effective_on, PLACEMENT_BEFORE_CURRENT,
                           "effective_on is before the current arrangement began", "effective_on")
    current = file.placement
    carer = None
    if command.carer is not None:
        carer_id = rules.check_id_number(command.carer.id_number, today, "carer.id_number")
        already = carer_children - (1 if current.carer_id == carer_id.value else 0)
        rules.check_foster_carer(carer_id, effective_on, already)
        carer = {"id_number": carer_id.value, "name": command.carer.name}
    if (command.care, command.institution, carer and carer["id_number"]) == (current.care, current.institution,
                                                                            current.carer_id):
        raise rules.refusal(NOTHING_TO_CHANGE, "the child is in this arrangement already")
    transfer = command.care == current.care == "institution" and command.institution != current.institution
    payload = {"child_id": file.child_id, "care": command.care, "from_care": current.care,
               "institution": command.institution, "from_institution": current.institution, "carer": carer,
               "effective_on": effective_on.isoformat(), "transfer": transfer, "reason": command.reason}
    return [Draft.of(contract.CarePlacementChanged(**payload), effective_on, _child(file))]


def decide_unidentified_transfer(file: ChildFile, today: dt.date) -> list[Draft]:
    """A referred minor still unidentified after 3 months (configurable) goes from the minors' protection
    centre to the welfare institution: a recorded transfer (C-4)."""
    current = file.placement
    if not (file.is_open and file.id_number is None and current.institution == "minors_protection_centre"):
        return []
    due_on = add_months(file.applied_on, parameters.unidentified_transfer_months(file.applied_on))
    if due_on > today:
        return []
    payload = {"child_id": file.child_id, "care": "institution", "from_care": current.care,
               "institution": "welfare_institution", "from_institution": current.institution, "carer": None,
               "effective_on": due_on.isoformat(), "transfer": True, "reason": "unidentified_after_3_months"}
    return [Draft.of(contract.CarePlacementChanged(**payload), due_on, _child(file))]


# -- C-7: agreements and visits ------------------------------------------------------------------------------
def decide_agreement(file: ChildFile, command: SignAgreement, actor: Actor, today: dt.date) -> list[Draft]:
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    signed_on = command.signed_on or today
    rules.check_recorded_on(signed_on, actor, today, "signed_on")
    valid_until = add_months(signed_on, parameters.agreement_cycle_months(signed_on))
    payload = {"child_id": file.child_id, "kind": command.kind, "signed_on": signed_on.isoformat(),
               "valid_until": valid_until.isoformat(), "party": command.party,
               "renewal": file.agreement_until is not None}
    return [Draft.of(contract.AgreementSigned(**payload), signed_on, _child(file))]


def decide_visit(file: ChildFile, command: RecordVisit, actor: Actor, today: dt.date) -> list[Draft]:
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    visited_on = command.visited_on or today
    rules.check_recorded_on(visited_on, actor, today, "visited_on")
    next_due = add_months(visited_on, parameters.visit_cycle_months(visited_on))
    payload = {"child_id": file.child_id, "visited_on": visited_on.isoformat(), "visitor": actor.name,
               "findings": command.findings, "next_due": next_due.isoformat()}
    return [Draft.of(contract.VisitRecorded(**payload), visited_on, _child(file))]


# -- C-6: termination ----------------------------------------------------------------------------------------
def termination_draft(file: ChildFile, reason: str, effective_on: dt.date, cause: str = "officer",
                      notes: str | None = None, state_guardianship_ended: bool | None = None,
                      review: tuple[Month, Month] | None = None) -> Draft:
    payload = {"child_id": file.child_id, "reason": reason, "effective_on": effective_on.isoformat(),
               "allowance_until": month_text(month_of(effective_on)), "cause": cause, "notes": notes}
    if state_guardianship_ended is not None:
        payload["state_guardianship_ended"] = state_guardianship_ended
    if review is not None:
        payload["review_from"], payload["review_until"] = month_text(review[0]), month_text(review[1])
    return Draft.of(contract.SupportTerminated(**payload), effective_on, _child(file))


def paid_after_declared_death(file: ChildFile, died_on: dt.date, judgment_on: dt.date) -> tuple[Month, Month] | None:
    """D-6: a child declared dead has the file end in the judgment month; where art. 48 dates the death earlier
    (an accident), the months paid after the month of death up to the judgment month go to an officer (whether
    to recover them is the officer's decision, C-5). None: no such month was paid."""
    if file.confirmed_on is None:
        return None
    first = max(next_month(month_of(died_on)), next_month(month_of(file.confirmed_on)))
    last = month_of(judgment_on)
    return (first, last) if first <= last else None


def decide_termination(file: ChildFile, command: Terminate, actor: Actor, today: dt.date) -> list[Draft]:
    """C-6: adoption, moving away, death, … end support on the day of the event."""
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    rules.check_recorded_on(command.effective_on, actor, today, "effective_on")
    rules.check_not_before(command.effective_on, file.applied_on, TERMINATION_BEFORE_APPLICATION,
                           "effective_on is before the application", "effective_on")
    return [termination_draft(file, command.reason, command.effective_on, notes=command.notes)]


def decide_student_status(file: ChildFile, command: RecordStudentStatus, actor: Actor,
                          today: dt.date) -> list[Draft]:
    """C-6: a child in full-time education at 18 keeps support until the schooling ends (configurable)."""
    rules.check_acts_for_file(actor, file)
    rules.check_version(command.version, file)
    rules.check_open(file)
    if file.birth_date is None:
        raise rules.refusal(BIRTH_DATE_UNKNOWN, "the child's birth date is not known")
    adult_on = add_years(file.birth_date, ADULT_AGE)
    if parameters.student_extension_until_age(adult_on) is None:
        raise rules.refusal(STUDENT_EXTENSION_NOT_AVAILABLE, "no student extension holds on the 18th birthday")
    if command.full_time_until < today:
        raise rules.refusal(SCHOOLING_ENDED, "full_time_until has passed", field="full_time_until")
    payload = {"child_id": file.child_id, "school": command.school,
               "full_time_until": command.full_time_until.isoformat(), "evidence_ref": command.evidence_ref,
               "recorded_on": today.isoformat()}
    return [Draft.of(contract.StudentStatusRecorded(**payload), today, _child(file))]


def eligibility_ends_on(file: ChildFile) -> dt.date | None:
    """C-6: the first day after the confirmation on which the known facts make the child ineligible — a
    sentence's known last day has passed, say — or None while they do not."""
    if file.confirmed_on is None:
        return None
    for day in facts_changing(file.parents):
        if day > file.confirmed_on and category_on(file.parents, day) is None:
            return day
    return None


def decide_eligibility_lapse(file: ChildFile, today: dt.date) -> list[Draft]:
    """C-6: support ends when a parent's condition ends on its known day (a sentence served), automatically,
    if no officer recorded it first."""
    ends_on = eligibility_ends_on(file)
    if not file.is_open or ends_on is None or ends_on > today:
        return []
    return [termination_draft(file, "parent_condition_ended", ends_on, cause="schedule")]


def decide_adult_termination(file: ChildFile, today: dt.date) -> list[Draft]:
    """C-6: the 18th birthday (or the end of a student's extension) ends support, automatically."""
    if not file.is_open or file.birth_date is None:
        return []
    ends_on = support_ends_on(file)
    if ends_on is None or ends_on > today:
        return []
    return [termination_draft(file, "adult", ends_on, cause="schedule")]


# -- C-5: adjustments ------------------------------------------------------------------------------------------
def with_adjustment(before: ChildFile, drafts: list[Draft], today: dt.date, standards: Standards,
                    cause: str) -> list[Draft]:
    """The drafts, and an `AllowanceAdjusted` when they change months already paid (those before the
    month of `today`): arrears positive, recovery negative."""
    after = fold(drafts, before)
    assert after is not None
    settled_through: Month = month_of(month_of(today) - dt.timedelta(days=1))
    changed = adjustment(before, after, settled_through, standards)
    if not changed:
        return drafts
    total = sum((_decimal(entry["difference"]) for entry in changed), _decimal("0"))
    payload = {"child_id": before.child_id, "recorded_on": today.isoformat(), "months": changed,
               "total": str(total.quantize(_decimal("0.01"))), "cause": cause}
    return [*drafts, Draft.of(contract.AllowanceAdjusted(**payload), today, _child(after))]


def _decimal(text: Any) -> Decimal:
    return Decimal(str(text))
