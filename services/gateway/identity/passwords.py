"""Password and client-secret hashing: argon2id (argon2-cffi's defaults, RFC 9106's second recommendation).

`verify` costs the same whether or not there is a hash to check against: for an unknown username it
checks against a dummy hash, so that timing does not tell which usernames exist. The dummy is a constant made
once with the hasher's parameters (a test keeps them equal), not hashed at import: every `civreg` command
imports this module to build its parser, and an argon2id hash is a third to half a second of CPU.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id
# _HASHER.hash("no account has this password"): verifying against it costs what verifying a real hash does.
_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$5rFsAIRi+OpCOSVSCta8Mw$R4KbM+TqfVn7mt1+7D51G4eAWNt4e7Kqs5Sg4Joy13g"

MIN_PASSWORD = 10
MAX_PASSWORD = 200


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
