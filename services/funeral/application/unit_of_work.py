"""Funeral's unit of work: the shared machinery (`shared.unit_of_work`) with funeral's read models and the
loaders of its streams (deaths, plots, cemeteries). See the shared module for ids, replays and lost races.
"""

from __future__ import annotations

from typing import ClassVar

from services.funeral.adapters.read_models import ReadModels
from services.funeral.domain.cemetery import Cemetery, Plot, evolve_cemetery, fold_plot
from services.funeral.domain.death import DeathRecord, fold
from services.funeral.domain.events import cemetery_stream, death_stream, plot_stream
from shared import unit_of_work

EventIds = unit_of_work.EventIds.of("funeral")


class UnitOfWork(unit_of_work.UnitOfWork):
    MOST_EVENTS_PER_COMMAND: ClassVar[int] = 500  # adding plots: one event per plot
    read_models = ReadModels
    read: ReadModels

    def death(self, death_id: str) -> DeathRecord | None:
        return fold(self.store.read_stream(death_stream(death_id), tx=self.tx))

    def plot(self, plot_id: str) -> Plot | None:
        return fold_plot(self.store.read_stream(plot_stream(plot_id), tx=self.tx))

    def cemetery(self, code: str) -> Cemetery | None:
        events = self.store.read_stream(cemetery_stream(code), tx=self.tx)
        return evolve_cemetery(events[0]) if events else None


execute = UnitOfWork.execute
attempt = UnitOfWork.attempt
