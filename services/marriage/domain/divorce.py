"""M-8: divorce by agreement with the cooling-off period (Civil Code 1076–1078), stream `divorce-<id>`.

Day 0 is the receipt of the application. Withdrawal window: days 1 to 30 (`withdraw_until`); registration
window: the 30 days after it (`register_from` to `register_until`). Each period's last day moves to the next
working day when it is a weekend or public holiday (domain.md 0.3, `shared.reference.dates`). Nobody at the
office by the end of `register_until`: the application is deemed withdrawn, automatically (the service's
scheduled check). The marriage ends only when the divorce is registered — on the marriage's own stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from services.marriage.contract import events as contract
from services.marriage.contract.commands import ApplyForDivorce, RegisterDivorce, WithdrawDivorce
from services.marriage.contract.refusals import (
    APPLICATION_LAPSED,
    BEFORE_APPLICATION,
    COOLING_OFF,
    DIVORCE_CLOSED,
    DIVORCE_PENDING,
    DIVORCE_REGISTERED,
    DIVORCE_WITHDRAWN,
    NOT_A_PARTY,
    WITHDRAWAL_PERIOD_OVER,
)
from services.marriage.domain import events as ev
from services.marriage.domain import parameters, rules
from services.marriage.domain.events import Draft, parties
from services.marriage.domain.marriage import MarriageState, check_in_force, check_not_before_registration
from shared.actor import Actor
from shared.errors import Refusal
from shared.reference.dates import period_of_days

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Windows:
    withdraw_until: dt.date
    register_from: dt.date
    register_until: dt.date


def windows(applied_on: dt.date) -> Windows:
    """M-8 periods by the rules in force on the day of application (no cooling-off before 2021: the divorce
    may be registered the same day)."""
    cooling = parameters.cooling_off_days(applied_on)
    if cooling == 0:
        return Windows(applied_on, applied_on, applied_on)
    withdraw_until = period_of_days(applied_on, cooling).last_day
    register_until = period_of_days(withdraw_until, parameters.registration_window_days(applied_on)).last_day
    return Windows(withdraw_until, withdraw_until + _DAY, register_until)


@dataclass(frozen=True)
class DivorceState:
    divorce_id: str
    registration_id: str
    office: str
    applied_on: dt.date
    windows: Windows
    status: str = "pending"  # pending | withdrawn | deemed_withdrawn | closed | registered
    version: int = 0


def evolve(state: DivorceState | None, event: contract.EventModel) -> DivorceState:
    match event:
        case contract.DivorceApplied():
            return DivorceState(event.divorce_id, event.registration_id, event.office, event.applied_on,
                                Windows(event.withdraw_until, event.register_from, event.register_until))
    assert state is not None, f"{event.TYPE} before {ev.DIVORCE_APPLIED}"
    match event:
        case contract.DivorceWithdrawn():
            return replace(state, status="withdrawn")
        case contract.DivorceDeemedWithdrawn():
            return replace(state, status="deemed_withdrawn")
        case contract.DivorceApplicationClosed():
            return replace(state, status="closed")
    return state


def fold(events: Iterable[Any]) -> DivorceState | None:
    state = None
    for event in events:
        version = getattr(event, "stream_version", (state.version if state else 0) + 1)
        state = replace(evolve(state, contract.CATALOGUE.read(event)), version=version)
    return state


def with_marriage(state: DivorceState, marriage: MarriageState) -> DivorceState:
    """The registration of the divorce is on the marriage's stream: an application whose marriage was
    ended by it is registered."""
    if state.status == "pending" and marriage.divorce_id == state.divorce_id:
        return replace(state, status="registered")
    return state


def decide_application(marriage: MarriageState, command: ApplyForDivorce, actor: Actor, today: dt.date,
                       divorce_id: str, pending: str | None) -> list[Draft]:
    """M-8: both parties apply with an agreement on children, property and debts."""
    office = rules.check_office(command.office)
    rules.check_acts_for_office(actor, office)
    applied_on = command.applied_on or today
    rules.check_business_day(applied_on, actor, today, "applied_on")
    check_in_force(marriage, "only a marriage in force is divorced")
    check_not_before_registration(marriage, applied_on, "applied_on")
    check_divorce_jurisdiction_M6(office, marriage, applied_on)
    if pending is not None:
        raise Refusal(DIVORCE_PENDING, f"divorce application {pending} is pending for this marriage", 409)
    w = windows(applied_on)
    payload = {"divorce_id": divorce_id, "registration_id": marriage.registration_id, "office": office,
               "applied_on": applied_on.isoformat(), "agreement": command.agreement.model_dump(),
               "withdraw_until": w.withdraw_until.isoformat(), "register_from": w.register_from.isoformat(),
               "register_until": w.register_until.isoformat()}
    return [Draft.of(contract.DivorceApplied(**payload), applied_on, parties(*marriage.id_numbers))]


def check_divorce_jurisdiction_M6(office: str, marriage: MarriageState, applied_on: dt.date) -> None:
    """M-6: a divorce application is judged by the same dated jurisdiction phases as a registration, on the
    application date, from the parties' household divisions as the marriage recorded them."""
    households = tuple(party["household_division"] for party in marriage.parties)
    if not rules.in_jurisdiction(office, households, applied_on):
        raise rules.refusal(rules.NOT_IN_JURISDICTION, f"{office} does not handle this couple's divorce on "
                            f"{applied_on.isoformat()} (M-6: {parameters.jurisdiction(applied_on)})", field="office")


