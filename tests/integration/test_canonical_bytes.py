"""The canonical bytes of an event (what its hash chain hashes) are the same under the schema's current rendering
(`json_build_array(...)::text`, shared/migrations/0008_canonical_text_in_one_call.sql; before it, 0005's text
written piece by piece) as under the first definition, `jsonb_build_array(...)::text` of
shared/migrations/0003_hash_chain.sql, on awkward values: chains written before the change still verify,
and appends and verification agree."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.support.infrastructure import ADMIN_URL

pytestmark = pytest.mark.integration

# The first definition, verbatim: the bytes every chain was built on.
FIRST_DEFINITION = """convert_to(jsonb_build_array(
        p_position, p_event_id, p_stream_id, p_version, p_type, p_schema_version, p_occurred_on,
        to_char(p_recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_subjects, p_payload, p_metadata)::text, 'UTF8')"""

ARGUMENTS = ("p_position", "p_event_id", "p_stream_id", "p_version", "p_type", "p_schema_version",
             "p_occurred_on", "p_recorded_at", "p_subjects", "p_payload", "p_metadata")

# One event a row: (position, stream, type, occurred on, recorded at, subjects, payload, metadata).
AWKWARD = [
    (1, "marriage-1", "marriage.MarriageRegistered", "2020-01-01", "2020-01-01 00:00:00+00",
     '[{"id": "610502199001010011", "role": "husband"}]', '{"name": "张三", "n": 1}', '{"actor": "clerk"}'),
    (9223372036854775807, 'quote " and back\\slash', "tab\tnew\nline\rform\fbell\u0007",
     "0001-01-01", "1999-12-31 23:59:59.999999+08", "[]", "{}", "{}"),
    (-5, "emoji 😀 and 名字", "zero-width \u200b space", "9999-12-31", "2026-06-30 12:00:00.5-03:30",
     '[null, true, false, 0, -0.0, 1.50, 1e3, 12345678901234567890.123]',
     '"a scalar string \\" \\\\ \\u0001"', "42"),
    (7, "", "x", "2024-02-29", "infinity", '{"nested": {"a": [[], {}], "b": null, "": "empty key"}}',
     "null", '{"z": 1, "a": 2, "aa": {"k": "v"}}'),
    (8, "s", "t", "infinity", "-infinity", '[1, "2", [3]]', "true", '{"\\u00e9": "é", "ctl\\u001f": "x"}'),
    (9, "s", "t", "-infinity", "2001-02-03 04:05:06.000001+00", '{"big": 1e-20}', "-1.0e+30", "[]"),
]


def canonical_pairs(conn: psycopg.Connection, schema: str, rows) -> list[tuple[bytes, bytes]]:
    """(the schema's event_canonical, the first definition) of each row."""
    first = FIRST_DEFINITION
    for name in ARGUMENTS:
        first = first.replace(name, f"r.{name}")
    statement = sql.SQL(
        "SELECT {function}(" + ", ".join(f"r.{a}" for a in ARGUMENTS) + "), " + first
        + " FROM (SELECT p_position::bigint, gen_random_uuid() AS p_event_id, p_stream_id, 1 AS p_version,"
        " p_type, 2 AS p_schema_version, p_occurred_on::date, p_recorded_at::timestamptz, p_subjects::jsonb,"
        " p_payload::jsonb, p_metadata::jsonb FROM (VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        + ") AS v(p_position, p_stream_id, p_type, p_occurred_on, p_recorded_at, p_subjects, p_payload, p_metadata)"
        ") r"
    ).format(function=sql.Identifier(schema, "event_canonical"))
    return [(bytes(a), bytes(b)) if a is not None else (a, b)
            for a, b in conn.execute(statement, [value for row in rows for value in row]).fetchall()]


def test_the_cheaper_rendering_gives_the_bytes_of_the_first_definition(fresh_namespace):
    namespace = fresh_namespace("marriage")
    with psycopg.connect(ADMIN_URL) as conn:
        conn.execute("SET TIME ZONE 'Asia/Shanghai'")  # the session's zone must not matter
        conn.execute("SET DateStyle = 'SQL, DMY'")  # nor its date style
        pairs = canonical_pairs(conn, f"{namespace.name}_marriage", AWKWARD)

    assert len(pairs) == len(AWKWARD)
    for ours, first in pairs:
        assert ours == first
    assert pairs[0][0].startswith(b'[1, "') and "张三".encode() in pairs[0][0]


TYPES = ("bigint", "uuid", "text", "integer", "text", "integer", "date", "timestamptz", "jsonb", "jsonb", "jsonb")


def test_null_arguments_render_as_json_null_as_before(fresh_namespace):
    namespace = fresh_namespace("marriage")
    first = FIRST_DEFINITION
    for name, type_ in zip(ARGUMENTS, TYPES, strict=True):
        first = first.replace(name, f"NULL::{type_}")
    with psycopg.connect(ADMIN_URL) as conn:
        ours, first = conn.execute(sql.SQL("SELECT {f}(" + ", ".join(["NULL"] * 11) + "), " + first).format(
            f=sql.Identifier(f"{namespace.name}_marriage", "event_canonical"))).fetchone()

    assert bytes(ours) == bytes(first) == b"[" + b", ".join([b"null"] * 11) + b"]"
