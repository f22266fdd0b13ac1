"""C-5 the allowance ledger: from the month after confirmation to the month of the terminating event, the
standard of the category and care in force, every month explained by its basis; corrections recompute the
months already paid into an adjustment. Property: for any sequence of events, the months paid never overlap
and never follow the termination."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.child_welfare.contract.commands import ChangeParentCondition, ChangePlacement, Terminate
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.ledger import Standards, last_month, ledger, parse_month, spans
from tests.unit.child_welfare.given import (
    OFFICER,
    STANDARDS,
    TODAY,
    confirmed_file,
    open_command,
    parent,
    then,
)


def amounts(file, first="2025-01", last="2025-12", standards=STANDARDS):
    return {m.to_json()["month"]: m.to_json()["amount"]
            for m in ledger(file, parse_month(first), parse_month(last), standards)}


def test_paid_from_the_month_after_confirmation_C5():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    paid = amounts(file, "2025-01", "2025-04")
    assert paid == {"2025-01": "0.00", "2025-02": "0.00", "2025-03": "1200.00", "2025-04": "1200.00"}


def test_paid_for_the_month_of_termination_but_not_after_C5():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    file = then(file, d.decide_termination(file, Terminate(reason="adoption", effective_on=dt.date(2025, 5, 20)),
                                           OFFICER, TODAY))
    paid = amounts(file, "2025-04", "2025-07")
    assert paid == {"2025-04": "1200.00", "2025-05": "1200.00", "2025-06": "0.00", "2025-07": "0.00"}
    [after] = [m for m in ledger(file, parse_month("2025-06"), parse_month("2025-06"), STANDARDS)]
    assert after.basis == {"due": False, "why": "after_termination"}


def test_institutional_care_pays_the_institutional_standard_and_de_facto_the_dispersed_one_C5():
    institution = open_command(care="institution", institution="welfare_institution")
    orphan = confirmed_file(institution, applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    assert amounts(orphan, "2025-03", "2025-03") == {"2025-03": "1800.00"}
    de_facto = open_command(care="institution", institution="welfare_institution",
                            mother=parent("serious_illness", dt.date(2023, 5, 1)))
    de_facto_file = confirmed_file(de_facto, category="de_facto_unattended", applied_on=dt.date(2025, 1, 10),
                                   decided_on=dt.date(2025, 2, 3))
    assert amounts(de_facto_file, "2025-03", "2025-03") == {"2025-03": "1200.00"}


def test_every_month_is_explained_by_the_facts_and_the_standard_that_held_C5():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    [march] = ledger(file, parse_month("2025-03"), parse_month("2025-03"), STANDARDS)
    basis = march.to_json()["basis"]
    assert (basis["category"], basis["care"], basis["confirmed_on"]) == ("orphan", "dispersed", "2025-02-03")
    assert [p["condition"] for p in basis["parents"]] == ["deceased", "deceased"]
    assert basis["standard"] == {"amount": "1200.00", "source": "rule_parameters", "category": "orphan",
                                 "care": "dispersed", "from_month": None}


def test_a_standard_set_by_an_admin_overrides_from_its_month_C5():
    standards = Standards({("orphan", "dispersed"): [(dt.date(2025, 5, 1), Decimal("1300.00"))]})
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    paid = amounts(file, "2025-04", "2025-05", standards)
    assert paid == {"2025-04": "1200.00", "2025-05": "1300.00"}


def test_a_placement_changes_the_amount_from_the_month_after_it_takes_effect_C4_C5():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    moved = ChangePlacement(care="institution", institution="welfare_institution", effective_on=dt.date(2025, 4, 1))
    file = then(file, d.decide_placement(file, moved, OFFICER, moved.effective_on))  # recorded on the day
    assert amounts(file, "2025-03", "2025-05") == {"2025-03": "1200.00", "2025-04": "1800.00", "2025-05": "1800.00"}


def test_support_ends_with_the_month_of_the_18th_birthday_even_before_the_termination_is_recorded_C5_C6():
    file = confirmed_file(applied_on=dt.date(2025, 1, 10), decided_on=dt.date(2025, 2, 3))
    assert last_month(file) == dt.date(2033, 3, 1)  # born 2015-03-10
    assert amounts(file, "2033-02", "2033-04") == {"2033-02": "1200.00", "2033-03": "1200.00", "2033-04": "0.00"}


def test_a_corrected_date_of_a_parents_death_produces_arrears_C5():
    """De facto unattended (father dead, mother imprisoned) in institutional care, reclassified orphan when the
    mother died; the funeral service then corrects her date of death three months earlier: the three months
    paid on the de facto (dispersed) standard are owed the orphan institutional one."""
    command = open_command(care="institution", institution="welfare_institution",
                           mother=parent("imprisoned", dt.date(2023, 1, 1), ends_on=dt.date(2030, 1, 1)))
    file = confirmed_file(command, category="de_facto_unattended", applied_on=dt.date(2024, 10, 8),
                          decided_on=dt.date(2024, 11, 4))
    died = d.parent_change_draft(file, 1, "deceased", dt.date(2025, 4, 10), "death D-1", death_id="D-1",
                                 on=dt.date(2025, 4, 12))
    file = then(file, [died, *d.consequences(file, [died], dt.date(2025, 4, 10), "parent_died")])
    assert file.category == "orphan"
    assert amounts(file, "2025-04", "2025-05") == {"2025-04": "1200.00", "2025-05": "1800.00"}

    corrected = d.parent_change_draft(file, 1, "deceased", dt.date(2025, 1, 10), "death D-1",
                                      replaces_since=dt.date(2025, 4, 10), death_id="D-1", on=TODAY)
    drafts = d.with_adjustment(file, [corrected], TODAY, STANDARDS, "parent_death_corrected")

    adjusted = drafts[-1]
    assert adjusted.type == ev.ALLOWANCE_ADJUSTED
    assert [(m["month"], m["paid"], m["due"], m["difference"]) for m in adjusted.payload["months"]] == [
        ("2025-02", "1200.00", "1800.00", "600.00"),
        ("2025-03", "1200.00", "1800.00", "600.00"),
        ("2025-04", "1200.00", "1800.00", "600.00"),
    ]
    assert adjusted.payload["total"] == "1800.00"
    assert then(file, drafts).parents[1].facts[-1].since == dt.date(2025, 1, 10)  # no history edited: appended


def test_a_death_reported_late_recovers_the_months_paid_after_it_C5():
    file = confirmed_file(applied_on=dt.date(2024, 11, 25), decided_on=dt.date(2024, 12, 4))
    died = [d.termination_draft(file, "death", dt.date(2025, 3, 15))]

    drafts = d.with_adjustment(file, died, TODAY, STANDARDS, "child_died")

    assert drafts[-1].payload["total"] == "-2400.00"  # April and May were paid after the month of death
    assert [m["month"] for m in drafts[-1].payload["months"]] == ["2025-04", "2025-05"]


def test_nothing_is_adjusted_when_no_paid_month_changes_C5():
    file = confirmed_file(applied_on=dt.date(2025, 4, 8), decided_on=dt.date(2025, 5, 4))
    drafts = d.with_adjustment(file, [d.termination_draft(file, "adoption", TODAY)], TODAY, STANDARDS, "x")
    assert [draft.type for draft in drafts] == [ev.SUPPORT_TERMINATED]


# -- property: months never overlap and never follow termination ------------------------------------------------
DAYS = st.integers(min_value=0, max_value=700).map(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
CONDITIONS = st.sampled_from(["none", "deceased", "imprisoned", "lost_contact", "serious_illness", "detained"])
STEPS = st.lists(st.one_of(
    st.tuples(st.just("parent"), st.integers(0, 1), CONDITIONS, DAYS),
    st.tuples(st.just("placement"), st.sampled_from(["dispersed", "institution"]), DAYS),
    st.tuples(st.just("terminate"), st.sampled_from(["adoption", "moved_away", "death"]), DAYS),
), max_size=8)


@settings(max_examples=150, deadline=None)
@given(steps=STEPS)
def test_for_any_sequence_of_events_months_never_overlap_nor_follow_termination_C5(steps):
    orphaned = open_command(father=parent("deceased", dt.date(2022, 1, 1)),
                            mother=parent("deceased", dt.date(2022, 2, 1)))
    file = confirmed_file(orphaned, applied_on=dt.date(2023, 12, 1), decided_on=dt.date(2023, 12, 20))
    today = dt.date(2026, 1, 1)
    for step in steps:
        if not file.is_open:
            break
        if step[0] == "parent":
            _, index, condition, since = step
            command = ChangeParentCondition(parent=index, condition=condition, condition_since=since,
                                            evidence_ref="EV")
            drafts = d.decide_parent_change(file, command, OFFICER, today)
        elif step[0] == "placement":
            _, care, on = step
            if on < file.placement.effective_on or care == file.placement.care:
                continue
            institution = "welfare_institution" if care == "institution" else None
            # The officer records a placement or termination on the day it takes effect (30 days back at most).
            drafts = d.decide_placement(file, ChangePlacement(care=care, institution=institution, effective_on=on),
                                        OFFICER, on)
        else:
            _, reason, on = step
            ends_on = max(on, file.applied_on)
            drafts = d.decide_termination(file, Terminate(reason=reason, effective_on=ends_on), OFFICER, ends_on)
        file = then(file, d.with_adjustment(file, drafts, today, STANDARDS, "property"))

    found = spans(file)
    for earlier, later in zip(found, found[1:], strict=False):
        assert earlier.last is not None and earlier.last < later.first  # never overlapping, in order
    end = last_month(file)
    if found and end is not None:
        assert found[-1].last is not None and found[-1].last <= end
    if file.termination is not None:
        last_paid = dt.date(file.termination.effective_on.year, file.termination.effective_on.month, 1)
        paid = ledger(file, parse_month("2023-12"), parse_month("2026-06"), STANDARDS)
        assert all(month.amount == 0 for month in paid if month.month > last_paid)
    first = dt.date(2024, 1, 1)
    assert all(span.first >= first for span in found)  # nothing before the month after confirmation


def test_the_month_of_a_parents_release_is_still_paid_C5_C6():
    command = open_command(mother=parent("imprisoned", dt.date(2023, 1, 1), ends_on=dt.date(2025, 8, 31)))
    file = confirmed_file(command, category="de_facto_unattended", applied_on=dt.date(2025, 1, 10),
                          decided_on=dt.date(2025, 2, 3))
    file = then(file, d.decide_eligibility_lapse(file, dt.date(2025, 9, 2)))
    months = ledger(file, parse_month("2025-08"), parse_month("2025-10"), STANDARDS)
    assert [m.to_json()["amount"] for m in months] == ["1200.00", "1200.00", "0.00"]
    assert months[1].basis["facts_of"] == "2025-08-31"
