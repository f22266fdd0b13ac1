"""Principals: loaded from YAML, kept as token hashes only, and matched by bearer token."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
import yaml

from services.gateway.auth import ROLES, Principal, Principals, PrincipalsError, bearer_token
from shared.reference.places import development_places

DEV_FILE = Path(__file__).resolve().parents[3] / "deploy" / "dev" / "principals.yaml"
TOKEN = "dev-clerk-610502-00112233445566778899aabbccddeeff"


def clerk(**overrides):
    return {"token": TOKEN, "name": "clerk.MR-610502", "role": "marriage_clerk", "office": "MR-610502",
            **overrides}


def test_a_known_token_authenticates_its_principal():
    principals = Principals.from_entries([clerk()])

    assert principals.authenticate(f"Bearer {TOKEN}") == Principal(
        "clerk.MR-610502", "marriage_clerk", "MR-610502", None, ())


def test_unknown_malformed_or_missing_tokens_authenticate_nobody():
    principals = Principals.from_entries([clerk()])

    headers = (None, "", "Bearer", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer short", f"Bearer {TOKEN} x")
    for header in headers:
        assert principals.authenticate(header) is None, header


def test_the_scheme_is_case_insensitive():
    assert Principals.from_entries([clerk()]).authenticate(f"bearer {TOKEN}") is not None


def test_only_the_hash_of_a_token_is_kept():
    principals = Principals.from_entries([clerk()])

    assert TOKEN not in repr(vars(principals))
    assert hashlib.sha256(TOKEN.encode()).hexdigest() in vars(principals)["_by_digest"]


def test_an_entry_may_give_the_tokens_hash_instead_of_the_token():
    entry = clerk(token=None, token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    del entry["token"]

    assert Principals.from_entries([entry]).authenticate(f"Bearer {TOKEN}").name == "clerk.MR-610502"


@pytest.mark.parametrize("change", [
    {"role": "cashier"},
    {"office": None},
    {"office": "FH-610502"},  # a clerk works at a registry office
    {"office": "MR-999999"},
    {"bureau": "police"},  # only bureau principals name a bureau
    {"unexpected": 1},
    {"token": "too-short"},
    {"token_sha256": "ab" * 32},  # token and hash both
])
def test_a_wrong_entry_stops_loading_without_revealing_the_token(change):
    with pytest.raises(PrincipalsError) as refused:
        Principals.from_entries([clerk(**change)])

    assert TOKEN not in str(refused.value)
    assert "too-short" not in str(refused.value)


def test_a_bureau_needs_a_bureau_and_scopes():
    entry = {"token": TOKEN, "name": "bureau.courts", "role": "bureau", "bureau": "courts"}

    with pytest.raises(PrincipalsError, match="scope"):
        Principals.from_entries([entry])


def test_a_token_or_name_used_twice_is_refused():
    with pytest.raises(PrincipalsError, match="token is already in use"):
        Principals.from_entries([clerk(), clerk(name="clerk.other")])
    with pytest.raises(PrincipalsError, match="used twice"):
        Principals.from_entries([clerk(), clerk(token=TOKEN + "-2")])


def test_bearer_token_is_read_from_the_authorization_header():
    assert bearer_token(f"Bearer   {TOKEN}  ") == TOKEN
    assert bearer_token("Bearer a b") is None


def test_dev_principals_cover_every_role_and_every_registry_office():
    principals = list(Principals.load(DEV_FILE))

    assert {p.role for p in principals} == ROLES
    offices = {p.office for p in principals if p.role == "marriage_clerk"}
    registry_offices = {p.code for p in development_places(date(2025, 6, 1)) if p.kind == "registry_office"}
    assert offices == registry_offices
    assert len(registry_offices) == 11
    assert {"RS-610500", "RS-610528", "FH-610502", "CEM-610502-1"} <= {p.office for p in principals}
    bureaus = {p.bureau: set(p.scopes) for p in principals if p.role == "bureau"}
    assert bureaus["public_security"] == {"status", "case"}
    assert set(bureaus) >= {"public_security", "education", "courts"}


def test_dev_tokens_are_long_and_distinct():
    tokens = [entry["token"] for entry in yaml.safe_load(DEV_FILE.read_text())]

    assert len(set(tokens)) == len(tokens)
    assert all(len(token) >= 40 and token.startswith("dev-") for token in tokens)
