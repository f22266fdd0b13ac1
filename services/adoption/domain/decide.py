"""The adoption deciders, pure: given the command, the facts the application looked up and the new ids and
certificate numbers, the drafts to record — or a `Refusal` (domain/rules.py). Nothing is written on a
refusal; the certificate serial taken for it rolls back with the transaction (K-4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.adoption.contract import commands as c
from services.adoption.contract import events as contract
from services.adoption.contract import refusals
from services.adoption.contract.refusals import CHILD_NOT_ADOPTABLE, NOTICE_CLAIMED, NOTICE_EXISTS
from services.adoption.domain import parameters as p
from services.adoption.domain import rules
from services.adoption.domain.events import Draft
from services.adoption.domain.state import Adoption, Assessment, Notice
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.dates import age_on
from shared.reference.refusals import codes_of

ADULT_AGE = 18

Subjects = tuple[tuple[str, str], ...]


def _given(**fields: object) -> dict[str, object]:
    """The optional fields that have a value: an absent field stays absent on the wire."""
    return {name: value for name, value in fields.items() if value is not None}


def _people(parties: list[c.AdoptionParty] | list[c.Adopter]) -> tuple[contract.Person, ...]:
    return tuple(contract.Person(id_number=a.id_number, name=a.name) for a in parties)


# -- A-10 assessment -----------------------------------------------------------------------------------------------
def decide_assessment(command: c.RecordAssessment, assessment_id: str, actor: Actor, today: dt.date) -> list[Draft]:
    """A-10: the assessment of the adopters, dated as the report is, or opened at their consent (the report
    due within 60 days of it, the living-together period not counted); the registrar's office if none given.
    A report before the consent is refused."""
    office = command.office or actor.office
    if office is not None:
        rules.check_office_A1(office)
        rules.check_acts_for_office_A1(actor, office)
    else:
        rules.check_acts_for_office_A1(actor, "")
    if command.consented_on is not None:
        rules.check_business_date(command.consented_on, today, "consented_on")
    for index, adopter in enumerate(command.adopters):
        rules.person(adopter.id_number, today, ("adopters", str(index)))
    subjects = tuple((a.id_number, "adopter") for a in command.adopters)
    if command.outcome is None or command.assessed_on is None:  # opened at consent, the report to follow
        opened = contract.AssessmentConsented(
            assessment_id=assessment_id, adopters=_people(command.adopters), consented_on=command.consented_on,
            assessor=command.assessor, **_given(office=office))
        return [Draft.of(opened, command.consented_on, subjects),
                *_living_together(assessment_id, command.living_together, command.consented_on, today, subjects)]
    rules.check_business_date(command.assessed_on, today, "assessed_on")
    rules.check_report_after_consent_A10(command.assessed_on, command.consented_on)
    rules.check_living_together_A10(_period(command.living_together), command.assessed_on)
    event = contract.AssessmentRecorded(
        assessment_id=assessment_id, adopters=_people(command.adopters), outcome=command.outcome,
        assessed_on=command.assessed_on, assessor=command.assessor,
        **_given(office=office, report_ref=command.report_ref, consented_on=command.consented_on))
    return [Draft.of(event, command.assessed_on, subjects),
            *_living_together(assessment_id, command.living_together, command.assessed_on, today, subjects)]


def _period(period: c.LivingTogether | None) -> tuple[dt.date, dt.date | None] | None:
    return (period.started_on, period.ended_on) if period is not None else None


def _living_together(assessment_id: str, period: c.LivingTogether | None, on: dt.date, today: dt.date,
                     subjects: Subjects) -> list[Draft]:
    """A-10: the living-together period as recorded, if given; recorded with the assessment's business date."""
    if period is None:
        return []
    for day in (period.started_on, period.ended_on):
        if day is not None:
            rules.check_business_date(day, today, "living_together")
    event = contract.LivingTogetherRecorded(assessment_id=assessment_id, started_on=period.started_on,
                                            **_given(ended_on=period.ended_on))
    return [Draft.of(event, on, subjects)]


def _pending(assessment: Assessment, actor: Actor) -> Subjects:
    """A-10: the report and the living-together period are recorded by the assessing office's registrars, only
    while the report is outstanding."""
    rules.check_acts_for_office_A1(actor, assessment.office or "")
    if assessment.reported:
        raise Refusal(refusals.ASSESSMENT_REPORTED, "the assessment's report is recorded already", 409)
    return tuple((a.id_number, "adopter") for a in assessment.adopters)


