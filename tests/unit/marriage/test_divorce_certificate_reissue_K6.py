"""M-7, K-2, K-6: a lost divorce certificate is reissued with a new `BL` number of the reissuing office; the
replaced copy stops counting from that date; none for a court divorce (K-1), none before the divorce."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import ApplyForDivorce, RecordCourtOutcome, RegisterDivorce
from services.marriage.contract.commands import ReissueDivorceCertificate as Reissue
from services.marriage.domain import divorce
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import decide_court_outcome, decide_divorce_reissue
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, MAN, OTHER_CLERK, REGISTRAR, WOMAN, fold, registered_events

DIVORCE_ID = "d1f0c2a4-0000-4000-8000-000000000001"
REGISTERED_ON = dt.date(2025, 7, 17)
TODAY = dt.date(2025, 8, 4)
REISSUE = Reissue(party_id_number=WOMAN, reason="lost in a move")
NEW = "BL610528-2025-000001"


def divorced():
    marriage = fold(registered_events())
    command = ApplyForDivorce(office="MR-610502", registration_id=marriage.registration_id,
                              agreement={"children": "none", "property": "split", "debts": "none"},
                              applied_on=dt.date(2025, 6, 16))
    applied = divorce.decide_application(marriage, command, CLERK, dt.date(2025, 6, 16), DIVORCE_ID, None)
    registered = divorce.decide_registration(divorce.fold(applied), marriage, RegisterDivorce(), CLERK,
                                             REGISTERED_ON, "L610502-2025-000001")
    return [*registered_events(), *registered]


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def test_K_6_a_reissued_divorce_copy_takes_a_new_number_and_replaces_only_the_partys_copy():
    given = divorced()
    state = fold(given)
    assert state.divorce_certificates == {MAN: "L610502-2025-000001", WOMAN: "L610502-2025-000001"}

    [event] = decide_divorce_reissue(state, DIVORCE_ID, REISSUE, WOMAN, OTHER_CLERK, TODAY, NEW)

    assert event.type == ev.DIVORCE_CERTIFICATE_REISSUED
    p = event.payload
    assert (p["old_number"], p["new_number"], p["office"], p["reissued_on"]) == (
        "L610502-2025-000001", NEW, "MR-610528", TODAY.isoformat())
    assert event.subjects == ((WOMAN, "party"),)
    after = fold(given, [event])
    assert after.divorce_certificates == {MAN: "L610502-2025-000001", WOMAN: NEW}
    assert after.status == "divorced" and after.certificates == state.certificates


def test_K_6_a_second_reissue_replaces_the_first_reissued_copy():
    given = divorced()
    first = decide_divorce_reissue(fold(given), DIVORCE_ID, REISSUE, WOMAN, CLERK, TODAY, NEW)
    [second] = decide_divorce_reissue(fold(given, first), DIVORCE_ID, REISSUE, WOMAN, CLERK, TODAY,
                                      "BL610502-2025-000002")
    assert second.payload["old_number"] == NEW


def test_K_1_no_divorce_certificate_after_a_court_divorce_or_for_another_divorce():
    marriage = fold(registered_events())
    court = RecordCourtOutcome(kind="divorce", court="渭南市临渭区人民法院", document_ref="(2025)陕0502民初1号",
                               effective_on=dt.date(2025, 3, 1))
    ended = fold(registered_events(), decide_court_outcome(marriage, court, REGISTRAR, TODAY))
    refused = refusal_of(lambda: decide_divorce_reissue(ended, DIVORCE_ID, REISSUE, WOMAN, CLERK, TODAY, NEW))
    assert (refused.code, refused.status) == ("no_divorce_certificate", 409)
    other = refusal_of(lambda: decide_divorce_reissue(fold(divorced()), "another", REISSUE, WOMAN, CLERK, TODAY, NEW))
    assert other.code == "no_divorce_certificate"


def test_M_7_only_a_party_and_not_before_the_divorce_and_admins_record_no_business():
    state = fold(divorced())
    stranger = "610502199001010038"
    assert refusal_of(lambda: decide_divorce_reissue(state, DIVORCE_ID, REISSUE, stranger, CLERK, TODAY,
                                                     NEW)).code == "not_a_party"
    early = REISSUE.model_copy(update={"reissued_on": REGISTERED_ON - dt.timedelta(days=1)})
    assert refusal_of(lambda: decide_divorce_reissue(state, DIVORCE_ID, early, WOMAN, CLERK, TODAY,
                                                     NEW)).code == "before_registration"
    admin = Actor("admin", "admin", None)
    assert refusal_of(lambda: decide_divorce_reissue(state, DIVORCE_ID, REISSUE, WOMAN, admin, TODAY,
                                                     NEW)).code == "forbidden_role"
