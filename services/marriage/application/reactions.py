"""Reactions to the funeral service's events (docs/events.md, funeral contracts; M-11).

* `funeral.DeathRegistered` of an identified person, or `funeral.BodyIdentified` (an unidentified body now
  known to be that person): the person is recorded as deceased here (`deceased_persons`, which M-3 reads:
  a deceased party cannot marry); a marriage in force ends on the date of death, the survivor widowed; a
  pending divorce application of it ends too; a marriage registered after the date of death is flagged.
* `funeral.DeathCorrected`: a death recorded against the wrong person is undone for `previous_subject` —
  alive again here, and a marriage that death ended is revived unless the survivor has remarried — and
  applied to `subject`. A corrected date of death is carried into `deceased_persons` and into the marriage
  it ended (`DeathDateCorrected`).

* `funeral.CourtDeclarationRecorded` of kind death (D-4): as a death, on the judgment date (Civil Code 51), the
  declaration's id standing for the death's: the declared person is deceased here (M-3 refuses them) and a
  marriage in force ends, the survivor widowed (free to remarry). A missing declaration changes nothing here.
* `funeral.CourtDeclarationRevoked` of a death declaration (D-5): alive again from the revocation date; the
  marriage the declaration ended revives from that date unless the survivor remarried since the declaration
  or made the written statement the revocation carries — then both are divorced from that date.
* `funeral.DeathWithdrawn` (D-11): the death was registered in error: alive on every date, the marriage never
  ended (`MarriageRevived` without a date). A survivor's remarriage meanwhile is flagged for the registrar
  (M-3), and the old marriage is left as it is for the registrar to settle.

Each reaction is a command whose events carry the funeral event as causation id and take their ids from
it: delivered twice, written once (the subscription also dedupes by event id).
"""

from __future__ import annotations

import datetime as dt

from services.funeral.contract import events as funeral
from services.marriage.application.unit_of_work import EventIds, UnitOfWork
from services.marriage.domain import divorce, marriage
from services.marriage.domain import events as ev
from services.marriage.domain.marriage import MarriageState
from shared.envelope import Event, Metadata

FUNERAL_EVENT_TYPES = (funeral.DeathRegistered.TYPE, funeral.DeathCorrected.TYPE, funeral.BodyIdentified.TYPE,
                       funeral.CourtDeclarationRecorded.TYPE, funeral.CourtDeclarationRevoked.TYPE,
                       funeral.DeathWithdrawn.TYPE)
DECLARED = "declared"
REGISTERED = "registered"  # M-3, D-8: the basis of a death recorded here
TEMPORARY_PREFIX = "TMP-"


def ids_for(event: Event) -> EventIds:
    return EventIds.for_reaction(event.type, event.event_id)


def metadata_for(event: Event, base: Metadata) -> Metadata:
    return base.model_copy(update={"actor": event.metadata.actor or "marriage.reaction", "office": None,
                                   "causation_id": str(event.event_id)})


def react(uow: UnitOfWork, event: Event) -> None:
    """The funeral event, read through the funeral service's contract models."""
    match funeral.CATALOGUE.read(event):
        case funeral.DeathRegistered(identified=True) as death:
            person = event.subjects[0].id
            if not person.startswith(TEMPORARY_PREFIX):
                apply_death(uow, person, death.died_on, death.death_id)
        case funeral.BodyIdentified() as identified:
            apply_death(uow, identified.id_number, identified.died_on, identified.death_id)
        case funeral.DeathCorrected(previous_subject=previous, subject=subject) as corrected if previous != subject:
            if not previous.startswith(TEMPORARY_PREFIX):
                undo_death(uow, previous, corrected.death_id, event.occurred_on)
            if not subject.startswith(TEMPORARY_PREFIX):
                apply_death(uow, subject, corrected.died_on, corrected.death_id)
        case funeral.DeathCorrected(subject=subject) as corrected if not subject.startswith(TEMPORARY_PREFIX):
            correct_date_of_death(uow, subject, corrected.death_id, corrected.died_on, event.occurred_on)
        case funeral.CourtDeclarationRecorded(kind="death") as declared:
            apply_death(uow, event.subjects[0].id, declared.judgment_on, declared.declaration_id, DECLARED)
        case funeral.CourtDeclarationRevoked(kind="death") as revoked:
            revoke_declaration(uow, event.subjects[0].id, revoked)
        case funeral.DeathWithdrawn() as withdrawn:
            withdraw_death(uow, event.subjects[0].id, withdrawn.death_id, withdrawn.withdrawn_on)


def apply_death(uow: UnitOfWork, person: str, died_on: dt.date, death_id: str, basis: str | None = None) -> None:
    """M-11, M-3 (D-4 with `basis` declared): the person is deceased from `died_on`; each of their marriages
    reacts."""
    uow.tx.execute("INSERT INTO deceased_persons (person_id, died_on, death_id, basis) VALUES (%s, %s, %s, %s)"
                   " ON CONFLICT (person_id) DO UPDATE SET died_on = excluded.died_on, death_id = excluded.death_id,"
                   " basis = excluded.basis", (person, died_on, death_id, basis or REGISTERED))
    for registration_id in uow.read.marriages_of(person):
        state = uow.marriage(registration_id)
        assert state is not None
        drafts = marriage.decide_death(state, person, died_on, death_id, basis)
        if not drafts:
            continue
        uow.record(ev.marriage_stream(registration_id), drafts, state.version)
        if drafts[0].type == ev.MARRIAGE_ENDED_BY_DEATH:
            close_pending_divorce(uow, registration_id, state.id_numbers, died_on)


