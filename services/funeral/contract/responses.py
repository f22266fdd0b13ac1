"""What the funeral service answers, as the gateway documents it (OpenAPI): services may add fields."""

from __future__ import annotations

import datetime as dt

from shared.reference.contract import Response as View


class DeathRegistered(View):
    death_id: str
    subject_id: str
    identified: bool
    version: int


class Cremated(View):
    cremation_id: str
    cremation_certificate: str
    death_id: str
    ashes_number: str | None
    version: int


class PersonDeath(View):
    person_id: str
    deceased: bool
    died_on: dt.date | None = None
    death_id: str | None = None  # funeral staff and admins only
