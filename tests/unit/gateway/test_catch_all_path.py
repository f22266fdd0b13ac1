"""The gateway's web server hands every path to the app, whose route table answers problem+json: a decoded
newline in a path parameter (`/plots/%0A…`) is no HTML 404 of werkzeug's (found by schemathesis)."""

from werkzeug.routing import Map, Rule

from services.gateway.service import AnyPath


def test_every_path_reaches_the_app_a_newline_in_it_too():
    urls = Map([Rule("/", endpoint="root"), Rule("/<anything:path>", endpoint="app")],
               converters={"anything": AnyPath}, merge_slashes=False, redirect_defaults=False).bind("gateway")
    assert urls.match("/v1/funeral/plots/\n\U00036c72/reservations", "POST") == (
        "app", {"path": "v1/funeral/plots/\n\U00036c72/reservations"})
    assert urls.match("/v1/a//b/", "GET") == ("app", {"path": "v1/a//b/"})
    assert urls.match("/", "GET") == ("root", {})
