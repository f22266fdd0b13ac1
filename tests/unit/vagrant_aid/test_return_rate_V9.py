"""V-9: of identified persons who left, the share escorted, collected or returned home with a ticket."""

import pytest

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain.decide import decide_provide_service
from services.vagrant_aid.domain.rules import returned_home_V9
from services.vagrant_aid.domain.statistics import return_rate
from tests.unit.vagrant_aid.builders import ADULT_MAN, clock, exited, identified_intake, new_case, then


@pytest.mark.parametrize(("kind", "ticket", "returned"), [
    ("escorted", False, True), ("collected", False, True), ("self_departure", True, True),
    ("self_departure", False, False), ("absconded", True, False), ("transferred", False, False),
    ("terminated", False, False), ("died", False, False),
])
def test_which_exits_count_as_returned_home_V9(kind, ticket, returned):
    assert returned_home_V9(kind, ticket) is returned


def test_an_exit_after_a_ticket_home_is_marked_returned_V9():
    case = new_case(identified_intake(ADULT_MAN))
    case = then(case, decide_provide_service(cmd.ProvideService(kind="ticket", detail="K123"), case, clock()))
    assert exited(case, kind="self_departure", declaration_signed=True).exit["returned_home"] is True


def test_return_rate_is_the_share_of_identified_exits_V9():
    assert return_rate(3, 4) == 0.75
    assert return_rate(2, 3) == 0.6667
    assert return_rate(0, 0) is None  # nobody identified left: no rate, rather than 0% or 100%
