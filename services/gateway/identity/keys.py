"""The keys that sign civreg's access tokens: ES256 (P-256), each with a `kid`, kept in the gateway's schema.

Where the private keys live: in the `signing_keys` table, each private JWK encrypted as a JWE (`dir`,
A256GCM) under the key secret (`IDENTITY.KEY_SECRET`, environment `SIGNING_KEY_SECRET`, a base64url 32-byte
key mounted as a secret). A database dump alone therefore signs nothing, every gateway replica shares the
same keys without a shared file system, and rotation is one row (`civreg keys rotate`). The development
profile uses a published secret; production refuses it (settings.py).

Rotation: the newest unretired key signs; the key it replaces is retired, and stays published at
`/.well-known/jwks.json` (and trusted) for `grace` seconds — the longest token lifetime — so that tokens it
signed verify until they expire. Verification never touches the database per request: `KeyRing` caches the
key set for `cache_seconds` and rereads it early only for an unknown `kid` (at most once a second), which is
how a replica learns a key another one, or the CLI, has just made.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OctKey

from shared.db import Database

ALGORITHM = "ES256"
_REREAD_AT_MOST_EVERY = 1.0


class KeySecretError(ValueError):
    """The key secret is malformed or does not open the stored keys."""


def key_secret(text: str) -> OctKey:
    """The key-encryption key: 32 random bytes, base64url-encoded (`civreg keys secret` prints one)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise KeySecretError("the key secret must be 32 random bytes, base64url-encoded (civreg keys secret)")
    return OctKey.import_key(raw)


def new_secret() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


@dataclass(frozen=True)
class KeySnapshot:
    signing: ECKey
    verifying: KeySet
    read_at: float


class KeyRing:
    """The gateway's signing key and the set of keys that verify its tokens, cached."""

    def __init__(self, db: Database, secret: str, *, grace: int, cache_seconds: float = 30.0) -> None:
        self.db = db
        self._secret = key_secret(secret)
        self.grace = grace
        self.cache_seconds = cache_seconds
        self._snapshot: KeySnapshot | None = None
        self._lock = threading.Lock()
        self._last_reread = 0.0

    # -- administration ---------------------------------------------------------------------------------
    def rotate(self) -> str:
        """Make a new signing key and retire the current one; returns the new `kid`."""
        kid = f"civreg-{time.strftime('%Y%m%d', time.gmtime())}-{secrets.token_hex(4)}"
        key = ECKey.generate_key("P-256", parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"})
        sealed = jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM"},
                                     json.dumps(key.as_dict(private=True)).encode(), self._secret)
        with self.db.transaction() as tx:
            tx.execute("LOCK TABLE signing_keys IN EXCLUSIVE MODE")  # two rotations at once: one signing key
            tx.execute("UPDATE signing_keys SET retired_at = clock_timestamp() WHERE retired_at IS NULL")
            tx.execute("INSERT INTO signing_keys (kid, alg, public_jwk, private_jwe) VALUES (%s, %s, %s, %s)",
                       (kid, ALGORITHM, json.dumps(key.as_dict(private=False)), sealed))
        self._snapshot = None
        return kid

    def ensure_signing_key(self) -> None:
        """A first start has no key: make one (rotating nothing)."""
        with self.db.connection() as conn:
            found = conn.execute("SELECT 1 FROM signing_keys WHERE retired_at IS NULL").fetchone()
        if not found:
            self.rotate()

    # -- use ----------------------------------------------------------------------------------------------
    def signing_key(self) -> ECKey:
        return self._current().signing

    def verifying_keys(self, kid: str | None = None) -> KeySet:
        """The published keys; an unknown `kid` rereads them (rate-limited) before the caller gives up."""
        snapshot = self._current()
        if kid is not None and not _has(snapshot.verifying, kid):
            now = time.monotonic()
            if now - self._last_reread >= _REREAD_AT_MOST_EVERY:
                self._last_reread = now
                snapshot = self._load()
        return snapshot.verifying

    def jwks(self) -> dict:
        return self._current().verifying.as_dict(private=False)

    def _current(self) -> KeySnapshot:
        snapshot = self._snapshot
        if snapshot is None or time.monotonic() - snapshot.read_at > self.cache_seconds:
            snapshot = self._load()
        return snapshot

    def _load(self) -> KeySnapshot:
        with self._lock:
            with self.db.connection() as conn:
                rows = conn.execute(
                    "SELECT kid, public_jwk, private_jwe, retired_at IS NULL FROM signing_keys"
                    " WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => %s)"
                    " ORDER BY created_at DESC", (self.grace,)).fetchall()
            signing = next((row for row in rows if row[3]), None)
            if signing is None:
                raise KeySecretError("no signing key: run `civreg keys rotate`")
            try:
                private = jwe.decrypt_compact(signing[2], self._secret).plaintext
            except JoseError:
                raise KeySecretError("the key secret does not open the stored signing key") from None
            snapshot = KeySnapshot(ECKey.import_key(json.loads(private)),
                                   KeySet.import_key_set({"keys": [row[1] for row in rows]}), time.monotonic())
            self._snapshot = snapshot
            return snapshot


def _has(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)
