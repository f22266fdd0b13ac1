"""Who is calling: principals, their roles, and bearer-token authentication (api.md "Conventions").

Principals come from a YAML list (`deploy/dev/principals.yaml` in development) of
`{token | token_sha256, name, role, office?, bureau?, scopes?}`. Only the SHA-256 of each token is kept in
memory; a presented token is hashed and looked up, so no clear token outlives the request that carried it.
Neither tokens nor their hashes are ever logged or put in an error message: the entry model hides its input
from validation errors.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.reference.places import InvalidPlace, parse_place

Role = Literal[
    "marriage_clerk",  # per registry office
    "marriage_registrar",  # revocations, court outcomes
    "child_welfare_officer",  # of a county, or the city level above them
    "township_officer",  # C-3: records the township's check; the county officer decides
    "funeral_staff",  # per funeral home or cemetery
    "relief_staff",  # per relief station
    "bureau",  # another bureau's system: read-only, by scope and stated purpose
    "oversight",  # reads the access log
    "admin",  # standards, calendars, principals
]
ROLES: frozenset[str] = frozenset(get_args(Role))

# The kinds of place a role's `office` may name; roles not listed work for the city, at no one place.
_OFFICE_KINDS: dict[str, frozenset[str]] = {
    "marriage_clerk": frozenset({"registry_office"}),
    "marriage_registrar": frozenset({"registry_office"}),
    "funeral_staff": frozenset({"funeral_home", "cemetery"}),
    "relief_staff": frozenset({"relief_station"}),
}
_OFFICE_REQUIRED = frozenset({"marriage_clerk", "funeral_staff", "relief_staff"})

# RFC 6750 token68; long enough that guessing is hopeless.
_TOKEN = r"^[A-Za-z0-9\-._~+/]{24,512}=*$"
_TOKEN_RE = re.compile(_TOKEN)


class PrincipalsError(ValueError):
    """The principals file is unusable; start-up stops rather than serve with a wrong set of principals."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. `name` identifies it in the access log, idempotency keys and logs."""

    name: str
    role: str
    office: str | None = None
    bureau: str | None = None
    scopes: tuple[str, ...] = ()


class PrincipalEntry(BaseModel):
    """One entry of the principals file."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    token: str | None = Field(default=None, pattern=_TOKEN)
    token_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    role: Role
    office: str | None = None
    bureau: str | None = Field(default=None, pattern=r"^[a-z][a-z_]{1,40}$")
    scopes: tuple[str, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def check_consistency(self) -> PrincipalEntry:
        if (self.token is None) == (self.token_sha256 is None):
            raise ValueError("give exactly one of token and token_sha256")
        if (self.role == "bureau") != (self.bureau is not None):
            raise ValueError("bureau is required for role bureau and only for it")
        if self.role == "bureau" and not self.scopes:
            raise ValueError("a bureau principal needs at least one scope")
        for scope in self.scopes:
            if not re.fullmatch(r"[a-z_]+(:[a-z_]+)?", scope):
                raise ValueError(f"malformed scope {scope!r}")
        self.check_office()
        return self

    def check_office(self) -> None:
        allowed = _OFFICE_KINDS.get(self.role, frozenset())
        if self.office is None:
            if self.role in _OFFICE_REQUIRED:
                raise ValueError(f"role {self.role} needs an office")
            return
        try:
            kind = parse_place(self.office).kind
        except InvalidPlace as exc:
            raise ValueError(str(exc)) from None
        if kind not in allowed:
            raise ValueError(f"role {self.role} cannot work at {self.office}")

    @property
    def digest(self) -> str:
        return self.token_sha256 or token_digest(self.token or "")

    def principal(self) -> Principal:
        return Principal(self.name, self.role, self.office, self.bureau, tuple(self.scopes))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Principals:
    """The known principals, indexed by the SHA-256 of their token."""

    def __init__(self, by_digest: Mapping[str, Principal]) -> None:
        self._by_digest = dict(by_digest)

    @classmethod
    def from_entries(cls, entries: Iterable[Any]) -> Principals:
        by_digest: dict[str, Principal] = {}
        names: set[str] = set()
        for index, raw in enumerate(entries):
            try:
                entry = PrincipalEntry.model_validate(raw)
            except ValidationError as exc:
                reasons = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors()
                )
                raise PrincipalsError(f"principal #{index}: {reasons}") from None
            if entry.name in names:
                raise PrincipalsError(f"principal #{index}: name {entry.name!r} is used twice")
            if entry.digest in by_digest:
                raise PrincipalsError(f"principal #{index} ({entry.name}): its token is already in use")
            names.add(entry.name)
            by_digest[entry.digest] = entry.principal()
        return cls(by_digest)

    @classmethod
    def load(cls, path: str | Path) -> Principals:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if not isinstance(document, list):
            raise PrincipalsError("the principals file must be a list of principals")
        return cls.from_entries(document)

    def authenticate(self, authorization: str | None) -> Principal | None:
        """The principal whose bearer token the `Authorization` header carries, or None."""
        token = bearer_token(authorization)
        if token is None:
            return None
        # Looking up the digest rather than comparing tokens: timing reveals at most something about a
        # SHA-256 digest, which says nothing usable about any token.
        return self._by_digest.get(token_digest(token))

    def __iter__(self) -> Iterator[Principal]:
        return iter(self._by_digest.values())

    def __len__(self) -> int:
        return len(self._by_digest)


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not _TOKEN_RE.match(credentials):
        return None
    return credentials
