"""Reactions to the funeral service's and the relief stations' events (docs/events.md).

* A death (`funeral.DeathRegistered`, or `funeral.BodyIdentified`: the death of the identified person from
  then on): the deceased's own file ends (C-6, reason `death`); every child of the deceased as a parent
  (index `parent_children`) gets the parent's death as a condition, and is re-evaluated: a confirmed child is
  reclassified (de facto unattended → orphan), a rejected one whose parents now make it eligible is assessed
  again (C-1, C-6).
* `funeral.DeathCorrected`: a moved date of death re-dates the condition or the termination, and the
  months already paid are recomputed into an adjustment (C-5); a death moved to another person is undone
  for the wrongly recorded one and applied to the right one (F-7).
* `adoption.AdoptionRegistered` (A-15): the adopted child's open file ends, reason `adopted`, on the
  registration date; that month is the last one paid (C-5), and the state's guardianship and care end.
* `adoption.AdoptionDissolved` (A-16): a minor's birth relations revive, so a file the adoption ended is
  reopened on the dissolution date, the child checked and decided again (C-2, C-3: a new assessment).
* `funeral.CourtDeclarationRecorded` (D-6): a court's declaration re-evaluates the person's children as a death
  does, the parent `declared_dead` or `declared_missing` (C-1's "dead or missing" side) from the judgment date;
  a child declared dead has the file end in the judgment month. `funeral.CourtDeclarationRevoked`: the
  condition ends from the revocation date, so in its month (C-6); earlier months stand.
* `funeral.DeathWithdrawn` (D-11): a death registered in error is undone as if it had never been, the months
  already paid recomputed into an adjustment (C-5), as for a death corrected away from the person (F-7).
* `vagrant_aid.MinorReferred` (V-7): a referral file under temporary state guardianship, at the minors'
  protection centre. `vagrant_aid.PersonIdentified` / `PersonSettled`: a child known under a temporary id is
  linked to the ID number (0.5); an identification showing an adult, and a minor's exit (`PersonExited`:
  collected, escorted, transferred), end the referral (relief_loop.py).

Each reaction is a command whose events carry the triggering event as causation id and take their ids from
it (and from the file it concerns): applied twice, written once. Facts already on the file are not recorded
again, so an officer who recorded the death first is not contradicted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.adoption.contract import events as adoption
from services.child_welfare.application import relief_loop
from services.child_welfare.application.unit_of_work import EventIds, UnitOfWork, attempt
from services.child_welfare.contract import events as contract
from services.child_welfare.contract.commands import ReopenFile
from services.child_welfare.contract.refusals import FILE_EXISTS
from services.child_welfare.domain import decide as d
from services.child_welfare.domain import events as ev
from services.child_welfare.domain.file import ChildFile
from services.child_welfare.domain.file_changes import decide_reopening
from services.funeral.contract import events as funeral
from services.vagrant_aid.contract import events as relief
from shared.actor import Actor
from shared.envelope import Event, Metadata, subject_with_role
from shared.errors import Refusal
from shared.eventstore.base import EventStore
from shared.logging import get_logger
from shared.reference.idnumber import InvalidIdNumber, parse_id_number

log = get_logger(__name__)

FUNERAL_EVENT_TYPES = (funeral.DeathRegistered.TYPE, funeral.DeathCorrected.TYPE, funeral.BodyIdentified.TYPE,
                       funeral.CourtDeclarationRecorded.TYPE, funeral.CourtDeclarationRevoked.TYPE,
                       funeral.DeathWithdrawn.TYPE)
RELIEF_EVENT_TYPES = (relief.MinorReferred.TYPE, relief.PersonIdentified.TYPE, relief.PersonSettled.TYPE,
                      *relief_loop.EXIT_TYPES)
ADOPTION_EVENT_TYPES = (adoption.AdoptionRegistered.TYPE, adoption.AdoptionDissolved.TYPE)
SYSTEM = Actor.system("child_welfare.reaction")


def metadata_for(event: Event, base: Metadata) -> Metadata:
    return base.model_copy(update={"actor": event.metadata.actor or SYSTEM.name, "office": None,
                                   "causation_id": str(event.event_id)})


class Reactor:
    """Applies one triggering event: one savepoint per file it concerns, ids derived from the trigger."""

    def __init__(self, store: EventStore, tx: Any, event: Event, base: Metadata, today: dt.date) -> None:
        self.store, self.tx, self.event, self.today = store, tx, event, today
        self.metadata = metadata_for(event, base)

    def on(self, key: str, work: Any) -> Any:
        ids = EventIds.for_reaction(self.event.type, self.event.event_id, key)
        return attempt(self.store, self.tx, self.metadata, ids, work)

    def index(self, work: Any) -> Any:
        return self.on("lookup", work)


def react(store: EventStore, tx: Any, event: Event, base: Metadata, today: dt.date) -> None:
    """The funeral or relief event, read through its producer's contract models."""
    reactor = Reactor(store, tx, event, base, today)
    catalogue = funeral.CATALOGUE if event.type in FUNERAL_EVENT_TYPES else \
        adoption.CATALOGUE if event.type in ADOPTION_EVENT_TYPES else relief.CATALOGUE
    match catalogue.read(event):
        case funeral.DeathRegistered(identified=True) as registered:
            subject = subject_with_role(event, "deceased")
            if not subject.startswith("TMP-"):
                death(reactor, subject, registered.died_on, registered.death_id)
        case funeral.BodyIdentified() as identified:
            death(reactor, identified.id_number, identified.died_on, identified.death_id)
        case funeral.DeathCorrected() as corrected:
            correction(reactor, corrected)
        case funeral.CourtDeclarationRecorded() as declared:
            declaration(reactor, subject_with_role(event, "declared"), declared)
        case funeral.CourtDeclarationRevoked() as revoked:
            revocation(reactor, subject_with_role(event, "declared"), revoked)
        case funeral.DeathWithdrawn() as withdrawn:
            _undo_death(reactor, subject_with_role(event, "withdrawn"), withdrawn.death_id)
        case relief.MinorReferred() as referred:
            referral(reactor, event, referred)
        case relief.PersonIdentified(minor=False) as adult:
            relief_loop.on_identification(reactor, event, adult)
        case relief.PersonIdentified(temporary_id=temporary, id_number=id_number, identified_on=on) | \
                relief.PersonSettled(temporary_id=temporary, id_number=id_number, settled_on=on):
            identification(reactor, event, temporary, id_number, on)
        case adoption.AdoptionRegistered() as registered:
            adopted(reactor, registered)
        case adoption.AdoptionDissolved(adoptee_minor=True, birth_relations_revived=True) as dissolved:
            adoption_dissolved(reactor, subject_with_role(event, "adoptee"), dissolved)
        case relief.PersonExited() as exited:
            relief_loop.on_exit(reactor, event, exited)


