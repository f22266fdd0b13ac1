"""Reference rules every service shares: ID numbers (0.1), divisions and places (0.2), working days, ages and
periods (0.3), dated rule parameters (0.4). Pure functions over bundled data: no database, no network."""

from shared.reference.calendar import CalendarYearMissing, HolidayCalendar, default_calendar
from shared.reference.dates import (
    ADULT_AGE,
    Period,
    add_months,
    add_years,
    age_on,
    is_adult,
    period_of_days,
    period_of_months,
    period_of_years,
)
from shared.reference.divisions import (
    WEINAN,
    Division,
    all_divisions,
    city_of,
    division,
    in_city,
    is_county_level,
    is_known_division,
    province_of,
    weinan_counties,
)
from shared.reference.idnumber import (
    IdNumber,
    InvalidIdNumber,
    check_agrees,
    check_digit,
    is_valid_id_number,
    mask_id_number,
    parse_id_number,
)
from shared.reference.parameters import Dated, NoRuleInForce, RuleParameters, default_parameters
from shared.reference.places import InvalidPlace, Place, development_places, parse_place

__all__ = [
    "ADULT_AGE",
    "CalendarYearMissing",
    "WEINAN",
    "Dated",
    "Division",
    "HolidayCalendar",
    "IdNumber",
    "InvalidIdNumber",
    "InvalidPlace",
    "NoRuleInForce",
    "Period",
    "Place",
    "RuleParameters",
    "add_months",
    "all_divisions",
    "add_years",
    "age_on",
    "check_agrees",
    "check_digit",
    "city_of",
    "default_calendar",
    "default_parameters",
    "development_places",
    "division",
    "in_city",
    "is_adult",
    "is_county_level",
    "is_known_division",
    "is_valid_id_number",
    "mask_id_number",
    "parse_id_number",
    "parse_place",
    "period_of_days",
    "period_of_months",
    "period_of_years",
    "province_of",
    "weinan_counties",
]
