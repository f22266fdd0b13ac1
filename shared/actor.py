"""Who gives a command: the authenticated principal, as the gateway passes it to a service over RPC.

The gateway sends `{name, role, office}` (`Actor.to_rpc`); a service rebuilds it with `Actor.from_rpc`,
refusing a call that names no principal. Services react to other services' events as `Actor.system(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import Refusal


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    office: str | None = None  # the registry office, relief station, funeral home or cemetery

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def acts_for_the_city(self) -> bool:
        """Admins, and a service reacting to another service's event, are bound to no one place."""
        return self.role in ("admin", "system")

    @property
    def unlimited_backdating(self) -> bool:
        """api.md: clerks and staff record up to 30 days back; registrars, admins and imports (and a
        service's reactions, which carry the triggering event's date) without limit."""
        return self.role in ("admin", "system", "marriage_registrar")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(name=name, role="system")

    def to_rpc(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "office": self.office}

    @classmethod
    def from_rpc(cls, data: Any) -> Actor:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not isinstance(
            data.get("role"), str
        ):
            raise Refusal("forbidden", "the call names no principal", 403)
        office = data.get("office")
        return cls(data["name"], data["role"], office if isinstance(office, str) else None)
