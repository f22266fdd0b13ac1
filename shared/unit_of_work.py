"""The machinery of one command's unit of work, shared by the services that write with it: load the streams a
command decides on, append what it decided, keep the inline read models in step — all in one PostgreSQL
transaction, so that a refusal anywhere writes nothing.

Event ids come from the idempotency key when the caller sent one (`derived_event_id`): a command retried
after a crash between our commit and the gateway's record appends the same ids, and `replayed()` finds the
first outcome instead of deciding again. Without a key the ids are random.

A lost race (`ConcurrencyConflict`: the stream moved between our read and our append) is decided again on
fresh state, in a new transaction — or, inside a subscription's transaction, in a new savepoint; there the
store's append lock, held until commit, guarantees the second read sees every committed event.

A service names its `EventIds` (`EventIds.of(service)`) and derives `UnitOfWork` (naming its read models, the
most events one command writes, and loaders for its streams); its own `unit_of_work` module keeps only those.

A command on one existing record runs in the one decider runner, `OnRecord` (replay by key, load, decide,
record, answer); a service names once per kind of record how it is loaded, recorded and answered.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import psycopg
from psycopg import pq
from pydantic import BaseModel, RootModel, ValidationError

from shared.actor import Actor
from shared.business_dates import local_today
from shared.envelope import Draft, Event, Metadata, NewEvent, derived_event_id
from shared.errors import NotFound, Refusal
from shared.eventstore.base import ConcurrencyConflict, EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.first_statement import begun_by_first_statement as begun_by
from shared.reference.contract import CommandEntry
from shared.reference.refusals import CONCURRENCY_CONFLICT, NOT_FOUND, VALIDATION_FAILED

if TYPE_CHECKING:  # an annotation only: importing nameko's adapters cost `civreg marriage-import` a fifth of a second
    from shared.nameko_ext.context import Correlation

T = TypeVar("T")
S = TypeVar("S")
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
    # Each derived id is made once per command: a registration asked for its first event's id twice (its
    # replay check, then its append), and a uuid5 costs about 4 µs (issue 19).
    _derived: dict[tuple[object, ...], uuid.UUID] = field(default_factory=dict, init=False, repr=False,
                                                          compare=False)

    @classmethod
    def of(cls, service: str) -> type[EventIds]:
        """The ids of one service's commands and reactions (`EventIds = unit_of_work.EventIds.of("funeral")`)."""
        return type("EventIds", (cls,), {"SERVICE": service, "__module__": f"services.{service}.application"})

    @classmethod
    def for_command(cls, command: str, principal: str, idempotency_key: str | None) -> EventIds:
        return cls((cls.SERVICE, principal, idempotency_key, command) if idempotency_key else None)

    @classmethod
    def for_reaction(cls, reaction: str, trigger: uuid.UUID | str, *parts: str) -> EventIds:
        """A reaction's ids follow from the event that triggered it: applied twice, written once."""
        return cls((cls.SERVICE, "reaction", reaction, str(trigger), *parts))

    def event_id(self, index: int) -> uuid.UUID:
        return self._derive("event", index) if self.seed else uuid.uuid4()

    def resource(self, kind: str) -> str:
        return str(self._derive(kind)) if self.seed else str(uuid.uuid4())

    def _derive(self, *parts: object) -> uuid.UUID:
        if (made := self._derived.get(parts)) is None:
            made = self._derived[parts] = derived_event_id(*self.seed, *parts)
        return made


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

    @property
    def first_event_id(self) -> uuid.UUID | None:
        """The id of the command's first event if it follows from an idempotency key, else None (a random id
        was never stored): a hot path's own statement may check it, in place of `replayed()`, and call
        `replayed()` only once it is found stored."""
        return self.ids.event_id(0) if self.ids.seed is not None else None

    def replayed(self) -> list[Event]:
        """The events this very command stored before (same idempotency key), in order; [] if none."""
        if (first := self.first_event_id) is None or not self._stored([first]):
            return []
        return self._stored([self.ids.event_id(n) for n in range(self.MOST_EVENTS_PER_COMMAND)])

    def _stored(self, candidates: list[uuid.UUID]) -> list[Event]:
        rows = self.tx.execute(
            "SELECT stream_id, stream_version FROM events WHERE event_id = ANY(%s) ORDER BY global_position",
            (candidates,),
        ).fetchall()
        return [self.store.read_stream(stream, after_version=version - 1, tx=self.tx)[0] for stream, version in rows]

    def record(self, stream_id: str, drafts: Sequence[Draft], expected_version: int | None, *,
               along: tuple[str, dict[str, Any]] | None = None, projected: Collection[str] = ()) -> list[Event]:
        """Append the drafts at the expected version and project them into the read models. `along`: statements
        run in the append's own statement (`PostgresEventStore.append`), one round trip for a hot path; they
        project the events of the types in `projected` themselves, which are then not applied again."""
        if self.tx.pgconn.transaction_status == pq.TransactionStatus.IDLE:
            # Outside a transaction: one begun by its first statement (shared/first_statement.py) before that
            # statement ran. The append would commit at once, alone, and the rest of the work apart from it.
            raise RuntimeError(f"{stream_id}: a unit of work records only inside its transaction")
        new = new_events(drafts, self.metadata, self.ids, self._appended)
        self._appended += len(new)
        extra = {} if along is None else {"along": along}
        events = self.store.append(stream_id, new, expected_version, tx=self.tx, **extra)
        for event in events:
            if event.type not in projected:
                self.read.apply(event)
        return events

    @classmethod
    def execute(cls: type[U], store: PostgresEventStore, metadata: Metadata, ids: EventIds,
                work: Callable[[U], T], *, begun_by_first_statement: bool = False) -> T:
        """Run `work` in a transaction of its own; a lost race rolls it back and runs it again in a new one.
        `begun_by_first_statement`: the transaction is begun by the work's first statement, a `FirstStatement`
        (shared/first_statement.py: one round trip fewer), which must come before anything it writes."""
        for attempt_number in range(1, ATTEMPTS + 1):
            try:
                if begun_by_first_statement:
                    with store.db.connection() as conn, begun_by(conn) as tx:
                        return work(cls(store, tx, metadata, ids))
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


