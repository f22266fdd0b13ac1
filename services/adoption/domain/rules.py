"""The adoption rules as checks, each named after its rule (A-1 to A-17); each raises a `Refusal` with the
contract's code (contract/refusals.py) and the field it is about. Pure: ages come from the ID numbers, the
parameters from the business date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.adoption.contract import refusals as r
from services.adoption.contract.commands import AdoptedChild, Adopter, PlacingParty
from services.adoption.domain import parameters as p
from shared.actor import Actor
from shared.county_division import check_county_division
from shared.errors import Refusal
from shared.reference.dates import add_years, age_on
from shared.reference.divisions import present_county
from shared.reference.idnumber import IdNumber, InvalidIdNumber, parse_id_number
from shared.reference.places import InvalidPlace, parse_place


def refusal(code: str, detail: str, *, field: str | tuple[str, ...] | None = None, status: int = 422) -> Refusal:
    loc = ["body", *((field,) if isinstance(field, str) else field)] if field else None
    return Refusal(code, detail, status, [{"loc": loc, "msg": detail}] if loc else None)


# -- A-1 registry --------------------------------------------------------------------------------------------------
def check_office_A1(office: str) -> str:
    """A-1: a registry office of the city (MR-<county>); its division numbers the certificates (K-2)."""
    try:
        place = parse_place(office)
    except InvalidPlace:
        place = None
    if place is None or place.kind != "registry_office":
        raise refusal(r.UNKNOWN_OFFICE, f"{office} is not a registry office", field="office")
    return place.division


def check_acts_for_office_A1(actor: Actor, office: str) -> None:
    """A-1: an adoption registrar records at the registry office it is bound to, nowhere else."""
    actor.check_records_business("adoption registrations")
    if actor.role != "adoption_registrar" or actor.office != office:
        raise Refusal(r.FORBIDDEN_PLACE, f"the caller does not record at {office}", 403)


def jurisdiction_A1(placing: PlacingParty, child: AdoptedChild, relation: str,
                    today: dt.date) -> tuple[str, str]:
    """A-1 (办法 4): the county whose registry office registers, and what it is: a child in an
    institution's care, the institution's county; another foundling, where it was found; otherwise the household
    registration of the placing parent or guardian (a relative's or step-parent's adoption: the birth parent's,
    who places it). No 通办: one county. A parent's or guardian's household registration, not stated, is the
    ID number's address code, as marriage's M-6 takes it. A stated division is a known county-level code
    (`invalid_division` at its field), so an unknown one is not taken for another county's."""
    if placing.kind == "institution":
        if placing.institution_division is None:
            raise refusal(r.JURISDICTION_PLACE_REQUIRED, "state the county the institution is in",
                          field=("placing_party", "institution_division"))
        return (check_county_division(placing.institution_division, ("placing_party", "institution_division")),
                "the institution's county")
    if child.situation == "parents_unknown" and relation != "step_parent":
        if child.found_division is None:
            raise refusal(r.JURISDICTION_PLACE_REQUIRED, "state the county where the foundling was found",
                          field=("child", "found_division"))
        return (check_county_division(child.found_division, ("child", "found_division")),
                "the county where the foundling was found")
    if placing.household_division is not None:
        return (check_county_division(placing.household_division, ("placing_party", "household_division")),
                "the placing party's household registration")
    if not placing.id_number:
        raise refusal(r.PLACING_PARTY_INCOMPLETE, f"a {placing.kind} gives an ID number",
                      field=("placing_party", "id_number"))
    return (person(placing.id_number, today, ("placing_party",)).division,
            "the placing party's household registration (the ID number's address code)")


def check_jurisdiction_A1(office: str, county: str, whose: str) -> None:
    """A-1, A-16: the office is the registry office of the county that has jurisdiction (an abolished code
    counts as its present county); no other office of the city registers instead."""
    competent = present_county(county)
    if check_office_A1(office) != competent:
        raise refusal(r.NOT_IN_JURISDICTION, f"registered at MR-{competent}, the registry of {whose}, not at {office}",
                      field="office")


def check_business_date(on: dt.date, today: dt.date, field: str) -> dt.date:
    if on > today:
        raise refusal(r.BUSINESS_DATE_IN_FUTURE, f"{field} is after today", field=field)
    return on


def person(id_number: str, today: dt.date, field: tuple[str, ...]) -> IdNumber:
    try:
        return parse_id_number(id_number, today=today)
    except InvalidIdNumber as exc:
        raise refusal(r.INVALID_ID_NUMBER, f"not a valid ID number ({getattr(exc, 'reason', 'format')})",
                      field=(*field, "id_number")) from None


