"""Service configuration: one YAML file per service in nameko's style, every key overridable by environment.

Values may name environment variables the way nameko's own loader does: `${AMQP_URI:amqp://...}` takes
`AMQP_URI` from the environment, else the default after the colon. On top of that, *every* key can be
overridden without touching the file: a top-level key by an environment variable of the same name
(`DATABASE_URL=...`), a nested key by joining the path with double underscores
(`RELAY__POLL_INTERVAL=0.5` sets `RELAY: {POLL_INTERVAL: ...}`). Overrides are parsed as YAML scalars,
so `5`, `true` and `0.5` keep their types.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<default>[^}]*))?\}")


def _substitute(text: str, environ: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"configuration needs environment variable {name}")
        return default

    return _ENV_REFERENCE.sub(replace, text)


def _scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _override(config: dict[str, Any], environ: Mapping[str, str], prefix: str = "") -> None:
    for key, value in config.items():
        env_name = f"{prefix}{key}".upper()
        if isinstance(value, dict):
            _override(value, environ, f"{env_name}__")
        elif env_name in environ:
            config[key] = _scalar(environ[env_name])


def parse_config(text: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse a configuration document with `${VAR:default}` references and environment overrides."""
    environ = os.environ if environ is None else environ
    config = yaml.safe_load(_substitute(text, environ)) or {}
    if not isinstance(config, dict):
        raise ValueError("a configuration document must be a mapping")
    _override(config, environ)
    return config


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Load one service's YAML configuration file."""
    return parse_config(Path(path).read_text(encoding="utf-8"), environ)