def decide_report_assessment(assessment: Assessment, command: c.ReportAssessment, actor: Actor,
                             today: dt.date) -> list[Draft]:
    """A-10: the report of an assessment opened at consent: not before the consent, and after a recorded
    living-together period of 30 days or more (the one the report gives replaces the recorded one)."""
    subjects = _pending(assessment, actor)
    on = rules.check_business_date(command.assessed_on, today, "assessed_on")
    rules.check_report_after_consent_A10(on, assessment.consented_on)
    rules.check_living_together_A10(_period(command.living_together) or assessment.living_together, on)
    event = contract.AssessmentRecorded(
        assessment_id=assessment.assessment_id, adopters=assessment.adopters, outcome=command.outcome,
        assessed_on=on, assessor=assessment.assessor,
        **_given(office=assessment.office, report_ref=command.report_ref, consented_on=assessment.consented_on))
    return [*_living_together(assessment.assessment_id, command.living_together, on, today, subjects),
            Draft.of(event, on, subjects)]


def decide_record_living_together(assessment: Assessment, command: c.RecordLivingTogether, actor: Actor,
                                  today: dt.date) -> list[Draft]:
    """A-10: the living-together period of an assessment waiting for its report (a later record replaces it)."""
    subjects = _pending(assessment, actor)
    return _living_together(assessment.assessment_id, command, command.ended_on or command.started_on, today,
                            subjects)


# -- A-11 foundling notice -----------------------------------------------------------------------------------------
def decide_notice(command: c.PublishFoundlingNotice, notice_id: str, existing: Notice | None, actor: Actor,
                  today: dt.date) -> list[Draft]:
    """A-11: one notice per foundling; it runs `notice_days` (60) from its publication."""
    rules.check_office_A1(command.office)
    rules.check_acts_for_office_A1(actor, command.office)
    on = rules.check_business_date(command.published_on or today, today, "published_on")
    child = rules.person(command.child.id_number, today, ("child",))
    if existing is not None and (existing.claimed_on is not None or existing.runs_until > on):
        raise Refusal(NOTICE_EXISTS, f"notice {existing.notice_id} for this child is {existing.status(today)}",
                      409)
    event = contract.FoundlingNoticePublished(
        notice_id=notice_id, office=command.office, child=contract.Person(id_number=child.value,
                                                                           name=command.child.name),
        description=command.description, published_on=on, runs_until=on + dt.timedelta(days=p.notice_days(on)))
    return [Draft.of(event, on, ((child.value, "child"),))]


def decide_claim_foundling(command: c.ClaimFoundling, notice: Notice, actor: Actor, today: dt.date) -> list[Draft]:
    """A-11: a claim within the notice stops the adoption of the foundling."""
    rules.check_acts_for_office_A1(actor, notice.office)
    on = rules.check_business_date(command.claimed_on or today, today, "claimed_on")
    if notice.claimed_on is not None:
        raise Refusal(NOTICE_CLAIMED, "the notice was claimed already", 409)
    rules.check_after_registration(on, notice.published_on, "claimed_on")
    event = contract.FoundlingClaimed(notice_id=notice.notice_id, claimed_on=on, **_given(note=command.note))
    return [Draft.of(event, on, ((notice.child_id_number, "child"),))]


# -- registration --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistrationFacts:
    """What the application looked up for a registration."""

    adopted_in_civreg: dict[str, int]  # adopter → adoptions in force civreg registered
    assessment: tuple[str, str] | None  # (assessment_id, outcome) of the latest of these adopters
    notice: Notice | None  # the child's latest foundling notice
    application: dict | None = None  # the application the registration decides, from the read model


@dataclass(frozen=True)
class NewAdoption:
    adoption_id: str
    certificate: str  # K-2: the 收养登记证's 字号, taken in the command's transaction
    placement_id: str  # a sealed adoption's placing parent's stream


