"""The plan's indicators (api.md release 2, "Indicators and the change feed"; docs/indicators.md):
`GET /v1/indicators?year=` for admins and oversight, as JSON or, by `Accept`, as CSV or an XLSX workbook (the
same rows, `indicators.table`; the workbook is written by XlsxWriter, numbers as numbers).

The figures come from each service's RPC query `indicator_inputs(year)` (defined in its contract's
`responses.IndicatorInputs`), answered from the same read models as its statistics route; the plan's targets,
formulas and the arithmetic are `shared/reference/indicators.py`. Only figures leave the services: no person
is named, so the access log records the call without subjects.
"""

from __future__ import annotations

import io

import xlsxwriter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.problems import FieldError, Problem
from services.gateway.routing import Call, Reply, Route
from shared.reference import indicators
from shared.reference.refusals import INVALID_QUERY

READERS = {"admin", "oversight"}
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = ("application/json", CSV, XLSX)


class IndicatorsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=1900, le=9999, description="the calendar year, YYYY")


def year_of(text: str | None) -> int:
    if not (text and len(text) == 4 and text.isascii() and text.isdigit() and text >= "1900"):
        raise Problem(422, INVALID_QUERY, "year is a four-digit year",
                      errors=[FieldError(("query", "year"), "four digits")])
    return int(text)


def to_xlsx(report: indicators.Indicators) -> bytes:
    """The CSV's rows as one worksheet: the header row frozen, numbers as numbers, text as text (never a
    formula: a cell starting with `=` stays text)."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False}) as workbook:
        sheet = workbook.add_worksheet(f"指标 {report.year}")
        sheet.write_row(0, 0, indicators.COLUMNS, workbook.add_format({"bold": True}))
        for number, row in enumerate(indicators.table(report), start=1):
            for column, cell in enumerate(row):
                if cell is not None:
                    sheet.write(number, column, cell)
        sheet.freeze_panes(1, 0)
    return out.getvalue()


def read_indicators(call: Call) -> Reply:
    """The plan's indicators civreg's records can compute for a year, each with its target, kind, value,
    numerator and denominator, whether it is met, the formula and its limits; those it cannot compute with
    the reason. `Accept: text/csv` gives the same rows as CSV, the XLSX media type as a workbook."""
    year = year_of(call.query.get("year"))
    report = indicators.compute(
        year,
        marriage=call.rpc("marriage").indicator_inputs(year),
        child_welfare=call.rpc("child_welfare").indicator_inputs(year),
        funeral=call.rpc("funeral").indicator_inputs(year),
        vagrant_aid=call.rpc("vagrant_aid").indicator_inputs(year),
    )
    accept = call.request.accept_mimetypes if call.request is not None else None
    wanted = accept.best_match(MEDIA_TYPES, default="application/json") if accept is not None else None
    if wanted == CSV:
        return Reply(indicators.to_csv(report).encode("utf-8"), content_type=f"{CSV}; charset=utf-8",
                     headers={"Content-Disposition": f'attachment; filename="indicators-{year}.csv"',
                              "Vary": "Accept"})
    if wanted == XLSX:
        return Reply(to_xlsx(report), content_type=XLSX,
                     headers={"Content-Disposition": f'attachment; filename="indicators-{year}.xlsx"',
                              "Vary": "Accept"})
    return Reply(report.model_dump(mode="json"), headers={"Vary": "Accept"})


ROUTES = [
    Route("GET", "/v1/indicators", "indicators.read", READERS, read_indicators, query=IndicatorsQuery,
          response=indicators.Indicators, alternatives=(CSV, XLSX)),
]
