"""One page of a workbench list (shared/listing.py), on the real PostgreSQL: the caller's conditions and the
place in scope, `limit` rows in the list's total order, a cursor that walks every row exactly once, and rows
written between two pages neither repeated nor shifting the pages."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from shared.listing import json_row, keyset_page
from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration

SELECT = "SELECT item_id, office, listed_on, status FROM listed"


@pytest.fixture
def conn():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE listed (item_id text PRIMARY KEY, office text, listed_on date,"
                     " status text)")
        rows = [(f"i{n:02}", "MR-610502" if n % 2 else "MR-610503", dt.date(2025, 6, 1 + n % 4),
                 "pending" if n % 5 else "closed") for n in range(20)]
        conn.cursor().executemany("INSERT INTO listed VALUES (%s, %s, %s, %s)", rows)
        yield conn


def walk(conn, limit: int, office: str | None, between=None) -> list[list[dict]]:
    pages, after = [], None
    while True:
        items, cursor = keyset_page(conn, SELECT, ["status = %(status)s"], {"status": "pending"},
                                    order=("listed_on", "item_id"), after=after, limit=limit,
                                    equal={"office": office})
        pages.append(items)
        if cursor is None:
            return pages
        if between is not None:
            between()
        after = (items[-1]["listed_on"], items[-1]["item_id"])  # what the cursor decodes to


def expected(conn, office: str | None) -> list[str]:
    return [row[0] for row in conn.execute(
        "SELECT item_id FROM listed WHERE status = 'pending' AND (%(office)s::text IS NULL OR office = %(office)s)"
        " ORDER BY listed_on, item_id", {"office": office})]


@pytest.mark.parametrize("office", [None, "MR-610502"])
def test_the_pages_hand_out_every_row_in_scope_once_in_the_lists_order(conn, office):
    pages = walk(conn, 3, office)

    assert all(len(page) == 3 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 3
    assert [row["item_id"] for page in pages for row in page] == expected(conn, office)
    assert all(row["status"] == "pending" and office in (None, row["office"]) for page in pages for row in page)


def test_a_row_written_before_the_cursor_while_paging_is_not_handed_out_and_shifts_nothing(conn):
    written = []

    def write_early_row():
        written.append(f"a{len(written)}")
        conn.execute("INSERT INTO listed VALUES (%s, 'MR-610502', '2025-05-01', 'pending')", (written[-1],))

    seen = [row["item_id"] for page in walk(conn, 4, None, between=write_early_row) for row in page]

    assert written and not set(written) & set(seen)
    assert seen == [item for item in expected(conn, None) if item not in written]


def test_a_listed_row_answers_its_dates_as_iso_text(conn):
    items, _ = keyset_page(conn, SELECT, [], {}, order=("listed_on", "item_id"), after=None, limit=1)

    assert json_row(items[0]) == {"item_id": "i00", "office": "MR-610503", "listed_on": "2025-06-01",
                                  "status": "closed"}
