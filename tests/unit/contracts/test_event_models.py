"""Every event type has a frozen model, and the payloads the services write today parse through it unchanged.

`tests/data/event_payloads.jsonl` holds payloads the deciders of every service produced during a run of the
test suite (one per shape: optional fields present or absent, null or set), plus the two shapes of
`child_welfare.TerminationCorrected` written by reactions. Each replays through its model and back to the same
JSON, so the models describe exactly what is stored.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.child_welfare.domain import events as child_welfare_events
from services.event_contracts import catalogue_of, catalogues
from services.funeral.domain import events as funeral_events
from services.marriage.domain import events as marriage_events
from services.vagrant_aid.domain import events as vagrant_aid_events
from shared.reference.events import EventCatalogue, EventModel, UnknownEventType
from tests.support.event_samples import SAMPLES


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s["type"])
def test_stored_payload_replays_through_its_model_unchanged(sample):
    model = catalogue_of(sample["type"]).parse(sample["type"], sample["schema_version"], sample["payload"])
    assert sample["type"] == model.TYPE
    assert model.payload() == sample["payload"]


def test_every_event_type_has_a_stored_sample_and_every_sample_a_model():
    declared = {event_type for catalogue in catalogues() for event_type in catalogue.types}
    sampled = {sample["type"] for sample in SAMPLES}
    assert declared == sampled


@pytest.mark.parametrize("module", [marriage_events, child_welfare_events, funeral_events])
def test_a_service_writes_each_type_at_its_models_version(module):
    catalogue = catalogue_of(next(iter(module.SCHEMA_VERSIONS)))
    assert dict(module.SCHEMA_VERSIONS) == {t: m.VERSION for t, m in catalogue.current.items()}


def test_vagrant_aid_type_constants_are_its_models_types():
    assert set(vagrant_aid_events.ALL_TYPES) == set(catalogue_of("vagrant_aid.PersonTakenIn").types)


def test_models_are_frozen_and_refuse_unknown_fields():
    model = catalogue_of("marriage.MarriageRevived").current["marriage.MarriageRevived"]
    event = model(registration_id="R-1", reason="death_corrected", death_id="D-1")
    with pytest.raises(ValidationError):
        event.reason = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        model(registration_id="R-1", reason="x", death_id="D-1", surprise=True)


def test_an_old_version_is_upcast_at_the_dict_boundary_into_the_current_model():
    class RenamedV1(EventModel):
        TYPE = "demo.Renamed"
        VERSION = 1
        nm: str

    class RenamedV2(EventModel):
        TYPE = "demo.Renamed"
        VERSION = 2
        name: str

    catalogue = EventCatalogue("demo", (RenamedV1, RenamedV2))
    catalogue.upcasters.register("demo.Renamed", 1)(lambda p: {"name": p.pop("nm")})
    assert catalogue.parse("demo.Renamed", 1, {"nm": "x"}) == RenamedV2(name="x")
    assert catalogue.parse("demo.Renamed", 2, {"name": "y"}) == RenamedV2(name="y")
    assert catalogue.schema_versions == {"demo.Renamed": 2}
    with pytest.raises(UnknownEventType):
        catalogue.parse("demo.Unknown", 1, {})


def test_payload_leaves_absent_optional_fields_absent():
    model = catalogue_of("marriage.MarriageRegistered").current["marriage.MarriageRegistered"]
    sample = next(s for s in SAMPLES if s["type"] == model.TYPE and "batch_id" not in s["payload"])
    assert "batch_id" not in model.model_validate(sample["payload"]).payload()
