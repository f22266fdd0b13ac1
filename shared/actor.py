"""Who gives a command: the authenticated principal, as it reaches a service.

Over RPC the actor is never what the caller says it is: every RPC entrypoint verifies the gateway's signed
assertion (shared/rpc_proof.py, shared/nameko_ext/proof.py) before the method runs and puts the verified
actor (`Actor.to_rpc`) in the method's `actor` argument, whatever the message carried there. A service
rebuilds it with `Actor.from_rpc`, refusing a call that names no principal or claims `system`. Services
react to other services' events and run their timers as `Actor.system(...)`, their own in-process
identity, which no RPC can claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import Refusal

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    office: str | None = None  # the registry office, relief station, funeral home or cemetery
    county: str | None = None  # child welfare officers of a county (none: the city level)
    township: str | None = None  # township officers (C-3)
    bureau: str | None = None  # another bureau's system (role `bureau`): which one (D-1: only `courts` writes)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM_ROLE

    @property
    def acts_for_the_city(self) -> bool:
        """A service reacting to another service's event is bound to no one place. Admins are not: they
        record no business at all (`check_records_business`)."""
        return self.role == SYSTEM_ROLE

    def check_records_business(self, what: str) -> None:
        """Separation of duties (issue 12, api.md release 2): an admin administers accounts and reference
        data (places, cemeteries and their plots, standards, calendars) and records no business event: an
        admin is refused 403 `forbidden_role`, the detail naming `what` it may not record."""
        if self.is_admin:
            raise Refusal("forbidden_role", f"an admin administers accounts and reference data and records no "
                                            f"{what}", 403)

    @property
    def unlimited_backdating(self) -> bool:
        """api.md: clerks and staff record up to 30 days back; registrars and imports (and a service's
        reactions, which carry the triggering event's date) without limit. Not admins: an admin records no
        business event at all (separation of duties, api.md release 2), so has no business date to set."""
        return self.role in (SYSTEM_ROLE, "marriage_registrar")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(name=name, role=SYSTEM_ROLE)

    def to_rpc(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "role": self.role, "office": self.office}
        if self.county is not None:
            data["county"] = self.county
        if self.township is not None:
            data["township"] = self.township
        if self.bureau is not None:
            data["bureau"] = self.bureau
        return data

    @classmethod
    def from_rpc(cls, data: Any) -> Actor:
        """The actor the RPC entrypoint verified (module docstring); `system` never arrives this way."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not isinstance(
            data.get("role"), str
        ) or data["role"] == SYSTEM_ROLE:
            raise Refusal("forbidden", "the call names no principal", 403)

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return cls(data["name"], data["role"], text("office"), county=text("county"), township=text("township"),
                   bureau=text("bureau"))