# -- deaths ------------------------------------------------------------------------------------------------------
def _keep_death(reactor: Reactor, person: str, death: d.RegisteredDeath | None, death_id: str) -> None:
    """The person's registered death kept (or moved, re-dated, forgotten) for a file opened later, under the
    person's lock held to the commit: an opening at this moment waits for it (`lock_parent_conditions`)."""
    def keep(uow: UnitOfWork) -> None:
        uow.read.lock_parent_conditions([person], exclusive=True)
        if death is None:
            uow.read.forget_death(death_id)
        elif not person.startswith("TMP-"):
            uow.read.note_death(death)

    reactor.on(f"registered:{death_id}:{person}", keep)


def death(reactor: Reactor, person: str, died_on: dt.date, death_id: str) -> None:
    _keep_death(reactor, person, d.RegisteredDeath(person, death_id, died_on), death_id)
    own, children = reactor.index(lambda uow: (uow.read.file_of(person), uow.read.children_of(person)))
    if own is not None:
        reactor.on(f"child:{own}:{person}", lambda uow: _child_died(uow, own, died_on, reactor.today))
    for child_id in children:
        reactor.on(f"parent:{child_id}:{person}",
                   lambda uow, child_id=child_id: _parent_died(uow, child_id, person, died_on, death_id, reactor))


