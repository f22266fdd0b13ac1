"""The dated parameters the marriage rules read (domain.md 0.4): minimum ages, jurisdiction phases and the
cooling-off from the shared rule file, appointment capacities from `services/marriage/rule_parameters.yaml`.
Every lookup takes the business date: a command is judged by the rules in force on that day."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

from shared.reference.parameters import RuleParameters, default_parameters, package_parameters

Jurisdiction = Literal["household_county", "city", "province", "national"]


def marriage_parameters() -> RuleParameters:
    """The service's own parameter history, read once per process."""
    return package_parameters("services.marriage")


@lru_cache(maxsize=4096)  # the parameters are read once per process; an import asks for the same few dates
def minimum_age(sex: str, on: date) -> int:
    """M-1: man 22, woman 20 full years (Civil Code 1047)."""
    return int(default_parameters().value(f"marriage.minimum_age.{sex}", on))


def jurisdiction(on: date) -> Jurisdiction:
    """M-6: where a couple may register on that day (通办 phases)."""
    return default_parameters().value("marriage.jurisdiction", on)


CITYWIDE_PHASES = frozenset({"city", "province", "national"})  # an office of the city takes any couple of it


def citywide_since() -> date | None:
    """M-6: the first day any office of the city took couples of the whole city (市内通办), or None."""
    return next((period.valid_from for period in default_parameters().history("marriage.jurisdiction")
                 if period.value in CITYWIDE_PHASES), None)


def cooling_off_days(on: date) -> int:
    """M-8: 0 before the Civil Code (2021-01-01): a divorce by agreement was registered at once."""
    return int(default_parameters().value("marriage.cooling_off_days", on, default=0))


def registration_window_days(on: date) -> int:
    return int(default_parameters().value("marriage.registration_window_days", on, default=0))


def slot_capacity(kind: str, on: date) -> int:
    """M-13: bookings per office, date and kind."""
    return int(marriage_parameters().value(f"marriage.appointment_slot_capacity.{kind}", on))


def appointment_horizon_days(on: date) -> int:
    return int(marriage_parameters().value("marriage.appointment_horizon_days", on))
