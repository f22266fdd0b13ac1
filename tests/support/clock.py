"""A clock a test sets: the services take `clock() -> today`, and rules are judged by business dates, some
of them weeks or months apart."""

from __future__ import annotations

import datetime as dt


class Clock:
    def __init__(self, today: dt.date) -> None:
        self.today = today

    def __call__(self) -> dt.date:
        return self.today
