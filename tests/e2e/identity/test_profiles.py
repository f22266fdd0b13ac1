"""The development profile and a production start (identity/settings.py): production refuses the static
tokens of principals.yaml, a principals file, and the development accounts; it marks the refresh cookie
Secure. Each production gateway runs on a namespace of its own."""

from __future__ import annotations

import pytest
import requests
from nameko.containers import ServiceContainer

from services.gateway.identity.settings import IdentityConfigError
from services.gateway.service import GatewayService
from tests.e2e.identity.conftest import ACCOUNTS_FILE, civreg
from tests.support.infrastructure import isolated_world
from tests.support.problems import assert_problem
from tests.support.proof import signing_key_config
from tests.support.services import service_config
from tests.support.stack import PRINCIPALS_FILE, free_port, principal_token, running_stack

pytestmark = pytest.mark.integration

SECRET = "cHJvZHVjdGlvbi10ZXN0LWtleS1zZWNyZXQtMzJieXQ"
PRODUCTION = {"PROFILE": "production", "PRINCIPALS_FILE": None, "IDENTITY": {"KEY_SECRET": SECRET}}
OPERATOR_ENV = {"CIVREG_PROFILE": "production", "SIGNING_KEY_SECRET": SECRET}


@pytest.fixture(scope="module")
def production_world():
    with isolated_world(("gateway",)) as world:
        yield world


def refuses_to_start(namespace, vhost, **config) -> str:
    container = ServiceContainer(GatewayService, service_config(
        namespace, vhost, **{"WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", **signing_key_config(), **PRODUCTION,
                             **config}))
    with pytest.raises(IdentityConfigError) as refused:
        try:
            container.start()
        except Exception:
            container.kill()
            raise
    return str(refused.value)


def test_production_refuses_static_tokens_and_signs_in_an_account_with_a_secure_cookie(production_world):
    namespace, vhost = production_world
    made = civreg(namespace.name, "accounts", "add", "zhang.wei", "--name", "张伟", "--role", "marriage_clerk",
                  "--office", "MR-610502", "--password-stdin", stdin="a-production-password\n", **OPERATOR_ENV)
    assert made.returncode == 0, made.stderr

    with running_stack(namespace, vhost, [], **PRODUCTION) as api:
        static = api.get("/v1/me", headers={"Authorization": f"Bearer {principal_token('admin')}"})
        assert_problem(static, 401, "unauthenticated")

        signed_in = requests.post(f"{api.base_url}/v1/auth/login?session=cookie", timeout=30,
                                  json={"username": "zhang.wei", "password": "a-production-password"})
        assert signed_in.status_code == 200
        assert "Secure" in signed_in.headers["Set-Cookie"]
        me = api.get("/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
        assert me.json()["username"] == "zhang.wei" and me.json()["name"] == "张伟"


def test_a_production_start_refuses_a_principals_file(production_world):
    namespace, vhost = production_world
    assert "static tokens" in refuses_to_start(namespace, vhost, PRINCIPALS_FILE=str(PRINCIPALS_FILE))


def test_production_refuses_to_seed_the_development_accounts_and_to_start_where_they_were_seeded():
    with isolated_world(("gateway",)) as (namespace, vhost):
        refused = civreg(namespace.name, "accounts", "seed", str(ACCOUNTS_FILE), **OPERATOR_ENV)
        assert refused.returncode != 0 and "development profile only" in refused.stderr

        assert civreg(namespace.name, "accounts", "seed", str(ACCOUNTS_FILE)).returncode == 0

        assert "development accounts" in refuses_to_start(namespace, vhost)