def decide_registration(command: c.RegisterAdoption, facts: RegistrationFacts, new: NewAdoption, actor: Actor,
                        today: dt.date) -> list[Draft]:
    """A-2 to A-14: every rule in order; the 收养登记证 to the adopters (one copy, held by the first adopter)."""
    rules.check_office_A1(command.office)
    rules.check_acts_for_office_A1(actor, command.office)
    on = rules.check_business_date(command.registered_on or today, today, "registered_on")
    step_parent, relative = command.relation == "step_parent", command.relation == "collateral_relative"
    child = rules.person(command.child.id_number, today, ("child",))
    adopters = [rules.person(a.id_number, today, ("adopters", str(i))) for i, a in enumerate(command.adopters)]
    if on < child.birth_date:
        raise rules.refusal(CHILD_NOT_ADOPTABLE, "the child was not born on the registration date",
                            field="registered_on")
    rules.check_minor_A2(child, on)
    rules.check_application_A12(facts.application, "registration", command.office, child.value)
    rules.check_placing_party_A3(command.placing_party, command.child, command.relation)
    rules.check_jurisdiction_A1(command.office,
                                *rules.jurisdiction_A1(command.placing_party, command.child, command.relation, today))
    rules.check_parents_place_jointly_A3(command.placing_party, command.relation)
    rules.check_grandparents_priority_A3(command.placing_party, command.relation)
    rules.check_support_consent_A3(command.placing_party, command.child)
    if command.placing_party.other_parent == "joins":
        rules.person(command.placing_party.other_parent_id_number or "", today, ("placing_party", "other_parent"))
    rules.check_adopter_is_not_placing_party_A3(command.adopters, command.placing_party)
    rules.check_spouses_A6(command.adopters)
    if not step_parent:  # a step-parent is free of
        rules.check_statement_A9(command.statement_ref)
        for index, adopter in enumerate(adopters):
            rules.check_adopter_age_A4(adopter, on, index)
        if not rules.exempt_from_limit_A5(command.child, command.placing_party):
            for index, adopter in enumerate(command.adopters):
                rules.check_adoption_limit_A5(adopter, facts.adopted_in_civreg.get(adopter.id_number, 0), on, index)
        if len(adopters) == 1 and not relative:
            rules.check_age_gap_A6(adopters[0], child, on)
    else:
        rules.check_birth_parent_consent_A8(command.birth_parents_consent)
    rules.check_child_consent_A7(child, command.child_consent, on)
    if not step_parent:
        rules.check_assessment_A10(facts.assessment[1] if facts.assessment else None, command.unsuitable_reason, on)
    if command.child.situation == "parents_unknown" and not step_parent:
        notice = facts.notice
        rules.check_notice_A11(notice.published_on if notice else None,
                               bool(notice and notice.claimed_on is not None), on)
    return registration_drafts(command, new, facts, on)


def registration_drafts(command: c.RegisterAdoption, new: NewAdoption, facts: RegistrationFacts,
                        on: dt.date) -> list[Draft]:
    """A-13, A-14: the registration, and for a sealed adoption its origins apart (class `sealed`) and a bare
    "placed for adoption" for a placing parent."""
    placing = command.placing_party
    placed = contract.Placing(kind=placing.kind, **_given(
        id_number=placing.id_number, name=placing.name, institution=placing.institution,
        other_parent=placing.other_parent,
        other_parent_id_number=placing.other_parent_id_number if placing.other_parent == "joins" else None,
        grandparents_priority=contract.PriorRightRecorded(**placing.grandparents_priority.model_dump())
        if placing.grandparents_priority and placing.other_parent == "deceased" else None,
        support_consent=placing.support_consent))
    placing_role = {"parent": "birth_parent", "guardian": "guardian"}.get(placing.kind)
    sealed = command.sealed_at_request_of is not None
    child = contract.Person(id_number=command.child.id_number, name=command.child.name)
    certificate = contract.Certificate(number=new.certificate, kind="adoption",
                                       holder_id_number=command.adopters[0].id_number)
    optional = {"situation": None if sealed else command.child.situation, "placing_party": None if sealed else placed,
                "assessment_id": facts.assessment[0] if facts.assessment else None,
                "unsuitable_reason": command.unsuitable_reason, "statement_ref": command.statement_ref,
                "application_id": command.application_id,
                "documents": tuple(contract.DocumentCited(**d.model_dump(exclude_none=True)) for d in command.documents)
                or None}
    registered = contract.AdoptionRegistered(  # an absent optional field stays absent on the wire
        adoption_id=new.adoption_id, office=command.office, registered_on=on, child=child,
        adopters=_people(command.adopters), sealed=sealed, certificates=(certificate,), relation=command.relation,
        **_given(**optional))
    core: Subjects = ((child.id_number, "adoptee"), *((a.id_number, "adopter") for a in command.adopters))
    origin: Subjects = tuple((number, placing_role) for number in birth_parent_ids(placed)) if placing_role else ()
    if not sealed:
        return [Draft.of(registered, on, core + origin)]
    drafts = [Draft.of(registered, on, core),
              Draft.of(contract.AdoptionSealed(adoption_id=new.adoption_id, requested_by=command.sealed_at_request_of,
                                               placing_party=placed, situation=command.child.situation),
                       on, ((child.id_number, "adoptee"), *origin))]
    if placing.kind == "parent" and placing.id_number:
        drafts.append(Draft.of(contract.ChildPlaced(placement_id=new.placement_id, placed_on=on), on,
                               tuple((number, "birth_parent") for number in birth_parent_ids(placed))))
    return drafts


