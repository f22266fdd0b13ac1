"""The shared unit-of-work machinery: a service's command and reaction ids stay what they were when each
service derived them itself (a retry after an upgrade must still find the first outcome), drafts become
envelopes at their type's schema version, and RPC requests are validated as strictly as at the gateway."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from services.child_welfare.application.unit_of_work import EventIds as ChildWelfareIds
from services.funeral.application.unit_of_work import EventIds as FuneralIds
from services.funeral.domain.events import DEATH_REGISTERED
from services.funeral.domain.events import Draft as FuneralDraft
from services.marriage.application.unit_of_work import EventIds as MarriageIds
from shared import unit_of_work
from shared.envelope import Draft, Metadata, derived_event_id
from shared.errors import Refusal
from shared.unit_of_work import new_events, parse


@pytest.mark.parametrize(("ids", "service"), [(FuneralIds, "funeral"), (MarriageIds, "marriage"),
                                               (ChildWelfareIds, "child_welfare")])
def test_command_ids_derive_from_service_principal_key_and_command(ids, service):
    command = ids.for_command("register", "clerk.MR-610502", "key-1")

    assert command.event_id(0) == derived_event_id(service, "clerk.MR-610502", "key-1", "register", "event", 0)
    assert command.resource("death") == str(derived_event_id(service, "clerk.MR-610502", "key-1", "register",
                                                             "death"))


@pytest.mark.parametrize(("ids", "service"), [(FuneralIds, "funeral"), (MarriageIds, "marriage"),
                                               (ChildWelfareIds, "child_welfare")])
def test_reaction_ids_follow_from_the_trigger(ids, service):
    trigger = uuid.UUID("00000000-0000-4000-8000-000000000001")

    assert ids.for_reaction("death", trigger).event_id(1) == derived_event_id(service, "reaction", "death",
                                                                               str(trigger), "event", 1)


def test_a_commands_ids_are_derived_once_and_answered_alike(monkeypatch):
    derived = []
    monkeypatch.setattr(unit_of_work, "derived_event_id",
                        lambda *parts: derived.append(parts) or derived_event_id(*parts))
    command = MarriageIds.for_command("register", "clerk.MR-610502", "key-1")

    assert command.event_id(0) == command.event_id(0) != command.event_id(1)
    assert command.resource("registration") == command.resource("registration")
    assert len(derived) == 3
    assert command == MarriageIds.for_command("register", "clerk.MR-610502", "key-1")  # the memo is no part of it


def test_without_an_idempotency_key_every_id_is_new():
    ids = FuneralIds.for_command("register", "clerk", None)

    assert ids.seed is None and ids.event_id(0) != ids.event_id(0)


def test_a_draft_becomes_an_envelope_at_its_types_schema_version_with_its_subjects_and_metadata():
    class Versioned(Draft):
        SCHEMA_VERSIONS: ClassVar = {"funeral.Tested": 3}

    metadata = Metadata(actor="clerk", correlation_id="c-1")
    drafts = [Versioned("funeral.Tested", dt.date(2025, 6, 1), {"a": 1}, (("610502199001010011", "deceased"),)),
              FuneralDraft(DEATH_REGISTERED, dt.date(2025, 6, 2), {"b": 2})]

    first, second = new_events(drafts, metadata, FuneralIds(("funeral", "p", "k", "c")), first_index=2)

    assert (first.schema_version, second.schema_version) == (3, 1)
    assert first.event_id == derived_event_id("funeral", "p", "k", "c", "event", 2)
    assert [(s.id, s.role) for s in first.subjects] == [("610502199001010011", "deceased")]
    assert first.metadata == metadata and second.payload == {"b": 2}


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str


def test_a_request_that_does_not_match_the_model_is_refused_422_field_by_field():
    with pytest.raises(Refusal) as refused:
        parse(_Command, {"name": 1, "extra": True})

    assert (refused.value.code, refused.value.status) == ("validation_failed", 422)
    assert sorted(tuple(error["loc"]) for error in refused.value.errors) == [("body", "extra"), ("body", "name")]
