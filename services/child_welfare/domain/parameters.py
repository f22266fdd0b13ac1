"""The dated parameters the child welfare rules read (domain.md 0.4): the allowance standards from the shared
rule file (shared/reference/data/rule_parameters.yaml, `child_welfare.allowance.*`), the service's own from
`services/child_welfare/rule_parameters.yaml`. Every lookup takes the business date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.reference.parameters import NoRuleInForce, RuleParameters, default_parameters, package_parameters


def service_parameters() -> RuleParameters:
    """The service's own parameter history, read once per process."""
    return package_parameters("services.child_welfare")


def _int(name: str, on: date) -> int:
    return int(service_parameters().value(f"child_welfare.{name}", on))


def student_extension_until_age(on: date) -> int | None:
    """C-6: the age up to which a full-time student keeps support after 18; None where no extension holds."""
    if not service_parameters().value("child_welfare.student_extension.enabled", on):
        return None
    return _int("student_extension.until_age", on)


def township_check_working_days(on: date) -> int:
    """C-3: working days from the application to the township's check."""
    return _int("time_limit.township_check_working_days", on)


def decision_working_days(on: date) -> int:
    """C-3: working days from the township's check to the county's decision."""
    return _int("time_limit.decision_working_days", on)


def agreement_cycle_months(on: date) -> int:
    """C-7: how long a guardianship or entrusted-care agreement runs before renewal."""
    return _int("agreement_cycle_months", on)


def visit_cycle_months(on: date) -> int:
    """C-7: how often an officer visits a child in dispersed or foster care."""
    return _int("visit_cycle_months", on)


def foster_carer_ages(on: date) -> tuple[int, int]:
    """C-4: youngest and oldest age of a foster carer."""
    return _int("foster.carer_min_age", on), _int("foster.carer_max_age", on)


def foster_children_per_carer(on: date) -> int:
    """C-4: most foster children one carer may have."""
    return _int("foster.max_children_per_carer", on)


def unidentified_transfer_months(on: date) -> int:
    """An unidentified referred minor still unidentified this long goes to the welfare institution."""
    return _int("unidentified_transfer_months", on)


def turning_adult_horizon_days(on: date) -> int:
    """C-6, C-7: the task list shows children turning 18 within this many days."""
    return _int("turning_adult_horizon_days", on)


def yaml_standard(category: str, care: str, on: date) -> Decimal | None:
    """C-5: the bundled standard of a category and care arrangement in force on `on`, if the file has one."""
    name = f"child_welfare.allowance.{category}.{care}"
    if name not in default_parameters().names():
        return None
    try:
        return Decimal(str(default_parameters().value(name, on)))
    except NoRuleInForce:
        return None
