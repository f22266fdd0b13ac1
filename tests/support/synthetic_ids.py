"""Synthetic resident ID numbers for tests (domain.md 0.1): computed with a valid check character, nobody's.

`synthetic_id_number()` gives a different valid number on every call within a process (a random starting
birth date, then a counter), so tests sharing one namespace never register the same person by accident.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from shared.reference.idnumber import check_digit

_counter = itertools.count()
_FIRST_BIRTH = dt.date(1940, 1, 1) + dt.timedelta(days=random.randrange(15_000))


def id_number_of(born: dt.date, *, division: str = "610502", sequence: int = 1, sex: str = "male") -> str:
    """The number of someone born on `born` in `division`; `sequence` (0–499) tells people of a day apart."""
    serial = sequence * 2 + (1 if sex == "male" else 0)  # the third digit is odd for men, even for women
    first17 = f"{division}{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)


def synthetic_id_number(*, born: dt.date | None = None, sex: str = "male", division: str = "610502") -> str:
    """A fresh valid number: a new (birth date, sequence) pair on every call."""
    n = next(_counter)
    born = born or _FIRST_BIRTH + dt.timedelta(days=n // 500)
    return id_number_of(born, division=division, sequence=n % 500, sex=sex)