def check_pending(state: DivorceState) -> None:
    codes = {"withdrawn": (DIVORCE_WITHDRAWN, "the application was withdrawn"),
             "deemed_withdrawn": (APPLICATION_LAPSED, "nobody came within the registration window: deemed withdrawn"),
             "closed": (DIVORCE_CLOSED, "the application ended with the marriage"),
             "registered": (DIVORCE_REGISTERED, "the divorce is registered already")}
    if state.status in codes:
        code, detail = codes[state.status]
        raise Refusal(code, detail, 409)


def decide_withdrawal(state: DivorceState, marriage: MarriageState, command: WithdrawDivorce, person: str,
                      actor: Actor, today: dt.date) -> list[Draft]:
    """M-8: either party may withdraw during days 1 to 30, at the office that holds the application: a clerk
    acts only on their own office's divorce applications (issue 12), registrars for the city."""
    rules.check_version(command.version, state.version)
    rules.check_acts_for_office(actor, state.office)
    if person not in marriage.id_numbers:
        raise rules.refusal(NOT_A_PARTY, "this person is not a party to the marriage", field="by_id_number")
    check_pending(state)
    on = command.withdrawn_on or today
    rules.check_business_day(on, actor, today, "withdrawn_on")
    if on < state.applied_on:
        raise rules.refusal(BEFORE_APPLICATION, "withdrawn_on is before the application", field="withdrawn_on")
    if on > state.windows.withdraw_until:
        raise Refusal(WITHDRAWAL_PERIOD_OVER, f"withdrawal was possible until {state.windows.withdraw_until}", 409)
    payload = {"divorce_id": state.divorce_id, "registration_id": state.registration_id, "office": state.office,
               "by_id_number": person, "withdrawn_on": on.isoformat()}
    return [Draft.of(contract.DivorceWithdrawn(**payload), on, parties(*marriage.id_numbers))]


def decide_registration(state: DivorceState, marriage: MarriageState, command: RegisterDivorce, actor: Actor,
                        today: dt.date, certificate_number: str) -> list[Draft]:
    """M-8: both parties appear at the office of the application after the cooling-off, within the window;
    the marriage ends and each receives a divorce certificate."""
    rules.check_version(command.version, state.version)
    rules.check_acts_for_office(actor, state.office)
    check_pending(state)
    on = command.registered_on or today
    rules.check_business_day(on, actor, today, "registered_on")
    if on < state.windows.register_from:
        raise Refusal(COOLING_OFF, f"the cooling-off period runs until {state.windows.withdraw_until}; "
                                     f"register from {state.windows.register_from}", 409)
    if on > state.windows.register_until:
        raise Refusal(APPLICATION_LAPSED, f"the registration window ended on {state.windows.register_until}", 409)
    check_in_force(marriage, "only a marriage in force is divorced")
    payload = {"divorce_id": state.divorce_id, "registration_id": marriage.registration_id, "office": state.office,
               "registered_on": on.isoformat(),
               "certificates": [{"number": certificate_number, "id_number": person} for person in marriage.id_numbers]}
    return [Draft.of(contract.DivorceRegistered(**payload), on, parties(*marriage.id_numbers))]


def decide_lapse(state: DivorceState, parties_of: tuple[str, ...], today: dt.date) -> list[Draft]:
    """M-8: nobody came by the end of the registration window: deemed withdrawn, by no one's action, dated
    the day after the window."""
    if state.status != "pending" or today <= state.windows.register_until:
        return []
    payload = {"divorce_id": state.divorce_id, "registration_id": state.registration_id, "office": state.office,
               "register_until": state.windows.register_until.isoformat()}
    return [Draft.of(contract.DivorceDeemedWithdrawn(**payload), state.windows.register_until + _DAY,
                     parties(*parties_of))]


def decide_closure(state: DivorceState, parties_of: tuple[str, ...], reason: str, on: dt.date) -> list[Draft]:
    """M-11: the marriage ended otherwise (a death): a pending application ends too."""
    if state.status != "pending":
        return []
    payload = {"divorce_id": state.divorce_id, "registration_id": state.registration_id, "office": state.office,
               "reason": reason, "closed_on": on.isoformat()}
    return [Draft.of(contract.DivorceApplicationClosed(**payload), on, parties(*parties_of))]
