"""C-1 who qualifies, derived from both parents' conditions: orphan (both gone) or de facto unattended
(both gone or serious, at least one serious), exclusive, with the 6-month thresholds."""

from __future__ import annotations

import datetime as dt

import pytest

from services.child_welfare.domain.eligibility import Parent, ParentFact, category_on

DAY = dt.date(2025, 6, 16)
LONG_AGO = dt.date(2023, 1, 1)


def parent(condition: str, since: dt.date = LONG_AGO, ends_on: dt.date | None = None) -> Parent:
    return Parent("p", None, (ParentFact(condition, since, "EV-1", ends_on),))


# (father, mother) → category on DAY. Every condition in the vocabulary appears on both sides.
MATRIX = [
    ("deceased", "deceased", "orphan"),
    ("deceased", "declared_dead", "orphan"),
    ("declared_missing", "untraceable", "orphan"),
    ("untraceable", "untraceable", "orphan"),
    ("deceased", "serious_disability", "de_facto_unattended"),  # (b) one gone, the other serious
    ("declared_missing", "serious_illness", "de_facto_unattended"),
    ("untraceable", "imprisoned", "de_facto_unattended"),
    ("deceased", "compulsory_rehab", "de_facto_unattended"),
    ("declared_dead", "detained", "de_facto_unattended"),
    ("deceased", "lost_contact", "de_facto_unattended"),
    ("deceased", "guardianship_revoked", "de_facto_unattended"),
    ("imprisoned", "serious_illness", "de_facto_unattended"),  # (a) both serious
    ("lost_contact", "guardianship_revoked", "de_facto_unattended"),
    ("serious_disability", "compulsory_rehab", "de_facto_unattended"),
    ("deceased", "none", None),  # one parent can bring the child up
    ("none", "none", None),
    ("imprisoned", "none", None),
    ("none", "untraceable", None),
]


@pytest.mark.parametrize(("father", "mother", "expected"), MATRIX)
def test_the_category_follows_from_both_parents_conditions_C1(father, mother, expected):
    assert category_on([parent(father), parent(mother)], DAY) == expected
    assert category_on([parent(mother), parent(father)], DAY) == expected  # the order of parents is no matter


def test_orphan_and_de_facto_unattended_are_exclusive_C1():
    categories = {category_on([parent(f), parent(m)], DAY) for f, m, _ in MATRIX}
    assert categories == {"orphan", "de_facto_unattended", None}  # one value each: never both


@pytest.mark.parametrize(("months_ago", "qualifies"), [(7, True), (6, True), (5, False), (0, False)])
def test_lost_contact_counts_only_from_six_months_after_the_police_report_C1(months_ago, qualifies):
    since = dt.date(2025, 6 - months_ago, 16) if months_ago < 6 else dt.date(2024, 18 - months_ago, 16)
    result = category_on([parent("deceased"), parent("lost_contact", since)], DAY)
    assert (result == "de_facto_unattended") is qualifies


@pytest.mark.parametrize(("ends_on", "qualifies"), [
    (dt.date(2025, 6, 30), True),  # a sentence of 6 months and more
    (dt.date(2025, 6, 29), False),  # 5 months 29 days: too short
    (None, True),  # no known end (an indefinite term)
])
def test_a_sentence_or_detention_qualifies_only_when_six_months_or_longer_C1(ends_on, qualifies):
    since = dt.date(2024, 12, 30)
    for condition in ("imprisoned", "detained"):
        result = category_on([parent("deceased"), parent(condition, since, ends_on)], dt.date(2025, 3, 1))
        assert (result == "de_facto_unattended") is qualifies


def test_a_condition_that_has_ended_no_longer_counts_C1():
    released = parent("imprisoned", dt.date(2020, 1, 1), ends_on=dt.date(2025, 6, 1))
    assert category_on([parent("deceased"), released], dt.date(2025, 6, 1)) == "de_facto_unattended"
    assert category_on([parent("deceased"), released], dt.date(2025, 6, 2)) is None


def test_a_condition_not_yet_begun_does_not_count_C1():
    assert category_on([parent("deceased"), parent("deceased", dt.date(2025, 7, 1))], DAY) is None


def test_without_both_parents_on_file_no_category_is_derived_C1():
    assert category_on([parent("deceased")], DAY) is None
    assert category_on([], DAY) is None
