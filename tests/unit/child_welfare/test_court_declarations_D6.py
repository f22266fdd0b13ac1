"""D-6: a court's declarations sit on C-1's "dead or missing" side, not among the six conditions; a revocation
ends the condition from its own date, so in its month (C-6), and earlier months stand. The reaction writes the
same drafts as below (`parent_change_draft` + `consequences`); no I/O here."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.eligibility import Parent, ParentFact, category_on
from tests.unit.child_welfare import given
from tests.unit.child_welfare.given import confirmed_file, days_ago, file_of, open_command, opened, parent, then

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
    file = confirmed_file(command, category="de_facto_unattended")
    on = days_ago(1)
    draft = d.parent_change_draft(file, 1, "declared_dead", on, "court (2025)1号",
                                  cause="funeral.CourtDeclarationRecorded", death_id=DECLARATION_ID)

    drafts = [draft, *d.consequences(file, [draft], on, "parent_declared")]

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.CHILD_RECLASSIFIED]
    assert then(file, drafts).category == "orphan"


def test_D_6_a_revocation_ends_the_condition_in_its_month_and_earlier_months_stand():
    command = open_command(mother=parent("declared_missing", dt.date(2023, 1, 1)))
    file = confirmed_file(command, category="orphan")
    revoked_on = days_ago(1)
    draft = d.parent_change_draft(file, 1, "none", revoked_on, "court (2025)2号",
                                  cause="funeral.CourtDeclarationRevoked")

    drafts = [draft, *d.consequences(file, [draft], revoked_on, "declaration_revoked")]

    assert [x.type for x in drafts] == [ev.PARENT_CONDITION_CHANGED, ev.SUPPORT_TERMINATED]
    ended = drafts[1].payload
    assert (ended["effective_on"], ended["allowance_until"]) == (revoked_on.isoformat(), revoked_on.strftime("%Y-%m"))
    assert then(file, drafts).parents[1].condition_on(revoked_on - dt.timedelta(days=1)) == "declared_missing"


def declared(person: str, kind: str, judgment_on: dt.date, declaration_id: str = DECLARATION_ID) -> d.Declared:
    return d.Declared(person, declaration_id, kind, judgment_on, "渭南市临渭区人民法院", "(2025)陕0502民特12号")


def test_D_6_a_declaration_made_before_the_file_existed_counts_when_it_opens_C1():
    """Both parents declared — dead and missing — before anyone applied: the file opened with both 'lost
    contact' takes the declared conditions from the judgment dates, and the child is confirmed an orphan."""
    lost = open_command(father=parent("lost_contact", days_ago(40), id_number=given.FATHER),
                        mother=parent("lost_contact", days_ago(40), id_number=given.MOTHER, name="李四"))
    opening = opened(lost)
    judgments = [declared(given.FATHER, "death", days_ago(30)),
                 declared(given.MOTHER, "missing", days_ago(20), "other")]

    added = d.declared_parents_on_open(opening, judgments, "funeral.CourtDeclarationRecorded")

    assert [(x.type, x.payload["parent"], x.payload["condition"], x.payload["condition_since"]) for x in added] == [
        (ev.PARENT_CONDITION_CHANGED, 0, "declared_dead", days_ago(30).isoformat()),
        (ev.PARENT_CONDITION_CHANGED, 1, "declared_missing", days_ago(20).isoformat())]
    assert added[0].occurred_on == days_ago(10)  # enters the file on its opening day
    file = file_of(opening, added)
    assert category_on(file.parents, given.TODAY) == "orphan"
    file = then(file, given.checked(file))
    assert then(file, given.confirmed(file, "orphan", actor=given.OFFICER)).category == "orphan"


def test_D_6_at_opening_a_condition_the_application_records_already_or_another_persons_declaration_adds_nothing():
    opening = opened(open_command(father=parent("declared_dead", days_ago(30), id_number=given.FATHER)))
    judgments = [declared(given.FATHER, "death", days_ago(30)), declared("610502199001010011", "death", days_ago(30))]
    assert d.declared_parents_on_open(opening, judgments, "funeral.CourtDeclarationRecorded") == []


