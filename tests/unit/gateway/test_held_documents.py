"""The documents the gateway holds between two identical reads (services/gateway/held.py): a held document
goes out again only when the service says this caller's document is the very one held, and as the same bytes."""

from __future__ import annotations

import pytest

from services.gateway.held import HeldDocuments

KEY = ("persons.timeline", "610502199001010011", None, None, None, "admin", ("status",))
DOCUMENT = '{"subject": "610502199001010011", "person": "王五", "entries": []}'


def test_a_document_sent_again_is_the_held_one_encoded_once():
    held = HeldDocuments()
    first = held.answer(KEY, None, {"digest": "d1", "document": DOCUMENT})
    sent = first.data

    again = held.answer(KEY, held.get(KEY), {"digest": "d1", "document": None})

    assert again.text == DOCUMENT and again.data is sent
    assert sent == DOCUMENT.encode()


def test_a_changed_document_replaces_the_held_one():
    held = HeldDocuments()
    held.answer(KEY, None, {"digest": "d1", "document": DOCUMENT})
    changed = DOCUMENT.replace("[]", '[{"title": "结婚登记"}]')

    assert held.answer(KEY, held.get(KEY), {"digest": "d2", "document": changed}).data == changed.encode()
    assert held.get(KEY).digest == "d2"


def test_no_document_is_sent_for_a_digest_the_gateway_does_not_hold():
    held = HeldDocuments()
    held.answer(KEY, None, {"digest": "d1", "document": DOCUMENT})

    with pytest.raises(ValueError):
        held.answer(KEY, held.get(KEY), {"digest": "d2", "document": None})
    with pytest.raises(ValueError):
        held.answer(KEY, None, {"digest": "d1", "document": None})
