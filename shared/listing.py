"""One page of a workbench list from a read model (api.md release 2): the query every service's `lists.py` ran
by hand — the caller's conditions, the place it may read, the keyset after the cursor, `limit + 1` rows in a
total order — and the page and next cursor (`shared.reference.paging.page`).

The order is two columns, the last the row's id, named as the rows name them: the cursor is their values in
the last row handed out, and the next page starts strictly after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from shared.reference.paging import page


def keyset_page(conn: psycopg.Connection, select: str, where: Sequence[str], params: Mapping[str, Any], *,
                order: tuple[str, str], after: tuple[Any, Any] | None, limit: int,
                equal: Mapping[str, Any] | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of `select` (`SELECT … FROM …`) meeting every condition of `where`, each `expression = value`
    of `equal` whose value is not None (the place in scope; None: all), and coming after the key `after`;
    ordered by `order`, the first `limit` of them and the cursor of the next page (None on the last)."""
    conditions, values = list(where), {**params, "limit": limit + 1}
    for n, (expression, value) in enumerate((equal or {}).items()):
        if value is not None:
            conditions.append(f"{expression} = %(equal_{n})s")
            values[f"equal_{n}"] = value
    if after is not None:
        conditions.append(f"({order[0]}, {order[1]}) > (%(after_0)s, %(after_1)s)")
        values.update(after_0=after[0], after_1=after[1])
    rows = conn.cursor(row_factory=dict_row).execute(
        f"{select} WHERE {' AND '.join(conditions) or 'true'} ORDER BY {order[0]}, {order[1]} LIMIT %(limit)s",
        values).fetchall()
    return page(rows, limit, lambda row: (row[order[0]], row[order[1]]))


def json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listed row as the API answers it: dates as ISO text."""
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
