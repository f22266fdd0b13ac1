"""The event contracts of docs/events.md ("marriage"): every type the service records is listed with a schema
version, and the payload fields other services read are present."""

from __future__ import annotations

import datetime as dt
import re

from services.marriage.domain import events as ev
from services.marriage.domain.marriage import decide_death
from shared.envelope import EVENT_TYPE_PATTERN
from tests.unit.marriage.given import MAN, fold, register, registered_events

AGREED = ("marriage.MarriageRegistered", "marriage.RegistrationRefused", "marriage.DivorceApplied",
          "marriage.DivorceWithdrawn", "marriage.DivorceDeemedWithdrawn", "marriage.DivorceRegistered",
          "marriage.MarriageEndedByDeath", "marriage.MarriageRevived", "marriage.CourtOutcomeRecorded",
          "marriage.RegistrationRevoked", "marriage.CertificateReissued", "marriage.MarriageFlaggedForReview")


def test_every_agreed_type_is_recorded_at_version_1_and_well_formed():
    assert set(AGREED) <= set(ev.SCHEMA_VERSIONS)
    assert all(re.match(EVENT_TYPE_PATTERN, t) and v == 1 for t, v in ev.SCHEMA_VERSIONS.items())


def test_every_type_is_documented_in_the_events_module():
    assert all(t in ev.__doc__ for t in ev.SCHEMA_VERSIONS)


def test_marriage_registered_carries_the_agreed_fields():
    [event] = register()

    assert {"registration_id", "office", "office_division", "registered_on", "parties", "certificates",
            "cross_county", "imported"} <= set(event.payload)
    assert {"id_number", "sex", "household_division"} <= set(event.payload["parties"][0])


def test_marriage_ended_by_death_carries_the_agreed_fields():
    [event] = decide_death(fold(registered_events()), MAN, dt.date(2025, 6, 1), "death-1")

    assert {"registration_id", "died_on", "death_id"} <= set(event.payload)
