"""V-4: services to a person in care; cash at most 20 元 over the whole case."""

import datetime as dt
from decimal import Decimal

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.decide import decide_provide_service
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import TODAY, clock, exited, intake, new_case, then


def service(**body) -> cmd.ProvideService:
    return cmd.ProvideService.model_validate(body)


def test_food_lodging_medical_contact_and_ticket_are_recorded_V4():
    case = new_case()
    for kind in ("food", "lodging", "medical", "contact_family", "ticket"):
        case = then(case, decide_provide_service(service(kind=kind, detail="x"), case, clock()))

    assert [s["kind"] for s in case.services] == ["food", "lodging", "medical", "contact_family", "ticket"]
    assert case.ticket_given


def test_lodging_is_in_the_section_of_the_persons_sex_V4():
    case = new_case(intake(person={"sex": "female"}))
    [draft] = decide_provide_service(service(kind="lodging"), case, clock())
    assert draft.type == ev.SERVICE_PROVIDED and draft.payload["section"] == "female"


def test_cash_up_to_twenty_yuan_in_total_V4():
    case = new_case()
    case = then(case, decide_provide_service(service(kind="cash", amount="12.50"), case, clock()))
    case = then(case, decide_provide_service(service(kind="cash", amount="7.50"), case, clock()))
    assert case.cash_total == Decimal("20.00")


@pytest.mark.parametrize("amounts", [["20.01"], ["15", "5.01"], ["100"]])
def test_cash_over_twenty_yuan_is_refused_V4(amounts):
    case = new_case()
    *given, last = amounts
    for amount in given:
        case = then(case, decide_provide_service(service(kind="cash", amount=amount), case, clock()))
    with pytest.raises(Refusal) as refused:
        decide_provide_service(service(kind="cash", amount=last), case, clock())
    assert (refused.value.code, refused.value.status) == ("cash_over_limit", 422)


def test_cash_states_its_amount_V4():
    with pytest.raises(Refusal) as refused:
        decide_provide_service(service(kind="cash"), new_case(), clock())
    assert refused.value.code == "amount_required"


def test_no_service_before_arrival_or_on_a_closed_case_V4():
    case = new_case()
    with pytest.raises(Refusal) as early:
        decide_provide_service(service(kind="food", provided_on=TODAY - dt.timedelta(days=1)), case, clock())
    assert early.value.code == "date_before_arrival"
    closed = exited(case, kind="absconded")
    with pytest.raises(Refusal) as late:
        decide_provide_service(service(kind="food"), closed, clock())
    assert (late.value.code, late.value.status) == ("case_closed", 409)
