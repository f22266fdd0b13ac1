"""The funeral commands (F-1 to F-7): one line each — name, route, body, answer, roles, stream. The service
pairs each with its decider (`application/funeral.py`, DECIDERS); the RPC entrypoints and the gateway's
routes are generated from this table."""

from __future__ import annotations

from services.funeral.contract import commands as c
from services.funeral.contract import responses as r
from shared.reference.contract import CommandEntry, command_table

PREFIX = "/v1/funeral"
STAFF = frozenset({"funeral_staff"})  # admin records no business events (separation of duties, issue 12)
ADMIN = frozenset({"admin"})  # cemeteries and their plots are reference data (docs/funeral.md)
DEATH = f"{PREFIX}/deaths/<death_id>"
RECORD = r.DeathRecorded  # the answer of a command on a death record
# D-1: court declarations are entered by marriage registrars or by the courts' system (the one bureau that
# writes: the service refuses any other bureau, `forbidden_role`); the spouse's statement, made in person
# at a registry, and D-11 withdrawals by a registrar.
DECLARATIONS = "/v1/court-declarations"
DECLARERS = frozenset({"marriage_registrar", "bureau"})
DECLARING_BUREAU = "courts"  # D-1: the one bureau whose system writes declarations (and reads D-2's sightings)
REGISTRARS = frozenset({"marriage_registrar"})
DECLARATION = f"{DECLARATIONS}/<declaration_id>"

COMMANDS = command_table(
    CommandEntry("register_death", "POST", f"{PREFIX}/deaths", c.RegisterDeath, STAFF, "death",
                 r.DeathRegistered, 201, "Register a death (F-1): an identified person or an unidentified body."),
    CommandEntry("correct_death", "POST", f"{DEATH}/correction", c.CorrectDeath, STAFF, "death", RECORD,
                 summary="Correct a recorded death with a reason (F-7)."),
    CommandEntry("identify_body", "POST", f"{DEATH}/identification", c.IdentifyBody, STAFF, "death", RECORD,
                 summary="Link an unidentified body to the ID number (F-6)."),
    CommandEntry("collect_body", "POST", f"{DEATH}/collection", c.CollectBody, STAFF, "death", RECORD,
                 summary="Record the collection of the body (F-2)."),
    CommandEntry("store_body", "POST", f"{DEATH}/storage", c.StoreBody, STAFF, "death", RECORD,
                 summary="Record where the body is stored (F-2)."),
    CommandEntry("publish_claim_notice", "POST", f"{DEATH}/claim-notice", c.PublishClaimNotice, STAFF, "death", RECORD,
                 summary="Record the claim notice of an unidentified body (F-6)."),
    CommandEntry("approve_disposal", "POST", f"{DEATH}/disposal-approval", c.ApproveDisposal, STAFF, "death", RECORD,
                 summary="Record the police approval to dispose of an unidentified body (F-6)."),
    CommandEntry("dispose_ashes", "POST", f"{DEATH}/ashes", c.DisposeAshes, STAFF, "death", RECORD,
                 summary="Record the ashes taken by the family or deposited for a term (F-2)."),
    CommandEntry("cremate", "POST", f"{PREFIX}/cremations", c.Cremate, STAFF, "death", r.Cremated, 201,
                 "Record a cremation of a registered death; issues the cremation certificate (F-2, F-6)."),
    CommandEntry("open_cemetery", "POST", f"{PREFIX}/cemeteries", c.OpenCemetery, ADMIN, "cemetery", r.CemeteryOpened,
                 status=201,
                 summary="Open a public-welfare or commercial cemetery (F-3)."),
    CommandEntry("add_plots", "POST", f"{PREFIX}/cemeteries/<code>/plots", c.AddPlots, ADMIN, "cemetery",
                 r.PlotsAdded, status=201, summary="Lay out plots and niches with type and area (F-3, F-4)."),
    CommandEntry("renew_term", "POST", f"{PREFIX}/plots/<plot_id>/renewals", c.RenewTerm, STAFF, "plot",
                 r.PlotAllocated, status=201, summary="Renew a plot's term (F-3)."),
    CommandEntry("reserve_plot", "POST", f"{PREFIX}/plots/<plot_id>/reservations", c.ReservePlot, STAFF, "plot",
                 r.PlotAllocated, status=201, summary="Allocate a plot by approved exception (F-3)."),
    CommandEntry("bury", "POST", f"{PREFIX}/burials", c.Bury, STAFF, "plot", r.Buried, status=201,
                 summary="Record an interment or eco burial of a registered death (F-3, F-4)."),
    CommandEntry("grant_assistance", "POST", f"{PREFIX}/assistance", c.GrantAssistance, STAFF, "death",
                 r.AssistanceGranted, status=201,
                 summary="Waive basic funeral services for an eligible category (F-5)."),
    CommandEntry("declare_by_court", "POST", DECLARATIONS, c.DeclareByCourt, DECLARERS, "declaration",
                 r.DeclarationRecorded, 201, "Enter a court's declaration of death or disappearance (D-1..D-3).",
                 location=f"{DECLARATIONS}/<declaration_id>"),
    CommandEntry("revoke_declaration", "POST", f"{DECLARATION}/revocation", c.RevokeDeclaration, DECLARERS,
                 "declaration", r.DeclarationRecorded, 201, "Enter the court's revocation of a declaration (D-5)."),
    CommandEntry("file_spouse_statement", "POST", f"{DECLARATION}/spouse-statement", c.FileSpouseStatement,
                 REGISTRARS, "declaration", r.DeclarationRecorded, 201,
                 "Record the spouse's written statement that the marriage is not to be restored (D-5, Civil Code "
                 "51)."),
    CommandEntry("settle_declaration_review", "POST", f"{DEATH}/declaration-review", c.SettleDeclarationReview,
                 REGISTRARS, "death", RECORD,
                 summary="Settle a body found later whose date of death differs from the death declaration's: "
                         "which date stands, and why; it leaves the registrar's task list (D-8)."),
    CommandEntry("withdraw_death", "POST", f"{DEATH}/withdrawal", c.WithdrawDeath, REGISTRARS, "death", RECORD,
                 summary="Withdraw a death registered in error; it acts backwards on every service (D-11)."),
)
