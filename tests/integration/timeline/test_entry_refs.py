"""`entry_refs` in PL/pgSQL (migrations/0004_speed2_entry_refs.sql) gives what its first definition in SQL gave
(0002_shown_columns.sql), for every shape of payload: rows written before and after agree."""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.integration

# 0002's definition, verbatim, as an expression over $1 (payload) and $2 (event id).
FIRST_DEFINITION = (
    "coalesce((SELECT jsonb_object_agg(p.key, p.value) FROM jsonb_each(%(payload)s::jsonb) AS p"
    " WHERE jsonb_typeof(p.value) = 'string' AND p.key <> 'unlinked_temporary_id'"
    " AND (p.key LIKE '%%\\_id' OR p.key IN ('certificate_no', 'cremation_certificate', 'document_ref'))),"
    " '{}') || jsonb_build_object('event_id', %(event_id)s::uuid)")

PAYLOADS = [
    {},
    {"death_id": "d1", "certificate_no": "F1", "funeral_home": "FH-610502", "id_number": "610502199001010011"},
    {"case_id": "c1", "unlinked_temporary_id": "TMP-RS610500-000001", "temporary_id": "TMP-RS610500-000001"},
    {"registration_id": 7, "divorce_id": None, "child_id": ["a"], "adoption_id": {"x": "y"}, "x_id": True},
    {"event_id": "from-the-payload", "cremation_certificate": "C9", "document_ref": "D-1", "cid": "no"},
    {"nested": {"inner_id": "not a top-level key"}, "registration_id": "r1", "名_id": "中文", "_id": "bare"},
    {"a\\_id": "escaped", "ab_idx": "no", "case_ID": "upper", "certificate_no": 12},
]


def test_entry_refs_gives_what_its_first_definition_gave_for_every_payload_shape(namespace):
    with namespace.admin("timeline").connection() as conn:
        for payload in PAYLOADS:
            params = {"payload": json.dumps(payload, ensure_ascii=False), "event_id": str(uuid.uuid4())}
            now, first = conn.execute(f"SELECT entry_refs(%(payload)s::jsonb, %(event_id)s::uuid), {FIRST_DEFINITION}",
                                      params).fetchone()
            assert now == first, payload
