"""Retention of identity's records on the real database (docs/privacy.md, issue 12): sign-in attempts are
deleted after their retention (180 days by default) and not before; refresh chains, with their spent and
unspent tokens, once expired, while a live chain keeps its spent tokens (they reveal reuse). Both purge on
write, as the gateway's own role, which may delete nothing else."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from services.gateway.identity.accounts import Accounts, NewAccount
from services.gateway.identity.refresh import RefreshChains
from services.gateway.identity.settings import IdentityConfigError, IdentitySettings
from services.gateway.identity.sign_ins import SignIns
from services.gateway.problems import Problem

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gateway_db(namespace):
    return namespace.database("gateway")


@pytest.fixture(scope="module")
def username(gateway_db):
    name = f"retention.{secrets.token_hex(4)}"
    Accounts(gateway_db).add(NewAccount(username=name, name="保留测试", role="funeral_staff", office="FH-610502",
                                        password="a long enough password"))
    return name


def age(namespace, statement: str, *params) -> None:
    with namespace.admin("gateway").transaction() as conn:
        conn.execute(statement, params)


def attempts(namespace, username: str) -> list[str]:
    with namespace.admin("gateway").transaction() as conn:
        return [row[0] for row in conn.execute("SELECT outcome FROM sign_ins WHERE username = %s ORDER BY id",
                                               (username,)).fetchall()]


def test_sign_in_attempts_are_deleted_after_180_days_and_not_before(namespace, gateway_db):
    who = f"someone.{secrets.token_hex(4)}"
    sign_ins = SignIns(gateway_db, failures=5, window=900)
    for outcome in ("old", "recent"):
        sign_ins.record(who, outcome, "192.0.2.1")
    age(namespace, "UPDATE sign_ins SET at = now() - interval '180 days 1 minute' WHERE username = %s"
                   " AND outcome = 'old'", who)
    age(namespace, "UPDATE sign_ins SET at = now() - interval '179 days 23 hours' WHERE username = %s"
                   " AND outcome = 'recent'", who)

    assert sign_ins.purge.run() >= 1

    assert attempts(namespace, who) == ["recent"]


def test_the_sign_in_retention_is_configurable_and_purged_on_write(namespace, gateway_db):
    who = f"someone.{secrets.token_hex(4)}"
    sign_ins = SignIns(gateway_db, failures=5, window=900, retention_days=30, purge_every=0)
    sign_ins.record(who, "invalid_credentials", None)
    age(namespace, "UPDATE sign_ins SET at = now() - interval '31 days' WHERE username = %s", who)

    sign_ins.record(who, "success", None)  # the write purges

    assert attempts(namespace, who) == ["success"]
    settings = IdentitySettings.from_config({"IDENTITY": {"SIGN_IN_RETENTION_DAYS": 30}})
    assert settings.sign_in_retention_days == 30
    assert IdentitySettings().sign_in_retention_days == 180
    with pytest.raises(IdentityConfigError):  # shorter than the lockout window that reads the attempts
        IdentitySettings.from_config({"IDENTITY": {"SIGN_IN_RETENTION_DAYS": 1, "LOCKOUT_WINDOW": 2 * 86400}})


def chain_rows(namespace, username: str) -> tuple[int, int]:
    with namespace.admin("gateway").transaction() as conn:
        chains = conn.execute("SELECT count(*) FROM refresh_chains WHERE username = %s", (username,)).fetchone()[0]
        tokens = conn.execute("SELECT count(*) FROM refresh_tokens JOIN refresh_chains USING (chain_id)"
                              " WHERE username = %s", (username,)).fetchone()[0]
    return chains, tokens


def test_expired_refresh_chains_go_with_their_tokens_and_live_ones_keep_their_spent_tokens(namespace, gateway_db,
                                                                                            username):
    chains = RefreshChains(gateway_db, ttl=3600)
    expiring = chains.rotate(chains.start(username)).refresh_token  # one spent token, one live, in a chain
    live = chains.start(username)
    chains.rotate(live)  # the live chain: one spent token, one unspent
    chains.revoke(expiring)
    assert chain_rows(namespace, username) == (2, 4)
    age(namespace, "UPDATE refresh_chains SET expires_at = now() - interval '1 second' WHERE chain_id ="
                   " (SELECT chain_id FROM refresh_tokens WHERE token_sha256 = encode(sha256(%s::bytea), 'hex'))",
        expiring)

    assert chains.purge.run() >= 1

    assert chain_rows(namespace, username) == (1, 2)  # the live chain, its spent token kept to reveal reuse
    with pytest.raises(Problem) as refused:
        chains.rotate(expiring)
    assert refused.value.code == "invalid_refresh_token"


def test_refresh_chains_are_purged_on_write(namespace, gateway_db, username):
    chains = RefreshChains(gateway_db, ttl=3600, purge_every=0)
    old = chains.start(username)
    before = chain_rows(namespace, username)
    age(namespace, "UPDATE refresh_chains SET expires_at = now() - interval '1 second' WHERE chain_id ="
                   " (SELECT chain_id FROM refresh_tokens WHERE token_sha256 = encode(sha256(%s::bytea), 'hex'))",
        old)

    chains.start(username)  # the write purges

    assert chain_rows(namespace, username) == before  # one chain gone, one chain come


def test_the_gateway_role_deletes_only_what_retention_asks(gateway_db):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), gateway_db.connection() as conn:
        conn.execute("DELETE FROM accounts WHERE false")
