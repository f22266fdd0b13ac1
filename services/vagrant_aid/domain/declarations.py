"""D-9, D-11: the courts' declarations of death and disappearance, and deaths withdrawn as registered in error,
as relief stations meet them.

D-9: A declaration
neither closes nor changes a relief case (aid is for the person present); the station's staff — and through
the event the registrar — are alerted when a declaration concerns the person of an open case, when a person
is identified (V-6) as someone declared, and when a declared person is taken in. The person is told only that
the court revokes a declaration (Civil Code 45, 50). The standing declarations are kept by the reactions to
the funeral service's events and handed in.

D-11: a death registered in error is withdrawn; a relief case it closed (exit `died`) returns to the staff,
open again, for them to settle how it ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.vagrant_aid.contract import events as contract
from services.vagrant_aid.domain import events as ev
from services.vagrant_aid.domain.state import Case

ABOUT_OPEN_CASE = "court_declaration"  # the declaration came while the person's case is open
IDENTIFIED = "declared_person_identified"  # V-6: the person identified is declared
TAKEN_IN = "declared_person_taken_in"  # V-2: a declared person applies for aid


@dataclass(frozen=True)
class Declared:
    """A court's declaration standing about a person."""

    declaration_id: str
    kind: str  # death | missing
    court: str
    judgment_ref: str


def decide_alerts(case_id: str, station: str, person: str, declarations: list[Declared], reason: str,
                  on: dt.date) -> list[ev.Draft]:
    """One `StaffAlerted` on the case per standing declaration about `person`."""
    return [ev.Draft.of(contract.StaffAlerted(case_id=case_id, station=station, reason=reason,
                                              declaration_id=d.declaration_id, kind=d.kind, court=d.court,
                                              judgment_ref=d.judgment_ref, alerted_on=on), on, ev.person(person))
            for d in declarations]


def decide_identified_alerts(case: Case, drafts: Sequence[ev.Draft],
                             standing: Callable[[str], list[Declared]]) -> list[ev.Draft]:
    """V-6: for the person a decision on the case identifies, one alert per declaration `standing` about them,
    dated as the identification; none for a decision that identifies nobody."""
    return [alert for draft in drafts if draft.type == ev.PERSON_IDENTIFIED
            for alert in decide_alerts(case.case_id, case.station, draft.payload["id_number"],
                                       standing(draft.payload["id_number"]), IDENTIFIED, draft.occurred_on)]


def decide_reopening(case: Case, death_id: str, document_ref: str, on: dt.date) -> list[ev.Draft]:
    """D-11: the case closed by the person's death is open again; any other case is left as it is."""
    if case.exit is None or case.exit.get("kind") != "died":
        return []
    reopened = contract.CaseReopened(case_id=case.case_id, station=case.station, reason="death_withdrawn",
                                     death_id=death_id, document_ref=document_ref, previous_exit=case.exit,
                                     reopened_on=on)
    return [ev.Draft.of(reopened, on, ev.person(case.subject_id))]