@dataclass(frozen=True)
class Outcome(Generic[S]):
    """What a command on a record answers from."""

    key: str  # the record, as the path named it
    state: S | None  # the state read before deciding; None on a replay (the answer reads what it needs)
    stored: list[Event]  # the events the command stored (on a replay: those of its first run)
    actor: Actor
    today: Any  # the business date the command was judged by (vagrant aid: its Clock)


def _version(state: Any) -> int:
    return state.version


def _state_first(decide: Callable[..., Sequence[Draft]], state: Any, command: Any, actor: Actor,
                 today: Any) -> Sequence[Draft]:
    return decide(state, command, actor, today)


@dataclass(frozen=True)
class OnRecord(Generic[S]):
    """The one decider runner: a command on one existing record (a case, a death, a child's file, an adoption,
    a marriage) is, in every service, replay by key, load, decide, record at the version read, answer.

    A service names once per kind of record: `load(uow, key)`, the state its deciders and its answer need, or a
    404 refusal; `stream(state)` and `version(state)`, where and at which version the decision is appended;
    `answer(uow, outcome)`. Optionally `check(state, actor)`, who may act on the record (a 403 before any
    version is compared); `record(uow, state, drafts)`, where recording does more than append
    (a read model written from the state, a unique index turned into a refusal), and `decides`, how its pure
    deciders take their arguments (by default `decide_<command>(state, command, actor, today)`).

    A retried command (the same Idempotency-Key, `uow.replayed()`) is answered from the events its first run
    stored, before loading: the record may have moved on, or ended, since. A version the client last read (the
    body's `version`, api.md If-Match) that is not the record's is refused 409 `concurrency_conflict` after the
    caller's access is checked and before deciding.
    """

    load: Callable[[Any, str], S]
    stream: Callable[[S], str]
    answer: Callable[[Any, Outcome[S]], dict[str, Any]]
    version: Callable[[S], int] = _version
    check: Callable[[S, Actor], None] | None = None
    record: Callable[[Any, S, Sequence[Draft]], list[Event]] | None = None
    decides: Callable[..., Sequence[Draft]] = _state_first

    def run(self, uow: Any, key: str, decide: Callable[[S], Sequence[Draft]], actor: Actor, today: Any,
            expected_version: int | None = None, *,
            record: Callable[[Any, S, Sequence[Draft]], list[Event]] | None = None,
            answer: Callable[[Any, Outcome[S]], dict[str, Any]] | None = None) -> dict[str, Any]:
        """Run `decide(state)` on the record `key` in `uow`; `record` and `answer` replace the kind's own for a
        command that records or answers more (a certificate's codes, a pending divorce closed with it)."""
        answer = answer or self.answer
        if stored := uow.replayed():
            return answer(uow, Outcome(key, None, stored, actor, today))
        state = self.load(uow, key)
        if self.check is not None:
            self.check(state, actor)
        if expected_version is not None and expected_version != self.version(state):
            # Refused, not a lost race: deciding again on fresh state would not bring the client's version back.
            raise Refusal(CONCURRENCY_CONFLICT, f"the record is at version {self.version(state)}, "
                          f"not {expected_version}", 409)
        drafts = decide(state)
        record = record or self.record
        stored = record(uow, state, drafts) if record else uow.record(self.stream(state), drafts,
                                                                        self.version(state))
        return answer(uow, Outcome(key, state, stored, actor, today))

    def __call__(self, decide: Callable[..., Sequence[Draft]]) -> Callable[..., dict[str, Any]]:
        """The handler of a command whose pure decider is `decide` (`deciders(…, on_record=…)`): the command
        needs no handler of its own."""

        def handler(uow: Any, key: str, command: Any, actor: Actor, today: Any) -> dict[str, Any]:
            body = command.root if isinstance(command, RootModel) else command
            return self.run(uow, key, lambda state: self.decides(decide, state, body, actor, today), actor, today,
                            getattr(body, "version", None))

        handler.__doc__, handler.__qualname__ = decide.__doc__, f"on_record({decide.__name__})"
        return handler


