"""Who calls and what they send, for the marriage end-to-end tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.business_dates import local_today
from tests.support.synthetic_ids import synthetic_id_number

CLERK = {"as_": "marriage_clerk", "office": "MR-610502"}
REGISTRAR = {"as_": "marriage_registrar"}
REGISTRATIONS = "/v1/marriage/registrations"
# Weinan's eleven county-level registry offices: the M-3 race and the K-4 numbering race run at all of them.
OFFICES = ("MR-610502", "MR-610503", "MR-610522", "MR-610523", "MR-610524", "MR-610525", "MR-610526", "MR-610527",
           "MR-610528", "MR-610581", "MR-610582")


def clerk_of(office: str) -> dict[str, str]:
    return {"as_": "marriage_clerk", "office": office}


def couple() -> tuple[str, str]:
    return synthetic_id_number(sex="male"), synthetic_id_number(sex="female")


def registration(man: str, woman: str, office: str = "MR-610502", **changes: Any) -> dict[str, Any]:
    return {"office": office, "declaration_signed": True,
            "parties": [{"id_number": man, "name": "王小明"}, {"id_number": woman, "name": "李小红"}], **changes}


def divorced_weeks_ago(world: Any) -> tuple[str, str, dict[str, Any]]:
    """A marriage divorced by agreement 35 days ago (the cooling-off needs the clock: the application runs on
    the module's marriage schema with a clock set back, as the service would have on those days)."""
    from services.marriage.application.marriage import Marriage
    from services.marriage.domain.events import UPCASTERS
    from shared.eventstore.postgres import PostgresEventStore
    from shared.nameko_ext.context import Correlation
    from tests.support.clock import Clock

    today = local_today()
    clock = Clock(today - dt.timedelta(days=70))
    marriage = Marriage(PostgresEventStore(world[0].database("marriage", max_size=1), UPCASTERS),
                        Correlation("e2e-divorce", None, "tester"), clock)
    clerk = {"name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502"}
    man, woman = couple()
    registration_id = marriage.register_marriage(registration(man, woman), clerk, None)["registration_id"]
    applied = marriage.apply_for_divorce({"office": "MR-610502", "registration_id": registration_id,
                                          "agreement": {"children": "none", "property": "split", "debts": "none"}},
                                         clerk, None)
    clock.today = dt.date.fromisoformat(applied["register_from"])
    registered = marriage.register_divorce(applied["divorce_id"], {}, clerk, None)
    assert dt.date.fromisoformat(registered["registered_on"]) < today
    return man, woman, registered