def _child_died(uow: UnitOfWork, child_id: str, died_on: dt.date, today: dt.date,
                declared: funeral.CourtDeclarationRecorded | None = None) -> None:
    """The child's own death ends the file (C-6); a death declaration on the judgment date (D-6), the months
    paid after an earlier art. 48 date of death going to an officer."""
    file = uow.file(child_id)
    if file is None or not file.is_open or uow.replayed():
        return
    review = d.paid_after_declared_death(file, declared.died_on, declared.judgment_on) \
        if declared is not None and declared.died_on is not None else None
    drafts = [d.termination_draft(file, "death", max(died_on, file.applied_on), cause=funeral.DeathRegistered.TYPE,
                                  review=review)]
    _record(uow, file, drafts, today, "child_died")


def _parent_index(file: ChildFile, person: str) -> int | None:
    for index, parent in enumerate(file.parents):
        if parent.id_number == person:
            return index
    return None


def _open_file_parent(uow: UnitOfWork, child_id: str, person: str) -> tuple[ChildFile, int] | None:
    """The child's open file and the person's place among its parents; None where the file is closed or
    unknown, the person is no parent on it, or the reaction ran already."""
    file = uow.file(child_id)
    if file is None or not file.is_open or uow.replayed():
        return None
    index = _parent_index(file, person)
    return None if index is None else (file, index)


def _parent_died(uow: UnitOfWork, child_id: str, person: str, died_on: dt.date, death_id: str,
                 reactor: Reactor) -> None:
    found = _open_file_parent(uow, child_id, person)
    if found is None:
        return
    file, index = found
    fact = file.parents[index].fact_on(died_on)
    if fact is not None and fact.condition in ("deceased", "declared_dead") and fact.since == died_on:
        return  # the officer recorded it already
    draft = d.parent_change_draft(file, index, "deceased", died_on, f"death {death_id}",
                                  cause=reactor.event.type, death_id=death_id, on=reactor.today)
    effective_on = max(died_on, file.confirmed_on or died_on)
    drafts = [draft, *d.consequences(file, [draft], effective_on, "parent_died")]
    _record(uow, file, drafts, reactor.today, "parent_died")


def correction(reactor: Reactor, corrected: funeral.DeathCorrected) -> None:
    previous, subject, death_id = corrected.previous_subject, corrected.subject, corrected.death_id
    died_on = corrected.died_on
    if previous != subject:
        _undo_death(reactor, previous, death_id)
        if not subject.startswith("TMP-"):
            death(reactor, subject, died_on, death_id)
        return
    if "died_on" not in corrected.changes:
        return
    _keep_death(reactor, subject, d.RegisteredDeath(subject, death_id, died_on), death_id)
    own, children = reactor.index(lambda uow: (uow.read.file_of(subject), uow.read.children_of(subject)))
    if own is not None:
        reactor.on(f"child:{own}:{subject}", lambda uow: _redate_child_death(uow, own, died_on, reactor.today))
    for child_id in children:
        reactor.on(f"parent:{child_id}:{subject}",
                   lambda uow, child_id=child_id: _redate_parent_death(uow, child_id, subject, died_on, death_id,
                                                                       reactor))


def _redate_child_death(uow: UnitOfWork, child_id: str, died_on: dt.date, today: dt.date) -> None:
    file = uow.file(child_id)
    if file is None or file.termination is None or file.termination.reason != "death" or uow.replayed():
        return
    effective_on = max(died_on, file.applied_on)
    if effective_on == file.termination.effective_on:
        return
    payload = {"child_id": file.child_id, "from_effective_on": file.termination.effective_on.isoformat(),
               "effective_on": effective_on.isoformat(), "reason": "death_corrected"}
    _record(uow, file, [ev.Draft.of(contract.TerminationCorrected(**payload), today, ((file.subject_id, "child"),))],
            today, "death_corrected")


