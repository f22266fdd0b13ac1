"""Rule parameters of relief work, looked up by business date (domain.md 0.4).

The cash cap (V-4) and the stay limit (V-5) are shared parameters (shared/reference); the others are this
service's own, in `parameters.yaml` beside this module. Callers name a parameter and a day, never a value.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from shared.reference import RuleParameters, default_parameters

MAX_CASH_YUAN = "vagrant_aid.max_cash_yuan"  # V-4
STAY_LIMIT_DAYS = "vagrant_aid.stay_limit_days"  # V-5
NOTICE_HOURS = "vagrant_aid.family_search_notice_hours"  # V-6
DNA_WORKING_DAYS = "vagrant_aid.dna_request_working_days"  # V-6
SETTLEMENT_AFTER_MONTHS = "vagrant_aid.settlement_after_months"  # V-6
SELF_DEPARTURE_MIN_AGE = "vagrant_aid.self_departure_min_age"  # V-7
WATCHLIST_AGE_TOLERANCE = "vagrant_aid.watchlist_age_tolerance_years"  # V-10


@cache
def service_parameters() -> RuleParameters:
    """The service's own dated parameters, read once per process."""
    text = (resources.files(__package__) / "parameters.yaml").read_text(encoding="utf-8")
    return RuleParameters.from_yaml(text)


def parameter(name: str, on: date) -> Any:
    """The value of `name` in force on `on`, from the service's own parameters or the shared ones."""
    own = service_parameters()
    if name in own.names():
        return own.value(name, on)
    return default_parameters().value(name, on)
