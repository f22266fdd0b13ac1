"""Test-suite set-up. `shared.bootstrap` comes first, exactly as in a service process."""

import shared.bootstrap  # noqa: F401, I001 - must precede psycopg, kombu and nameko

import pytest

from tests.support import idempotency
from tests.support.infrastructure import (
    create_namespace,
    create_vhost,
    delete_vhost,
    destroy_namespace,
    sweep_abandoned,
)

idempotency.install()  # every POST and PUT carries a fresh Idempotency-Key unless the test sends its own


@pytest.fixture(scope="session", autouse=True)
def _sweep_abandoned_test_runs(request):
    """A run killed before its clean-up left schemas and vhosts behind: remove them (integration runs only)."""
    if any("unit" not in str(item.path) for item in request.session.items):
        sweep_abandoned()


@pytest.fixture(scope="session")
def namespace():
    """Every service schema, migrated once for the whole run and dropped at its end."""
    created = create_namespace()
    yield created
    destroy_namespace(created)


@pytest.fixture
def fresh_namespace():
    """A namespace of its own for a test that needs empty stores (relay progress, positions)."""
    made = []

    def make(*services: str):
        made.append(create_namespace(services or None))
        return made[-1]

    yield make
    for created in made:
        destroy_namespace(created)


@pytest.fixture
def vhost():
    """A RabbitMQ virtual host of the test's own: no durable queue of another test's services in it."""
    uri = create_vhost()
    yield uri
    delete_vhost(uri)


@pytest.fixture(scope="session")
def amqp_uri():
    """A RabbitMQ virtual host of this run's own."""
    uri = create_vhost()
    yield uri
    delete_vhost(uri)
