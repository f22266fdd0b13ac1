"""Documents the gateway holds between two identical reads, so that a service need not send them again.

A service that builds a large read-only document (a person's timeline: a hundred kilobytes for a person with
a few hundred events) answers with its digest, and with its text only when the gateway does not already hold
that digest: the gateway tells it which one it holds (`held`). Whether the held text may go out is the
service's decision, made on what this caller may see now — the digest is of the document the service would
send this caller, so a text held for another caller, or one that has changed since, never matches and is
sent again. The key under which the gateway looks a document up (the path, the query, the caller's role and
scopes) only decides which digest to offer; getting it wrong costs a resend, never a disclosure.

The texts stay in the gateway's memory only (nothing on disk, `Cache-Control: no-store` as before), bounded by
their total size, least recently used first out. Every read is recorded in the access log as before: holding
a document saves the transfer, not the audit.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple

from services.gateway.routing import JsonText
from shared.sized_cache import SizedCache

# Texts held per gateway process, counted by their size in memory; each is held as the `JsonText` it was sent
# as, so that it goes out again as the same bytes, which add about half as much again (UTF-8 beside a str of
# two bytes a character).
HELD_BYTES = 32 * 2**20


class Held(NamedTuple):
    digest: str
    body: JsonText


class HeldDocuments:
    def __init__(self, budget: int = HELD_BYTES) -> None:
        self._held: SizedCache[Hashable, Held] = SizedCache(budget, lambda held: held.body.text)

    def get(self, key: Hashable) -> Held | None:
        return self._held.get(key)

    def answer(self, key: Hashable, held: Held | None, answer: dict) -> JsonText:
        """The body of a service's answer (`{"digest", "document"}`) to a call that offered `held`: the text
        it sent, which is then held under `key`, or the held body when the service said it is the same (no
        document, the digest offered)."""
        digest, document = answer["digest"], answer["document"]
        if document is None:
            if held is None or digest != held.digest:
                raise ValueError("the service sent no document and the gateway holds none with its digest")
            return held.body
        body = JsonText(document)
        if digest is not None:
            self._held.put(key, Held(digest, body))
        return body
