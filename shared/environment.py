"""What the operator's commands read from the environment (`OperatorEnvironment`), and the addresses every
setting defaults to.

A module of its own, apart from the services' settings (shared/settings.py): those import the outbox relay,
kombu, nameko and structlog, which a one-job command such as `civreg marriage-import` never uses, and which
were about a tenth of its start (issue 19).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config import BLANK_IS_NONE
from shared.db import DEFAULT_NAMESPACE

DEFAULT_DATABASE_URL = "postgresql://127.0.0.1:5432/civreg"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


class OperatorEnvironment(BaseSettings):
    """What the operator's commands (`civreg migrate`, `declare`, `dead-letters`, ...; services/cli.py) read from
    the environment. The environment holds much else, so other variables are ignored here; a service's own
    keys are checked by its settings model at `civreg run`."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    DATABASE_ADMIN_URL: str = DEFAULT_DATABASE_URL  # migrations: a role that may create schemas and roles
    DATABASE_URL: str = DEFAULT_DATABASE_URL
    AMQP_URI: str = DEFAULT_AMQP_URI
    CIVREG_NAMESPACE: str = Field(DEFAULT_NAMESPACE, pattern=r"^[a-z][a-z0-9_]*$")
    WEB_SERVER_ADDRESS: Annotated[str | None, BLANK_IS_NONE] = None  # set in the gateway's container: its health check
