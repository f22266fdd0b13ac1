"""Refusal codes as contract: each service's `contract/refusals.py` lists every code it can raise, as a
constant with a one-line meaning (`Code`), so clients, the problem message catalogue and the documents read one
list. A `Code` is a `str`: `Refusal(CASH_OVER_LIMIT, …)` raises it as itself.

`COMMON` are the codes any service raises through the shared machinery (validation, lookup, races, the
holiday calendar); a service's list adds its own.
"""

from __future__ import annotations

from types import ModuleType


class Code(str):
    """A stable refusal code with its one-line meaning (English; the gateway's catalogue gives zh-CN)."""

    meaning: str

    def __new__(cls, code: str, meaning: str) -> Code:
        made = super().__new__(cls, code)
        made.meaning = meaning
        return made


VALIDATION_FAILED = Code("validation_failed", "the request does not match the command's schema (422)")
INVALID_QUERY = Code("invalid_query", "a query parameter is missing, malformed or out of range (422)")
NOT_FOUND = Code("not_found", "the resource in the path does not exist (404)")
FORBIDDEN = Code("forbidden", "the caller's role may not do this (403)")
CONCURRENCY_CONFLICT = Code("concurrency_conflict", "the record moved on since the version the caller read (409)")
CALENDAR_YEAR_MISSING = Code("calendar_year_missing",
                             "a statutory period reaches a year the holiday calendar does not hold yet (503)")

COMMON = (VALIDATION_FAILED, INVALID_QUERY, NOT_FOUND, FORBIDDEN, CONCURRENCY_CONFLICT, CALENDAR_YEAR_MISSING)


def codes_of(module: ModuleType) -> dict[str, str]:
    """Every code a contract module defines or re-exports, with its meaning."""
    return {str(value): value.meaning for value in vars(module).values() if isinstance(value, Code)}
