"""Issue 12, "Done when", from outside: people and bureaus who sign in reach a domain service through the
gateway and the broker, and nothing else does. A funeral staff account's access token (after a refresh, too)
records a death over RPC with the gateway's proof, under the account's name; the same token tampered with is
refused before any RPC; a signed-in admin records no business (separation of duties); a bureau's client
credentials token reads a status fact of its scope. The real gateway and FuneralService, on a namespace and
virtual host of the module's own."""

from __future__ import annotations

import pytest

from services.funeral.service import FuneralService
from tests.e2e.funeral.calls import death_body
from tests.e2e.identity.conftest import account, bearer, client, login
from tests.support.problems import assert_problem, events_in
from tests.support.stack import module_stack
from tests.support.synthetic_ids import synthetic_id_number

pytestmark = pytest.mark.integration

world, api = module_stack([FuneralService])  # this module's own stack: the gateway and the funeral service
STAFF = account("funeral_staff", office="FH-610502")
ADMIN = account("admin")
DEATHS = "/v1/funeral/deaths"


@pytest.fixture(scope="module")
def funeral_db(world):
    return world[0].admin("funeral")


def signed_in(api, who: dict) -> dict:
    response = login(api, who["username"], who["password"])
    assert response.status_code == 200, response.text
    return response.json()


def test_a_signed_in_staff_member_records_a_death_under_their_own_name_even_after_a_refresh(api, seeded, today,
                                                                                          funeral_db):
    session = signed_in(api, STAFF)
    first = api.post(DEATHS, json=death_body(today), headers=bearer(session["access_token"]))
    assert first.status_code == 201, first.text
    refreshed = api.post("/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).json()
    second = api.post(DEATHS, json=death_body(today), headers=bearer(refreshed["access_token"]))
    assert second.status_code == 201, second.text

    with funeral_db.connection() as conn:
        actors = {row[0] for row in conn.execute(
            "SELECT metadata->>'actor' FROM events WHERE stream_id IN (%s, %s)",
            (f"death-{first.json()['death_id']}", f"death-{second.json()['death_id']}")).fetchall()}
    assert actors == {STAFF["username"]}


def test_a_tampered_access_token_reaches_no_service(api, seeded, today, funeral_db):
    token = signed_in(api, STAFF)["access_token"]
    header, payload, signature = token.split(".")
    tampered = ".".join((header, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature))
    before = events_in(funeral_db)

    assert_problem(api.post(DEATHS, json=death_body(today), headers=bearer(tampered)), 401, "unauthenticated")
    assert events_in(funeral_db) == before


def test_a_signed_in_admin_records_no_funeral_business(api, seeded, today, funeral_db):
    token = signed_in(api, ADMIN)["access_token"]
    before = events_in(funeral_db)

    assert_problem(api.post(DEATHS, json=death_body(today), headers=bearer(token)), 403, "forbidden")
    assert events_in(funeral_db) == before


def test_a_bureaus_client_credentials_token_reads_a_status_fact_of_its_scope(api, seeded):
    courts = client("courts")
    token = api.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": courts["client_id"],
                                           "client_secret": courts["client_secret"]}).json()["access_token"]
    answer = api.get(f"/v1/funeral/persons/{synthetic_id_number()}/death",
                     headers={**bearer(token), "X-Purpose": "a court case"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["deceased"] is False and "death_id" not in answer.json()
