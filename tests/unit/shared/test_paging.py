"""Keyset paging of the list routes (shared/reference/paging.py): opaque cursors, strict validation."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from shared.reference.paging import PageQuery, decode_cursor, encode_cursor, page


def test_a_cursor_carries_the_sort_key_of_the_last_item():
    cursor = encode_cursor((dt.date(2025, 6, 1), "b6f0"))
    assert decode_cursor(cursor) == ["2025-06-01", "b6f0"]
    assert PageQuery(cursor=cursor).after() == ["2025-06-01", "b6f0"]


@pytest.mark.parametrize("bad", ["bm90LWEtY3Vyc29y", "e30", "!!", "W10"])
def test_a_cursor_not_given_out_by_a_list_is_a_validation_error(bad):
    with pytest.raises(ValidationError):
        PageQuery(cursor=bad)


def test_the_page_is_the_first_limit_rows_and_names_the_next_only_when_there_is_one():
    rows = [{"id": str(n)} for n in range(3)]
    items, cursor = page(rows, 2, lambda row: (row["id"],))
    assert items == rows[:2] and decode_cursor(cursor) == ["1"]
    assert page(rows[:2], 2, lambda row: (row["id"],)) == (rows[:2], None)


def test_limits_are_bounded():
    with pytest.raises(ValidationError):
        PageQuery(limit=0)
    with pytest.raises(ValidationError):
        PageQuery(limit=501)


def test_a_cursor_of_another_shape_is_refused_before_any_query():
    from shared.errors import Refusal

    query = PageQuery(cursor=encode_cursor(("not a date", "x")))
    with pytest.raises(Refusal) as refused:
        query.after_key(dt.date.fromisoformat, str)
    assert (refused.value.code, refused.value.status) == ("validation_failed", 422)
    with pytest.raises(Refusal):
        PageQuery(cursor=encode_cursor(("x",))).after_key(str, str)
    assert PageQuery(cursor=encode_cursor((dt.date(2025, 1, 2), "x"))).after_key(dt.date.fromisoformat, str) == (
        dt.date(2025, 1, 2), "x")
