"""V-9: the return rate — of identified persons who left, the share escorted, collected or gone home with
a ticket (`rules.returned_home_V9`). The plan's target is 100%."""

from __future__ import annotations


def return_rate(returned: int, identified_exits: int) -> float | None:
    """The share as a fraction rounded to four places; None when no identified person left."""
    if identified_exits == 0:
        return None
    return round(returned / identified_exits, 4)
