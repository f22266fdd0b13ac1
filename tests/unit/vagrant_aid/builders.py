"""Given-when-then helpers for the vagrant_aid domain: a fixed clock, commands with sensible defaults,
cases folded from the events `decide` returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain.decide import Clock, decide_record_exit, decide_take_in
from services.vagrant_aid.domain.events import Draft
from services.vagrant_aid.domain.state import Case, fold
from services.vagrant_aid.domain.stations import standing_station
from shared.business_dates import LOCAL_TIME_ZONE
from shared.reference import check_digit

# Synthetic ID numbers from domain.md 0.1 (computed, nobody's).
ADULT_MAN = "610502199001010011"  # male, born 1990-01-01
ADULT_WOMAN = "61050219900101002X"  # female, born 1990-01-01
WOMAN_2000 = "610528200002290042"  # female, born 2000-02-29
WRONG_CHECK_DIGIT = "610502199001010012"


def id_number(born: str, sequence: str = "001", division: str = "610502") -> str:
    """A valid synthetic number for a birth date `YYYYMMDD` (odd sequence: male, even: female)."""
    first17 = f"{division}{born}{sequence}"
    return first17 + check_digit(first17)


BOY_2015 = id_number("20150101")  # 10 in June 2025
GIRL_2008 = id_number("20080301", "002")  # 17 in June 2025
CASE_ID = "00000000-0000-4000-8000-000000000001"
TEMPORARY_ID = "TMP-RS610500-000001"

# A Tuesday in an ordinary week of 2025 (no holiday nearby), 10:00 in Weinan.
TODAY = dt.date(2025, 6, 10)
NOW = dt.datetime(2025, 6, 10, 10, 0, tzinfo=LOCAL_TIME_ZONE)


def clock(on: dt.date = TODAY, hour: int = 10) -> Clock:
    return Clock(now=dt.datetime(on.year, on.month, on.day, hour, tzinfo=LOCAL_TIME_ZONE), today=on)


def at(on: dt.date, hour: int = 9) -> str:
    return dt.datetime(on.year, on.month, on.day, hour, tzinfo=LOCAL_TIME_ZONE).isoformat()


def intake(**overrides: Any) -> cmd.TakeIn:
    person = {"sex": "male", "estimated_age": 45, **overrides.pop("person", {})}
    body = {"station": "RS-610500", "source": "patrol", "arrived_at": at(TODAY), "consent": True,
            "person": person, **overrides}
    return cmd.TakeIn.model_validate(body)


def identified_intake(id_number: str = ADULT_MAN, **overrides: Any) -> cmd.TakeIn:
    return intake(person={"id_number": id_number, "sex": None, "estimated_age": None,
                          **overrides.pop("person", {})}, **overrides)


def take_in(command: cmd.TakeIn | None = None, on: dt.date = TODAY) -> list[Draft]:
    command = command or intake()
    station = standing_station(command.station, on)
    assert station is not None
    temporary = None if command.person.id_number else TEMPORARY_ID
    return decide_take_in(command, station, CASE_ID, temporary, clock(on))


def case_of(*drafts: Draft) -> Case:
    case = fold(drafts)
    assert case is not None
    return case


def new_case(command: cmd.TakeIn | None = None, on: dt.date = TODAY) -> Case:
    return case_of(*take_in(command, on))


def exit_command(**body: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cmd.ExitDetails).validate_python(body)


def then(case: Case, drafts: list[Draft]) -> Case:
    evolved = fold(drafts, case)
    assert evolved is not None
    return evolved


def exited(case: Case, on: dt.date = TODAY, **body: Any) -> Case:
    return then(case, decide_record_exit(exit_command(**body), case, clock(on)))
