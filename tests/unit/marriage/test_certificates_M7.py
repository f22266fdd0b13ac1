"""M-7: a lost certificate is reissued with a new number, the old one invalid, the marriage unchanged; no
reissue once the marriage has ended."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import RecordCourtOutcome, ReissueCertificate
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import decide_court_outcome, decide_reissue
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, MAN, REGISTRAR, TODAY, WOMAN, fold, registered_events

REISSUE = ReissueCertificate(party_id_number=WOMAN, reason="lost in a move")


def test_a_reissue_gives_the_party_a_new_number_and_the_old_one_stops_counting_M7():
    given = registered_events()
    old = fold(given).certificates[WOMAN]

    then = decide_reissue(fold(given), REISSUE, WOMAN, CLERK, TODAY, "J610502-2025-0000099")

    [event] = then
    assert event.type == ev.CERTIFICATE_REISSUED
    assert (event.payload["old_number"], event.payload["new_number"]) == (old, "J610502-2025-0000099")
    after = fold(given, then)
    assert after.certificates[WOMAN] == "J610502-2025-0000099"
    assert after.certificates[MAN] == fold(given).certificates[MAN]
    assert after.status == "married" and event.subjects == ((WOMAN, "party"),)


def test_no_reissue_once_the_marriage_has_ended_M7():
    given = registered_events()
    divorce = RecordCourtOutcome(kind="divorce", court="渭南市临渭区人民法院", document_ref="(2025)陕0502民初1号",
                                 effective_on=dt.date(2025, 3, 1))
    ended = fold(given, decide_court_outcome(fold(given), divorce, REGISTRAR, TODAY))

    with pytest.raises(Refusal) as refused:
        decide_reissue(ended, REISSUE, WOMAN, CLERK, TODAY, "J610502-2025-0000099")

    assert (refused.value.code, refused.value.status) == ("marriage_ended", 409)
    assert "record-of-registration statement" in refused.value.detail


def test_only_a_party_gets_a_certificate_and_a_stale_version_is_a_conflict_M7():
    state = fold(registered_events())
    stranger = "610502199001010038"

    with pytest.raises(Refusal) as not_party:
        decide_reissue(state, REISSUE, stranger, CLERK, TODAY, "n")
    with pytest.raises(Refusal) as stale:
        decide_reissue(state, REISSUE.model_copy(update={"version": 7}), WOMAN, CLERK, TODAY, "n")

    assert not_party.value.code == "not_a_party"
    assert (stale.value.code, stale.value.status) == ("concurrency_conflict", 409)
