"""A-13, A-14: a person's parents by adoption, derived from the adoption events — the one definition the
timeline calls over a person's entries. A sealed adoption shows the adopters as parents, unmarked
(`relation: parent`, no adoption id); one that is not sealed as `adoptive`. A dissolved adoption ends the
relation on its date; a void or revoked one never held. On a dissolution the birth relations revive (a
minor's by law, an adult's as agreed, A-16): the birth parents it names are parents again from its date
(`relation: birth`, `revived_by` the adoption), until a later adoption ends them again (A-13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from services.adoption.contract import events as contract
from shared.reference.events import Recorded, subject_pairs


def parents_by_adoption(ids: set[str], entries: Iterable[Recorded], as_of: dt.date | None = None
                        ) -> list[dict[str, Any]]:
    """The adopters of the person (an `adoptee` of one of `ids`) in force on `as_of` (None: now)."""
    live: dict[str, contract.AdoptionRegistered] = {}
    revived: dict[str, dict[str, Any]] = {}
    for event in entries:
        if not event.type.startswith("adoption.") or not any(
                sid in ids and role == "adoptee" for sid, role in subject_pairs(event)):
            continue
        model = contract.CATALOGUE.read(event)
        match model:
            case contract.AdoptionRegistered() if as_of is None or model.registered_on <= as_of:
                live[model.adoption_id] = model
                revived.clear()  # a new adoption ends the birth family's relations again
            case contract.AdoptionDissolved() if as_of is None or model.dissolved_on <= as_of:
                live.pop(model.adoption_id, None)
                for parent in model.birth_parents if model.birth_relations_revived else ():
                    revived[parent.id_number] = {"id_number": parent.id_number, "relation": "birth",
                                                 "since": model.dissolved_on, "revived_by": model.adoption_id}
            case contract.AdoptionRevoked():
                live.pop(model.adoption_id, None)  # void from the start, whenever it was found
    parents: list[dict[str, Any]] = []
    for adoption in sorted(live.values(), key=lambda a: a.registered_on):
        for adopter in adoption.adopters:
            if adoption.sealed:
                parents.append({"id_number": adopter.id_number, "relation": "parent"})
            else:
                parents.append({"id_number": adopter.id_number, "relation": "adoptive",
                                "since": adoption.registered_on, "adoption_id": adoption.adoption_id})
    return parents + list(revived.values())
