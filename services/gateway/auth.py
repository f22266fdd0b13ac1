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
from typing import Any, Literal, Protocol, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.reference.divisions import WEINAN, in_city, is_county_level
from shared.reference.places import InvalidPlace, parse_place

Role = Literal[
    "marriage_clerk",  # per registry office
    "marriage_registrar",  # revocations, court outcomes
    "child_welfare_officer",  # bound to a county, or to the city when it names none
    "township_officer",  # C-3's township check, bound to a township
    "adoption_registrar",  # A-1
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
    "adoption_registrar": frozenset({"registry_office"}),
    "funeral_staff": frozenset({"funeral_home", "cemetery"}),
    "relief_staff": frozenset({"relief_station"}),
}
_OFFICE_REQUIRED = frozenset({"marriage_clerk", "funeral_staff", "relief_staff"})
# The roles bound to a division rather than a place: a county (child welfare officers; none = the city
# level above the counties) or a township (township officers: a county code and three digits).
_COUNTY_ROLES = frozenset({"child_welfare_officer"})
_TOWNSHIP_ROLES = frozenset({"township_officer"})
_TOWNSHIP = re.compile(r"[0-9]{9}")

# RFC 6750 token68; long enough that guessing is hopeless. A presented token may be longer than a static one:
# signed access tokens (JWTs, an external issuer's included) run to a kilobyte or two.
_TOKEN = r"^[A-Za-z0-9\-._~+/]{24,512}=*$"
_BEARER_RE = re.compile(r"^[A-Za-z0-9\-._~+/]{24,8192}=*$")
# A grant of an access class (services/timeline/access.yaml): `status`, `case:facts`, `case@funeral`.
SCOPE_PATTERN = r"[a-z_]+(:[a-z_]+)?(@[a-z_]+)?"


class Authenticates(Protocol):
    """What the gateway's pipeline asks: who does this `Authorization` header prove the caller to be?"""

    def authenticate(self, authorization: str | None) -> Principal | None: ...


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
    county: str | None = None  # child welfare officers of a county
    township: str | None = None  # township officers
    display_name: str | None = None  # a person's name (accounts); `name` stays the stable identifier
    via: str = "static"  # how it signed in: static (development token), password, client, oidc


def check_scope(role: str, office: str | None, county: str | None = None, township: str | None = None) -> None:
    """The place or division that scopes a principal of `role` must suit the role (ValueError if not).

    One rule for the development principals file and for accounts: clerks, funeral and relief staff work at
    a place of their kind; a child welfare officer may be bound to a county (or, naming none, to the city);
    a township officer is bound to one township of a county of the city."""
    allowed = _OFFICE_KINDS.get(role, frozenset())
    if office is None:
        if role in _OFFICE_REQUIRED:
            raise ValueError(f"role {role} needs an office")
    else:
        try:
            kind = parse_place(office).kind
        except InvalidPlace as exc:
            raise ValueError(str(exc)) from None
        if kind not in allowed:
            raise ValueError(f"role {role} cannot work at {office}")
    if county is not None and (role not in _COUNTY_ROLES or not (county == WEINAN or _city_county(county))):
        raise ValueError(f"role {role} cannot be bound to county {county!r}")
    if role in _TOWNSHIP_ROLES and township is None:
        raise ValueError(f"role {role} needs a township")
    if township is not None and (role not in _TOWNSHIP_ROLES or not _TOWNSHIP.fullmatch(township)
                                 or not _city_county(township[:6])):
        raise ValueError(f"role {role} cannot be bound to township {township!r}")


def _city_county(code: str) -> bool:
    return is_county_level(code) and in_city(code)


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
    county: str | None = None
    township: str | None = None

    @model_validator(mode="after")
    def check_consistency(self) -> PrincipalEntry:
        if (self.token is None) == (self.token_sha256 is None):
            raise ValueError("give exactly one of token and token_sha256")
        if (self.role == "bureau") != (self.bureau is not None):
            raise ValueError("bureau is required for role bureau and only for it")
        if self.role == "bureau" and not self.scopes:
            raise ValueError("a bureau principal needs at least one scope")
        for scope in self.scopes:
            if not re.fullmatch(SCOPE_PATTERN, scope):
                raise ValueError(f"malformed scope {scope!r}")
        check_scope(self.role, self.office, self.county, self.township)
        return self

    @property
    def digest(self) -> str:
        return self.token_sha256 or token_digest(self.token or "")

    def principal(self) -> Principal:
        return Principal(self.name, self.role, self.office, self.bureau, tuple(self.scopes), self.county,
                         self.township)


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
        return None if token is None else self.lookup(token)

    def lookup(self, token: str) -> Principal | None:
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
    if scheme.lower() != "bearer" or not _BEARER_RE.match(credentials):
        return None
    return credentials
