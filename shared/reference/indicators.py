"""The plan's indicators (docs/indicators.md): the targets of the city's civil-affairs plan in civreg's field,
and how each is computed from the figures the services answer over RPC (`indicator_inputs(year)` of
marriage, child welfare, funeral and vagrant aid, each defined in that service's contract).

Pure: the gateway gathers the services' figures and `compute` turns them into one row per indicator, with
its target, kind (约束性 binding, 预期性 expected, or a target of the plan's text), value, numerator and
denominator, whether it is met, the formula and its limits. Indicators civreg's records cannot compute are
listed too, with the reason. The figures are those of the per-service statistics routes (the services answer
both from the same read models), so the two never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["binding", "expected", "text"]
Computable = Literal["yes", "partly", "no"]
COUNTY_DIVISIONS = 11  # the plan's denominator of county coverage: Weinan's eleven county-level divisions


class Indicator(BaseModel):
    """One indicator of the plan for a year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str
    kind: Kind
    target: str  # as the plan states it
    computable: Computable
    value: float | None = None  # a share 0..1, an amount (元/月) or a count, per `unit`
    unit: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    met: bool | None = None  # None: no numeric target, or nothing to compute
    formula: str
    limits: str | None = None  # what the figure leaves out (partly), or why it cannot be computed (no)
    details: dict[str, Any] = {}


