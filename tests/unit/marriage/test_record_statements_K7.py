"""K-7: the record-of-registration statement — only for a notarisation for Taiwan or the nine countries, only
the person's own registrations as a dated list, the no-record statement when there are none, its own serial."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import STATEMENT_DESTINATIONS, IssueRecordStatement
from services.marriage.domain import events as ev
from services.marriage.domain.statements import decide_record_statement, statement_lines
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, OTHER_CLERK, TODAY, WOMAN

NUMBER = "ZM610502-2025-000001"


def command(**changes) -> IssueRecordStatement:
    return IssueRecordStatement(**{"office": "MR-610502", "id_number": WOMAN, "name": "李小红",
                                   "purpose": "notarisation", "destination": "DE", **changes})


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


COPIES = [
    {"number": "BJ610528-2025-000003", "kind": "marriage", "issued_on": dt.date(2025, 3, 1), "office": "MR-610528"},
    {"number": "J610502-2024-000007", "kind": "marriage", "issued_on": dt.date(2024, 5, 20), "office": "MR-610502"},
    {"number": "AB结字1998050001", "kind": "marriage", "issued_on": dt.date(1998, 5, 1), "office": "MR-610502"},
    {"number": "L610502-2025-000002", "kind": "divorce", "issued_on": dt.date(2025, 6, 2), "office": "MR-610502"},
]


def test_K_7_the_dated_list_names_kind_date_office_and_number_oldest_first():
    lines = statement_lines(COPIES)
    assert [(line["kind"], line["number"]) for line in lines] == [
        ("结婚登记", "AB结字1998050001"), ("结婚登记", "J610502-2024-000007"), ("补领结婚证", "BJ610528-2025-000003"),
        ("离婚登记", "L610502-2025-000002")]
    assert lines[1] == {"kind": "结婚登记", "registered_on": "2024-05-20", "office": "MR-610502",
                        "number": "J610502-2024-000007"}


def test_K_7_a_statement_for_a_notarisation_for_an_allowed_place_lists_the_persons_own_registrations():
    lines = statement_lines(COPIES)
    [event] = decide_record_statement(command(), WOMAN, lines, CLERK, TODAY, NUMBER)
    assert event.type == ev.RECORD_STATEMENT_ISSUED
    assert (event.payload["number"], event.payload["registrations"]) == (NUMBER, lines)
    assert event.subjects == ((WOMAN, "holder"),)


def test_K_7_with_no_registration_it_is_the_no_record_statement():
    [event] = decide_record_statement(command(destination="TW"), WOMAN, [], CLERK, TODAY, NUMBER)
    assert event.payload["registrations"] == []


@pytest.mark.parametrize("destination", sorted(STATEMENT_DESTINATIONS))
def test_K_7_taiwan_and_the_nine_countries_are_allowed(destination):
    assert decide_record_statement(command(destination=destination), WOMAN, [], CLERK, TODAY, NUMBER)


@pytest.mark.parametrize("changes", [{"destination": "US"}, {"destination": "JP"}, {"purpose": "visa"},
                                     {"purpose": "bank_loan"}])
def test_K_7_other_places_and_purposes_are_refused(changes):
    refused = refusal_of(lambda: decide_record_statement(command(**changes), WOMAN, [], CLERK, TODAY, NUMBER))
    assert (refused.code, refused.status) == ("statement_not_allowed", 422)


def test_K_7_a_proxy_is_recorded_and_is_someone_else():
    proxy = {"id_number": "610502199001010011", "name": "王小明"}
    [event] = decide_record_statement(command(proxy=proxy), WOMAN, [], CLERK, TODAY, NUMBER)
    assert (event.payload["proxy_id_number"], event.payload["proxy_name"]) == (proxy["id_number"], "王小明")
    assert event.subjects == ((WOMAN, "holder"),)  # the statement is about the person, not the proxy
    refused = refusal_of(lambda: decide_record_statement(command(proxy={"id_number": WOMAN, "name": "李小红"}),
                                                         WOMAN, [], CLERK, TODAY, NUMBER))
    assert refused.code == "validation_failed"


def test_K_7_clerks_issue_at_their_own_office_and_admins_record_no_business():
    assert refusal_of(lambda: decide_record_statement(command(), WOMAN, [], OTHER_CLERK, TODAY,
                                                      NUMBER)).code == "forbidden_place"
    admin = Actor("admin", "admin", None)
    assert refusal_of(lambda: decide_record_statement(command(), WOMAN, [], admin, TODAY,
                                                      NUMBER)).code == "forbidden_role"


def test_K_7_more_lines_than_a_page_is_refused():
    lines = [{"kind": "结婚登记", "registered_on": f"2000-01-{n:02d}", "office": "MR-610502",
              "number": f"J610502-2000-{n:06d}"} for n in range(1, 14)]
    refused = refusal_of(lambda: decide_record_statement(command(), WOMAN, lines, CLERK, TODAY, NUMBER))
    assert (refused.code, refused.status) == ("statement_too_long", 409)
