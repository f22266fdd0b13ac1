"""M-12 on the real PostgreSQL: an import batch's look-ups stay index probes however many certificates and
current marriages the store holds — a plan that scans either table costs every batch more as an import goes
(issue 19)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from services.marriage.adapters.read_models import IMPORT_LOOKUPS
from tests.integration.marriage.helpers import paper_rows

pytestmark = pytest.mark.integration

STORED = 150_000  # rows in each table: past the size where the planner chose to scan `certificates`


def scanned(plan: dict[str, Any]) -> Iterator[str]:
    """The relations a plan reads whole."""
    if plan.get("Node Type") == "Seq Scan":
        yield plan["Relation Name"]
    for child in plan.get("Plans", ()):
        yield from scanned(child)


def test_a_batchs_lookups_probe_the_indexes_of_large_tables_M12(fresh_namespace):
    namespace = fresh_namespace("marriage")
    rows = list(paper_rows(1000, division="610502"))
    persons = ",".join(row[key] for row in rows for key in ("husband_id_number", "wife_id_number"))
    numbers = ",".join(row[key] for row in rows for key in ("husband_certificate", "wife_certificate"))
    with namespace.admin("marriage").connection() as conn:
        conn.execute("INSERT INTO certificates (number, registration_id, id_number, kind, issued_on, office)"
                     " SELECT 'N' || g, 'r' || g, 'p' || g, 'marriage', '1985-10-01', 'MR-610502'"
                     " FROM generate_series(1, %s) g", (STORED,))
        conn.execute("INSERT INTO current_marriages (person_id, registration_id)"
                     " SELECT 'p' || g, 'r' || g FROM generate_series(1, %s) g", (STORED,))
        conn.execute("ANALYZE certificates")
        conn.execute("ANALYZE current_marriages")
        plan = conn.execute("EXPLAIN (FORMAT JSON) " + IMPORT_LOOKUPS,
                            {"p": persons, "n": numbers, "r": "x"}).fetchone()[0]

    plan = plan if isinstance(plan, list) else json.loads(plan)
    assert not {"certificates", "current_marriages"} & set(scanned(plan[0]["Plan"]))
