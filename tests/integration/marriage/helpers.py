"""What the marriage integration tests send and count."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from services.marriage.domain.imports import COLUMNS
from shared.errors import Refusal
from tests.support.synthetic_ids import id_number_of, synthetic_id_number


def couple() -> tuple[str, str]:
    """A fresh man and woman of marriageable age (born 1960–2000)."""
    return synthetic_id_number(born=None, sex="male"), synthetic_id_number(born=None, sex="female")


def registration(man: str, woman: str, office: str = "MR-610502", **changes: Any) -> dict[str, Any]:
    return {"office": office, "declaration_signed": True,
            "parties": [{"id_number": man, "name": "王小明"}, {"id_number": woman, "name": "李小红"}], **changes}


def reviews(marriage) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    """The registrar's review list (every marriage flagged for review), read a page of one at a time so that
    the cursor is exercised, by registration id."""
    items, cursor = [], None
    while True:
        page = marriage.import_reviews(1, cursor)
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return {item["registration_id"]: item for item in items}


STAGING_TABLES = ("historical_records",)


def staged_sizes(conn) -> list[tuple[str, int]]:  # noqa: ANN001
    """The import's staging table (migrations/0012_import_session_staging.sql, 0013) of every open session, as
    `conn` sees them, with their size on disk: what an import batch leaves behind. Sessions' temporary tables
    are listed in the catalog for all to see; their rows are their session's own."""
    return conn.execute("SELECT c.relname::text, pg_relation_size(c.oid) FROM pg_class c"
                        " WHERE c.relpersistence = 't' AND c.relname = ANY(%s) ORDER BY 1, 2",
                        (list(STAGING_TABLES),)).fetchall()


def counts(admin_db) -> dict[str, int]:  # noqa: ANN001
    tables = ("events", "marriages", "current_marriages", "certificates", "refusals", "divorces")
    with admin_db.connection() as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def events_of(admin_db, event_type: str, person: str | None = None) -> int:  # noqa: ANN001
    with admin_db.connection() as conn:
        if person is None:
            return conn.execute("SELECT count(*) FROM events WHERE event_type = %s", (event_type,)).fetchone()[0]
        return conn.execute("SELECT count(*) FROM events WHERE event_type = %s AND subjects @> %s::jsonb",
                            (event_type, f'[{{"id": "{person}"}}]')).fetchone()[0]


def refusal_of(action) -> Refusal:  # noqa: ANN001
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def paper_rows(count: int, *, division: str = "610526", first_day: int = 0,
               twice_married_every: int = 0) -> Iterator[dict[str, str]]:
    """`count` paper-era records (M-12) of distinct couples born in `division`, as CSV rows; with
    `twice_married_every` = n, every n-th record marries the previous record's husband again (a conflict)."""
    tag = secrets.token_hex(3).upper()
    previous_husband = None
    for n in range(count):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=first_day + n // 250)
        husband = id_number_of(born, division=division, sequence=(n % 250) * 2, sex="male")
        wife = id_number_of(born, division=division, sequence=(n % 250) * 2 + 1, sex="female")
        if twice_married_every and n % twice_married_every == twice_married_every - 1 and previous_husband:
            husband = previous_husband
        previous_husband = husband
        yield {"record_ref": f"P{tag}-{n}", "registered_on": "1985-10-01", "office": f"MR-{division}",
               "husband_id_number": husband, "husband_name": "王大明", "husband_certificate": f"W{tag}-{2 * n}",
               "wife_id_number": wife, "wife_name": "李大红", "wife_certificate": f"W{tag}-{2 * n + 1}"}


def write_csv(path, rows) -> int:  # noqa: ANN001
    written = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS[:9])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            written += 1
    return written
