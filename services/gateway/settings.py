"""The gateway's typed settings (`services/gateway/config.yaml`): its HTTP side, its RPC side, its identity.

`GatewaySettings` is what `civreg run gateway` checks the file and the environment against (shared/config.py):
an unknown key or a wrong type stops the start naming the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import PositiveFloat, PositiveInt

from services.gateway.body import DEFAULT_MAX_BODY_BYTES
from services.gateway.idempotency import DEFAULT_RETENTION_HOURS
from services.gateway.identity.settings import IdentityConfig, ProfileSetting
from shared.config import BLANK_IS_NONE, FileSettings, Section
from shared.queue_probe import DEFAULT_TTL
from shared.settings import Broker, Database, RpcProofSigning, Telemetry, Workers


class GatewayOptions(Section):
    """Where the gateway listens and what it lets in; how long it waits for a service and keeps answers."""

    WEB_SERVER_ADDRESS: str = "127.0.0.1:8000"  # nameko's own default listens on every interface
    PRINCIPALS_FILE: Annotated[Path | None, BLANK_IS_NONE] = None  # development only (deploy/dev/principals.yaml)
    MAX_BODY_BYTES: PositiveInt = DEFAULT_MAX_BODY_BYTES  # larger bodies are 413
    RPC_TIMEOUT: PositiveFloat = 10.0  # seconds; then 504 upstream_timeout
    RPC_CONSUMER_CHECK_TTL: PositiveFloat = DEFAULT_TTL  # seconds a service's "has a consumer" answer is cached
    IDEMPOTENCY_RETENTION_HOURS: PositiveFloat = DEFAULT_RETENTION_HOURS
    WORKBENCH_DIR: str = "web/dist"  # the built workbench (`make web`), from the repository root


class GatewaySettings(FileSettings, Broker, Workers, Database, Telemetry, RpcProofSigning, ProfileSetting,
                      GatewayOptions, IdentityConfig):
    """The gateway's `config.yaml`."""
