"""Court declarations of death and disappearance (宣告死亡 / 宣告失踪, D-1..D-5) and the withdrawal of a death
registered in error (D-11): the state of a declaration (stream `declaration-<declaration_id>`) and the pure
decisions.

civreg never reviews a judgment (D-2): it records what the court decided, from the judgment. A declaration is
not a death registration (D-8): it creates no death record, and the services that react to it (marriage, child
welfare, vagrant aid, the timeline) read its own events. Cross-stream facts — a registered death, the person's
standing declarations — are looked up by the application and handed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from services.funeral.contract import events as contract
from services.funeral.contract import refusals as r
from services.funeral.contract.commands import (
    DeclareByCourt,
    FileSpouseStatement,
    RevokeDeclaration,
    SettleDeclarationReview,
    WithdrawDeath,
)
from services.funeral.contract.refusals import ALREADY_DECEASED, BODY_DISPOSED, BUSINESS_DATE_IN_FUTURE, NOT_IDENTIFIED
from services.funeral.contract.seen_alive import SeenAlive, seen_after
from services.funeral.domain import parameters, rules
from services.funeral.domain.death import DeathRecord
from services.funeral.domain.events import Draft
from services.funeral.domain.registration import check_version, review_D8
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.dates import add_months
from shared.reference.events import Recorded

COURTS = "courts"  # D-1: the one bureau whose system writes


@dataclass(frozen=True)
class Statement:
    by_id_number: str
    stated_on: dt.date
    document_ref: str


@dataclass(frozen=True)
class Declaration:
    declaration_id: str
    kind: str
    person: str
    court: str
    judgment_ref: str
    judgment_on: dt.date
    missing_since: dt.date | None
    ground: str | None
    died_on: dt.date | None
    plausibility_confirmed: bool
    supersedes: str | None
    revoked_on: dt.date | None = None
    revocation: contract.CourtDeclarationRevoked | None = None
    statements: tuple[Statement, ...] = ()
    seen_alive: tuple[contract.CourtDeclarationRecordedSeenAlive, ...] = ()  # D-2: confirmed all the same
    version: int = 0


def fold(events: Iterable[Recorded]) -> Declaration | None:
    """The declaration after its stream's events."""
    state: Declaration | None = None
    for event in events:
        model = contract.CATALOGUE.read(event)
        match model:
            case contract.CourtDeclarationRecorded():
                state = Declaration(model.declaration_id, model.kind, _subject(event), model.court,
                                    model.judgment_ref, model.judgment_on, model.missing_since, model.ground,
                                    model.died_on, model.plausibility_confirmed, model.supersedes,
                                    seen_alive=model.seen_alive)
            case contract.CourtDeclarationRevoked() if state is not None:
                state = replace(state, revoked_on=model.revoked_on, revocation=model)
            case contract.SpouseStatementFiled() if state is not None:
                state = replace(state, statements=(*state.statements, Statement(model.by_id_number, model.stated_on,
                                                                                 model.document_ref)))
        if state is not None:
            state = replace(state, version=getattr(event, "stream_version", state.version + 1))
    return state


def _subject(event: Recorded) -> str:
    first = event.subjects[0]
    return first[0] if isinstance(first, tuple) else first.id


# -- who may enter a declaration (D-1) ----------------------------------------------------------------------------
def check_declarer(actor: Actor) -> None:
    """D-1: a marriage registrar, or the courts' own system (a write scope: the exception to read-only bureaus);
    never a clerk, another bureau or an admin."""
    if actor.role == "marriage_registrar" or actor.is_system:
        return
    if actor.role == "bureau" and actor.bureau == COURTS:
        return
    raise Refusal(r.FORBIDDEN_ROLE, "a court declaration is entered by a marriage registrar or the courts", 403)


def check_registrar(actor: Actor, what: str) -> None:
    if actor.role != "marriage_registrar":
        raise Refusal(r.FORBIDDEN_ROLE, f"{what} is recorded by a marriage registrar", 403)


def check_not_future(day: dt.date, today: dt.date, field: str) -> None:
    if day > today:
        raise rules.refusal(BUSINESS_DATE_IN_FUTURE, f"{field} {day} is after today ({today})", field=field)