class Indicators(BaseModel):
    """GET /v1/indicators?year=: every indicator of the plan in civreg's field for the year."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [{
        "year": 2025, "indicators": [{
            "key": "marriage_citywide_rate", "name": "婚姻登记\"市内通办\"实施率", "kind": "binding",
            "target": "100%（2022年底前）", "computable": "yes", "value": 1.0, "unit": "share", "numerator": 11,
            "denominator": 11, "met": True, "formula": "registry offices under the citywide rule (M-6) on the "
            "year's last day / all registry offices", "limits": None, "details": {}}]}]})

    year: int
    indicators: list[Indicator]


@dataclass(frozen=True)
class Definition:
    key: str
    name: str
    kind: Kind
    target: str
    computable: Computable
    formula: str
    limits: str | None = None


PLAN: tuple[Definition, ...] = (
    Definition("orphan_allowance_standard", "孤儿基本生活保障标准", "binding", "散居1200元/月、机构1800元/月",
               "yes", "months of the year (to the current month) in which the orphan standards in force are at "
               "least 1200 (dispersed) and 1800 (institution) 元/月 and no child-month of an orphan is paid "
               "below the standard in force (C-5) / months of the year", None),
    Definition("de_facto_unattended_allowance_standard", "事实无人抚养儿童基本生活保障标准", "binding", "1200元/月",
               "yes", "months in which the de facto unattended children's standard in force is at least 1200 "
               "元/月 and no child-month of theirs is paid below it (C-5) / months of the year",
               "the plan's seed states 元/年; its text pays them the dispersed-orphan rate, so 元/月 is used"),
    Definition("urban_public_cemetery_coverage", "城市公益性公墓覆盖率", "expected", "100%", "partly",
               "county-level divisions with a registered public-welfare (公益性) cemetery / 11",
               "cemeteries record no urban or rural location and no opening or closing date: every "
               "registered public-welfare cemetery counts, as registered now"),
    Definition("marriage_citywide_rate", "婚姻登记\"市内通办\"实施率", "binding", "100%（2022年底前）", "yes",
               "registry offices under the citywide rule (M-6) on the year's last day (or today) / all registry "
               "offices (one per county-level division)",
               "the share of cross-county registrations (details) measures use of 通办, not this rate"),
    Definition("identified_return_rate", "查明身份信息流浪乞讨受助人员接送返回率", "binding", "100%", "yes",
               "identified persons leaving in the year escorted, collected, or on their own with a ticket home "
               "(V-9) / identified exits less deaths and transfers",
               "the official definition of the denominator is to be verified; deaths and transfers are left out"),
    Definition("funeral_home_county_coverage", "殡仪馆县级全覆盖", "text", "100%", "partly",
               "county-level divisions whose funeral home recorded a death or a cremation by the year's end / 11",
               "civreg keeps no register of funeral homes: a home that recorded nothing is not seen"),
    Definition("cremation_rate", "火化区遗体火化率", "text", "≥45%", "partly",
               "cremations in the year / deaths in the year recorded at funeral homes (F-4)",
               "the denominator counts only deaths registered at funeral homes (police and health counts are "
               "outside civreg) and every division, as civreg records no cremation zones"),
    Definition("eco_burial_share", "节地生态安葬", "text", "（无数值目标）", "yes",
               "eco burials / (eco burials + plot and niche interments) in the year (F-4)"),
    Definition("zero_stranding", "零滞留", "text", "0", "yes",
               "open cases on the year's last day (or today) past their stay without an extension filing (V-5) "
               "or unidentified beyond the settlement threshold (V-6), each case once"),
    Definition("rural_public_cemetery_coverage", "农村公益性公墓覆盖率", "text", "≥50%（2020年30%）", "no",
               "villages served by a public-welfare cemetery / villages",
               "civreg records no villages served by cemeteries (the denominator is to be verified)"),
    Definition("marriage_counselling_rooms", "县级婚姻登记机关婚姻家庭辅导室", "text", "≥85%", "no",
               "county registry offices with a marriage and family counselling room / county registry offices",
               "civreg records no office facilities"),
)
ORPHAN_TARGETS = {"orphan.dispersed": Decimal(1200), "orphan.institution": Decimal(1800)}
DE_FACTO_TARGETS = {"de_facto_unattended.dispersed": Decimal(1200)}
INDICATOR_KEYS = tuple(d.key for d in PLAN)


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(definition: Definition, **figures: Any) -> Indicator:
    return Indicator(key=definition.key, name=definition.name, kind=definition.kind, target=definition.target,
                     computable=definition.computable, formula=definition.formula, limits=definition.limits,
                     **figures)


def allowance_standard(months: list[Mapping[str, Any]], targets: Mapping[str, Decimal]) -> dict[str, Any]:
    """C-5 indicators: a month meets the target when every standard in force reaches its target and no
    child-month of those categories is paid below the standard in force."""
    categories = {key.split(".")[0] for key in targets}
    met_months, lowest, below, paid = 0, dict.fromkeys(targets), 0, 0
    for month in months:
        in_force = {key: (Decimal(a) if (a := month["standards"].get(key)) is not None else None) for key in targets}
        for key, amount in in_force.items():
            if amount is not None and (lowest[key] is None or amount < Decimal(lowest[key])):
                lowest[key] = str(amount)
        month_paid = sum(n for key, n in month["child_months"].items() if key.split(".")[0] in categories)
        paid += month_paid
        month_below = sum(n for key, n in month["below_standard"].items() if key.split(".")[0] in categories)
        below += month_below
        if all(a is not None and a >= targets[k] for k, a in in_force.items()) and not month_below:
            met_months += 1
    return {"value": share(met_months, len(months)), "unit": "share", "numerator": met_months,
            "denominator": len(months), "met": (met_months == len(months)) if months else None,
            "details": {"lowest_standard": lowest, "child_months_paid": paid, "child_months_below_standard": below}}


def compute(year: int, marriage: Mapping[str, Any], child_welfare: Mapping[str, Any], funeral: Mapping[str, Any],
            vagrant_aid: Mapping[str, Any]) -> Indicators:
    """Every indicator of `PLAN` for `year` from the services' `indicator_inputs` answers."""
    by_key = {d.key: d for d in PLAN}
    rows: list[Indicator] = []
    months = list(child_welfare["months"])
    rows.append(_row(by_key["orphan_allowance_standard"], **allowance_standard(months, ORPHAN_TARGETS)))
    rows.append(_row(by_key["de_facto_unattended_allowance_standard"], **allowance_standard(months, DE_FACTO_TARGETS)))

    cemeteries = sorted(set(funeral["public_welfare_cemetery_divisions"]))
    rows.append(_row(by_key["urban_public_cemetery_coverage"], **_coverage(len(cemeteries), COUNTY_DIVISIONS),
                     details={"divisions": cemeteries}))

    offices, citywide = len(marriage["offices"]), len(marriage["citywide_offices"])
    rows.append(_row(by_key["marriage_citywide_rate"], **_coverage(citywide, offices),
                     details={"phase": marriage["phase"], "citywide_since": marriage["citywide_since"],
                              "as_of": marriage["as_of"], "registrations": marriage["registrations"],
                              "cross_county": marriage["cross_county"],
                              "cross_county_share": share(marriage["cross_county"], marriage["registrations"])}))

    kinds = vagrant_aid["identified_exits_by_kind"]
    excluded = kinds.get("died", 0) + kinds.get("transferred", 0)
    eligible = vagrant_aid["identified_exits"] - excluded
    rows.append(_row(by_key["identified_return_rate"], **_coverage(vagrant_aid["identified_returned"], eligible),
                     details={"identified_exits": vagrant_aid["identified_exits"], "left_out": excluded,
                              "identified_exits_by_kind": dict(kinds)}))

    homes = sorted(set(funeral["funeral_home_divisions"]))
    rows.append(_row(by_key["funeral_home_county_coverage"], **_coverage(len(homes), COUNTY_DIVISIONS),
                     details={"divisions": homes}))

    stats = funeral["statistics"]
    cremation = share(stats["cremations"], stats["deaths"])
    rows.append(_row(by_key["cremation_rate"], value=cremation, unit="share", numerator=stats["cremations"],
                     denominator=stats["deaths"], met=None if cremation is None else cremation >= 0.45))
    rows.append(_row(by_key["eco_burial_share"], value=share(stats["eco_burials"], stats["burials"]), unit="share",
                     numerator=stats["eco_burials"], denominator=stats["burials"], met=None))

    stranded = vagrant_aid["stranded_or_long_stays"]
    rows.append(_row(by_key["zero_stranding"], value=stranded, unit="cases", numerator=stranded, met=stranded == 0,
                     details={"as_of": str(vagrant_aid["as_of"]), "stranded": vagrant_aid["stranded"],
                              "unidentified_long_stays": vagrant_aid["unidentified_long_stays"]}))

    rows.extend(_row(d) for d in PLAN if d.computable == "no")
    return Indicators(year=year, indicators=rows)


def _coverage(part: int, whole: int) -> dict[str, Any]:
    value = share(part, whole)
    return {"value": value, "unit": "share", "numerator": part, "denominator": whole,
            "met": None if value is None else value >= 1}


COLUMNS = ("year", "key", "name", "kind", "target", "computable", "value", "unit", "numerator", "denominator",
           "met", "formula", "limits")
Cell = str | int | float | None


def table(report: Indicators) -> list[tuple[Cell, ...]]:
    """The rows of the CSV and of the XLSX workbook: one per indicator, cells in `COLUMNS` order; `None` for an
    empty cell, `met` as `true`/`false` (the header row is `COLUMNS`)."""
    rows = []
    for row in report.indicators:
        cells = {"year": report.year, **row.model_dump()}
        rows.append(tuple(str(cells[c]).lower() if isinstance(cells[c], bool) else cells[c] for c in COLUMNS))
    return rows


def to_csv(report: Indicators) -> str:
    """The same rows as text/csv (UTF-8, one header row; empty cells for what cannot be computed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table(report))
    return out.getvalue()
