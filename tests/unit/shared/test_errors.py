"""Refusals and concurrency conflicts survive nameko's RPC serialisation with their code and fields."""

from nameko.exceptions import deserialize, serialize

import shared.nameko_ext  # noqa: F401 - registers the refusals with nameko
from shared.errors import NotFound, Refusal
from shared.eventstore import ConcurrencyConflict


def over_rpc(exc: Exception) -> Exception:
    return deserialize(serialize(exc))


def test_a_refusal_arrives_as_itself_with_status_and_field_errors():
    sent = Refusal("below_legal_age", "M-1: 22 for men", 422, [{"loc": ["parties", 0, "id_number"], "msg": "21"}])
    received = over_rpc(sent)
    assert isinstance(received, Refusal)
    assert (received.code, received.detail, received.status) == ("below_legal_age", "M-1: 22 for men", 422)
    assert received.errors == [{"loc": ["parties", 0, "id_number"], "msg": "21"}]


def test_not_found_and_concurrency_conflict_arrive_as_themselves():
    assert over_rpc(NotFound("no registration MR-1")).status == 404
    conflict = over_rpc(ConcurrencyConflict("marriage-1", 3, 4))
    assert isinstance(conflict, ConcurrencyConflict)
    assert (conflict.stream_id, conflict.expected, conflict.actual) == ("marriage-1", 3, 4)
    assert over_rpc(ConcurrencyConflict("s", None, 2)).expected is None
