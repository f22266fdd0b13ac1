"""docs/events.md and the AsyncAPI document are generated from the event models and cannot drift: a stale
committed file fails here (regenerate with `civreg docs`), the AsyncAPI document validates against the official
AsyncAPI 3.0.0 JSON Schema (tests/data/asyncapi, Apache-2.0) and names every event type a relay can publish."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from services import SERVICES, asyncapi, event_docs, refusal_docs
from services.cli import main
from services.event_contracts import catalogues
from services.vagrant_aid.domain import events as vagrant_aid_events
from tests.support.event_samples import SAMPLES

ASYNCAPI_SCHEMA = Path(__file__).parents[2] / "data" / "asyncapi" / "asyncapi-3.0.0.schema.json"
MODELS = [model for catalogue in catalogues() for model in catalogue.models.values()]


def test_committed_events_md_is_the_rendered_catalogue():
    assert event_docs.EVENTS_MD.read_text(encoding="utf-8") == event_docs.render(), "run `civreg docs events`"


def test_committed_asyncapi_json_is_the_generated_document():
    assert asyncapi.ASYNCAPI_JSON.read_text(encoding="utf-8") == asyncapi.render(), "run `civreg docs asyncapi`"


def test_committed_refusals_md_lists_every_contracts_codes():
    assert refusal_docs.REFUSALS_MD.read_text(encoding="utf-8") == refusal_docs.render(), "run `civreg docs refusals`"
    assert "| `cash_over_limit` | V-4: cash for one case is at most 20 元 in all |" in refusal_docs.render()


def test_docs_check_fails_on_a_stale_file_and_names_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "docs" / "events.md"
    stale.parent.mkdir()
    stale.write_text("# hand-edited\n", encoding="utf-8")
    monkeypatch.setattr(event_docs, "EVENTS_MD", stale)
    assert main(["docs", "events", "--check"]) == 1
    assert "docs/events.md" in capsys.readouterr().out
    assert stale.read_text(encoding="utf-8") == "# hand-edited\n"  # --check writes nothing
    assert main(["docs", "events"]) == 0
    assert main(["docs", "events", "--check"]) == 0


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m.TYPE}.v{m.VERSION}")
def test_events_md_lists_every_type_version_and_field_with_its_type_and_description(model):
    text = event_docs.render()
    section = text.split(f"### `{model.TYPE}` v{model.VERSION}\n", 1)[1].split("\n### ", 1)[0]
    for name, info in model.model_fields.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == event_docs.type_name(info.annotation).replace(" | ", " or ")
        assert cells[3], f"{model.TYPE}.{name} has no description"


def test_events_md_shows_what_marriage_registered_really_carries():
    """The drift issue 11 found: the hand-written doc showed neither `parties[].name` nor `jurisdiction`."""
    section = event_docs.render().split("### `marriage.MarriageRegistered` v1", 1)[1].split("\n### ", 1)[0]
    assert "| `parties[].name` | string |" in section
    assert "| `jurisdiction` | string or null |" in section


def test_asyncapi_document_validates_against_the_official_asyncapi_3_schema():
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    document = asyncapi.build_document()
    assert document["asyncapi"] == "3.0.0"
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
    assert errors == []


def test_the_schema_check_is_not_a_formality():
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    document = asyncapi.build_document()
    next(iter(document["operations"].values()))["action"] = "publish"  # AsyncAPI 2's word, not 3's
    assert list(jsonschema.Draft7Validator(schema).iter_errors(document))


def test_one_channel_per_service_exchange_and_one_message_per_event_type_and_version():
    document = asyncapi.build_document()
    assert set(document["channels"]) == {f"{s.name}.events" for s in SERVICES if s.event_store}
    for model in MODELS:
        key = asyncapi.message_key(model)
        channel = document["channels"][f"{model.TYPE.split('.')[0]}.events"]
        assert key in channel["messages"]
        message = document["components"]["messages"][key]
        assert message["payload"]["properties"]["type"] == {"const": model.TYPE}
        payload = document["components"]["schemas"][f"{key}.payload"]
        assert set(payload["properties"]) == set(model.model_fields)
        operation = document["operations"][f"publish.{key}"]
        assert operation["bindings"]["amqp"]["cc"] == [model.TYPE]  # routing key = type


def test_every_event_type_a_relay_can_publish_is_in_the_asyncapi_document():
    document = asyncapi.build_document()
    published = {message["name"] for message in document["components"]["messages"].values()}
    writable = {event_type for catalogue in catalogues() for event_type in catalogue.schema_versions}
    writable |= set(vagrant_aid_events.ALL_TYPES)  # vagrant aid's drafts name their types directly
    writable |= {sample["type"] for sample in SAMPLES}  # what the deciders produced in the test suite
    assert writable <= published
