"""The development accounts and clients (`deploy/dev/accounts.yaml`), seeded by `make up`.

The file is `{accounts: [{username, password, name, role, office?, county?, township?}], clients:
[{client_id, client_secret, bureau, scopes}]}`. Seeding is idempotent: what exists is left as it is. What it
creates is marked as of development origin, which a production start refuses (core.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from services.gateway.identity.accounts import NewAccount
from services.gateway.identity.clients import NewClient
from services.gateway.identity.core import Identity

DEVELOPMENT = "development"


class DevelopmentFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    accounts: tuple[NewAccount, ...] = ()
    clients: tuple[NewClient, ...] = ()


@dataclass(frozen=True)
class Seeded:
    accounts: int
    clients: int
    first: NewAccount | None  # for `make up` to show how to sign in


class SeedError(ValueError):
    pass


def read_file(path: str | Path) -> DevelopmentFile:
    document: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        return DevelopmentFile.model_validate(document or {})
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SeedError(f"{path}: {reasons}") from None


def seed(identity: Identity, path: str | Path) -> Seeded:
    if not identity.settings.development:
        raise SeedError("development accounts are seeded in the development profile only")
    content = read_file(path)
    accounts = sum(identity.accounts.add(a, origin=DEVELOPMENT, exists_ok=True) for a in content.accounts)
    clients = sum(identity.clients.add(c, origin=DEVELOPMENT, exists_ok=True) for c in content.clients)
    return Seeded(accounts, clients, content.accounts[0] if content.accounts else None)