# -- the child and who places it --------------------------------------------------------------------------
def check_minor_A2(child: IdNumber, on: dt.date) -> None:
    """A-2: a minor on the registration date (under 18; under 14 before 2021)."""
    if on < child.birth_date or age_on(child.birth_date, on) >= p.child_age_limit(on):
        raise refusal(r.CHILD_NOT_ADOPTABLE, f"the child is not under {p.child_age_limit(on)} on {on}",
                      field=("child", "id_number"))


def check_placing_party_A3(placing: PlacingParty, child: AdoptedChild, relation: str) -> None:
    """A-3: a parent or guardian is named by ID number, an institution by its name; the placing party fits
    the child's situation (A-2). A step-parent (A-8) adopts the child of the spouse, placed by that parent."""
    if placing.kind in ("parent", "guardian") and not placing.id_number:
        raise refusal(r.PLACING_PARTY_INCOMPLETE, f"a {placing.kind} gives an ID number",
                      field=("placing_party", "id_number"))
    if placing.kind == "institution" and not placing.institution:
        raise refusal(r.PLACING_PARTY_INCOMPLETE, "an institution gives its name",
                      field=("placing_party", "institution"))
    if relation == "step_parent":
        fits = placing.kind == "parent"
    else:
        fits = {"orphan": ("guardian", "institution"), "parents_unknown": ("institution", "guardian"),
                "parents_in_difficulty": ("parent", "guardian", "institution")}[child.situation]
        fits = placing.kind in fits
    if not fits:
        raise refusal(r.PLACING_PARTY_MISMATCH, f"a {placing.kind} does not place a child whose situation is "
                      f"{child.situation}", field=("placing_party", "kind"))


def check_parents_place_jointly_A3(placing: PlacingParty, relation: str) -> None:
    """A-3 (Civil Code 1097): birth parents place jointly, unless one is unknown or untraceable; a dead one's
    parents may raise the child first (1108), which the next check asks about. A step-parent's adoption is
    placed by the spouse with the other parent's consent (A-8), not jointly."""
    if placing.kind != "parent" or relation == "step_parent":
        return
    if placing.other_parent is None:
        raise refusal(r.OTHER_PARENT_REQUIRED, "say whether the other birth parent joins or is unknown, untraceable "
                      "or dead", field=("placing_party", "other_parent"))
    if placing.other_parent == "joins" and (
            not placing.other_parent_id_number or placing.other_parent_id_number == placing.id_number):
        raise refusal(r.PLACING_PARTY_INCOMPLETE, "the other parent who joins gives an ID number of its own",
                      field=("placing_party", "other_parent_id_number"))


def check_grandparents_priority_A3(placing: PlacingParty, relation: str) -> None:
    """A-3 (Civil Code 1108): a widowed parent places the child: the dead parent's parents may raise it first;
    the registrar records their answer (waived in writing, none living); if they raise it, it is not placed."""
    if placing.kind != "parent" or relation == "step_parent" or placing.other_parent != "deceased":
        return
    prior = placing.grandparents_priority
    if prior is None:
        raise refusal(r.GRANDPARENTS_PRIORITY_UNRECORDED, "the dead parent's parents may raise the child first: "
                      "record whether they waived it or none is living",
                      field=("placing_party", "grandparents_priority"))
    if prior.outcome == "exercised":
        raise refusal(r.GRANDPARENTS_RAISE_CHILD, "the dead parent's parents raise the child: it is not placed",
                      field=("placing_party", "grandparents_priority", "outcome"))


def check_support_consent_A3(placing: PlacingParty, child: AdoptedChild) -> None:
    """A-3 (Civil Code 1096): a guardian places an orphan with the consent of those owing it support; withheld,
    the guardian cannot place it (another guardian is appointed instead)."""
    if placing.kind == "guardian" and child.situation == "orphan" and placing.support_consent is False:
        raise refusal(r.SUPPORT_CONSENT_REQUIRED, "those owing the orphan support did not consent",
                      field=("placing_party", "support_consent"))


def check_adopter_is_not_placing_party_A3(adopters: Sequence[Adopter], placing: PlacingParty) -> None:
    placing_ids = {placing.id_number, placing.other_parent_id_number if placing.other_parent == "joins" else None}
    if any(a.id_number in placing_ids for a in adopters if a.id_number):
        raise refusal(r.ADOPTER_IS_PLACING_PARTY, "the placing party cannot adopt the child",
                      field=("placing_party", "id_number"))


