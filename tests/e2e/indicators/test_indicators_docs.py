"""The indicators table of docs/certificates.md: a year seeded through HTTP on the real gateway, marriage, child
welfare, funeral and vagrant aid services (PostgreSQL, RabbitMQ), its `GET /v1/indicators` answer rendered as
markdown and written between the doc's markers (as `tests/integration/test_certificate_images.py` writes the
certificate's image), so the docs show what the code computes today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import local_today
from tests.e2e.funeral.calls import death_body
from tests.e2e.marriage.calls import REGISTRATIONS, clerk_of, registration
from tests.support.stack import module_stack
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

world, api = module_stack([MarriageService, ChildWelfareService, FuneralService, VagrantAidService])
DOC = Path(__file__).resolve().parents[3] / "docs" / "certificates.md"
BEGIN, END = "<!-- indicators-table:begin -->", "<!-- indicators-table:end -->"
ADMIN = {"as_": "admin"}


def seed(api) -> int:
    """The docs' year: four marriages at MR-610502 (one bride from 610503), public-welfare cemeteries in 610502
    and 610503, four deaths at the funeral home FH-610502, three of them cremated."""
    day = local_today()
    for division in ("610502", "610503"):
        opened = api.post("/v1/funeral/cemeteries", json={"code": f"CEM-{division}-1", "name": "公益性公墓",
                                                          "kind": "public_welfare"}, **ADMIN)
        assert opened.status_code == 201, opened.text
    for bride_from in ("610502", "610502", "610502", "610503"):
        married = api.post(REGISTRATIONS, json=registration(
            synthetic_id_number(sex="male"), synthetic_id_number(sex="female", division=bride_from)),
            **clerk_of("MR-610502"))
        assert married.status_code == 201, married.text
    home, staff = "FH-610502", {"as_": "funeral_staff", "office": "FH-610502"}
    for cremated in (True, True, False, True):
        death = api.post("/v1/funeral/deaths", json=death_body(day, died_on=day.isoformat()), **staff)
        assert death.status_code == 201, death.text
        if cremated:
            done = api.post("/v1/funeral/cremations", json={"death_id": death.json()["death_id"],
                                                            "funeral_home": home}, **staff)
            assert done.status_code == 201, done.text
    return day.year


def figure(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:g}"


def markdown(report: dict) -> str:
    """The answer as the docs' table: the plan's name, kind and target, the value, its figures, met."""
    met = {True: "yes", False: "no", None: "—"}
    lines = [f"Year {report['year']}:", "",
             "| indicator | kind · target | computable | value | numerator / denominator | met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in report["indicators"]:
        figures = ("—" if row["numerator"] is None and row["denominator"] is None
                   else f"{figure(row['numerator'])} / {figure(row['denominator'])}")
        cells = (f"{row['name']} (`{row['key']}`)", f"{row['kind']} · {row['target']}", row["computable"],
                 figure(row["value"], row["unit"]), figures, met[row["met"]])
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def test_the_docs_show_the_indicators_of_a_seeded_year(api):
    year = seed(api)
    answer = api.get(f"/v1/indicators?year={year}", as_="oversight")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    rows = {row["key"]: row for row in report["indicators"]}
    assert (rows["cremation_rate"]["numerator"], rows["cremation_rate"]["denominator"]) == (3, 4)
    assert rows["urban_public_cemetery_coverage"]["numerator"] == 2
    assert rows["marriage_citywide_rate"]["details"]["registrations"] == 4

    table = markdown(report)
    text = DOC.read_text(encoding="utf-8")
    block = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    assert block.search(text), f"{DOC.name} has lost its markers"
    rendered = block.sub(lambda _: f"{BEGIN}\n{table}\n{END}", text)
    if rendered != text:
        DOC.write_text(rendered, encoding="utf-8")  # the docs show what the code computes today
    assert table in DOC.read_text(encoding="utf-8")
