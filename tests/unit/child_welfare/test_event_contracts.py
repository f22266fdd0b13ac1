"""The five child_welfare contract types of docs/events.md carry the agreed subjects and payload fields (the
timeline derives the child welfare status from them); every type has a schema version."""

from __future__ import annotations

import datetime as dt

from services.child_welfare.contract.commands import ChangeParentCondition, Decide, Terminate
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from tests.unit.child_welfare.given import (
    CHILD,
    OFFICER,
    TODAY,
    checked,
    confirmed,
    confirmed_file,
    days_ago,
    file_of,
    open_command,
    opened,
    parent,
    then,
)

CONTRACT = {
    ev.CHILD_FILE_OPENED: {"child_id", "household_division", "care", "applied_on", "source"},
    ev.ELIGIBILITY_CONFIRMED: {"child_id", "category", "decided_on", "allowance_from"},
    ev.APPLICATION_REJECTED: {"child_id", "reasons", "decided_on"},
    ev.CHILD_RECLASSIFIED: {"child_id", "from_category", "to_category", "effective_on"},
    ev.SUPPORT_TERMINATED: {"child_id", "reason", "effective_on"},
}


def test_the_contract_types_carry_the_agreed_fields_and_the_child_as_subject():
    file = file_of(opened())
    file = then(file, checked(file))
    rejected = d.decide_decision(file, Decide(outcome="rejected", reasons=["r"]), OFFICER, TODAY)
    drafts = [*opened(), *confirmed(file), *rejected]
    de_facto = confirmed_file(open_command(mother=parent("serious_illness", dt.date(2023, 1, 1))),
                              category="de_facto_unattended")
    died = ChangeParentCondition(parent=1, condition="deceased", condition_since=days_ago(1), evidence_ref="D")
    drafts += d.decide_parent_change(de_facto, died, OFFICER, TODAY)
    drafts += d.decide_termination(de_facto, Terminate(reason="adoption", effective_on=TODAY), OFFICER, TODAY)

    seen = set()
    for draft in drafts:
        if draft.type in CONTRACT:
            seen.add(draft.type)
            assert CONTRACT[draft.type] <= set(draft.payload), draft.type
            assert draft.subjects[0] == (CHILD, "child")
    assert seen == set(CONTRACT)


def test_every_type_has_a_schema_version_and_a_stable_name():
    for name, version in ev.SCHEMA_VERSIONS.items():
        assert name.startswith("child_welfare.") and version == 1