def birth_parent_ids(placing: contract.Placing | None) -> tuple[str, ...]:
    """A-3: the placing party's ID number, and the other parent's when it joins (1097)."""
    if placing is None or not placing.id_number:
        return ()
    other = placing.other_parent_id_number if placing.kind == "parent" and placing.other_parent == "joins" else None
    return (placing.id_number, *((other,) if other else ()))


def subjects_of(adoption: Adoption) -> Subjects:
    return ((adoption.child.id_number, "adoptee"), *((a.id_number, "adopter") for a in adoption.adopters))


# -- A-16 dissolution, A-17 void and revoked -----------------------------------------------------------------------
def decide_dissolution(command: c.DissolveAdoption, adoption: Adoption, certificate: str | None, actor: Actor,
                       today: dt.date, application: dict | None = None) -> list[Draft]:
    """A-16: by agreement at the adoptee's household-registration registry, with the written agreement and the
    收养登记证 taken back (a 解除收养关系证明 issued); or by a court (nothing issued, as a court divorce, M-9).
    A minor of 8 or more consents to an agreement. The birth relations revive: a minor's by law, an adult's as
    agreed (1117); the birth parents named are those of the registration unless it is sealed (then only those
    the registrar names, who are parties to the dissolution: the sealed origins stay sealed, A-14)."""
    office = command.office or adoption.office
    rules.check_office_A1(office)
    rules.check_acts_for_office_A1(actor, office)
    rules.check_in_force_A16(adoption.status)
    on = rules.check_business_date(command.dissolved_on, today, "dissolved_on")
    rules.check_after_registration(on, adoption.registered_on, "dissolved_on")
    rules.check_application_A12(application, "dissolution", office, adoption.child.id_number)
    rules.check_court_document_A16(command.by, command.document_ref)
    rules.check_household_office_A16(command.by, office, command.household_division)
    rules.check_agreement_A16(command.by, command.document_ref, command.certificate_number,
                              [c.number for c in adoption.certificates
                               if c.kind == "adoption" and c.number not in adoption.invalid_certificates])
    child = rules.person(adoption.child.id_number, today, ("child",))
    minor = age_is_minor(child.birth_date, on)
    if command.by == "agreement" and minor:
        rules.check_child_consent_A7(child, command.child_consent, on)
    revived = rules.birth_relations_revive_A16(minor, command.birth_relations_restored)
    birth_parents = _birth_parents(command, adoption)
    for index, parent in enumerate(birth_parents):
        rules.person(parent.id_number, today, ("birth_parents", str(index)))
    birth_parents = birth_parents if revived else ()
    issued = (contract.Certificate(number=certificate, kind="adoption_dissolution",
                                   holder_id_number=adoption.adopters[0].id_number),) if certificate else ()
    event = contract.AdoptionDissolved(
        adoption_id=adoption.adoption_id, by=command.by, dissolved_on=on, **_given(document_ref=command.document_ref),
        certificates=issued, invalidated=tuple(c.number for c in adoption.certificates if c.kind == "adoption"),
        office=office, adoptee_minor=minor, birth_relations_revived=revived, birth_parents=birth_parents,
        **_given(household_division=command.household_division if command.by == "agreement" else None,
                 application_id=command.application_id))
    return [Draft.of(event, on, subjects_of(adoption) + tuple((b.id_number, "birth_parent") for b in birth_parents))]


def _birth_parents(command: c.DissolveAdoption, adoption: Adoption) -> tuple[contract.Person, ...]:
    """A-16: those the registrar names; else the registration's placing parents, unless it is sealed (A-14)."""
    if command.birth_parents is not None:
        return _people(command.birth_parents)
    placing = adoption.placing_party
    if adoption.sealed or placing is None:
        return ()
    return tuple(contract.Person(id_number=number, name=(placing.name or "") if number == placing.id_number else "")
                 for number in birth_parent_ids(placing))