def test_D_6_a_death_registered_before_the_file_existed_counts_when_it_opens_C6():
    """As a declaration: the parent whose death the funeral service registered before anyone applied is
    `deceased` from the date of death once the file opens, naming the death."""
    opening = opened(open_command(father=parent("lost_contact", days_ago(40), id_number=given.FATHER)))
    deaths = [d.RegisteredDeath(given.FATHER, "death-1", days_ago(35)),
              d.RegisteredDeath("610502199001010011", "death-2", days_ago(35))]  # someone else's

    [added] = d.dead_parents_on_open(opening, deaths, "funeral.DeathRegistered")

    assert (added.payload["parent"], added.payload["condition"], added.payload["condition_since"],
            added.payload["death_id"], added.payload["cause"]) == (
        0, "deceased", days_ago(35).isoformat(), "death-1", "funeral.DeathRegistered")
    assert file_of(opening, [added]).parents[0].condition_on(given.TODAY) == "deceased"


def test_D_6_at_opening_a_death_recorded_by_the_application_or_dated_as_the_declaration_adds_nothing():
    recorded = opened(open_command(father=parent("deceased", days_ago(35), id_number=given.FATHER)))
    assert d.dead_parents_on_open(recorded, [d.RegisteredDeath(given.FATHER, "death-1", days_ago(35))],
                                  "funeral.DeathRegistered") == []
    lost = opened(open_command(father=parent("lost_contact", days_ago(40), id_number=given.FATHER)))
    with_declaration = [*lost, *d.declared_parents_on_open(lost, [declared(given.FATHER, "death", days_ago(30))],
                                                          "funeral.CourtDeclarationRecorded")]
    body_found_later = d.RegisteredDeath(given.FATHER, "death-1", days_ago(30))  # D-8: the declaration's date
    assert d.dead_parents_on_open(with_declaration, [body_found_later], "funeral.DeathRegistered") == []


def test_D_7_an_adoption_stands_whatever_a_declaration_or_its_revocation_says_of_a_birth_parent():
    """Civil Code 52: a child adopted while a parent was declared stays adopted; neither the declaration nor its
    revocation reopens the file or changes what was paid."""
    file = confirmed_file(open_command(mother=parent("declared_missing", dt.date(2023, 1, 1))), category="orphan")
    adopted_on = days_ago(1)
    file = then(file, [d.termination_draft(file, "adopted", adopted_on, cause="adoption.AdoptionRegistered",
                                           state_guardianship_ended=True)])
    for condition in ("declared_dead", "none"):  # a declaration of the father; the mother's revocation
        draft = d.parent_change_draft(file, 0 if condition == "declared_dead" else 1, condition, given.TODAY,
                                      "court (2025)5号", cause="funeral.CourtDeclarationRevoked")
        assert d.consequences(file, [draft], given.TODAY, "declaration_revoked") == []
        after = then(file, [draft])
        assert (after.termination.reason, after.is_open) == ("adopted", False)


def test_D_6_a_child_declared_dead_after_an_earlier_accident_has_the_months_paid_since_go_to_an_officer():
    """The file ends in the judgment month (paid for it, C-5); art. 48 dates the death to the accident months
    before, and the months paid after the accident's month are named for an officer to review."""
    file = confirmed_file(applied_on=dt.date(2024, 12, 5), decided_on=dt.date(2024, 12, 20))  # paid from 2025-01
    judgment_on, accident_on = dt.date(2025, 6, 3), dt.date(2025, 1, 17)

    review = d.paid_after_declared_death(file, accident_on, judgment_on)
    ended = d.termination_draft(file, "death", judgment_on, cause="funeral.CourtDeclarationRecorded", review=review)

    assert (ended.payload["allowance_until"], ended.payload["review_from"], ended.payload["review_until"]) == (
        "2025-06", "2025-02", "2025-06")
    assert d.paid_after_declared_death(file, judgment_on, judgment_on) is None  # death on the judgment date
    assert d.paid_after_declared_death(file, dt.date(2019, 5, 1), judgment_on) == (dt.date(2025, 1, 1),
                                                                                   dt.date(2025, 6, 1))
    unconfirmed = file_of(opened())
    assert d.paid_after_declared_death(unconfirmed, accident_on, judgment_on) is None  # nothing was paid
