"""The building blocks every service's contract package (`services/<name>/contract/`) shares: the base of a
command body, the base of a response, and the resource-id and stored-version types.

A command is frozen and takes nothing but the fields it declares. The gateway reads it from JSON strictly
(no `"1"` for `1`); the service validates the same model again from the JSON the gateway forwards. A
response documents what a service answers; services may add fields, so it ignores what it does not name.
A `CommandEntry` is one line of a service's command table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ResourceId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
Version = Annotated[int, Field(ge=1)]  # the stream version a client last read (api.md If-Match)


class Command(BaseModel):
    """A command body or one of its parts: immutable, and nothing but the fields it declares."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Response(BaseModel):
    """A service's answer as the OpenAPI document shows it; services may add fields."""

    model_config = ConfigDict(frozen=True)


_PATH_PARAMETER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


@dataclass(frozen=True)
class CommandEntry:
    """One line of a service's command table (`services/<name>/contract/table.py`): the contract half of a
    command. The service pairs it with its decider by `name`; the nameko RPC entrypoint and the gateway
    route are both generated from it.

    The RPC call is `name(*path parameters in path order, body as JSON, actor, idempotency_key)`.
    """

    name: str  # the RPC method, and the decider's key
    method: str  # HTTP
    path: str  # werkzeug rule syntax: `/v1/funeral/deaths/<death_id>/collection`
    body: type[BaseModel]
    roles: frozenset[str]
    stream: str  # the kind of stream it writes (`death-<id>`: "death"), for the documents
    response: type[BaseModel] | None = None
    status: int = 200
    summary: str = ""
    action: str = ""  # the access log's name for it, when not `<service>.<name>`
    subject: str | None = None  # the path parameter that is a person's id
    # The name event ids are derived from, where release 1 used another than `name`: a retry across the
    # upgrade must derive the same ids to find its first outcome.
    ids_name: str = ""
    # The Location header of a created resource: a path whose `<field>`s are taken from the answer
    # (`/v1/vagrant-aid/cases/<case_id>`); none when empty.
    location: str = ""

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAMETER.findall(self.path))

    def location_of(self, answer: Mapping[str, Any]) -> str | None:
        """The Location of the resource the answer names, if the entry gives one."""
        if not self.location:
            return None
        return _PATH_PARAMETER.sub(lambda field: str(answer[field[1]]), self.location)


def command_table(*entries: CommandEntry) -> dict[str, CommandEntry]:
    """The entries by name; a name given twice is refused at import."""
    table: dict[str, CommandEntry] = {}
    for entry in entries:
        if entry.name in table:
            raise ValueError(f"command {entry.name} is in the table twice")
        table[entry.name] = entry
    return table
