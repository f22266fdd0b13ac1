"""The event contracts other services consume (docs/events.md, funeral): types, schema versions and the
payload fields each one promises."""

from __future__ import annotations

from services.funeral.contract.commands import CorrectDeath, IdentifyBody
from services.funeral.domain.events import (
    BODY_IDENTIFIED,
    DEATH_CORRECTED,
    DEATH_REGISTERED,
    SCHEMA_VERSIONS,
)
from services.funeral.domain.registration import decide_correction, decide_identification
from tests.unit.funeral.given import (
    OTHER_PERSON,
    PERSON,
    STAFF,
    TODAY,
    record,
    registered,
    unidentified_registered,
)

EVENT_TYPE = r"^funeral\.[A-Z][A-Za-z]+$"


def test_every_event_type_is_a_stable_string_at_schema_version_1():
    import re

    assert {DEATH_REGISTERED, DEATH_CORRECTED, BODY_IDENTIFIED} <= set(SCHEMA_VERSIONS)
    assert all(re.fullmatch(EVENT_TYPE, t) and v == 1 for t, v in SCHEMA_VERSIONS.items())


def test_death_registered_carries_the_documented_fields():
    [event] = registered()

    assert event.schema_version == 1
    assert {"death_id", "died_on", "place_division", "natural", "certificate_no", "issuer", "funeral_home",
            "identified", "police_case", "source", "relief_case_id"} <= set(event.payload)
    assert [role for _, role in event.subjects] == ["deceased"]


def test_death_corrected_carries_the_documented_fields():
    [event] = decide_correction(record(registered()), CorrectDeath(reason="wrong person", id_number=OTHER_PERSON),
                                STAFF, TODAY, False)

    assert {"death_id", "reason", "changes", "previous_subject", "subject"} <= set(event.payload)
    assert event.payload["changes"]["id_number"] == {"from": PERSON, "to": OTHER_PERSON}
    assert [role for _, role in event.subjects] == ["deceased", "wrongly_recorded"]


def test_body_identified_carries_the_documented_fields():
    [event] = decide_identification(record(unidentified_registered()), IdentifyBody(id_number=PERSON, method="dna"),
                                    STAFF, TODAY, False)

    assert {"death_id", "temporary_id", "id_number", "identified_on", "method"} <= set(event.payload)
    assert [role for _, role in event.subjects] == ["temporary", "identified"]
