"""The dummy hash that an unknown username is verified against costs what a real hash costs: it was made
with the hasher's own parameters (so timing does not tell which usernames exist), and it is a constant, not
hashed at import."""

from __future__ import annotations

from services.gateway.identity import passwords


def test_the_dummy_hash_has_the_hashers_parameters_and_matches_no_password():
    assert not passwords._HASHER.check_needs_rehash(passwords._DUMMY)
    assert passwords._HASHER.verify(passwords._DUMMY, "no account has this password")
    assert passwords.verify_secret(None, "no account has this password") is False
    assert passwords.verify_secret(passwords.hash_secret("a password!"), "a password!") is True
