"""D-6: a court's declarations sit on C-1's "dead or missing" side, not among the six conditions; a revocation
ends the condition from its own date, so in its month (C-6), and earlier months stand. The reaction writes the
same drafts as below (`parent_change_draft` + `consequences`); no I/O here."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.eligibility import Parent, ParentFact, category_on
from tests.unit.child_welfare.given import confirmed_file as confirmed
from tests.unit.child_welfare.given import days_ago, open_command, parent, then

DAY = dt.date(2025, 6, 1)
DECLARATION_ID = "5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d"


def one(condition: str) -> Parent:
    return Parent("p", None, (ParentFact(condition, dt.date(2024, 1, 1), "EV-1"),))


@pytest.mark.parametrize(("father", "mother", "expected"), [
    ("declared_dead", "declared_missing", "orphan"),
    ("declared_dead", "deceased", "orphan"),
    ("declared_missing", "imprisoned", "de_facto_unattended"),  # (b): one declared, the other in a condition
    ("declared_missing", "none", None),  # one declared missing, the other free and well: neither
])
def test_D_6_declared_parents_count_on_the_dead_or_missing_side(father: str, mother: str, expected: str | None):
    assert category_on([one(father), one(mother)], DAY) == expected


def test_D_6_a_declaration_makes_a_de_facto_unattended_child_an_orphan():
    command = open_command(mother=parent("serious_illness", dt.date(2023, 1, 1)))
    file = confirmed(command, category="de_facto_unattended")
    on = days_ago(1)
    draft = d.parent_change_draft(file, 1, "declared_dead", on, "court (2025)1号",
                                  cause="funeral.CourtDeclarationRecorded", death_id=DECLARATION_ID)

    drafts = [draft, *d.consequences(file, [draft], on, "parent_declared")]

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.CHILD_RECLASSIFIED]
    assert then(file, drafts).category == "orphan"


def test_D_6_a_revocation_ends_the_condition_in_its_month_and_earlier_months_stand():
    command = open_command(mother=parent("declared_missing", dt.date(2023, 1, 1)))
    file = confirmed(command, category="orphan")
    revoked_on = days_ago(1)
    draft = d.parent_change_draft(file, 1, "none", revoked_on, "court (2025)2号",
                                  cause="funeral.CourtDeclarationRevoked")

    drafts = [draft, *d.consequences(file, [draft], revoked_on, "declaration_revoked")]

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.SUPPORT_TERMINATED]
    ended = drafts[1].payload
    assert (ended["effective_on"], ended["allowance_until"]) == (revoked_on.isoformat(), revoked_on.strftime("%Y-%m"))
    assert then(file, drafts).parents[1].condition_on(revoked_on - dt.timedelta(days=1)) == "declared_missing"