# -- D-2 plausibility -------------------------------------------------------------------------------------------
def earliest_judgment(kind: str, ground: str | None, missing_since: dt.date | None,
                      accident_on: dt.date | None, on: dt.date) -> dt.date | None:
    """D-2: the earliest lawful judgment date under the rules in force on the judgment date `on` (Civil Code 40,
    46; 民事诉讼法 190–192; dated parameters): the missing (or accident) date + the waiting period + the court's
    notice — missing + 2 years + 3 months (失踪); for death missing + 4 years + 1 year, an accident + 2 years +
    1 year, an accident certified as leaving no survival + 3 months. None: the dates to judge by are not given."""
    basis = "missing" if kind == "missing" else ground or "missing_four_years"
    start = missing_since if basis in ("missing", "missing_four_years") else accident_on
    if start is None:
        return None
    waiting, notice = parameters.declaration_minimum_months(basis, on)
    return add_months(add_months(start, waiting), notice)


def check_plausible_D2(command: DeclareByCourt, ground: str | None, actor: Actor) -> list[SeenAlive]:
    """D-2: a judgment dated before the legal minimum, or contradicted by civreg seeing the person alive after
    the missing (or accident) date, is recorded only when a registrar confirms it (civreg never reviews a
    judgment: the registrar confirms it was read right). The sightings confirmed: recorded with the judgment."""
    earliest = earliest_judgment(command.kind, ground, command.missing_since, command.deemed_dead_on,
                                 command.judgment_on)
    early = earliest is not None and command.judgment_on < earliest
    start = command.missing_since if ground in (None, "missing_four_years") else command.deemed_dead_on
    seen = seen_after(command.seen_alive, start)
    if not early and not seen:
        return []
    if command.plausibility_confirmed and actor.role == "marriage_registrar":
        return seen
    reasons = [f"the judgment of {command.judgment_on} is before the legal minimum {earliest}"] if early else []
    reasons += [f"civreg saw the person alive after {start}: {s.service} on {s.on}" for s in seen]
    errors = ([{"loc": ["body", "judgment_on"], "msg": f"before the legal minimum {earliest}"}] if early else []) + [
        {"loc": ["seen_alive", n, s.service], "msg": s.on.isoformat()} for n, s in enumerate(seen)]
    raise Refusal(r.DECLARATION_IMPLAUSIBLE, "; ".join(reasons) + "; a registrar confirms it "
                  "(plausibility_confirmed)", 422, errors)


# -- D-1, D-3: recording a declaration ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    """What the application looked up about the person."""

    registered_death: bool  # F-1: a death registration stands
    death_declaration: str | None  # a standing death declaration
    missing_declaration: str | None  # a standing missing declaration


def ground_of(command: DeclareByCourt) -> str | None:
    """D-1: the ground of a death declaration; an accident date without a ground is the accident ground of
    art. 46 (2)."""
    if command.kind == "missing":
        return None
    if command.ground is not None:
        return command.ground
    return "accident_two_years" if command.deemed_dead_on else "missing_four_years"


def decide_declaration(command: DeclareByCourt, actor: Actor, today: dt.date, declaration_id: str,
                       standing: Standing) -> list[Draft]:
    """D-1..D-3: the declaration as the judgment gives it; death dates from the judgment or, on the accident
    grounds, from the accident (art. 48), and ends a standing missing declaration that day."""
    check_declarer(actor)
    person = rules.check_id_number(command.id_number, today)
    check_not_future(command.judgment_on, today, "judgment_on")
    if command.kind == "missing" and (command.ground or command.deemed_dead_on):
        raise rules.refusal(r.GROUND_NOT_APPLICABLE, "a missing declaration has no ground or date of death",
                            field="ground" if command.ground else "deemed_dead_on")
    ground = ground_of(command)
    if ground in ("accident_two_years", "accident_certified") and command.deemed_dead_on is None:
        raise rules.refusal(r.ACCIDENT_DATE_REQUIRED, "the accident grounds give the accident date (deemed_dead_on)",
                            field="deemed_dead_on")
    if ground == "missing_four_years" and command.deemed_dead_on is not None:
        raise rules.refusal(r.GROUND_NOT_APPLICABLE, "a date of death other than the judgment's is an accident date",
                            field="deemed_dead_on")
    for field, day in (("missing_since", command.missing_since), ("deemed_dead_on", command.deemed_dead_on)):
        if day is not None and not person.birth_date <= day <= command.judgment_on:
            raise rules.refusal(r.DECLARATION_DATES_INVALID, f"{field} {day} is after the judgment date or before "
                                "birth", field=field)
    seen = check_plausible_D2(command, ground, actor)
    if standing.registered_death:
        raise Refusal(ALREADY_DECEASED, "a death is registered for this person", 409)
    if command.kind == "death" and standing.death_declaration:
        raise Refusal(r.DECLARATION_EXISTS, "a death declaration of this person stands", 409)
    if command.kind == "missing" and (standing.death_declaration or standing.missing_declaration):
        raise Refusal(r.DECLARATION_EXISTS, "a declaration of this person stands", 409)
    died_on = None
    if command.kind == "death":
        died_on = command.deemed_dead_on or command.judgment_on  # D-3, art. 48
    event = contract.CourtDeclarationRecorded(
        declaration_id=declaration_id, kind=command.kind, court=command.court, judgment_ref=command.judgment_ref,
        judgment_on=command.judgment_on, missing_since=command.missing_since, ground=ground, died_on=died_on,
        plausibility_confirmed=command.plausibility_confirmed,
        supersedes=standing.missing_declaration if command.kind == "death" else None,
        seen_alive=tuple(contract.CourtDeclarationRecordedSeenAlive(service=s.service, on=s.on) for s in seen))
    return [Draft.of(event, command.judgment_on, ((person.value, "declared"),))]


