"""The plan's indicators (shared/reference/indicators.py, docs/indicators.md), from the services' figures, no
I/O: one test per indicator's formula, named by the rule its figures come from."""

from __future__ import annotations

import csv
import io

from shared.reference import indicators


def month(n: int, orphan_d: str | None = "1200.00", orphan_i: str | None = "1800.00",
          de_facto: str | None = "1200.00", below: dict[str, int] | None = None) -> dict:
    return {"month": f"2025-{n:02d}", "standards": {"orphan.dispersed": orphan_d, "orphan.institution": orphan_i,
                                                     "de_facto_unattended.dispersed": de_facto},
            "child_months": {"orphan.dispersed": 2, "de_facto_unattended.dispersed": 1},
            "below_standard": below or {}}


def inputs(**changes: dict) -> dict:
    base = {
        "marriage": {"year": 2025, "as_of": "2025-12-31", "phase": "national", "citywide_since": "2022-04-01",
                     "offices": [f"MR-{n}" for n in range(11)], "citywide_offices": [f"MR-{n}" for n in range(11)],
                     "registrations": 10, "cross_county": 4},
        "child_welfare": {"year": 2025, "months": [month(n) for n in range(1, 13)]},
        "funeral": {"statistics": {"deaths": 20, "cremations": 9, "burials": 8, "eco_burials": 2},
                    "public_welfare_cemetery_divisions": ["610502", "610502", "610581"],
                    "funeral_home_divisions": ["610502"]},
        "vagrant_aid": {"as_of": "2025-12-31", "identified_exits": 10, "identified_returned": 7,
                        "identified_exits_by_kind": {"escorted": 5, "collected": 2, "died": 1, "transferred": 1,
                                                     "absconded": 1},
                        "stranded": 1, "unidentified_long_stays": 1, "stranded_or_long_stays": 1},
    }
    for service, values in changes.items():
        base[service] = {**base[service], **values}
    return base


def report(**changes: dict) -> dict[str, indicators.Indicator]:
    found = indicators.compute(2025, **inputs(**changes))
    return {row.key: row for row in found.indicators}


def test_every_indicator_of_the_plan_is_listed_once_those_not_computable_with_the_reason() -> None:
    rows = report()
    assert tuple(rows) == tuple(sorted(indicators.INDICATOR_KEYS, key=indicators.INDICATOR_KEYS.index))
    assert set(rows) == set(indicators.INDICATOR_KEYS)
    for row in rows.values():
        assert row.formula and row.target
        if row.computable == "no":
            assert row.value is None and row.limits
        if row.computable == "partly":
            assert row.limits


def test_C_5_orphan_standard_met_in_every_month_at_the_targets() -> None:
    row = report()["orphan_allowance_standard"]
    assert (row.numerator, row.denominator, row.value, row.met) == (12, 12, 1.0, True)
    assert row.details["child_months_paid"] == 24


def test_C_5_orphan_standard_below_target_in_a_month_is_not_met() -> None:
    months = [month(n, orphan_i="1400.00" if n == 1 else "1800.00") for n in range(1, 13)]
    row = report(child_welfare={"months": months})["orphan_allowance_standard"]
    assert (row.numerator, row.denominator, row.met) == (11, 12, False)
    assert row.details["lowest_standard"]["orphan.institution"] == "1400.00"


def test_C_5_a_child_month_paid_below_the_standard_fails_its_month_only_for_its_category() -> None:
    months = [month(n, below={"de_facto_unattended.dispersed": 1} if n == 3 else None) for n in range(1, 13)]
    rows = report(child_welfare={"months": months})
    assert rows["orphan_allowance_standard"].met is True
    de_facto = rows["de_facto_unattended_allowance_standard"]
    assert (de_facto.numerator, de_facto.met, de_facto.details["child_months_below_standard"]) == (11, False, 1)


def test_C_5_a_year_without_months_yet_has_no_value() -> None:
    row = report(child_welfare={"months": []})["orphan_allowance_standard"]
    assert (row.value, row.met, row.denominator) == (None, None, 0)


def test_M_6_citywide_rate_counts_offices_under_the_citywide_rule() -> None:
    row = report()["marriage_citywide_rate"]
    assert (row.numerator, row.denominator, row.value, row.met) == (11, 11, 1.0, True)
    assert row.details["cross_county_share"] == 0.4  # use of 通办, beside the rate


def test_M_6_before_citywide_handling_no_office_is_under_the_rule() -> None:
    row = report(marriage={"phase": "household_county", "citywide_offices": []})["marriage_citywide_rate"]
    assert (row.numerator, row.value, row.met) == (0, 0.0, False)


def test_V_9_return_rate_leaves_deaths_and_transfers_out_of_the_denominator() -> None:
    row = report()["identified_return_rate"]
    assert (row.numerator, row.denominator, row.value, row.met) == (7, 8, 0.875, False)


def test_V_9_no_identified_exit_gives_no_rate() -> None:
    row = report(vagrant_aid={"identified_exits": 0, "identified_returned": 0,
                              "identified_exits_by_kind": {}})["identified_return_rate"]
    assert (row.value, row.met) == (None, None)


def test_V_5_V_6_zero_stranding_counts_each_case_once() -> None:
    rows = report()
    assert (rows["zero_stranding"].value, rows["zero_stranding"].met) == (1, False)
    assert report(vagrant_aid={"stranded_or_long_stays": 0})["zero_stranding"].met is True


def test_F_3_cemetery_coverage_counts_divisions_once_over_eleven() -> None:
    row = report()["urban_public_cemetery_coverage"]
    assert (row.numerator, row.denominator, row.value) == (2, 11, round(2 / 11, 4))


def test_F_4_cremation_rate_and_eco_burial_share() -> None:
    rows = report()
    assert (rows["cremation_rate"].value, rows["cremation_rate"].met) == (0.45, True)
    assert (rows["eco_burial_share"].value, rows["eco_burial_share"].met) == (0.25, None)
    assert report(funeral={"statistics": {"deaths": 0, "cremations": 0, "burials": 0,
                                          "eco_burials": 0}})["cremation_rate"].value is None


def test_csv_has_one_row_per_indicator_and_the_same_figures() -> None:
    found = indicators.compute(2025, **inputs())
    rows = list(csv.DictReader(io.StringIO(indicators.to_csv(found))))
    assert [r["key"] for r in rows] == [i.key for i in found.indicators]
    by_key = {r["key"]: r for r in rows}
    assert by_key["marriage_citywide_rate"]["value"] == "1.0"
    assert by_key["marriage_citywide_rate"]["met"] == "true"
    assert by_key["marriage_counselling_rooms"]["value"] == ""
    assert by_key["orphan_allowance_standard"]["name"] == "孤儿基本生活保障标准"
