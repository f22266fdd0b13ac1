"""Issue 14: the services report the canonical subjects their answers disclosed
(shared/reference/disclosure.py); the gateway records them in the access log, under every id reported
(linked temporary ids too) and in canonical spelling, and no client ever sees the report."""

from __future__ import annotations

from typing import Any

from shared.reference.disclosure import DISCLOSED, disclosing, taken
from tests.unit.gateway.fakes import RecordingAccessLog, RecordingService, call, principals, route_client

PERSON = "61050219700504106X"
SPOUSE = "610502197001010011"
TEMPORARY = "TMP-FH610502-000017"
DIVORCE_ID = "d1f0c2a4-0000-4000-8000-000000000001"


def test_an_answer_reports_each_subject_once_and_the_report_comes_off_whole():
    reported = disclosing({"divorce_id": DIVORCE_ID}, [PERSON, None, SPOUSE, PERSON, ""])
    assert reported[DISCLOSED] == [PERSON, SPOUSE]
    assert taken(reported) == ({"divorce_id": DIVORCE_ID}, (PERSON, SPOUSE))
    assert taken({"divorce_id": DIVORCE_ID}) == ({"divorce_id": DIVORCE_ID}, ())
    assert taken([PERSON]) == ([PERSON], ())


def answer(method: str, args: tuple[Any, ...]) -> Any:
    if method == "divorce":  # a divorce's view names nobody; the service reports who is divorcing
        return disclosing({"divorce_id": DIVORCE_ID, "status": "pending"}, [PERSON.lower(), SPOUSE])
    if method == "death":  # an identified body: the ID number and the temporary id it was known by
        return disclosing({"death_id": "x", "subject_id": PERSON}, [PERSON, TEMPORARY])
    return {}


def test_a_read_records_every_subject_the_service_reported_and_the_client_never_sees_the_report():
    log = RecordingAccessLog()
    client = route_client(principals("clerk"), RecordingService("marriage", answer), log)

    response = call(client, "GET", f"/v1/marriage/divorces/{DIVORCE_ID}", "clerk")

    assert response.status_code == 200
    assert response.get_json() == {"divorce_id": DIVORCE_ID, "status": "pending"}
    [entry] = log.entries
    assert entry.subjects == (PERSON, SPOUSE)  # canonical spelling (upper-case X)


def test_linked_temporary_ids_are_recorded_beside_the_id_number():
    log = RecordingAccessLog()
    client = route_client(principals("funeral"), RecordingService("funeral", answer), log)

    response = call(client, "GET", "/v1/funeral/deaths/x", "funeral")

    assert response.status_code == 200 and DISCLOSED not in response.get_json()
    assert set(log.entries[0].subjects) == {PERSON, TEMPORARY}
