"""A-13, A-14 in the timeline, which has no code of its own for adoption: it projects the adoption service's
events like any source's, and `access.yaml` classes them. A sealed adoption is a class of its own (`sealed`):
for every role and bureau scope that reads timelines or facts, the child shows the adopters as parents and no
birth family, the birth parent only "placed for adoption", and only a `sealed` grant sees the origins."""

from __future__ import annotations

import pytest

from services.adoption.domain.decide import decide_registration
from shared.envelope import Metadata, NewEvent, Subject
from shared.errors import NotFound, Refusal
from tests.unit.adoption.builders import (
    BIRTH_PARENT,
    CHILD,
    FATHER,
    MOTHER,
    NEW,
    REGISTRAR,
    SUITABLE,
    TODAY,
    registration,
)

pytestmark = pytest.mark.integration

REGISTERED, SEALED, PLACED = "adoption.AdoptionRegistered", "adoption.AdoptionSealed", "adoption.ChildPlaced"
PARENTS = [{"id_number": FATHER, "relation": "parent"}, {"id_number": MOTHER, "relation": "parent"}]


def viewer(role: str, *scopes: str) -> dict:
    return {"role": role, "scopes": list(scopes)}


# What each reader of the timeline sees of a sealed adoption: the child's entries, the birth parent's entries,
# and whether the child's facts show the parents. `None`: no timeline at all for that caller (403).
EXPECTED = {
    "admin": (viewer("admin"), [REGISTERED], [PLACED], True),
    "child_welfare_officer": (viewer("child_welfare_officer"), [REGISTERED], [PLACED], True),
    "marriage_clerk": (viewer("marriage_clerk"), [], [], False),
    "marriage_registrar": (viewer("marriage_registrar"), [], [], False),
    "funeral_staff": (viewer("funeral_staff"), [], [], False),
    "relief_staff": (viewer("relief_staff"), [], [], False),
    "township_officer": (viewer("township_officer"), None, None, False),
    # protected@adoption, protected:facts: the adoption's entries and the parents, never the origins.
    "adoption_registrar": (viewer("adoption_registrar"), [REGISTERED], [PLACED], True),
    "oversight": (viewer("oversight"), None, None, False),
    "bureau public_security [status, case]": (viewer("bureau", "status", "case"), [], [], False),
    "bureau education [protected:facts]": (viewer("bureau", "protected:facts"), None, None, True),
    "bureau courts [status, sealed]": (viewer("bureau", "status", "sealed"), [SEALED], [SEALED], False),
}


def append(world, drafts) -> None:
    """The service's own drafts, as it records them: the adoption's stream, the placement's stream."""
    by_stream: dict[str, list] = {}
    for draft in drafts:
        stream = f"placement-{NEW.placement_id}" if draft.type == PLACED else f"adoption-{NEW.adoption_id}"
        by_stream.setdefault(stream, []).append(NewEvent(
            type=draft.type, occurred_on=draft.occurred_on, payload=draft.payload,
            subjects=tuple(Subject(id=i, role=r) for i, r in draft.subjects),
            metadata=Metadata(actor=REGISTRAR.name, office=REGISTRAR.office)))
    stored = [e for stream, events in by_stream.items() for e in world.stores["adoption"].append(stream, events, 0)]
    world.project("adoption", *stored)


def entries(queries, subject: str, who: dict) -> list[str] | None:
    try:
        return [e["type"] for e in queries.timeline(subject, None, None, who)["entries"]]
    except NotFound:
        return []
    except Refusal as refusal:
        assert refusal.code in ("timeline_not_in_scope", "forbidden"), refusal.code
        return None


def facts(queries, subject: str, who: dict) -> dict:
    try:
        return queries.facts(subject, None, who)
    except (NotFound, Refusal):
        return {}


def test_A_14_a_sealed_adoption_reads_correctly_for_each_role_and_bureau_scope(world):
    append(world, decide_registration(registration(sealed_at_request_of="adopters"), SUITABLE, NEW, REGISTRAR, TODAY))
    queries = world.queries()
    for name, (who, child_sees, parent_sees, parents_shown) in EXPECTED.items():
        assert entries(queries, CHILD, who) == child_sees, name
        assert entries(queries, BIRTH_PARENT, who) == parent_sees, name
        child_facts = facts(queries, CHILD, who)
        assert (child_facts.get("parents") == PARENTS) is parents_shown, name
        assert BIRTH_PARENT not in str(child_facts), name
        for entry in feed(queries, who):  # the feed names the birth parent only as "placed", never with the child
            named = {s["id"] for s in entry["data"]["subjects"]}
            assert BIRTH_PARENT not in named or entry["type"] == PLACED or "sealed" in who["scopes"], name
            assert not {BIRTH_PARENT, CHILD} <= named or "sealed" in who["scopes"], name


def feed(queries, who: dict) -> list:
    try:
        return queries.feed(None, None, 100, who)["entries"]
    except Refusal:
        return []


def test_A_13_an_adoption_that_is_not_sealed_shows_the_birth_parent_and_adoptive_parents(world):
    append(world, decide_registration(registration(), SUITABLE, NEW, REGISTRAR, TODAY))
    queries = world.queries()
    officer = viewer("child_welfare_officer")
    assert entries(queries, CHILD, officer) == [REGISTERED]
    assert entries(queries, BIRTH_PARENT, officer) == [REGISTERED]
    child = queries.timeline(CHILD, None, None, officer)["entries"][0]
    assert child["roles"] == ["adoptee"] and child["refs"]["adoption_id"] == NEW.adoption_id
    assert [(p["id_number"], p["relation"]) for p in facts(queries, CHILD, officer)["parents"]] == [
        (FATHER, "adoptive"), (MOTHER, "adoptive")]
