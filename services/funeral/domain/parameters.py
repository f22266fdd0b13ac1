"""The dated parameters the funeral rules read (domain.md 0.4): the plot term from the shared rule file,
the funeral-only ones from `services/funeral/rule_parameters.yaml`. Every lookup takes the business date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.reference.parameters import RuleParameters, default_parameters, package_parameters


def funeral_parameters() -> RuleParameters:
    """The service's own parameter history, read once per process."""
    return package_parameters("services.funeral")


def plot_term_years(on: date) -> int:
    """F-3: the term of a plot, renewable."""
    return int(default_parameters().value("funeral.plot_term_years", on))


def area_limit_m2(burial_type: str, on: date) -> Decimal | None:
    """F-3: the largest plot for a burial type; None where the type has no area (niches, sea, scattering)."""
    name = f"funeral.area_limit_m2.{burial_type}"
    if name not in funeral_parameters().names():
        return None
    return Decimal(str(funeral_parameters().value(name, on)))


def expiring_terms_horizon_days(on: date) -> int:
    return int(funeral_parameters().value("funeral.expiring_terms_horizon_days", on))


def ash_deposit_max_years(on: date) -> int:
    return int(funeral_parameters().value("funeral.ash_deposit_max_years", on))


def claim_wait_days(on: date) -> int:
    """F-6: days after the claim notice before an unidentified body may be disposed of."""
    return int(funeral_parameters().value("funeral.unidentified_claim_wait_days", on))


def eligible_categories(on: date) -> frozenset[str]:
    """F-5: the categories whose basic services are waived."""
    return frozenset(funeral_parameters().value("funeral.assistance.eligible_categories", on))


def service_standard_yuan(item: str, on: date) -> Decimal:
    """F-5: the standard amount of one basic service."""
    return Decimal(str(funeral_parameters().value(f"funeral.assistance.standard_yuan.{item}", on)))


def declaration_minimum_months(basis: str, on: date) -> tuple[int, int]:
    """D-2: the months a person must have been missing (or the accident lie back) before a declaration, and the
    months of the court's notice after it, by kind (`missing`) or ground of death, in force on the judgment date."""
    parameters = funeral_parameters()
    return (int(parameters.value(f"funeral.declaration.waiting_months.{basis}", on)),
            int(parameters.value(f"funeral.declaration.notice_months.{basis}", on)))