def _death_fact(file: ChildFile, index: int, death_id: str) -> Any:
    for fact in file.parents[index].facts:
        if fact.death_id == death_id or (fact.condition == "deceased" and fact.death_id is None):
            return fact
    return None


def _redate_parent_death(uow: UnitOfWork, child_id: str, person: str, died_on: dt.date, death_id: str,
                         reactor: Reactor) -> None:
    found = _recorded_parent_death(uow, child_id, person, death_id)
    if found is None:
        return
    file, index, fact = found
    if fact is None:
        _parent_died(uow, child_id, person, died_on, death_id, reactor)
        return
    if fact.since == died_on:
        return
    draft = d.parent_change_draft(file, index, "deceased", died_on, fact.evidence_ref, replaces_since=fact.since,
                                  cause=funeral.DeathCorrected.TYPE, death_id=death_id, on=reactor.today)
    _record_parent_change(uow, file, draft, died_on, reactor.today, "parent_death_corrected")


def _recorded_parent_death(uow: UnitOfWork, child_id: str, person: str,
                           death_id: str) -> tuple[ChildFile, int, Any] | None:
    """The child's file, the parent's place in it and the parent's death fact as recorded (None if none);
    None where the file or the parent is unknown or the reaction ran already."""
    file = uow.file(child_id)
    index = _parent_index(file, person) if file else None
    if file is None or index is None or uow.replayed():
        return None
    return file, index, _death_fact(file, index, death_id)


def _record_parent_change(uow: UnitOfWork, file: ChildFile, draft: ev.Draft, effective_on: dt.date,
                          today: dt.date, cause: str) -> None:
    """The parent's changed fact, and on an open file what follows from it from `effective_on` (not before
    the confirmation)."""
    drafts = [draft]
    if file.is_open:
        drafts += d.consequences(file, [draft], max(effective_on, file.confirmed_on or effective_on), cause)
    _record(uow, file, drafts, today, cause)


def _undo_death(reactor: Reactor, person: str, death_id: str) -> None:
    """F-7: the death was recorded against the wrong person: what was done for them is undone."""
    _keep_death(reactor, person, None, death_id)
    own, children = reactor.index(lambda uow: (uow.read.file_of(person), uow.read.children_of(person)))
    today = reactor.today

    def revive_child(uow: UnitOfWork) -> None:
        file = uow.file(own)
        if file is None or file.termination is None or file.termination.reason != "death" or uow.replayed():
            return
        payload = {"child_id": file.child_id, "from_effective_on": file.termination.effective_on.isoformat(),
                   "effective_on": None, "reason": "death_recorded_against_wrong_person"}
        drafts = [ev.Draft.of(contract.TerminationCorrected(**payload), today, ((file.subject_id, "child"),))]
        _record(uow, file, drafts, today, "death_withdrawn")

    def revive_parent(uow: UnitOfWork, child_id: str) -> None:
        found = _recorded_parent_death(uow, child_id, person, death_id)
        if found is None:
            return
        file, index, fact = found
        if fact is None:
            return
        draft = d.parent_change_draft(file, index, fact.condition, fact.since, fact.evidence_ref,
                                      replaces_since=fact.since, withdrawn=True, cause=funeral.DeathCorrected.TYPE,
                                      death_id=death_id, on=today)
        _record_parent_change(uow, file, draft, today, today, "parent_death_withdrawn")

    if own is not None:
        reactor.on(f"child:{own}:{person}", revive_child)
    for child_id in children:
        reactor.on(f"parent:{child_id}:{person}", lambda uow, child_id=child_id: revive_parent(uow, child_id))