def existing(state: S | None, what: str, referenced: str | None = None, code: str = NOT_FOUND) -> S:
    """The record a command names, or 404: `not_found` for the record in the path; for one the body refers to by
    its field `referenced`, the service's `code`, pointing at that field."""
    if state is not None:
        return state
    if referenced is not None:
        raise Refusal(code, f"no {what} is registered under this {referenced}", 404,
                      [{"loc": ["body", referenced], "msg": f"no such {what}"}])
    raise NotFound(f"no such {what}")


UUID_LENGTH = 36


def valid_id(value: object, what: str) -> str:
    """A record's id that is a UUID, normalised; anything else names no record (404, and no uuid cast error
    from SQL)."""
    try:
        if not isinstance(value, str) or len(value) != UUID_LENGTH:
            raise ValueError
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(f"no such {what}") from None


def parse(model: type[M], request: Any) -> M:
    """The command from its RPC arguments: a mismatch is 422 `validation_failed`, as at the gateway (RPC
    callers are checked as strictly as HTTP ones)."""
    try:
        return model.model_validate(request)
    except ValidationError as exc:
        errors = [{"loc": ["body", *error["loc"]], "msg": error["msg"]}
                  for error in exc.errors(include_url=False, include_input=False, include_context=False)]
        raise Refusal(VALIDATION_FAILED, "the request does not match the schema", 422, errors[:MAX_ERRORS]) from None


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

    A command on one record needs no handler of its own: a service that gives `on_record` (the `OnRecord` of
    the record its commands decide on) has the pure decider `decide_<name>` of its domain `decisions` modules
    run by it. Such a command is its contract, its
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
