"""The machinery of one command's unit of work, shared by the services that write with it: load the streams a
command decides on, append what it decided, keep the inline read models in step — all in one PostgreSQL
transaction, so that a refusal anywhere writes nothing.

Event ids come from the idempotency key when the caller sent one (`derived_event_id`): a command retried
after a crash between our commit and the gateway's record appends the same ids, and `replayed()` finds the
first outcome instead of deciding again. Without a key the ids are random.

A lost race (`ConcurrencyConflict`: the stream moved between our read and our append) is decided again on
fresh state, in a new transaction — or, inside a subscription's transaction, in a new savepoint; there the
store's append lock, held until commit, guarantees the second read sees every committed event.

A service derives `EventIds` (naming itself) and `UnitOfWork` (naming its read models, the most events one
command writes, and loaders for its streams); its own `unit_of_work` module keeps only those specifics.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar, Protocol, TypeVar

import psycopg
from pydantic import BaseModel, ValidationError

from shared.actor import Actor
from shared.business_dates import local_today
from shared.envelope import Draft, Event, Metadata, NewEvent, derived_event_id
from shared.errors import Refusal
from shared.eventstore.base import ConcurrencyConflict, EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.nameko_ext.context import Correlation
from shared.reference.contract import CommandEntry

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
U = TypeVar("U", bound="UnitOfWork")
ATTEMPTS = 3
MAX_ERRORS = 20  # validation errors reported per refused request


class ReadModels(Protocol):
    """The inline read models a unit of work keeps in step with what it appends."""

    def apply(self, event: Event) -> None: ...


@dataclass(frozen=True)
class EventIds:
    """The ids one command gives its events and the resources it creates; `SERVICE` names the deriving
    service, so that two services' ids never collide."""

    SERVICE: ClassVar[str] = ""

    seed: tuple[str, ...] | None

    @classmethod
    def for_command(cls, command: str, principal: str, idempotency_key: str | None) -> EventIds:
        return cls((cls.SERVICE, principal, idempotency_key, command) if idempotency_key else None)

    @classmethod
    def for_reaction(cls, reaction: str, trigger: uuid.UUID | str, *parts: str) -> EventIds:
        """A reaction's ids follow from the event that triggered it: applied twice, written once."""
        return cls((cls.SERVICE, "reaction", reaction, str(trigger), *parts))

    def event_id(self, index: int) -> uuid.UUID:
        return derived_event_id(*self.seed, "event", index) if self.seed else uuid.uuid4()

    def resource(self, kind: str) -> str:
        return str(derived_event_id(*self.seed, kind)) if self.seed else str(uuid.uuid4())


def new_events(drafts: Sequence[Draft], metadata: Metadata, ids: EventIds, first_index: int = 0) -> list[NewEvent]:
    """The drafts as envelopes, numbered from `first_index` among the command's events."""
    return [draft.new_event(ids.event_id(first_index + n), metadata) for n, draft in enumerate(drafts)]


class UnitOfWork:
    """Loads and appends inside the transaction `tx`; a service's subclass names its `read_models` class and
    `MOST_EVENTS_PER_COMMAND` (how far `replayed()` looks), and adds loaders for its streams."""

    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 1
    read_models: ClassVar[Callable[[psycopg.Connection], Any]]

    def __init__(self, store: EventStore, tx: psycopg.Connection, metadata: Metadata, ids: EventIds) -> None:
        self.store, self.tx, self.metadata, self.ids = store, tx, metadata, ids
        self.read = type(self).read_models(tx)
        self._appended = 0

    def replayed(self) -> list[Event]:
        """The events this very command stored before (same idempotency key), in order; [] if none."""
        if self.ids.seed is None or not self._stored([self.ids.event_id(0)]):
            return []
        return self._stored([self.ids.event_id(n) for n in range(self.MOST_EVENTS_PER_COMMAND)])

    def _stored(self, candidates: list[uuid.UUID]) -> list[Event]:
        rows = self.tx.execute(
            "SELECT stream_id, stream_version FROM events WHERE event_id = ANY(%s) ORDER BY global_position",
            (candidates,),
        ).fetchall()
        return [self.store.read_stream(stream, after_version=version - 1, tx=self.tx)[0] for stream, version in rows]

    def record(self, stream_id: str, drafts: Sequence[Draft], expected_version: int | None) -> list[Event]:
        """Append the drafts at the expected version and project them into the read models."""
        new = new_events(drafts, self.metadata, self.ids, self._appended)
        self._appended += len(new)
        events = self.store.append(stream_id, new, expected_version, tx=self.tx)
        for event in events:
            self.read.apply(event)
        return events

    @classmethod
    def execute(cls: type[U], store: PostgresEventStore, metadata: Metadata, ids: EventIds,
                work: Callable[[U], T]) -> T:
        """Run `work` in a transaction of its own; a lost race rolls it back and runs it again in a new one."""
        for attempt_number in range(1, ATTEMPTS + 1):
            try:
                with store.db.transaction() as tx:
                    return work(cls(store, tx, metadata, ids))
            except ConcurrencyConflict:
                if attempt_number == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def attempt(cls: type[U], store: EventStore, tx: psycopg.Connection, metadata: Metadata, ids: EventIds,
                work: Callable[[U], T]) -> T:
        """Run `work` in a savepoint of the caller's `tx` (a subscription's or a batch's); a lost race rolls
        the savepoint back and runs it again."""
        for attempt_number in range(1, ATTEMPTS + 1):
            try:
                with tx.transaction():
                    return work(cls(store, tx, metadata, ids))
            except ConcurrencyConflict:
                if attempt_number == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")


