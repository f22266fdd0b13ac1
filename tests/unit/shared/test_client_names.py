"""The workbench names places from web/src/names.zh-CN.json, exported from the one definition of divisions and
place nouns (shared/reference/client_names.py): a stale committed file fails here (regenerate with
`civreg docs names`), and the names are the ones the server uses."""

from __future__ import annotations

import json
from datetime import date

from services.cli import main
from services.vagrant_aid.domain.stations import standing_stations
from shared.reference import client_names
from shared.reference.places import place_name


def test_committed_names_json_is_the_exported_reference():
    assert client_names.NAMES_JSON.read_text(encoding="utf-8") == client_names.render(), "run `civreg docs names`"


def test_the_export_names_the_citys_counties_present_and_abolished_and_every_province():
    names = json.loads(client_names.render())
    assert names["divisions"]["610502"] == {"name": "临渭区"}
    assert names["divisions"]["610521"] == {"name": "华县", "abolished_after": "2015-10-12"}  # still an ID's code (0.1)
    assert names["divisions"]["610500"] == {"name": "渭南市"}
    assert names["divisions"]["110000"] == {"name": "北京市"}
    assert "110101" not in names["divisions"]  # outside the city, a division is named by its province
    assert names["places"]["MR"] == "婚姻登记处"


def test_place_names_join_the_divisions_name_and_the_places_kind():
    assert place_name("MR-610502") == "临渭区婚姻登记处"
    assert place_name("RS-610500") == "渭南市救助管理站"
    assert place_name("RS-610528-3") == "富平县救助点（3）"
    assert place_name("FH-610502") == "临渭区殡仪馆"
    assert place_name("CEM-610502-1") == "临渭区公墓（1）"


def test_the_relief_stations_are_named_as_the_workbench_names_them():
    stations = standing_stations(date(2026, 1, 1))
    assert [s.name for s in stations][:2] == ["渭南市救助管理站", "临渭区救助管理站"]
    assert all(s.name == place_name(s.code) for s in stations)


def test_docs_check_fails_on_a_stale_names_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "src" / "names.zh-CN.json"
    stale.parent.mkdir()
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(client_names, "NAMES_JSON", stale)
    assert main(["docs", "names", "--check"]) == 1
    assert "names.zh-CN.json" in capsys.readouterr().out
    assert main(["docs", "names"]) == 0
    assert main(["docs", "names", "--check"]) == 0