# -- D-5: revocation and the spouse's statement ------------------------------------------------------------------
def check_standing(declaration: Declaration, superseded: bool) -> None:
    if declaration.revoked_on is not None or superseded:
        raise Refusal(r.DECLARATION_REVOKED, "the declaration has been revoked or superseded", 409)


def decide_revocation(declaration: Declaration, command: RevokeDeclaration, actor: Actor, today: dt.date,
                      superseded: bool) -> list[Draft]:
    """D-5: the revocation acts from its own date, never backwards; it carries the spouses' written statements
    made while the declaration stood, which the marriage service weighs (Civil Code 51)."""
    check_declarer(actor)
    check_version(command.version, declaration)
    check_standing(declaration, superseded)
    check_not_future(command.revoked_on, today, "revoked_on")
    if command.revoked_on < declaration.judgment_on:
        raise rules.refusal(r.REVOCATION_BEFORE_JUDGMENT, f"revoked_on {command.revoked_on} is before the judgment "
                            f"of {declaration.judgment_on}", field="revoked_on")
    statements = tuple(sorted({s.by_id_number for s in declaration.statements if s.stated_on <= command.revoked_on}))
    event = contract.CourtDeclarationRevoked(
        declaration_id=declaration.declaration_id, kind=declaration.kind, court=command.court,
        judgment_ref=command.judgment_ref, revoked_on=command.revoked_on, spouse_statements=statements)
    return [Draft.of(event, command.revoked_on, ((declaration.person, "declared"),))]


def decide_spouse_statement(declaration: Declaration, command: FileSpouseStatement, actor: Actor,
                            today: dt.date, superseded: bool) -> list[Draft]:
    """D-5 (Civil Code 51): the spouse of a person declared dead states, in person at a registry, that the
    marriage is not to be restored; only while the declaration stands. Whether the one stating is the spouse is
    the marriage service's to weigh when the revocation comes."""
    check_registrar(actor, "a spouse's statement")
    check_version(command.version, declaration)
    if declaration.kind != "death":
        raise Refusal(r.STATEMENT_NOT_APPLICABLE, "a spouse's statement is about a death declaration", 409)
    check_standing(declaration, superseded)
    spouse = rules.check_id_number(command.by_id_number, today, field="by_id_number")
    if spouse.value == declaration.person:
        raise Refusal(r.STATEMENT_NOT_APPLICABLE, "the declared person makes no statement as their own spouse", 409)
    check_not_future(command.stated_on, today, "stated_on")
    if command.stated_on < declaration.judgment_on:
        raise rules.refusal(r.DECLARATION_DATES_INVALID, f"stated_on {command.stated_on} is before the judgment",
                            field="stated_on")
    event = contract.SpouseStatementFiled(declaration_id=declaration.declaration_id, by_id_number=spouse.value,
                                          stated_on=command.stated_on, document_ref=command.document_ref)
    return [Draft.of(event, command.stated_on, ((declaration.person, "declared"), (spouse.value, "spouse")))]


