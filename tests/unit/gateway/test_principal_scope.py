"""The place or division that scopes a principal (auth.check_scope), one rule for principals and accounts."""

import pytest

from services.gateway.auth import check_scope
from services.gateway.identity.passwords import hash_secret, verify_secret


@pytest.mark.parametrize(("role", "office", "county", "township"), [
    ("marriage_clerk", "MR-610502", None, None),
    ("child_welfare_officer", None, None, None),  # the city level
    ("child_welfare_officer", None, "610528", None),
    ("child_welfare_officer", None, "610500", None),
    ("township_officer", None, None, "610502001"),
    ("adoption_registrar", None, None, None),
    ("adoption_registrar", "MR-610502", None, None),
])
def test_a_role_may_be_bound_where_it_works(role, office, county, township):
    check_scope(role, office, county, township)


@pytest.mark.parametrize(("role", "office", "county", "township"), [
    ("marriage_clerk", None, None, None),
    ("marriage_clerk", "FH-610502", None, None),
    ("township_officer", None, None, None),
    ("township_officer", None, None, "610102001"),  # a township of Xi'an, not of this city
    ("township_officer", None, None, "61050200"),
    ("child_welfare_officer", None, "610102", None),
    ("marriage_clerk", "MR-610502", "610528", None),  # a county binds child welfare officers only
    ("relief_staff", "RS-610500", None, "610502001"),
])
def test_a_role_bound_where_it_does_not_work_is_refused(role, office, county, township):
    with pytest.raises(ValueError):
        check_scope(role, office, county, township)


def test_a_password_verifies_against_its_argon2id_hash_only():
    stored = hash_secret("correct horse battery")

    assert stored.startswith("$argon2id$")
    assert verify_secret(stored, "correct horse battery")
    assert not verify_secret(stored, "correct horse battery!")
    assert not verify_secret(None, "correct horse battery")  # an unknown account never verifies
