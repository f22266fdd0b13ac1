"""The dated parameters the adoption rules read (rule_parameters.yaml beside the service): every lookup takes
the business date, so a registration is judged by the rules in force on its date (收养法 values before 2021)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.reference.parameters import package_parameters


def value(name: str, on: date) -> Any:
    return package_parameters("services.adoption").value(f"adoption.{name}", on)


def child_age_limit(on: date) -> int:
    return int(value("child_age_limit", on))


def adopter_minimum_age(on: date) -> int:
    return int(value("adopter_minimum_age", on))


def children_limit(on: date) -> int:
    return int(value("children_limit", on))


def age_gap_years(on: date) -> int:
    return int(value("age_gap_years", on))


def age_gap_man_adopting_girl_only(on: date) -> bool:
    """A-6: before 2021 the age gap bound only a single man adopting a girl (收养法 9)."""
    return bool(value("age_gap_man_adopting_girl_only", on))


def child_consent_age(on: date) -> int:
    return int(value("child_consent_age", on))


def assessment_required(on: date) -> bool:
    return bool(value("assessment_required", on))


def assessment_report_days(on: date) -> int:
    """A-10: days from the adopters' consent to the report, the living-together period not counted."""
    return int(value("assessment_report_days", on))


def living_together_minimum_days(on: date) -> int:
    """A-10: the days of living together (融合期) a report assesses, at least; 0 before 2021."""
    return int(value("living_together_minimum_days", on))


def notice_days(on: date) -> int:
    return int(value("notice_days", on))


def decision_days(on: date) -> int:
    """A-12 (办法 8): days to decide, counted from the day after receipt."""
    return int(value("decision_days", on))


def certificate_prefix(kind: str, on: date) -> str:
    """K-2: `SY` for the 收养登记证, `SJ` for the 解除收养关系证明 by default."""
    return str(value(f"certificate_prefix.{kind}", on))