# -- the adopters ---------------------------------------------------------------------------------------
def check_adopter_age_A4(adopter: IdNumber, on: dt.date, index: int) -> None:
    """A-4: each adopter 30 full years old on the registration date (both spouses: verify; applied to both)."""
    if age_on(adopter.birth_date, on) < p.adopter_minimum_age(on):
        raise refusal(r.ADOPTER_UNDER_30, f"adopter {index + 1} is under {p.adopter_minimum_age(on)}",
                      field=("adopters", str(index), "id_number"))


def exempt_from_limit_A5(child: AdoptedChild, placing: PlacingParty) -> bool:
    """A-5: orphans, disabled minors, and institution children whose parents cannot be found."""
    return child.situation == "orphan" or child.disabled or (
        child.situation == "parents_unknown" and placing.kind == "institution")


def check_adoption_limit_A5(adopter: Adopter, adopted_in_civreg: int, on: dt.date, index: int) -> None:
    """A-4 first condition and A-5: after this adoption at most two children in all (before 2021: one), the
    stated children (biological and step, the signed statement) plus the adoptions civreg registered."""
    total = adopter.children + adopted_in_civreg + 1
    if total > p.children_limit(on):
        raise refusal(r.ADOPTION_LIMIT, f"adopter {index + 1} would have {total} children, the limit is "
                      f"{p.children_limit(on)}", field=("adopters", str(index), "children"))


def check_spouses_A6(adopters: Sequence[Adopter]) -> None:
    """A-6: a married person adopts only with the spouse; two adopters are spouses."""
    if len(adopters) == 1 and adopters[0].married:
        raise refusal(r.SPOUSE_MUST_JOIN, "a married adopter adopts together with the spouse", field="adopters")
    if len(adopters) == 2 and not all(a.married for a in adopters):
        raise refusal(r.SPOUSE_MUST_JOIN, "two adopters adopt together only as spouses", field="adopters")
    if len(adopters) == 2 and adopters[0].id_number == adopters[1].id_number:
        raise refusal(r.SPOUSE_MUST_JOIN, "the two adopters are the same person", field="adopters")


def check_age_gap_A6(adopter: IdNumber, child: IdNumber, on: dt.date) -> None:
    """A-6: a single adopter of a child of the other sex is 40 full years older or more (以上 includes 40,
    Civil Code 1259)."""
    applies = adopter.sex == "male" and child.sex == "female" if p.age_gap_man_adopting_girl_only(on) \
        else adopter.sex != child.sex  # before 2021 (收养法 9): only a single man adopting a girl
    if applies and add_years(adopter.birth_date, p.age_gap_years(on)) > child.birth_date:
        raise refusal(r.AGE_GAP_40, f"a single adopter of a child of the other sex is {p.age_gap_years(on)} "
                      "full years older or more", field=("adopters", "0", "id_number"))


def check_child_consent_A7(child: IdNumber, consent: bool | None, on: dt.date, field: str = "child_consent") -> None:
    """A-7: a child of 8 or more (10 before 2021) consents, recorded."""
    if age_on(child.birth_date, on) >= p.child_consent_age(on) and consent is not True:
        raise refusal(r.CHILD_CONSENT_REQUIRED, f"a child of {p.child_consent_age(on)} or more consents",
                      field=field)


def check_birth_parent_consent_A8(consent: bool | None) -> None:
    """A-8: a step-parent adopts with the birth parents' consent."""
    if consent is not True:
        raise refusal(r.BIRTH_PARENT_CONSENT_REQUIRED, "a step-parent adopts with the birth parents' consent",
                      field="birth_parents_consent")


def check_statement_A9(statement_ref: str | None) -> None:
    """A-4, A-9: the signed statement of marital status and children is cited (its counts are the adopters')."""
    if not statement_ref:
        raise refusal(r.STATEMENT_REQUIRED, "cite the adopters' signed statement of marital status and children",
                      field="statement_ref")