# -- D-11: a death registered in error ---------------------------------------------------------------------------
def decide_withdraw_death(record: DeathRecord, command: WithdrawDeath, actor: Actor, today: dt.date) -> list[Draft]:
    """D-11: by a registrar, with reason and document; never deleted, and refused while a cremation, a burial or
    ashes hang on the record (that body was somebody's: F-7). Unlike a correction to another person, nobody
    takes the death over: the person was alive on every date."""
    check_registrar(actor, "the withdrawal of a death")
    check_version(command.version, record)
    if record.withdrawn:
        raise Refusal(r.DEATH_WITHDRAWN, "this death was withdrawn already", 409)
    if not record.identified:
        raise Refusal(NOT_IDENTIFIED, "an unidentified body is somebody's: it is identified, not withdrawn", 409)
    if record.cremation is not None or record.burial_id is not None or record.ashes is not None:
        raise Refusal(BODY_DISPOSED, "a cremation, burial or ashes hang on this record: correct it instead (F-7)",
                      409)
    on = command.withdrawn_on or today
    check_not_future(on, today, "withdrawn_on")
    event = contract.DeathWithdrawn(death_id=record.death_id, reason=command.reason,
                                    document_ref=command.document_ref, withdrawn_on=on, died_on=record.died_on,
                                    relief_case_id=record.relief_case_id)
    return [Draft.of(event, on, ((record.subject_id, "withdrawn"),))]


# -- D-8: a body found later, its date of death other than the declaration's ------------------------------------
def review_pending_D8(record: DeathRecord, declaration_standing: bool) -> bool:
    """D-8: the death waits for the registrar while it is linked to a standing death declaration whose date
    differs from the registered one, and the registrar has not settled that registered date."""
    return (declaration_standing and not record.withdrawn and record.review_settled_for != record.died_on
            and bool(review_D8(record.declared_died_on, record.died_on)))


def decide_settle_declaration_review(record: DeathRecord, command: SettleDeclarationReview, actor: Actor,
                                     today: dt.date, declaration_standing: bool) -> list[Draft]:
    """D-8: a registrar settles the review with the date found to stand and the reason. civreg changes neither
    date (a wrong registered date is corrected, F-7; a wrong declaration is the court's to revoke, D-5): the
    settlement records the registrar's finding, and the death leaves the task list."""
    check_registrar(actor, "the settlement of a declaration review")
    check_version(command.version, record)
    if not review_pending_D8(record, declaration_standing):
        raise Refusal(r.NO_REVIEW_PENDING, "this death has no date of death to review against a standing "
                                           "declaration, or the registrar settled it", 409)
    on = command.settled_on or today
    check_not_future(on, today, "settled_on")
    assert record.declaration_id is not None and record.declared_died_on is not None
    event = contract.DeclarationReviewSettled(death_id=record.death_id, declaration_id=record.declaration_id,
                                              outcome=command.outcome, reason=command.reason, settled_on=on,
                                              died_on=record.died_on, declared_died_on=record.declared_died_on)
    return [Draft.of(event, on, ((record.subject_id, "deceased"),))]


# -- what a declaration does elsewhere (GET /v1/court-declarations/{id}) ----------------------------------------
def effects(declaration: Declaration, superseded_on: dt.date | None) -> list[dict[str, object]]:
    """D-4..D-10: the effects each service gives the declaration, and their dates. Each service applies its own
    on the declaration's events; this is what they are, read from the declaration."""
    until = declaration.revoked_on or superseded_on
    if declaration.kind == "missing":
        found: list[dict[str, object]] = [
            {"service": "timeline", "effect": "declared_missing", "from": declaration.judgment_on, "until": until,
             "rule": "D-10"},
            {"service": "child_welfare", "effect": "parent_declared_missing", "from": declaration.judgment_on,
             "until": until, "rule": "D-6"},
            {"service": "marriage", "effect": "none: a divorce suit of the spouse is granted (1079)", "rule": "D-4"}]
    else:
        found = [
            {"service": "funeral", "effect": "deceased_declared", "died_on": declaration.died_on,
             "from": declaration.judgment_on, "until": until, "rule": "D-8"},
            {"service": "marriage", "effect": "marriage_dissolved", "from": declaration.judgment_on, "rule": "D-4"},
            {"service": "child_welfare", "effect": "parent_declared_dead", "from": declaration.judgment_on,
             "until": until, "rule": "D-6"},
            {"service": "timeline", "effect": "death_basis_declared", "from": declaration.judgment_on,
             "until": until, "rule": "D-10"}]
        if declaration.revoked_on is not None:
            refused = declaration.revocation.spouse_statements if declaration.revocation else ()
            found.append({"service": "marriage", "effect": "marriage_revived_unless_remarried_or_refused",
                          "from": declaration.revoked_on, "spouse_statements": list(refused), "rule": "D-5"})
    found.append({"service": "vagrant_aid", "effect": "staff_alerted_if_open_case", "rule": "D-9"})
    return found
