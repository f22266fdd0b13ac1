"""Progress of the operator's long jobs (`civreg marriage-import`, `civreg timeline-rebuild`).

On a terminal: a rich progress bar with count, rate and ETA, redrawn in place. Anywhere else (a pipe, a log
file, CI): plain lines, at most one a second and one at the end, which a log keeps readably. The choice is
made by whether the stream is a terminal, never by a flag a script could forget.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class Tracker(Protocol):
    def update(self, completed: int, total: int | None = None) -> None: ...


def line(description: str, completed: int, total: int, unit: str, elapsed: float) -> str:
    """`funeral: 120/300 events, 2.0 s, 60 events/s, ETA 3 s`."""
    rate = completed / elapsed if elapsed > 0 else 0.0
    if completed >= total:
        eta = "0 s"
    elif rate > 0:
        eta = f"{(total - completed) / rate:.0f} s"
    else:
        eta = "unknown"
    return f"{description}: {completed}/{total} {unit}, {elapsed:.1f} s, {rate:,.0f} {unit}/s, ETA {eta}"


class _PlainTracker:
    def __init__(self, stream: IO[str], description: str, total: int, unit: str, interval: float) -> None:
        self.stream, self.description, self.total, self.unit = stream, description, total, unit
        self.interval = interval
        self.started = time.monotonic()
        self.printed_at: float | None = None

    def update(self, completed: int, total: int | None = None) -> None:
        self.total = self.total if total is None else total
        now = time.monotonic()
        if completed < self.total and self.printed_at is not None and now - self.printed_at < self.interval:
            return
        self.printed_at = now
        self.stream.write(line(self.description, completed, self.total, self.unit, now - self.started) + "\n")
        self.stream.flush()


class _RichTracker:
    def __init__(self, progress: Progress, description: str, total: int, unit: str) -> None:
        self.progress = progress
        self.task_id = progress.add_task(description, total=total, unit=unit)

    def update(self, completed: int, total: int | None = None) -> None:
        self.progress.update(self.task_id, completed=completed, **({} if total is None else {"total": total}))


class RateColumn(ProgressColumn):
    """Items per second in the task's unit (rich's own speed column speaks of bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} {task.fields.get('unit', '')}/s" if speed else "-", style="cyan")


class Reporter:
    """Hands out a tracker per unit of work. `rich` defaults to whether the stream is a terminal."""

    def __init__(self, stream: IO[str] | None = None, rich: bool | None = None, interval: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.rich = self.stream.isatty() if rich is None else rich
        self.interval = interval
        self._progress: Progress | None = None

    @contextmanager
    def running(self) -> Iterator[Reporter]:
        if not self.rich:
            yield self
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                   RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
        with Progress(*columns, console=Console(file=self.stream, force_terminal=True)) as progress:
            self._progress = progress
            try:
                yield self
            finally:
                self._progress = None

    def tracker(self, description: str, total: int, unit: str = "items") -> Tracker:
        if self._progress is not None:
            return _RichTracker(self._progress, description, total, unit)
        return _PlainTracker(self.stream, description, total, unit, self.interval)