def documents_missing_A9(documents: Sequence[str], situation: str, disabled: bool, placing_kind: str,
                         relation: str) -> list[str]:
    """A-9 (办法 6, 7): the kinds of document the case needs that are not cited: each adopter's health
    certificate (A-4) unless a step-parent; the parents' death or declaration for an orphan, the police's finding
    report for a foundling, the proof of difficulty for parents who cannot raise the child, the institution's
    intake record, the kinship or disability proof. Shown as a warning, not a refusal: the list of documents
    itself is the registrar's to confirm (several kinds are "verify" in the rules)."""
    needed: list[str] = []
    if relation != "step_parent":
        needed.append("health_certificate")
    needed += {"orphan": ["death_proof"], "parents_unknown": ["finding_report"]}.get(situation, [])
    if situation == "parents_in_difficulty" and relation == "none":
        needed.append("difficulty_proof")
    if placing_kind == "institution":
        needed.append("intake_record")
    if relation == "collateral_relative":
        needed.append("kinship_proof")
    if disabled:
        needed.append("disability_proof")
    cited = set(documents)
    if "declaration_judgment" in cited:
        cited.add("death_proof")  # a parent declared dead (§6) proves the orphan as a death does
    return [kind for kind in needed if kind not in cited]


# -- A-10 assessment, A-11 notice ----------------------------------------------------------------------------------
def check_assessment_A10(outcome: str | None, unsuitable_reason: str | None, on: dt.date) -> None:
    """A-10: a prior assessment of these adopters; a guide, not a veto: after `unsuitable`, a reason."""
    if not p.assessment_required(on):
        return
    if outcome is None:
        raise refusal(r.NO_ASSESSMENT, f"no assessment of these adopters on or before {on}", field="adopters")
    if outcome == "unsuitable" and not unsuitable_reason:
        raise refusal(r.UNSUITABLE_REASON_REQUIRED, "the assessment found the adopters unsuitable: record why "
                      "the adoption is registered nevertheless", field="unsuitable_reason")


def check_report_after_consent_A10(assessed_on: dt.date, consented_on: dt.date | None) -> None:
    """A-10: the report follows the adopters' consent to be assessed, never precedes it."""
    if consented_on is not None and assessed_on < consented_on:
        raise refusal(r.ASSESSMENT_BEFORE_CONSENT, f"the report ({assessed_on}) is before the adopters' consent "
                      f"({consented_on})", field="assessed_on")


def check_living_together_A10(period: tuple[dt.date, dt.date | None] | None, assessed_on: dt.date) -> None:
    """A-10 (收养评估办法（试行）): the report assesses how the adopters and the child live together (融合), so
    from the day the minimum binds (`adoption.living_together_minimum_days`, 2021) a report states the period
    (`living_together_required`) and it has lasted that many days (inclusive, cut at the report's date) when
    it is reported (`living_together_too_short`). A report dated before then (imports) states none. A
    step-parent's adoption (A-8) needs no assessment, so no report."""
    minimum = p.living_together_minimum_days(assessed_on)
    if minimum == 0:
        return
    if period is None:
        raise refusal(r.LIVING_TOGETHER_REQUIRED, f"a report of {assessed_on} states the living-together period "
                      f"(融合期) it assesses", field="living_together")
    started_on, ended_on = period
    lived = max(0, (min(ended_on or assessed_on, assessed_on) - started_on).days + 1)
    if lived < minimum:
        raise refusal(r.LIVING_TOGETHER_TOO_SHORT, f"the adopters and the child lived together {lived} days by "
                      f"{assessed_on}; the report assesses {minimum} or more", field="living_together")


def assessment_due_A10(consented_on: dt.date, living_together: tuple[dt.date, dt.date | None] | None,
                       as_of: dt.date) -> dt.date:
    """A-10 (收养评估办法（试行）): the last day for the report, 60 days after the adopters' consent; the days of
    living together (融合期, inclusive) that fall after the consent and start by that day are not counted, so
    they push it back. A period still running counts up to `as_of`: the count stands still while it runs."""
    due = consented_on + dt.timedelta(days=p.assessment_report_days(consented_on))
    if living_together is not None:
        start = max(living_together[0], consented_on + dt.timedelta(days=1))
        end = living_together[1] or as_of
        if start <= due and end >= start:
            due += dt.timedelta(days=(end - start).days + 1)
    return due


def days_late_A10(due: dt.date, assessed_on: dt.date | None, today: dt.date) -> int:
    """A-10: how many days after its due day the report came (`assessed_on`) or, still outstanding, stands on
    `today`; 0 when on time."""
    return max(0, ((assessed_on or today) - due).days)


