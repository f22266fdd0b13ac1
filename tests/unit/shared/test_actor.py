"""The acting principal crosses RPC as `{name, role, office}`; a call naming nobody, or `system`, is refused."""

import pytest

from shared.actor import Actor
from shared.errors import Refusal


def test_an_actor_survives_the_rpc_round_trip():
    clerk = Actor("clerk.MR-610502", "marriage_clerk", "MR-610502")
    assert Actor.from_rpc(clerk.to_rpc()) == clerk
    officer = Actor("cw.610502", "child_welfare_officer", county="610502")
    assert Actor.from_rpc(officer.to_rpc()) == officer


@pytest.mark.parametrize("data", [None, {}, {"name": "x"}, {"name": 1, "role": "admin"}, "admin",
                                  {"name": "marriage", "role": "system"}])
def test_a_call_that_names_no_principal_is_forbidden(data):
    with pytest.raises(Refusal) as refused:
        Actor.from_rpc(data)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)


def test_only_registrars_and_reactions_may_backdate_without_limit_and_admins_record_no_business_dates():
    assert Actor("r", "marriage_registrar").unlimited_backdating
    assert Actor.system("funeral.reaction").unlimited_backdating
    assert not Actor("a", "admin").unlimited_backdating  # separation of duties: an admin records no business
    assert not Actor("c", "marriage_clerk", "MR-610502").unlimited_backdating
    assert not Actor("s", "funeral_staff", "FH-610502").unlimited_backdating
