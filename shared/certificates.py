"""Certificate numbers and verification codes (docs/certificates.md, K-2, K-4, K-8), pure: the parts every
issuing service shares. Marriage numbers its 结婚证 and 离婚证 with them, adoption its 收养登记证 and 解除收养关系证明;
each service keeps its own serial and code tables in its own schema (same shape, see the migrations).

K-8, why a fast hash: a code is 12 characters drawn by `secrets` from 31 (about 59 bits), so nobody can guess
one through a public route (rate-limited per client, every miss the same 404), and a slow hash would only
slow down an attacker who already read the service's tables — and who then already holds everything a code
unlocks (validity, kind, date), and more. What the hash does protect against is a reader of the table
passing codes on; for that SHA-256 over the copy's identity and the code suffices. The codes never go into an
event (events reach other services and the feed), only into the issuing transaction's `certificate_codes`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.errors import Refusal

MAX_SERIAL = 999_999
SERIALS_EXHAUSTED = "serials_exhausted"

# K-8: no look-alikes (no 0/O, 1/I/L); the alphabet the printed documents accept (shared/documents).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


@dataclass(frozen=True)
class SerialKey:
    """K-4: one gap-free sequence per prefix, issuing office's division and business year."""

    prefix: str
    division: str
    year: int

    @classmethod
    def on(cls, prefix: str, division: str, day: dt.date) -> SerialKey:
        return cls(prefix, division, day.year)


def certificate_number(key: SerialKey, serial: int) -> str:
    """K-2: `<prefix><division>-<year>-<serial>`, e.g. `J610502-2026-000001`."""
    if not 1 <= serial <= MAX_SERIAL:
        raise Refusal(SERIALS_EXHAUSTED, f"the year's {MAX_SERIAL} numbers of {key.prefix}{key.division} are used",
                      409)
    return f"{key.prefix}{key.division}-{key.year}-{serial:06d}"


# K-8, drawn in one call: `secrets.choice` per character made a `getrandom` system call each (24 a registration
# of two copies; issue 19). A code is instead mapped from one draw of random bytes: each byte below
# `_ACCEPTED` (248 = 8 × 31) names the character at its value modulo 31 — every character of the alphabet
# from exactly 8 byte values, so uniformly —, and a byte of 248 or more is discarded (rejection, not
# folding, which would favour the first 8 characters). The characters stay independent and uniform, from the
# same CSPRNG; with 16 bytes drawn for 12 characters, a second draw is needed about once in 10,000 codes.
_ACCEPTED = 256 - 256 % len(CODE_ALPHABET)
_CODE_OF_BYTE = bytes(ord(CODE_ALPHABET[b % len(CODE_ALPHABET)]) if b < _ACCEPTED else 0 for b in range(256))
_REJECTED = bytes(range(_ACCEPTED, 256))
_DRAWN = CODE_LENGTH + 4


def new_code() -> str:
    """K-8: a copy's random verification code, drawn by `secrets` (uniform over the alphabet, see above)."""
    code = b""
    while len(code) < CODE_LENGTH:
        code += secrets.token_bytes(_DRAWN).translate(_CODE_OF_BYTE, _REJECTED)
    return code[:CODE_LENGTH].decode("ascii")


def code_hash(number: str, holder: str, code: str) -> str:
    """K-8: the stored form of a copy's code, bound to the copy (see the module's docstring for the hash)."""
    return hashlib.sha256(f"{number}\x1f{holder}\x1f{code}".encode()).hexdigest()


def plausible_code(code: object) -> bool:
    return isinstance(code, str) and CODE_LENGTH <= len(code) <= 32 and all(c in CODE_ALPHABET for c in code)


def matching_copy(number: str, code: object, copies: Iterable[tuple[str, str]]) -> str | None:
    """K-8: the holder of the copy of `number` whose code this is, or None (wrong, missing or malformed code)."""
    if not plausible_code(code):
        return None
    assert isinstance(code, str)
    for holder, stored in copies:
        if hmac.compare_digest(stored, code_hash(number, holder, code)):
            return holder
    return None


def serial_gaps(serials: Sequence[int]) -> list[int]:
    """K-4 audit: the serials missing below the highest taken."""
    taken = set(serials)
    return [n for n in range(1, max(taken, default=0) + 1) if n not in taken]


# The SQL of K-4 and K-8 against a service's own `certificate_serials` and `certificate_codes` tables.
TAKE_SERIAL = ("INSERT INTO certificate_serials AS s (prefix, division, year, last) VALUES (%s, %s, %s, 1)"
               " ON CONFLICT (prefix, division, year) DO UPDATE SET last = s.last + 1 RETURNING last")
STORE_CODE = "INSERT INTO certificate_codes (number, id_number, code_hash) VALUES (%s, %s, %s)"
COPIES = "SELECT id_number, code_hash FROM certificate_codes WHERE number = %s ORDER BY id_number"