def check_notice_A11(published_on: dt.date | None, claimed: bool, on: dt.date) -> None:
    """A-11: a foundling only after 60 days from a published notice; a claim within them stops it."""
    if published_on is None:
        raise refusal(r.NOTICE_REQUIRED, "publish a notice seeking the foundling's parents first",
                      field=("child", "situation"))
    if claimed:
        raise refusal(r.CHILD_NOT_ADOPTABLE, "the foundling was claimed within the notice",
                      field=("child", "id_number"))
    ends = published_on + dt.timedelta(days=p.notice_days(on))
    if on < ends:
        raise refusal(r.NOTICE_RUNNING, f"the notice runs until {ends}", field="registered_on")


# -- A-16, A-17 ----------------------------------------------------------------------------------------------------
def check_in_force_A16(status: str) -> None:
    if status != "registered":
        raise Refusal(r.ADOPTION_ENDED, f"the adoption is {status} already", 409)


def check_after_registration(on: dt.date, registered_on: dt.date, field: str) -> None:
    if on < registered_on:
        raise refusal(r.DATE_BEFORE_REGISTRATION, f"{field} is before the registration", field=field)


def check_court_document_A16(by: str, document_ref: str | None) -> None:
    if by == "court" and not document_ref:
        raise refusal(r.COURT_DOCUMENT_REQUIRED, "a court's decision cites its document", field="document_ref")


def check_household_office_A16(by: str, office: str, household_division: str | None) -> None:
    """A-16 (办法 10): a dissolution by agreement is registered at the adoptee's household-registration registry,
    the registry office of the county the household registration (户口簿) names."""
    if by != "agreement":
        return
    if household_division is None:
        raise refusal(r.HOUSEHOLD_DIVISION_REQUIRED, "state the adoptee's household registration",
                      field="household_division")
    check_jurisdiction_A1(office, check_county_division(household_division, "household_division"),
                          "the adoptee's household registration")


def check_agreement_A16(by: str, document_ref: str | None, certificate: str | None, valid: Sequence[str]) -> None:
    """A-16 (办法 11): in person, with the written agreement and the 收养登记证, which is taken back."""
    if by != "agreement":
        return
    if not document_ref:
        raise refusal(r.AGREEMENT_REQUIRED, "cite the written dissolution agreement", field="document_ref")
    if certificate not in valid:
        raise refusal(r.CERTIFICATE_MISMATCH, "the 收养登记证 taken back is not this adoption's valid one",
                      field="certificate_number")


def birth_relations_revive_A16(minor: bool, restored: bool | None) -> bool:
    """A-16 (Civil Code 1117): a minor's birth relations revive by law; an adult's only as agreed, recorded."""
    if minor:
        if restored is False:
            raise refusal(r.BIRTH_RELATIONS_REVIVE, "a minor's birth relations revive by law",
                          field="birth_relations_restored")
        return True
    if restored is None:
        raise refusal(r.BIRTH_RELATIONS_AGREEMENT_REQUIRED, "an adult adoptee's birth relations revive only as "
                      "agreed: record whether they are restored", field="birth_relations_restored")
    return restored


# -- A-12 decision ------------------------------------------------------------------------------------------------
def decision_due_A12(received_on: dt.date, notices: Sequence[tuple[dt.date, dt.date]]) -> dt.date:
    """A-12 (办法 8): the last day of the 30 days counted from the day after receipt; the days a foundling
    notice runs (A-11, `[published_on, runs_until)`) are not counted, so they push the day back."""
    due = received_on + dt.timedelta(days=p.decision_days(received_on))
    for published_on, runs_until in sorted(notices):
        start = max(published_on, received_on + dt.timedelta(days=1))
        if start <= due and runs_until > start:
            due += runs_until - start
    return due


def notice_periods_A11(notices: Sequence[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date]]:
    """A-11: the days each notice ran, `[published_on, end)`: its 60 days, cut short by a claim."""
    periods = []
    for published_on, claimed_on in notices:
        ends = published_on + dt.timedelta(days=p.notice_days(published_on))
        periods.append((published_on, min(ends, claimed_on) if claimed_on else ends))
    return periods


def check_application_A12(application: dict | None, kind: str, office: str, child: str) -> None:
    """A-12: a registration or dissolution decides the application it names: undecided, the office's, that
    kind, that child."""
    if application is None:
        return
    if application["decided"]:
        raise Refusal(r.APPLICATION_DECIDED, "the application was decided already", 409)
    if (application["kind"], application["office"], application["child_id_number"]) != (kind, office, child):
        raise refusal(r.APPLICATION_MISMATCH, "the application is another office's, kind's or child's",
                      field="application_id")
