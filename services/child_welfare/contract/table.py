"""The child welfare commands (C-2 to C-7): one line each — name, route, body, answer, roles, stream. The
service pairs each with its decider (`application/child_welfare.py`, DECIDERS); the RPC entrypoints and the
gateway's routes are generated from this table."""

from __future__ import annotations

from services.child_welfare.contract import commands as c
from services.child_welfare.contract import responses as r
from shared.reference.contract import CommandEntry, command_table

PREFIX = "/v1/child-welfare"
OFFICERS = frozenset({"child_welfare_officer"})
TOWNSHIP_OFFICERS = frozenset({"township_officer"})  # C-3: the township checks, the county decides
ADMIN = frozenset({"admin"})
CHILD = f"{PREFIX}/children/<child>"


def _on_file(name: str, path: str, body: type, summary: str, action: str, ids_name: str,
             status: int = 200, roles: frozenset[str] = OFFICERS) -> CommandEntry:
    """A command on one child's file: officers, the child as the subject, `Changed` as the answer."""
    return CommandEntry(name, "POST", f"{CHILD}/{path}", body, roles, "file", r.Changed, status, summary,
                        f"child_welfare.{action}", "child", ids_name)


COMMANDS = command_table(
    CommandEntry("open_file", "POST", f"{PREFIX}/children", c.OpenFile, OFFICERS, "file", r.FileOpened, 201,
                 "Open the child's one file on the guardian's application (C-2, C-3)."),
    _on_file("record_township_check", "township-check", c.RecordTownshipCheck,
             "Record the township's check of the application (C-3).", "township_check", "township_check",
             roles=TOWNSHIP_OFFICERS),
    _on_file("decide", "decision", c.Decide,
             "The county's decision: confirmed with the category, or rejected with reasons (C-1, C-3).",
             "decision", "decide"),
    _on_file("change_parent_condition", "parent-changes", c.ChangeParentCondition,
             "A parent's condition starts, ends or is corrected, with evidence (C-1, C-6).", "parent_change",
             "parent_change"),
    _on_file("change_placement", "placements", c.ChangePlacement,
             "Another care arrangement, or a transfer between institutions (C-4).", "placement", "placement"),
    _on_file("sign_agreement", "agreements", c.SignAgreement,
             "A guardianship or entrusted-care agreement signed or renewed (C-7).", "agreement", "agreement", 201),
    _on_file("record_visit", "visits", c.RecordVisit, "A visit to a child in dispersed or foster care (C-7).",
             "visit", "visit", 201),
    _on_file("terminate", "termination", c.Terminate, "End support: adoption, moving away, death, … (C-6).",
             "termination", "terminate"),
    _on_file("record_student_status", "student-status", c.RecordStudentStatus,
             "Full-time education, extending support past 18 where the extension holds (C-6).", "student_status",
             "student_status"),
    _on_file("change_guardian", "guardian", c.ChangeGuardian, "The child's guardian changed (C-2).", "guardian",
             "guardian"),
    _on_file("change_household", "household", c.ChangeHousehold,
             "The child's household registration moved; out of the city support ends (C-2, C-6).", "household",
             "household"),
    _on_file("reopen_file", "reopening", c.ReopenFile,
             "Reopen a terminated file: the child is checked and decided again (C-2, C-3).", "reopening", "reopen"),
    _on_file("assume_long_term_guardianship", "state-guardianship", c.AssumeLongTermGuardianship,
             "The state assumes long-term guardianship; the child moves to the welfare institution (C-4).",
             "state_guardianship", "state_guardianship"),
    CommandEntry("set_standard", "PUT", f"{PREFIX}/standards", c.SetStandard, ADMIN, "standards",
                 r.StandardSet,
                 summary="Set the monthly standard of a category and care arrangement from a month (C-5, admin)."),
)