# -- adoption ----------------------------------------------------------------------------------------------------
def adopted(reactor: Reactor, registered: adoption.AdoptionRegistered) -> None:
    """A-15: the child's open file ends as `adopted` on the registration date (its month the last paid);
    state guardianship and institutional or foster care end with it. Applied twice, written once."""
    child = registered.child.id_number
    own = reactor.index(lambda uow: uow.read.file_of(child))
    if own is None:
        return

    def end(uow: UnitOfWork) -> None:
        file = uow.file(own)
        if file is None or not file.is_open or uow.replayed():
            return
        drafts = [d.termination_draft(file, "adopted", max(registered.registered_on, file.applied_on),
                                      cause=adoption.AdoptionRegistered.TYPE,
                                      notes=f"adoption {registered.adoption_id}", state_guardianship_ended=True)]
        _record(uow, file, drafts, reactor.today, "adopted")

    reactor.on(f"adopted:{own}", end)


def adoption_dissolved(reactor: Reactor, child: str, dissolved: adoption.AdoptionDissolved) -> None:
    """A-16: a minor's birth relations revive on dissolution: the file its adoption ended is reopened on that
    day for a new assessment (C-2, C-3). A file ended otherwise, or open, is left to the officer."""
    own = reactor.index(lambda uow: uow.read.file_of(child))
    if own is None:
        return

    def reopen(uow: UnitOfWork) -> None:
        file = uow.file(own)
        if file is None or file.termination is None or file.termination.reason != "adopted" or uow.replayed():
            return
        command = ReopenFile(reason=f"解除收养关系（{dissolved.adoption_id}），与生父母的关系恢复，重新评估",
                             reopened_on=max(dissolved.dissolved_on, file.termination.effective_on))
        uow.record(ev.child_stream(file.child_id), decide_reopening(file, command, SYSTEM, reactor.today),
                   file.version, file)

    reactor.on(f"adoption_dissolved:{own}", reopen)


# -- court declarations (D-6) -------------------------------------------------------------------------------------
def declaration(reactor: Reactor, person: str, declared: funeral.CourtDeclarationRecorded) -> None:
    """D-6: the declared parent is on C-1's "dead or missing" side from the judgment date; a child declared dead
    has the file end in the judgment month."""
    def note(uow: UnitOfWork) -> None:  # kept for a file opened later (D-6 at C-2)
        uow.read.lock_parent_conditions([person], exclusive=True)  # held to the commit: an opening waits for it
        uow.read.note_declaration(d.Declared(person, declared.declaration_id, declared.kind, declared.judgment_on,
                                             declared.court, declared.judgment_ref))
        if declared.supersedes:
            uow.read.end_declaration(declared.supersedes, declared.judgment_on)

    reactor.on(f"declared:{declared.declaration_id}", note)
    own, children = reactor.index(lambda uow: (uow.read.file_of(person), uow.read.children_of(person)))
    if own is not None and declared.kind == "death":
        reactor.on(f"child:{own}:{person}",
                   lambda uow: _child_died(uow, own, declared.judgment_on, reactor.today, declared))
    condition = d.DECLARED_CONDITION[declared.kind]
    for child_id in children:
        reactor.on(f"parent:{child_id}:{person}", lambda uow, child_id=child_id: _parent_declared(
            uow, child_id, person, condition, declared, reactor))


def _parent_declared(uow: UnitOfWork, child_id: str, person: str, condition: str,
                     declared: funeral.CourtDeclarationRecorded, reactor: Reactor) -> None:
    found = _open_file_parent(uow, child_id, person)
    if found is None:
        return
    file, index = found
    on = declared.judgment_on
    fact = file.parents[index].fact_on(on)
    if fact is not None and fact.condition in ("deceased", condition) and fact.since <= on:
        return  # the officer recorded it already, or a registered death stands
    draft = d.parent_change_draft(file, index, condition, on, f"{declared.court} {declared.judgment_ref}",
                                  cause=reactor.event.type, death_id=declared.declaration_id, on=reactor.today)
    _record_parent_change(uow, file, draft, on, reactor.today, "parent_declared")


