"""structlog JSON logging for every civreg process, with personal data masked on every line.

Each line carries the service name and whatever is bound in the context for the current green thread:
`correlation_id` (one per original request, carried across RPC calls and events), `causation_id` (the
event or command that caused this work), `principal`. Standard-library loggers (nameko, kombu) go through
the same processors, so their lines are JSON and masked too.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, get_contextvars, reset_contextvars

from shared.masking import mask_value

CONTEXT_KEYS = ("correlation_id", "causation_id", "principal")


def _mask(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return mask_value(event_dict)


def configure_logging(service: str, level: str = "INFO", stream: Any = None) -> None:
    """Send structlog and standard-library logging as masked JSON lines to `stream` (stderr)."""
    shared_processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        lambda _l, _m, event_dict: {"service": service, **event_dict},
    ]
    processors = [structlog.stdlib.filter_by_level, *shared_processors,
                  structlog.stdlib.ProcessorFormatter.wrap_for_formatter]
    structlog.configure(
        # Level first: a DEBUG line below the level costs one check, not a timestamp and a context merge.
        processors=processors,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    rendering = [structlog.processors.format_exc_info, _mask, structlog.processors.JSONRenderer(ensure_ascii=False)]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendering],
    )
    # A line renders only its event dict: the record attributes no processor reads are not gathered (the
    # logging HOWTO's "Optimization": under eventlet, the thread's name is a walk over every green thread, and
    # the caller's frame is looked up on each call). With them a line cost 85 µs, without 52–59 µs — a timeline
    # event's `event handled` line was over a third of the projector's CPU per event (docs/benchmarks.md).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None  # noqa: SLF001 - the documented switch for the caller's frame
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # A copy: structlog's `capture_logs` (tests) replaces the processors of the list it was given in place.
    _configured.update(processors=list(processors), chain=[*shared_processors, *rendering], handler=handler,
                       formatter=formatter)


# What `configure_logging` set up, for `info_lines`: structlog's processors (to tell whether they are still the
# ones in force), the chain that makes a line of an event dict, and the handler the lines go to (with the
# formatter that chain stands for).
_configured: dict[str, Any] = {}


def info_lines(name: str, event: str, lines: Iterable[dict[str, Any]]) -> None:
    """`get_logger(name).info(event, **fields)` for each `fields` of `lines`, for many lines at once (the
    timeline's `event handled` lines, services/timeline/consumer.py). The level is checked once; each line is
    made by the same processors as any other line — context, level, time stamp, service, masking, JSON — but
    without a log record and its trip through `logging` (two records a line: ProcessorFormatter copies it),
    and the lines are written to the handler in one write. Where logging is not as `configure_logging` left it
    (another handler, structlog configured otherwise, as tests capturing lines do), line by line as usual."""
    logger = logging.getLogger(name)
    handler = _configured.get("handler")
    if (handler is None or structlog.get_config()["processors"] != _configured["processors"]
            or _sole_handler(logger) is not handler or handler.formatter is not _configured["formatter"]):
        bound = get_logger(name)  # whose processors check the level, if they do
        for fields in lines:
            bound.info(event, **fields)
        return
    if not enabled(name, logging.INFO):  # `filter_by_level`, once for all the lines
        return
    chain = _configured["chain"]
    handler.acquire()  # as StreamHandler.emit makes and writes each line, under the handler's lock
    try:
        rendered = []
        for fields in lines:
            line: Any = {**fields, "event": event}
            for processor in chain:
                line = processor(logger, "info", line)
            rendered.append(line + handler.terminator)
        if rendered:
            handler.stream.write("".join(rendered))
            handler.flush()
    except Exception:  # noqa: BLE001 - as a handler treats a line it cannot make or write: reported, never raised
        handler.handleError(logging.makeLogRecord({"name": name, "msg": event}))
    finally:
        handler.release()


def _sole_handler(logger: logging.Logger) -> logging.Handler | None:
    """The one handler a record of `logger` at INFO would reach (`Logger.callHandlers`'s walk), if there is
    exactly one and no filter on the way could drop or change the record; otherwise None."""
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        found.extend(current.handlers)
        current = current.parent if current.propagate else None
    if len(found) != 1 or found[0].filters or found[0].level > logging.INFO:
        return None
    return found[0]


def get_logger(name: str | None = None) -> Any:
    return structlog.stdlib.get_logger(name)


def enabled(name: str, level: int = logging.DEBUG) -> bool:
    """Whether a line of `level` from the logger `name` would be written. For a hot path's DEBUG line: asked
    first, it is one check (under 1 µs); a structlog call below the level still binds the lazy logger, copies
    the context and runs the level filter before it is dropped (10 µs measured, 17 µs on a busy machine)."""
    return logging.getLogger(name).isEnabledFor(level)


@contextmanager
def log_context(**values: Any) -> Iterator[None]:
    """Bind context values (correlation id, …) for the duration of a unit of work; afterwards each key has
    its earlier value again, or none. By the tokens of the values it set (1 µs), not structlog's
    `bound_contextvars`, which reads the whole context to save it first (9 µs; twice per gateway request)."""
    tokens = bind_contextvars(**{k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        reset_contextvars(**tokens)


def current_context() -> dict[str, Any]:
    """The correlation context to pass on to the next hop (RPC call or event metadata)."""
    context = get_contextvars()
    return {key: context[key] for key in CONTEXT_KEYS if key in context}


__all__ = ["configure_logging", "get_logger", "enabled", "log_context", "current_context", "bind_contextvars"]
