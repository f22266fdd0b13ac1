"""M-9 court outcomes and M-10 revocation of fraudulent registrations: given a registration, when the
registrar records the judgment or the revocation, then the event — and the marital status derived from it."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import RecordCourtOutcome, RevokeRegistration
from services.marriage.contract.facts import marital_status
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import decide_court_outcome, decide_revocation
from shared.errors import Refusal
from tests.unit.marriage.given import MAN, REGISTRAR, TODAY, WOMAN, fold, registered_events

COURT = "渭南市临渭区人民法院"


def outcome(kind: str, effective_on: dt.date = dt.date(2025, 3, 1)) -> RecordCourtOutcome:
    return RecordCourtOutcome(kind=kind, court=COURT, document_ref="(2025)陕0502民初123号", effective_on=effective_on)


def test_a_court_divorce_ends_the_marriage_from_its_effective_date_M9():
    given = registered_events()
    [event] = decide_court_outcome(fold(given), outcome("divorce"), REGISTRAR, TODAY)

    assert (event.type, event.occurred_on, event.payload["kind"]) == (ev.COURT_OUTCOME_RECORDED, dt.date(2025, 3, 1),
                                                                      "divorce")
    assert marital_status(MAN, [*given, event], dt.date(2025, 2, 28)).marital_status == "married"
    assert marital_status(MAN, [*given, event], dt.date(2025, 3, 1)).marital_status == "divorced"


@pytest.mark.parametrize("kind", ["void", "annulled"])
def test_void_and_annulled_marriages_never_existed_for_the_status_history_M9(kind):
    given = registered_events()
    then = decide_court_outcome(fold(given), outcome(kind), REGISTRAR, TODAY)

    assert fold(given, then).status == kind
    assert marital_status(WOMAN, [*given, *then], dt.date(2024, 12, 1)).marital_status == "unmarried"


def test_an_outcome_dated_before_the_registration_or_on_a_marriage_that_never_existed_is_refused_M9():
    given = registered_events()
    voided = fold(given, decide_court_outcome(fold(given), outcome("void"), REGISTRAR, TODAY))

    with pytest.raises(Refusal) as early:
        decide_court_outcome(fold(given), outcome("divorce", dt.date(2024, 5, 19)), REGISTRAR, TODAY)
    with pytest.raises(Refusal) as twice:
        decide_court_outcome(voided, outcome("divorce"), REGISTRAR, TODAY)

    assert early.value.code == "before_registration"
    assert (twice.value.code, twice.value.status) == ("marriage_never_existed", 409)


def test_a_revoked_registration_never_existed_and_the_fraudster_is_named_dishonest_M10():
    given = registered_events()
    command = RevokeRegistration(reason="impersonation found by police", document_ref="渭公(2025)17号",
                                 dishonest_id_number=WOMAN)

    [event] = decide_revocation(fold(given), command, WOMAN, REGISTRAR, TODAY)

    assert event.type == ev.REGISTRATION_REVOKED
    assert event.payload["dishonest_id_number"] == WOMAN and (WOMAN, "dishonest") in event.subjects
    assert fold(given, [event]).status == "revoked"
    assert marital_status(MAN, [*given, event], TODAY).marital_status == "unmarried"
    with pytest.raises(Refusal) as again:
        decide_revocation(fold(given, [event]), command, WOMAN, REGISTRAR, TODAY)
    assert again.value.code == "marriage_never_existed"
