"""M-11: a spouse's death ends the marriage on the date of death, the survivor widowed; a marriage registered
after the date of death is flagged; a death corrected to another person revives the marriage unless the
survivor remarried."""

from __future__ import annotations

import datetime as dt

from services.marriage.contract.commands import RecordCourtOutcome
from services.marriage.contract.facts import marital_status
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import (
    decide_court_outcome,
    decide_death,
    decide_death_date_correction,
    decide_revival,
)
from tests.unit.marriage.given import MAN, REGISTRAR, TODAY, WOMAN, fold, registered_events

DEATH_ID = "a0b1c2d3-0000-4000-8000-00000000dead"
DIED_ON = dt.date(2025, 6, 1)


def test_a_spouses_death_ends_the_marriage_and_widows_the_survivor_M11():
    given = registered_events()

    [event] = decide_death(fold(given), MAN, DIED_ON, DEATH_ID)

    assert (event.type, event.occurred_on) == (ev.MARRIAGE_ENDED_BY_DEATH, DIED_ON)
    assert event.subjects == ((MAN, "deceased"), (WOMAN, "survivor"))
    after = fold(given, [event])
    assert (after.status, after.ended_on, after.death_id) == ("widowed", DIED_ON, DEATH_ID)
    assert marital_status(WOMAN, [*given, event], TODAY).as_json() == {
        "marital_status": "widowed", "since": "2025-06-01", "registration_id": after.registration_id}
    assert marital_status(WOMAN, [*given, event], dt.date(2025, 5, 31)).marital_status == "married"


def test_a_marriage_registered_after_the_date_of_death_is_flagged_never_silently_kept_M11():
    given = registered_events(registered_on=dt.date(2025, 6, 10))

    [flag] = decide_death(fold(given), WOMAN, DIED_ON, DEATH_ID)

    assert (flag.type, flag.payload["reason"]) == (ev.MARRIAGE_FLAGGED_FOR_REVIEW, "registered_after_death")
    assert flag.occurred_on == dt.date(2025, 6, 10)  # on the timeline after the registration it questions
    assert decide_death(fold(given, [flag]), WOMAN, DIED_ON, DEATH_ID) == []  # flagged once


def test_a_death_changes_nothing_of_a_marriage_ended_before_or_never_existing_M11():
    given = registered_events()
    divorced = decide_court_outcome(fold(given), RecordCourtOutcome(
        kind="divorce", court="法院", document_ref="(2025)1号", effective_on=dt.date(2025, 1, 2)), REGISTRAR, TODAY)

    assert decide_death(fold(given, divorced), MAN, DIED_ON, DEATH_ID) == []


def test_a_corrected_death_revives_the_marriage_unless_the_survivor_remarried_M11():
    given = registered_events()
    ended = decide_death(fold(given), MAN, DIED_ON, DEATH_ID)
    widowed = fold(given, ended)

    [revived] = decide_revival(widowed, DEATH_ID, False, TODAY, "death_corrected")
    assert decide_revival(widowed, DEATH_ID, True, TODAY, "death_corrected") == []
    assert decide_revival(widowed, "another-death", False, TODAY, "death_corrected") == []

    assert revived.type == ev.MARRIAGE_REVIVED
    assert fold(given, ended, [revived]).status == "married"
    history = [*given, *ended, revived]
    # as if the death had not ended it: married on every date since the registration
    assert marital_status(WOMAN, history, dt.date(2025, 6, 5)).marital_status == "married"


def test_a_corrected_date_of_death_moves_the_end_of_the_marriage_M11():
    given = registered_events()
    ended = decide_death(fold(given), MAN, DIED_ON, DEATH_ID)

    [corrected] = decide_death_date_correction(fold(given, ended), DEATH_ID, dt.date(2025, 6, 3), TODAY)

    assert (corrected.type, corrected.payload["previous_died_on"]) == (ev.DEATH_DATE_CORRECTED, "2025-06-01")
    history = [*given, *ended, corrected]
    assert marital_status(WOMAN, history, dt.date(2025, 6, 2)).marital_status == "married"
    assert marital_status(WOMAN, history, dt.date(2025, 6, 3)).since == dt.date(2025, 6, 3)
    assert decide_death_date_correction(fold(given, ended, [corrected]), DEATH_ID, dt.date(2025, 6, 3), TODAY) == []