def close_pending_divorce(uow: UnitOfWork, registration_id: str, persons: tuple[str, ...], on: dt.date) -> None:
    divorce_id = uow.read.pending_divorce(registration_id)
    if divorce_id is None:
        return
    state = uow.divorce(divorce_id)
    assert state is not None
    uow.record(ev.divorce_stream(divorce_id), divorce.decide_closure(state, persons, "death", on), state.version)


def correct_date_of_death(uow: UnitOfWork, person: str, death_id: str, died_on: dt.date, on: dt.date) -> None:
    """M-11, F-7: the same person died on another day: what the death ended, ended on that day."""
    uow.tx.execute("UPDATE deceased_persons SET died_on = %s WHERE person_id = %s AND death_id = %s",
                   (died_on, person, death_id))
    for registration_id in uow.read.marriages_of(person):
        state = uow.marriage(registration_id)
        assert state is not None
        drafts = marriage.decide_death_date_correction(state, death_id, died_on, on)
        if drafts:
            uow.record(ev.marriage_stream(registration_id), drafts, state.version)


def undo_death(uow: UnitOfWork, person: str, death_id: str, on: dt.date) -> None:
    """M-11, F-7: the death was not this person's: alive again; what it ended is revived unless the survivor
    remarried meanwhile."""
    uow.tx.execute("DELETE FROM deceased_persons WHERE person_id = %s AND death_id = %s", (person, death_id))
    for registration_id in uow.read.marriages_of(person):
        state = uow.marriage(registration_id)
        assert state is not None
        if state.status != "widowed" or state.death_id != death_id:
            continue
        survivor = state.spouse_of(person)
        remarried = uow.read.current_marriage(survivor) is not None
        drafts = marriage.decide_revival(state, death_id, remarried, on, "death_corrected")
        if drafts:
            uow.record(ev.marriage_stream(registration_id), drafts, state.version)


def revoke_declaration(uow: UnitOfWork, person: str, revoked: funeral.CourtDeclarationRevoked) -> None:
    """D-5: alive again from the revocation; the marriage the declaration ended revives from that date unless
    the survivor remarried since the declaration (even if that marriage has ended) or stated in writing that it
    is not to be restored."""
    declaration_id = revoked.declaration_id
    for registration_id, state, survivor in ended_by(uow, person, declaration_id):
        assert state.ended_on is not None
        remarried = remarried_since(uow, survivor, registration_id, state.ended_on)
        drafts = marriage.decide_declaration_revoked(state, declaration_id, revoked.revoked_on, remarried,
                                                     survivor in revoked.spouse_statements)
        if drafts:
            uow.record(ev.marriage_stream(registration_id), drafts, state.version)


def ended_by(uow: UnitOfWork, person: str, death_id: str) -> list[tuple[str, MarriageState, str]]:
    """The person is alive again here (M-3); the marriages `death_id` (a death, or a death declaration) ended,
    each with its state and the survivor."""
    uow.tx.execute("DELETE FROM deceased_persons WHERE person_id = %s AND death_id = %s", (person, death_id))
    found = []
    for registration_id in uow.read.marriages_of(person):
        state = uow.marriage(registration_id)
        assert state is not None
        if state.status == "widowed" and state.death_id == death_id and state.ended_on is not None:
            found.append((registration_id, state, state.spouse_of(person)))
    return found


def remarried_since(uow: UnitOfWork, person: str, ended: str, since: dt.date) -> bool:
    """D-5: a marriage of `person` registered since `since`, other than `ended`, that existed (not void, annulled
    or revoked), whether or not it has ended since."""
    for registration_id in uow.read.marriages_of(person):
        state = uow.marriage(registration_id)
        if (registration_id != ended and state is not None and state.registered_on >= since
                and state.status not in marriage.NEVER_EXISTED):
            return True
    return False


def withdraw_death(uow: UnitOfWork, person: str, death_id: str, on: dt.date) -> None:
    """D-11: registered in error: alive on every date and the marriage never ended. A survivor who remarried
    meanwhile goes to the registrar (M-3): that marriage is flagged, and the old one left for the registrar."""
    for registration_id, state, survivor in ended_by(uow, person, death_id):
        later = uow.read.current_marriage(survivor)
        if later is not None and later != registration_id:
            assert state.ended_on is not None
            flag_remarriage(uow, later, survivor, death_id, state.ended_on)
            continue
        drafts = marriage.decide_revival(state, death_id, False, on, "death_withdrawn")
        if drafts:
            uow.record(ev.marriage_stream(registration_id), drafts, state.version)


def flag_remarriage(uow: UnitOfWork, registration_id: str, survivor: str, death_id: str, died_on: dt.date) -> None:
    state = uow.marriage(registration_id)
    assert state is not None
    if "spouse_death_withdrawn" in state.flags:
        return
    drafts = marriage.decide_flag(state, "spouse_death_withdrawn", survivor, death_id, died_on)
    uow.record(ev.marriage_stream(registration_id), drafts, state.version)
