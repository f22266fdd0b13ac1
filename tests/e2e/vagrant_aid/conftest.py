"""One running stack (gateway + vagrant_aid) per module on schemas of its own (so that statistics and lists
see only this module's cases), an event probe, and a superuser pool on the store."""

import pytest

from services.vagrant_aid.service import VagrantAidService
from tests.e2e.vagrant_aid.support import EventProbe
from tests.support.infrastructure import create_namespace, destroy_namespace
from tests.support.stack import running_stack


@pytest.fixture(scope="module")
def relief_namespace():
    created = create_namespace(("vagrant_aid", "gateway"))
    yield created
    destroy_namespace(created)


@pytest.fixture(scope="module")
def probe(amqp_uri):
    made = EventProbe(amqp_uri)
    yield made
    made.close()


@pytest.fixture(scope="module")
def api(relief_namespace, amqp_uri, probe):
    with running_stack(relief_namespace, amqp_uri, [VagrantAidService]) as running:
        yield running


@pytest.fixture(scope="module")
def store_db(relief_namespace):
    return relief_namespace.admin("vagrant_aid")
