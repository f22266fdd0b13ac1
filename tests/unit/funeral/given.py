"""Builders for the funeral domain's unit tests: given these events, when this command, then these events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.funeral.contract.commands import OpenReliefStationDeath, RegisterDeath
from services.funeral.domain import registration
from services.funeral.domain.cemetery import Plot, fold_plot
from services.funeral.domain.death import DeathRecord, fold
from services.funeral.domain.events import Draft
from shared.actor import Actor
from tests.support.problems import refused as refused  # the vocabulary of these tests

TODAY = dt.date(2025, 6, 16)  # a Monday
PERSON = "610502199001010011"  # male, born 1990-01-01 (domain.md 0.1)
OTHER_PERSON = "61050219900101002X"  # female, born 1990-01-01
FUNERAL_HOME = "FH-610502"
CEMETERY = "CEM-610502-1"
STAFF = Actor("funeral.FH-610502", "funeral_staff", FUNERAL_HOME)
CEMETERY_STAFF = Actor("cemetery.CEM-610502-1", "funeral_staff", CEMETERY)
OTHER_HOME_STAFF = Actor("funeral.FH-610503", "funeral_staff", "FH-610503")
ADMIN = Actor("admin.city", "admin")  # opens cemeteries and lays out plots; records no funeral business
DEATH_ID = "7b0c2d6e-1f0a-5e8b-9c3d-2a1b0c9d8e7f"
TEMPORARY_ID = "TMP-FH610502-000017"


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def registration_command(**changes: Any) -> RegisterDeath:
    fields: dict[str, Any] = {
        "id_number": PERSON, "died_on": days_ago(2), "place_division": "610502", "certificate_no": "F6105020001",
        "issuer": "渭南市中心医院", "natural": True, "funeral_home": FUNERAL_HOME,
    }
    fields.update(changes)
    return RegisterDeath(**{key: value for key, value in fields.items() if value is not None})


def unidentified_command(**changes: Any) -> RegisterDeath:
    return registration_command(id_number=None, unidentified={"police_case": "渭公刑字〔2025〕17号",
                                                                 "description": "male, about 60"}, **changes)


def registered(command: RegisterDeath | None = None, *, temporary_id: str | None = None,
               actor: Actor = STAFF, today: dt.date = TODAY) -> list[Draft]:
    command = command or registration_command()
    new = registration.NewDeath(DEATH_ID, False, temporary_id if command.unidentified else None)
    return registration.decide_registration(command, actor, today, new)


FOUND_ON = dt.date(2025, 5, 1)  # an unidentified body, found six weeks before TODAY


def unidentified_registered() -> list[Draft]:
    """Received on the day it was found, by the funeral home's staff."""
    return registered(unidentified_command(died_on=FOUND_ON), temporary_id=TEMPORARY_ID, today=FOUND_ON)


def relief_station_command(**changes: Any) -> OpenReliefStationDeath:
    fields: dict[str, Any] = {"subject_id": "TMP-RS610500-000123", "relief_case_id": "case-1", "station": "RS-610500",
                              "died_on": days_ago(1), "place_division": "610502", "natural": True,
                              "funeral_home": FUNERAL_HOME}
    fields.update(changes)
    return OpenReliefStationDeath(**fields)


def record(*events: list[Draft]) -> DeathRecord:
    """The death record after the given lists of events."""
    folded = fold([draft for drafts in events for draft in drafts])
    assert folded is not None
    return folded


def plot_of(*events: list[Draft]) -> Plot:
    folded = fold_plot([draft for drafts in events for draft in drafts])
    assert folded is not None
    return folded
