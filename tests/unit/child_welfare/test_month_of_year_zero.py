"""A month is of years 1000 to 9999: `0000-01` names no date, and was answered 500 before schemathesis found
it (C-5 standards, allowances, payroll)."""

import pytest
from pydantic import ValidationError

from services.child_welfare.application.child_welfare import month_query
from services.child_welfare.contract.commands import SetStandard
from shared.errors import Refusal


def test_a_standard_from_month_zero_is_a_schema_break_C5():
    with pytest.raises(ValidationError):
        SetStandard(category="orphan", care="foster", from_month="0000-01", amount="1000")


def test_a_query_for_month_zero_is_refused_as_invalid_C5():
    with pytest.raises(Refusal) as refused:
        month_query("0000-01", "month")
    assert (refused.value.code, refused.value.status) == ("invalid_query", 422)
    assert month_query("2025-01", "month").isoformat() == "2025-01-01"
