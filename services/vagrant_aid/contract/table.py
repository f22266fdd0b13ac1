"""The vagrant aid commands (V-1 to V-10): one line each — name, route, body, answer, roles, stream. The
service pairs each with its decider (`application/`, DECIDERS); the RPC entrypoints and the gateway's routes
are generated from this table.

Separation of duties (api.md release 2): `admin` keeps the reference data — the township and village points
of the network (V-1) — and records no relief work; relief staff record for their own station or point."""

from __future__ import annotations

from services.vagrant_aid.contract import commands as c
from services.vagrant_aid.contract import responses as r
from shared.reference.contract import CommandEntry, command_table

PREFIX = "/v1/vagrant-aid"
STAFF = frozenset({"relief_staff"})
ADMIN = frozenset({"admin"})
CASE = f"{PREFIX}/cases/<case_id>"

COMMANDS = command_table(
    CommandEntry("register_station", "POST", f"{PREFIX}/stations", c.RegisterStation, ADMIN, "station",
                 r.StationRegistered, 201, "Register a township aid point or a village consultation point (V-1).",
                 location=f"{PREFIX}/stations"),
    CommandEntry("take_in", "POST", f"{PREFIX}/cases", c.TakeIn, STAFF, "case", r.CaseTakenIn, 201,
                 "Take a person in (V-2, V-3, V-7), with any watch-list matches (V-10).",
                 location=f"{CASE}"),
    CommandEntry("refuse_aid", "POST", f"{PREFIX}/refusals", c.RefuseAid, STAFF, "refusal", r.AidRefused, 201,
                 "Refuse an ineligible person, with the reason (V-2)."),
    CommandEntry("identify", "POST", f"{CASE}/identification", c.Identify, STAFF, "case", r.Case,
                 summary="Link the temporary subject id to the person's ID number (V-6)."),
    CommandEntry("provide_service", "POST", f"{CASE}/services", c.ProvideService, STAFF, "case", r.Case, 201,
                 "Record a service: food, lodging, medical, ticket, cash up to 20 元, family (V-4)."),
    CommandEntry("record_family_search", "POST", f"{CASE}/family-search", c.RecordFamilySearch, STAFF, "case",
                 r.Case, 201, "Record a family-search step: notice, DNA request, DNA result, match (V-6)."),
    CommandEntry("refer_to_hospital", "POST", f"{CASE}/hospital-referral", c.ReferToHospital, STAFF, "case", r.Case,
                 201, "Refer the person to hospital on a screening during the stay (V-3)."),
    CommandEntry("file_extension", "POST", f"{CASE}/extension", c.FileExtension, STAFF, "case", r.Case, 201,
                 "File a stay extension beyond the 10-day limit (V-5)."),
    CommandEntry("record_exit", "POST", f"{CASE}/exit", c.Exit, STAFF, "case", r.Case,
                 summary="End the case: self-departure, collected, escorted, transferred, absconded, … (V-7, V-8)."),
    CommandEntry("settle", "POST", f"{CASE}/settlement", c.Settle, STAFF, "case", r.Case,
                 summary="Settle a person unidentified after three months, with a new ID number (V-6)."),
    CommandEntry("add_to_watchlist", "POST", f"{PREFIX}/watchlist", c.AddToWatchList, STAFF, "watch",
                 r.WatchListEntry, 201, "Add a person prone to getting lost, with family contacts (V-10)."),
)
