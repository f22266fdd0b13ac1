"""M-1 to M-6: deciding a marriage registration, pure.

`prepare` reads what the command itself says (ID numbers, office, date, households) and refuses a malformed
one outright (no refusal record: nothing about the persons can be trusted yet). The application then looks
up what it knows of both persons and `decide_registration` applies the rules: every broken rule is a reason
of an `ApplicationRefused` (M-5, recorded by the application), otherwise the `MarriageRegistered` event with
one 字号 on both copies (K-3) and the cross-county flag (M-6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.marriage.contract import events as contract
from services.marriage.contract.commands import RegisterMarriage
from services.marriage.domain import parameters, rules
from services.marriage.domain.events import Draft, parties
from shared.actor import Actor
from shared.reference.idnumber import IdNumber, mask_id_number


@dataclass(frozen=True)
class Application:
    """A registration command whose shape and actor were checked: the persons are known by number."""

    office: str
    registered_on: dt.date
    persons: tuple[IdNumber, ...]
    names: tuple[str, ...]
    households: tuple[str, ...]
    declaration_signed: bool

    @property
    def id_numbers(self) -> tuple[str, ...]:
        return tuple(person.value for person in self.persons)


@dataclass(frozen=True)
class NewMarriage:
    registration_id: str
    certificate_number: str  # K-3: one 字号 per registration, on both copies


def prepare(command: RegisterMarriage, actor: Actor, today: dt.date) -> Application:
    office = rules.check_office(command.office)
    rules.check_acts_for_office(actor, office)
    registered_on = command.registered_on or today
    rules.check_business_day(registered_on, actor, today, "registered_on")
    persons, households = [], []
    for n, party in enumerate(command.parties):
        person = rules.check_id_number(party.id_number, today, f"parties.{n}.id_number")
        persons.append(person)
        household = party.household_division or person.division
        households.append(rules.check_household_division(household, f"parties.{n}.household_division"))
    return Application(office, registered_on, tuple(persons), tuple(p.name for p in command.parties),
                       tuple(households), command.declaration_signed)


def dishonesty_warnings(application: Application, facts: Sequence[rules.PersonFacts]) -> list[dict[str, Any]]:
    """M-10: parties on the serious-dishonesty list, shown to the clerk (the number masked)."""
    return [{"code": "dishonesty_list", "id_number": mask_id_number(person.value), **entry}
            for person, fact in zip(application.persons, facts, strict=True) for entry in fact.dishonest]


def decide_registration(application: Application, facts: Sequence[rules.PersonFacts], new: NewMarriage) -> list[Draft]:
    on = application.registered_on
    reasons = rules.registration_reasons(application.declaration_signed, application.persons, application.office,
                                         application.households, on, facts)
    if reasons:
        bases = rules.death_bases(facts) if rules.DECEASED in reasons else ()
        raise rules.ApplicationRefused(reasons, application.persons, application.office, on, (), bases)
    # The husband first: certificates and events list the parties in the same order every time.
    order = sorted(range(2), key=lambda n: application.persons[n].sex != "male")
    persons = [application.persons[n] for n in order]
    payload = {
        "registration_id": new.registration_id, "office": application.office,
        "office_division": rules.office_division(application.office), "registered_on": on.isoformat(),
        "parties": [{"id_number": application.persons[n].value, "sex": application.persons[n].sex,
                     "household_division": application.households[n], "name": application.names[n]}
                    for n in order],
        "certificates": [{"number": new.certificate_number, "id_number": person.value} for person in persons],
        "cross_county": rules.is_cross_county(application.office, application.households),
        "imported": False, "jurisdiction": parameters.jurisdiction(on),
    }
    return [Draft.of(contract.MarriageRegistered(**payload), on, parties(*(p.value for p in persons)))]


def decide_refusal_record(refused: rules.ApplicationRefused, refusal_id: str) -> list[Draft]:
    """M-5: the refused application with its reasons, on both applicants' timelines."""
    payload = {"refusal_id": refusal_id, "office": refused.office, "reasons": list(refused.reasons),
               "refused_on": refused.refused_on.isoformat()}
    if refused.death_bases:
        payload["death_bases"] = list(refused.death_bases)
    subjects = parties(*dict.fromkeys(person.value for person in refused.persons), role="applicant")
    return [Draft.of(contract.RegistrationRefused(**payload), refused.refused_on, subjects)]