def age_is_minor(birth_date: dt.date, on: dt.date) -> bool:
    """A-16: "in minority" is the Civil Code's, under 18 (not A-2's dated limit)."""
    return age_on(birth_date, on) < ADULT_AGE


def decide_revocation(command: c.RevokeAdoption, adoption: Adoption, actor: Actor, today: dt.date) -> list[Draft]:
    """A-17: a court's invalidity or the registry's revocation: void from the start, the certificates recovered."""
    rules.check_acts_for_office_A1(actor, adoption.office)
    if adoption.status == "void":
        rules.check_in_force_A16(adoption.status)
    on = rules.check_business_date(command.revoked_on, today, "revoked_on")
    rules.check_after_registration(on, adoption.registered_on, "revoked_on")
    event = contract.AdoptionRevoked(
        adoption_id=adoption.adoption_id, by=command.by, revoked_on=on, document_ref=command.document_ref,
        **_given(reason=command.reason),
        invalidated=tuple(c.number for c in adoption.certificates if c.number not in adoption.invalid_certificates))
    return [Draft.of(event, on, subjects_of(adoption))]


# -- A-12 applications ---------------------------------------------------------------------------------------------
def decide_application(command: c.ReceiveApplication, application_id: str, adoption: Adoption | None, actor: Actor,
                       today: dt.date) -> list[Draft]:
    """A-12: an application received in person at the registrar's office; a dissolution's names the adoption in
    force, of that child. Where the body states what decides the registry, the office is the one that has
    jurisdiction (A-1 for a registration, A-16 for a dissolution by agreement)."""
    rules.check_office_A1(command.office)
    rules.check_acts_for_office_A1(actor, command.office)
    on = rules.check_business_date(command.received_on or today, today, "received_on")
    child = rules.person(command.child.id_number, today, ("child",))
    for index, adopter in enumerate(command.adopters):
        rules.person(adopter.id_number, today, ("adopters", str(index)))
    if command.kind == "registration" and command.placing_party is not None:
        rules.check_jurisdiction_A1(command.office,
                                    *rules.jurisdiction_A1(command.placing_party, command.child, "none", today))
    if command.kind == "dissolution" and command.household_division is not None:
        rules.check_household_office_A16("agreement", command.office, command.household_division)
    if command.kind == "dissolution":
        if adoption is None or adoption.child.id_number != child.value:
            raise rules.refusal(refusals.APPLICATION_MISMATCH, "a dissolution application names the child's adoption",
                                field="adoption_id")
        rules.check_in_force_A16(adoption.status)
    event = contract.ApplicationReceived(
        application_id=application_id, office=command.office, kind=command.kind,
        child=contract.Person(id_number=child.value, name=command.child.name), adopters=_people(command.adopters),
        received_on=on, **_given(adoption_id=command.adoption_id if command.kind == "dissolution" else None))
    return [Draft.of(event, on, ((child.value, "adoptee"), *((a.id_number, "adopter") for a in command.adopters)))]


def decide_application_refusal(command: c.RefuseApplication, application: contract.ApplicationReceived,
                               decided: bool, actor: Actor, today: dt.date) -> list[Draft]:
    """A-12: refused with the codes of the rules not met (adoption's own codes only) and the reason."""
    rules.check_acts_for_office_A1(actor, application.office)
    if decided:
        raise Refusal(refusals.APPLICATION_DECIDED, "the application was decided already", 409)
    on = rules.check_business_date(command.refused_on or today, today, "refused_on")
    rules.check_after_registration(on, application.received_on, "refused_on")
    known = set(codes_of(refusals))
    for index, code in enumerate(command.codes):
        if code not in known:
            raise rules.refusal(refusals.UNKNOWN_REFUSAL_CODE, f"{code} is not an adoption rule's code",
                                field=("codes", str(index)))
    event = contract.ApplicationRefused(application_id=application.application_id, refused_on=on,
                                        codes=tuple(command.codes), reason=command.reason)
    return [Draft.of(event, on, ((application.child.id_number, "adoptee"),
                                 *((a.id_number, "adopter") for a in application.adopters)))]


def registration_warnings(command: c.RegisterAdoption) -> list[dict[str, object]]:
    """A-9: the 201's `warnings`: the documents the case needs that the registration does not cite."""
    missing = rules.documents_missing_A9([d.kind for d in command.documents], command.child.situation,
                                         command.child.disabled, command.placing_party.kind, command.relation)
    return [{"code": "documents_missing", "kinds": missing,
             "message": "the case needs these documents, not cited: " + ", ".join(missing)}] if missing else []
