"""Command handlers for the file's guardian, household, reopening and long-term state guardianship
(domain/file_changes.py): load, decide, append with the adjustment of months already paid (C-5), as every
command on a file (files.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.child_welfare.application.files import _on_file
from services.child_welfare.application.unit_of_work import UnitOfWork
from services.child_welfare.contract.commands import (
    AssumeLongTermGuardianship,
    ChangeGuardian,
    ChangeHousehold,
    ReopenFile,
)
from services.child_welfare.domain import file_changes as fc
from shared.actor import Actor


def change_guardian(uow: UnitOfWork, reference: str, command: ChangeGuardian, actor: Actor,
                    today: dt.date) -> dict[str, Any]:
    """C-2: POST /children/{id}/guardian."""
    return _on_file(uow, reference, actor, today, "guardian_changed",
                    lambda file: fc.decide_guardian_change(file, command, actor, today))


def change_household(uow: UnitOfWork, reference: str, command: ChangeHousehold, actor: Actor,
                     today: dt.date) -> dict[str, Any]:
    """C-2, C-6: POST /children/{id}/household."""
    return _on_file(uow, reference, actor, today, "household_changed",
                    lambda file: fc.decide_household_change(file, command, actor, today))


def reopen_file(uow: UnitOfWork, reference: str, command: ReopenFile, actor: Actor, today: dt.date) -> dict[str, Any]:
    """C-2, C-3: POST /children/{id}/reopening."""
    return _on_file(uow, reference, actor, today, "reopened",
                    lambda file: fc.decide_reopening(file, command, actor, today))


def assume_long_term_guardianship(uow: UnitOfWork, reference: str, command: AssumeLongTermGuardianship,
                                  actor: Actor, today: dt.date) -> dict[str, Any]:
    """POST /children/{id}/state-guardianship."""
    return _on_file(uow, reference, actor, today, "long_term_state_guardianship",
                    lambda file: fc.decide_long_term_guardianship(file, command, actor, today))
