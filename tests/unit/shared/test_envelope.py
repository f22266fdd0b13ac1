"""The event envelope: stable type names, subjects as ID numbers or temporary ids, a JSON round trip."""

import datetime as dt
import json
import uuid

import pytest
from pydantic import ValidationError

from shared.envelope import Event, Metadata, NewEvent, Subject


def test_event_types_are_service_dot_past_tense_names():
    NewEvent(type="marriage.MarriageRegistered", occurred_on=dt.date(2025, 1, 1))
    for bad in ("MarriageRegistered", "marriage.marriage_registered", "services.marriage.X", "marriage."):
        with pytest.raises(ValidationError):
            NewEvent(type=bad, occurred_on=dt.date(2025, 1, 1))


def test_subjects_are_id_numbers_or_temporary_subject_ids():
    Subject(id="610502199001010011", role="party")
    Subject(id="TMP-RS610500-0001", role="person")
    for bad in ("61050219900101001", "'; DROP TABLE events;--", "610502199001010011\n"):
        with pytest.raises(ValidationError):
            Subject(id=bad, role="party")


def test_envelopes_are_frozen_and_refuse_unknown_fields():
    event = NewEvent(type="funeral.DeathRegistered", occurred_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        event.type = "funeral.Other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        NewEvent(type="funeral.DeathRegistered", occurred_on=dt.date(2025, 1, 1), surprise=1)


def test_a_stored_event_survives_the_wire_unchanged():
    event = Event(
        type="funeral.DeathRegistered", occurred_on=dt.date(2025, 1, 1),
        subjects=(Subject(id="610502199001010011", role="deceased"),), payload={"place": "610502"},
        metadata=Metadata(actor="staff-1", correlation_id="c1", causation_id=str(uuid.uuid4())),
        stream_id="death-1", stream_version=1, global_position=7,
        recorded_at=dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC),
    )
    assert Event.from_message(event.to_message()) == event
    assert event.service == "funeral"
    # The relay's text of the body is the same body, absent fields (null) and all.
    assert json.loads(event.message_body()) == event.to_message() and event.to_message()["metadata"]["office"] is None


def test_derived_event_ids_are_the_same_for_the_same_command_and_differ_otherwise():
    from shared.envelope import derived_event_id

    first = derived_event_id("marriage", "clerk.MR-610502", "key-1", 0)
    assert first == derived_event_id("marriage", "clerk.MR-610502", "key-1", 0)
    assert first != derived_event_id("marriage", "clerk.MR-610502", "key-1", 1)
    assert first != derived_event_id("marriage", "clerk.MR-610503", "key-1", 0)
    assert derived_event_id("a", "bc") != derived_event_id("ab", "c")  # parts are separated


def test_derived_id_text_is_the_derived_event_id_as_text():
    """The import's fast path gives exactly the ids the envelope's derived_event_id gives: an imported record
    found again on a re-run, and every id stored before it, depend on it."""
    from shared.envelope import derived_event_id, derived_id_text

    for parts in [("marriage", "historical", "MR-610526", f"W-{n}", f"W-{n + 1}") for n in range(500)] + [
        ("marriage", "historical-event", "王大明", 0), ("a",), ("", ""), ("marriage", "x\x1fy", None)
    ]:
        assert derived_id_text(*parts) == str(derived_event_id(*parts))


def test_a_stored_draft_is_the_event_model_construct_and_validation_would_build():
    draft = NewEvent(type="funeral.DeathRegistered", occurred_on=dt.date(2025, 1, 1),
                     subjects=(Subject(id="610502199001010011", role="deceased"),), payload={"place": "610502"},
                     metadata=Metadata(actor="staff-1"))
    at = dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    stored = Event.stored(draft, "d-1", 2, 7, at)
    constructed = Event.model_construct(**draft.__dict__, stream_id="d-1", stream_version=2, global_position=7,
                                        recorded_at=at)
    validated = Event.model_validate({**draft.model_dump(), "stream_id": "d-1", "stream_version": 2,
                                      "global_position": 7, "recorded_at": at})
    assert type(stored) is Event
    assert stored == constructed == validated
    assert stored.__pydantic_fields_set__ == constructed.__pydantic_fields_set__
    assert stored.message_body() == validated.message_body()
    assert Event.from_message(stored.to_message()) == stored
    with pytest.raises(ValidationError):
        stored.stream_version = 3  # type: ignore[misc]  # frozen like any event