def revocation(reactor: Reactor, person: str, revoked: funeral.CourtDeclarationRevoked) -> None:
    """D-6: a revocation ends the parent's declared condition from its own date (C-6: in its month); the months
    before stand."""
    def end_standing(uow: UnitOfWork) -> None:
        uow.read.lock_parent_conditions([person], exclusive=True)  # held to the commit: an opening waits for it
        uow.read.end_declaration(revoked.declaration_id, revoked.revoked_on)

    reactor.on(f"revoked:{revoked.declaration_id}", end_standing)
    children = reactor.index(lambda uow: uow.read.children_of(person))

    def end(uow: UnitOfWork, child_id: str) -> None:
        file = uow.file(child_id)
        index = _parent_index(file, person) if file else None
        if file is None or index is None or uow.replayed():
            return
        fact = file.parents[index].fact_on(revoked.revoked_on)
        if fact is None or fact.death_id != revoked.declaration_id:
            return  # not standing on that day as this declaration: nothing to end
        draft = d.parent_change_draft(file, index, "none", revoked.revoked_on,
                                      f"{revoked.court} {revoked.judgment_ref}", cause=reactor.event.type,
                                      on=reactor.today)
        _record_parent_change(uow, file, draft, revoked.revoked_on, reactor.today, "declaration_revoked")

    for child_id in children:
        reactor.on(f"parent:{child_id}:{person}", lambda uow, child_id=child_id: end(uow, child_id))


# -- relief stations -------------------------------------------------------------------------------------------
def referral(reactor: Reactor, event: Event, referred: relief.MinorReferred) -> None:
    subject = subject_with_role(event, "child")

    def open_referral(uow: UnitOfWork) -> None:
        if uow.replayed():
            return
        if uow.read.file_of(subject) is not None:
            log.info("referred minor already has a file", case_id=referred.case_id, event_id=str(event.event_id))
            return
        birth_date = referred.birth_date
        if birth_date is None and not subject.startswith("TMP-"):
            try:
                birth_date = parse_id_number(subject, today=reactor.today).birth_date
            except InvalidIdNumber:
                birth_date = None
        referral = d.Referral(subject, referred.case_id, referred.station, referred.station_division,
                              referred.referred_on, birth_date, referred.sex)
        child_id = uow.ids.resource("child")
        drafts = d.decide_referral(referral, child_id)
        uow.record(ev.child_stream(child_id), drafts, 0)
        relief_loop.close_if_ended(uow, child_id, referred.case_id, reactor.today)

    reactor.on("referral", open_referral)


def identification(reactor: Reactor, event: Event, temporary: str, id_number: str, on: dt.date) -> None:
    def link(uow: UnitOfWork) -> None:
        child_id = uow.read.file_of(temporary)
        file = uow.file(child_id) if child_id else None
        if file is None or file.id_number is not None or uow.replayed():
            return
        try:
            person = parse_id_number(id_number, today=reactor.today)
        except InvalidIdNumber:
            log.warning("identification with an invalid ID number ignored", event_id=str(event.event_id))
            return
        payload = {"child_id": file.child_id, "temporary_id": temporary, "id_number": person.value,
                   "identified_on": on.isoformat(), "birth_date": person.birth_date.isoformat(),
                   "cause": event.type}
        subjects = ((temporary, "temporary"), (person.value, "child"))
        drafts = [ev.Draft.of(contract.ChildIdentified(**payload), on, subjects)]
        _record(uow, file, drafts, reactor.today, "child_identified")

    try:
        reactor.on("identification", link)
    except Refusal as refusal:
        if refusal.code != FILE_EXISTS:
            raise
        log.warning("identified child already has another file; left for officers", event_id=str(event.event_id))


def _record(uow: UnitOfWork, file: ChildFile, drafts: list[ev.Draft], today: dt.date, cause: str) -> None:
    drafts = d.with_adjustment(file, drafts, today, uow.read.standards(), cause)
    uow.record(ev.child_stream(file.child_id), drafts, file.version, file)


