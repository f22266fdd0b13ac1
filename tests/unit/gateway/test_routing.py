"""The route table: werkzeug matching, 404/405, and refusal of mistakes when the table is built."""

import pytest

from services.gateway.problems import Problem
from services.gateway.routes import ROUTES, me
from services.gateway.routing import ANY_ROLE, PUBLIC, Route, RouteTable


def test_a_path_matches_its_route_and_parameters():
    table = RouteTable([Route("GET", "/v1/persons/<person_id>/timeline", "persons.timeline", ANY_ROLE, me,
                              subject="person_id")])

    route, params = table.match("GET", "/v1/persons/610502199001010011/timeline")

    assert route.action == "persons.timeline"
    assert params == {"person_id": "610502199001010011"}


def test_the_production_table_serves_the_operations_routes():
    assert ROUTES.match("GET", "/health")[0].public
    assert ROUTES.match("GET", "/openapi.json")[0].public
    assert not ROUTES.match("GET", "/metrics")[0].public
    assert ROUTES.match("GET", "/v1/me")[0].action == "principals.me"


@pytest.mark.parametrize("path", ["/nowhere", "/health/", "/v1//me", "/v1/me/extra", ""])
def test_an_unknown_path_is_404_not_found(path):
    with pytest.raises(Problem) as refused:
        ROUTES.match("GET", path or "/")

    assert (refused.value.status, refused.value.code) == (404, "not_found")


def test_a_wrong_method_is_405_with_the_allowed_methods():
    with pytest.raises(Problem) as refused:
        ROUTES.match("DELETE", "/v1/me")

    assert (refused.value.status, refused.value.code) == (405, "method_not_allowed")
    assert refused.value.headers["Allow"] == "GET, HEAD"


def test_a_route_without_parameters_is_found_as_werkzeug_would_find_it():
    # Such routes are looked up rather than matched (the hot path): the same answers, 405 and 404 too.
    for route in (r for r in ROUTES if "<" not in r.path):
        assert ROUTES.match(route.method, route.path) == ROUTES._adapter.match(route.path, route.method)
    with pytest.raises(Problem) as refused:
        ROUTES.match("GET", "/v1/marriage/registrations")
    assert refused.value.status == 405 and "POST" in refused.value.headers["Allow"]
    with pytest.raises(Problem) as missing:
        ROUTES.match("POST", "/v1/marriage/registrations/")
    assert missing.value.status == 404


def test_head_is_answered_wherever_get_is():
    assert ROUTES.match("HEAD", "/health")[0].action == "operations.health"


def test_an_unknown_role_is_refused_when_the_table_is_built():
    with pytest.raises(ValueError, match="roles"):
        Route("GET", "/x", "x.read", {"marriage_clerks"}, me)
    with pytest.raises(ValueError, match="roles"):
        Route("GET", "/x", "x.read", set(), me)


def test_a_subject_must_be_a_path_parameter():
    with pytest.raises(ValueError, match="subject"):
        Route("GET", "/v1/persons/<id>", "persons.read", ANY_ROLE, me, subject="person_id")


def test_duplicate_routes_or_actions_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        ROUTES.with_routes(Route("GET", "/v1/me", "principals.me_again", ANY_ROLE, me))
    with pytest.raises(ValueError, match="duplicate"):
        ROUTES.with_routes(Route("GET", "/v1/you", "principals.me", ANY_ROLE, me))


def test_public_routes_allow_anyone_and_role_routes_only_their_roles():
    from services.gateway.auth import Principal

    clerk = Principal("clerk.MR-610502", "marriage_clerk", "MR-610502")
    assert Route("GET", "/p", "p.read", PUBLIC, me).allows(clerk)
    assert not Route("GET", "/r", "r.read", {"marriage_registrar"}, me).allows(clerk)


def test_the_production_table_carries_no_test_routes():
    for route in ROUTES:
        assert not route.action.startswith("test.") and "/test/" not in route.path, route
