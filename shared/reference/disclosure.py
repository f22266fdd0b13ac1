"""What a service's answer disclosed, as the service itself reports it (issue 14; docs/privacy.md, "The access
log"): the canonical subjects of the persons the answer is about — ID numbers and the temporary ids linked to
them — so that the gateway's access log records each person an answer revealed, under every id their history
is looked up by, without guessing from paths or from the shape of strings in the body.

A query answer (a JSON object) carries them under `DISCLOSED`; the gateway's RPC proxy takes the key off
before any handler or client sees the answer (services/gateway/routing.py, `Call.rpc`). Pure: standard
library only, so every service's application and the gateway share the one definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DISCLOSED = "_disclosed_subjects"  # never a field of any answer: the gateway removes it


def disclosing(answer: Mapping[str, Any], subjects: Iterable[str | None]) -> dict[str, Any]:
    """`answer` with the persons it discloses (each once, in order; empty ids left out)."""
    found = list(dict.fromkeys(s for s in subjects if isinstance(s, str) and s))
    return {**answer, DISCLOSED: found}


def taken(answer: Any) -> tuple[Any, tuple[str, ...]]:
    """The answer without `DISCLOSED`, and the subjects it reported (none if it reported none)."""
    if not isinstance(answer, dict) or DISCLOSED not in answer:
        return answer, ()
    answer = dict(answer)
    subjects = answer.pop(DISCLOSED)
    if not isinstance(subjects, list):
        return answer, ()
    return answer, tuple(s for s in subjects if isinstance(s, str) and s)