def parse(model: type[M], request: Any) -> M:
    """The command from its RPC arguments: a mismatch is 422 `validation_failed`, as at the gateway (RPC
    callers are checked as strictly as HTTP ones)."""
    try:
        return model.model_validate(request)
    except ValidationError as exc:
        errors = [{"loc": ["body", *error["loc"]], "msg": error["msg"]}
                  for error in exc.errors(include_url=False, include_input=False, include_context=False)]
        raise Refusal("validation_failed", "the request does not match the schema", 422, errors[:MAX_ERRORS]) from None


def run_command(unit: type[UnitOfWork], ids: type[EventIds], store: PostgresEventStore, correlation: Correlation,
                today: dt.date, name: str, handler: Callable[..., T], model: type[BaseModel], request: Any,
                actor: Any, idempotency_key: str | None, *path: str) -> T:
    """One command from the RPC entrypoint: validate it, name the actor, derive its ids from the idempotency
    key, and run `handler(uow, *path, command, actor, today)` in a unit of work of its own."""
    command, who = parse(model, request), Actor.from_rpc(actor)
    metadata = correlation.metadata(actor=who.name, office=who.office, idempotency_key=idempotency_key)
    return unit.execute(store, metadata, ids.for_command(name, who.name, idempotency_key),
                        lambda uow: handler(uow, *path, command, who, today))


def deciders(table: Mapping[str, CommandEntry], *modules: ModuleType,
             on_record: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
             decisions: Sequence[ModuleType] = ()) -> dict[str, Callable[..., Any]]:
    """The service's half of its command table: for each command, the handler of the same name in one of the
    service's application `modules` (`handler(uow, *path, command, actor, today)`). So a new command is its
    table entry and its handler, with no mapping to keep; a name found in two modules is refused at import.

    A command on one record needs no handler of its own: a service that gives `on_record` (its runner for a
    record's stream: load it, check who acts, replay, decide, record at the version read, answer) has the pure
    decider `decide_<name>` of its domain `decisions` modules run by it. Such a command is its contract, its
    table entry, its decider and its test. A handler of the command's name, where there is one, runs instead
    (a command that creates a record, or reads more than its record)."""
    found: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for name in table:
            handler = vars(module).get(name)
            if callable(handler):
                if name in found:
                    raise TypeError(f"two handlers for {name}: {found[name].__module__} and {module.__name__}")
                found[name] = handler
    for name in table.keys() - found.keys() if on_record is not None else ():
        decide = next((d for module in decisions if callable(d := vars(module).get(f"decide_{name}"))), None)
        if decide is not None:
            found[name] = on_record(decide)
    return found


class Application:
    """Base of a service's application object, as its nameko entrypoints see it: plain JSON in, plain JSON out.
    A subclass names its `UNIT_OF_WORK` and `EVENT_IDS` classes, its command table (`COMMANDS`, the contract
    half) and `DECIDERS` (the service's half: command name → `handler(uow, *path, command, actor, today)`);
    `clock` gives the business date commands are judged by (tests set it)."""

    UNIT_OF_WORK: ClassVar[type[UnitOfWork]]
    EVENT_IDS: ClassVar[type[EventIds]]
    COMMANDS: ClassVar[Mapping[str, CommandEntry]] = {}
    DECIDERS: ClassVar[Mapping[str, Callable[..., dict[str, Any]]]] = {}

    def __init__(self, store: PostgresEventStore, correlation: Correlation,
                 clock: Callable[[], dt.date] = local_today) -> None:
        self.store, self.correlation, self.clock = store, correlation, clock

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        """`app.register_death(request, actor, key)`: each command of the table, called as a method."""
        if name in type(self).COMMANDS:
            return functools.partial(self.command, name)
        raise AttributeError(f"{type(self).__name__} has no {name}")

    def command(self, name: str, *args: Any) -> dict[str, Any]:
        """The table's command `name` from its RPC arguments `(*path, request, actor[, idempotency_key])`. A
        command that needs more than one unit of work (marriage's refused registration, M-5) is a method of
        the subclass by the command's name, and runs instead."""
        special = getattr(type(self), name, None)
        if callable(special):
            return special(self, *args)
        entry = self.COMMANDS[name]
        count = len(entry.path_parameters)
        path, (request, actor, *key) = args[:count], args[count:]
        return self._command(entry.ids_name or name, self.DECIDERS[name], entry.body, request, actor,
                             key[0] if key else None, *path)

    def _command(self, name: str, handler: Callable[..., dict[str, Any]], model: type[BaseModel], request: Any,
                 actor: Any, idempotency_key: str | None, *path: str) -> dict[str, Any]:
        """One command (`run_command`) in a unit of work of the service's own, judged by today's clock."""
        return run_command(self.UNIT_OF_WORK, self.EVENT_IDS, self.store, self.correlation, self.clock(), name,
                           handler, model, request, actor, idempotency_key, *path)
