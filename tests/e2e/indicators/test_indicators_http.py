"""GET /v1/indicators?year= through HTTP alone, on the real gateway, marriage, child welfare, funeral and
vagrant aid services (PostgreSQL, RabbitMQ): JSON and CSV, the roles, and figures that agree with the
per-service statistics routes. The XLSX workbook is read back with the standard library alone (zipfile and
the worksheet's XML, as any spreadsheet reads it)."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.etree import ElementTree

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import local_today
from shared.reference.indicators import COLUMNS, INDICATOR_KEYS
from tests.e2e.funeral.calls import death_body
from tests.support.problems import assert_problem
from tests.support.stack import module_stack

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, ChildWelfareService, FuneralService, VagrantAidService])
ADMIN = {"as_": "admin"}
OVERSIGHT = {"as_": "oversight"}
FUNERAL_STAFF = {"as_": "funeral_staff", "office": "FH-610502"}


@pytest.fixture(scope="module")
def seeded(api):
    """A public-welfare cemetery, a death today and its cremation at the 临渭区 funeral home; the year."""
    day = local_today()
    assert api.post("/v1/funeral/cemeteries", json={"code": "CEM-610502-1", "name": "临渭区公益性公墓",
                                                    "kind": "public_welfare"}, **ADMIN).status_code == 201
    death = api.post("/v1/funeral/deaths", json=death_body(day, died_on=day.isoformat()), **FUNERAL_STAFF)
    assert death.status_code == 201, death.text
    cremation = api.post("/v1/funeral/cremations", json={"death_id": death.json()["death_id"],
                                                         "funeral_home": "FH-610502"}, **FUNERAL_STAFF)
    assert cremation.status_code == 201, cremation.text
    return day.year


def indicators_of(api, year, **who):
    response = api.get(f"/v1/indicators?year={year}", **(who or OVERSIGHT))
    assert response.status_code == 200, response.text
    return {row["key"]: row for row in response.json()["indicators"]}


def test_every_indicator_of_the_plan_comes_back_with_its_target_formula_and_figures(api, seeded):
    rows = indicators_of(api, seeded)
    assert tuple(rows) == INDICATOR_KEYS
    assert {row["computable"] for row in rows.values()} == {"yes", "partly", "no"}
    citywide = rows["marriage_citywide_rate"]  # 市内通办 since 2022-04-01: every office of the city
    assert (citywide["numerator"], citywide["denominator"], citywide["met"]) == (11, 11, True)
    for key in ("orphan_allowance_standard", "de_facto_unattended_allowance_standard"):
        assert rows[key]["met"] is True and rows[key]["details"]["child_months_below_standard"] == 0
    assert rows["urban_public_cemetery_coverage"]["details"]["divisions"] == ["610502"]
    assert rows["funeral_home_county_coverage"]["numerator"] == 1
    assert rows["marriage_counselling_rooms"]["value"] is None and rows["marriage_counselling_rooms"]["limits"]
    assert indicators_of(api, seeded, **ADMIN) == rows


def test_the_figures_agree_with_the_statistics_routes(api, seeded):
    rows = indicators_of(api, seeded)
    funeral = api.get(f"/v1/funeral/statistics?year={seeded}", **ADMIN).json()
    assert (rows["cremation_rate"]["numerator"], rows["cremation_rate"]["denominator"]) == (
        funeral["cremations"], funeral["deaths"]) == (1, 1)
    assert rows["cremation_rate"]["value"] == funeral["cremation_rate"]
    assert (rows["eco_burial_share"]["numerator"], rows["eco_burial_share"]["denominator"]) == (
        funeral["eco_burials"], funeral["burials"])
    marriage = api.get(f"/v1/marriage/statistics?from={seeded}-01-01&to={seeded}-12-31", **ADMIN).json()
    details = rows["marriage_citywide_rate"]["details"]
    assert (details["registrations"], details["cross_county"]) == (marriage["total"]["registrations"],
                                                                  marriage["total"]["cross_county"])
    relief = api.get(f"/v1/vagrant-aid/statistics?from={seeded}-01-01&to={seeded}-12-31",
                     as_="relief_staff", office="RS-610500").json()["total"]
    assert rows["identified_return_rate"]["numerator"] == relief["identified_returned"]
    assert rows["identified_return_rate"]["details"]["identified_exits"] == relief["identified_exits"]


def test_the_same_rows_as_csv_by_content_negotiation(api, seeded):
    response = api.get(f"/v1/indicators?year={seeded}", headers={"Accept": "text/csv"}, **OVERSIGHT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert tuple(r["key"] for r in rows) == INDICATOR_KEYS
    json_rows = indicators_of(api, seeded)
    for row in rows:
        expected = json_rows[row["key"]]["value"]
        assert row["value"] == ("" if expected is None else str(expected))
    assert rows[0]["name"] == "孤儿基本生活保障标准"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def workbook_rows(content: bytes) -> list[list[str]]:
    """The first worksheet's rows as text: shared strings resolved, numbers as written, empty cells ''."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = [("".join(t.text or "" for t in si.iter(f"{SHEET}t")))
                   for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{SHEET}si")]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells: dict[int, str] = {}
        for cell in row.iter(f"{SHEET}c"):
            letters = "".join(ch for ch in cell.get("r", "") if ch.isalpha())
            column = 0
            for ch in letters:
                column = column * 26 + ord(ch) - ord("A") + 1
            value = cell.findtext(f"{SHEET}v") or ""
            cells[column - 1] = strings[int(value)] if cell.get("t") == "s" else value
        rows.append([cells.get(i, "") for i in range(len(COLUMNS))])
    return rows


def test_the_same_rows_as_an_xlsx_workbook_by_content_negotiation(api, seeded):
    response = api.get(f"/v1/indicators?year={seeded}", headers={"Accept": XLSX}, **OVERSIGHT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == XLSX
    assert response.headers["Content-Disposition"] == f'attachment; filename="indicators-{seeded}.xlsx"'
    header, *rows = workbook_rows(response.content)
    csv_rows = list(csv.reader(io.StringIO(api.get(f"/v1/indicators?year={seeded}", headers={"Accept": "text/csv"},
                                                   **OVERSIGHT).content.decode("utf-8"))))
    assert header == list(COLUMNS) == csv_rows[0]
    assert [r[1] for r in rows] == list(INDICATOR_KEYS)
    for cells, text in zip(rows, csv_rows[1:], strict=True):  # numbers come back as numbers: compare as floats
        assert [float(c) if c and _numeric(c) else c for c in cells] == [
            float(t) if t and _numeric(t) else t for t in text], cells[1]


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_only_admins_and_oversight_read_them_and_a_bad_year_is_refused(api, seeded):
    assert_problem(api.get(f"/v1/indicators?year={seeded}", as_="marriage_clerk", office="MR-610502"),
                   403, "forbidden")
    assert_problem(api.get(f"/v1/indicators?year={seeded}", **FUNERAL_STAFF), 403, "forbidden")
    assert api.get(f"/v1/indicators?year={seeded}").status_code == 401
    for year in ("", "25", "abcd", "0999", "2025x"):
        assert_problem(api.get(f"/v1/indicators?year={year}", **OVERSIGHT), 422, "invalid_query")
