"""Service configuration: one YAML file per service in nameko's style, the environment over it, both typed.

Values may name environment variables the way nameko's own loader does: `${AMQP_URI:amqp://...}` takes
`AMQP_URI` from the environment, else the default after the colon. On top of that, *every* key can be
overridden without touching the file (pydantic-settings' environment source): a top-level key by an
environment variable of the same name (`DATABASE_URL=...`), a nested key by joining the path with double
underscores (`RELAY__POLL_INTERVAL=0.5` sets `RELAY: {POLL_INTERVAL: ...}`). The environment wins over the file.

What the file and the environment give together must satisfy the service's settings model (shared/settings.py
composes one from a model per concern): an unknown key (a typo) or a value of the wrong type stops the start
with `SettingsError`, naming the key — a misspelt key would otherwise be ignored and its default used in
silence. Values are never echoed: a URL may carry a password.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<default>[^}]*))?\}")


class SettingsError(ValueError):
    """The configuration does not fit the service's settings: the service does not start."""


def _substitute(text: str, environ: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in environ:
            return environ[name]
        if default is None:
            raise SettingsError(f"configuration needs environment variable {name}")
        return default

    return _ENV_REFERENCE.sub(replace, text)


def parse_config(text: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse a configuration document, resolving its `${VAR:default}` references (untyped: see `load_settings`)."""
    environ = os.environ if environ is None else environ
    config = yaml.safe_load(_substitute(text, environ)) or {}
    if not isinstance(config, dict):
        raise SettingsError("a configuration document must be a mapping")
    return config


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


# `${METRICS_PORT:}` and `METRICS_PORT=` both mean "not set", not an empty port or path:
# `Annotated[int | None, BLANK_IS_NONE]`.
BLANK_IS_NONE = BeforeValidator(_blank_is_none)


def refusal(error: ValidationError, origin: str) -> SettingsError:
    """A `SettingsError` naming each refused key as the file writes it and as the environment would."""
    problems = []
    for detail in error.errors(include_input=False, include_url=False):
        path = [str(part) for part in detail["loc"] if not isinstance(part, int)]
        problems.append(f"{'.'.join(path)} (environment {'__'.join(path)}): {detail['msg']}")
    return SettingsError(f"{origin}: " + "; ".join(problems))


class Section(BaseModel):
    """One concern's settings: typed, and refusing keys it does not know."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Self:
        """This concern's keys of a service's configuration (a nameko container's `config`), typed.

        A container's configuration was checked whole at start-up (`load_settings`); a test may hand a container
        a dictionary with keys of other concerns, so only this concern's keys are read here."""
        try:
            return cls.model_validate({key: value for key, value in config.items() if key in cls.model_fields})
        except ValidationError as exc:
            raise refusal(exc, "configuration") from None


_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("civreg_settings_environ", default=None)


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (os.environ unless a test names one)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._environ)  # case-sensitive: variables are named as the file's keys


class FileSettings(BaseSettings):
    """A service's whole configuration: the file's values, and the environment over them."""

    model_config = SettingsConfigDict(extra="forbid", frozen=True, case_sensitive=True, env_nested_delimiter="__")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _ENVIRON.get()
        return (_Environment(settings_cls, os.environ if environ is None else environ), init_settings)

    def nameko_config(self) -> dict[str, Any]:
        """The plain dictionary nameko's containers are given (and the concerns read back with `Section.of`)."""
        return self.model_dump(mode="json")


Settings = TypeVar("Settings", bound=FileSettings)


@contextmanager
def _environment(environ: Mapping[str, str]) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def load_settings(model: type[Settings], path: str | Path, environ: Mapping[str, str] | None = None) -> Settings:
    """One service's configuration file and the environment, checked against `model` (`SettingsError` if not)."""
    environ = os.environ if environ is None else environ
    try:
        values = parse_config(Path(path).read_text(encoding="utf-8"), environ)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    try:
        with _environment(environ):
            return model(**values)
    except ValidationError as exc:
        raise refusal(exc, str(path)) from None
