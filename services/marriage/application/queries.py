"""Queries: a registration, a divorce application, an appointment, a person's marital status on a date
(derived from their events), public certificate verification, statistics."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import psycopg

from services.marriage.adapters.read_models import ReadModels, marriages_of
from services.marriage.contract.facts import STATUS_TYPES, marital_status
from services.marriage.domain import divorce
from services.marriage.domain.certificates import matching_copy
from services.marriage.domain.events import marriage_stream
from services.marriage.domain.marriage import NEVER_EXISTED, MarriageState
from shared.errors import NotFound


def registration_view(state: MarriageState) -> dict[str, Any]:
    return {"registration_id": state.registration_id, "office": state.office,
            "registered_on": state.registered_on.isoformat(), "status": state.status,
            "ended_on": state.ended_on.isoformat() if state.ended_on else None,
            "parties": [dict(p) for p in state.parties],
            "certificates": [{"id_number": person, "number": number} for person, number in state.certificates.items()],
            "imported": state.imported, "flags": list(state.flags), "version": state.version,
            "history": list(state.history)}


def review_item(state: MarriageState) -> dict[str, Any]:
    """A marriage a registrar is to review, with its flags (`review`) and whether it was imported (M-12)."""
    return {"registration_id": state.registration_id, "office": state.office,
            "registered_on": state.registered_on.isoformat(), "status": state.status,
            "parties": [{"id_number": p["id_number"], "name": p.get("name")} for p in state.parties],
            "imported": state.imported, "review": list(state.flags), "version": state.version}


def divorce_view(state: divorce.DivorceState) -> dict[str, Any]:
    w = state.windows
    return {"divorce_id": state.divorce_id, "registration_id": state.registration_id, "office": state.office,
            "applied_on": state.applied_on.isoformat(), "status": state.status,
            "withdraw_until": w.withdraw_until.isoformat(), "register_from": w.register_from.isoformat(),
            "register_until": w.register_until.isoformat(), "version": state.version}


def person_events(conn: psycopg.Connection, person: str) -> list[Any]:
    """The events of every registration naming the person, in recorded order: all that decides a marital
    status is on the registrations' own streams (domain/events.py)."""
    streams = [marriage_stream(registration_id) for registration_id in marriages_of(conn, person)]
    rows = conn.execute(
        "SELECT event_type, schema_version, occurred_on, payload, subjects FROM events WHERE stream_id = ANY(%s)"
        " AND event_type = ANY(%s) ORDER BY global_position",
        (streams, list(_STATUS_TYPES))).fetchall()
    return [SimpleNamespace(type=row[0], schema_version=row[1], occurred_on=row[2], payload=row[3],
                            subjects=[(s["id"], s["role"]) for s in row[4]]) for row in rows]


_STATUS_TYPES = STATUS_TYPES  # the types the one definition reads (contract/facts.py)


def person_status(conn: psycopg.Connection, person: str, as_of: dt.date) -> dict[str, Any]:
    status = marital_status(person, person_events(conn, person), as_of)
    return {"person_id": person, "as_of": as_of.isoformat(), **status.as_json()}


def verification(conn: psycopg.Connection, number: str, code: object) -> dict[str, Any]:
    """K-8, K-9, public: is this copy genuine and current? Only `{valid, kind, issued_on, revoked}`, and the
    holder for the gateway's access log (never answered). An unknown number, a wrong, missing or malformed
    code are the same NotFound, so numbers cannot be enumerated. A later divorce or death is not revealed."""
    read = ReadModels(conn)
    holder = matching_copy(number, code, read.copies(number))
    found = read.copy(number, holder) if holder else None
    if found is None and holder and (statement := read.statement(number)) is not None:
        # K-7: a statement stays what it said on its day; later registrations do not make it invalid.
        kind = "record_statement" if statement["registrations"] else "no_record_statement"
        return {"valid": True, "kind": kind, "issued_on": statement["issued_on"].isoformat(), "revoked": False,
                "holder_id_number": holder}
    if found is None:
        raise NotFound("no certificate has this number and code")
    revoked = found["status"] in NEVER_EXISTED
    return {"valid": bool(found["valid"]) and not revoked, "kind": found["kind"],
            "issued_on": found["issued_on"].isoformat(), "revoked": revoked, "holder_id_number": holder}


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def statistics(conn: psycopg.Connection, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Registrations, divorces, refusals by reason and the cross-county share (市内通办) per office."""
    offices: dict[str, dict[str, Any]] = {}

    def office(code: str) -> dict[str, Any]:
        return offices.setdefault(code, {"office": code, "registrations": 0, "cross_county": 0, "imported": 0,
                                         "divorces": 0, "refusals": 0, "refusals_by_reason": {}})

    for code, count, cross, imported in conn.execute(
            "SELECT office, count(*), count(*) FILTER (WHERE cross_county), count(*) FILTER (WHERE imported)"
            " FROM marriages WHERE registered_on BETWEEN %s AND %s AND status NOT IN ('void', 'annulled', 'revoked')"
            " GROUP BY office", (first, last)):
        office(code).update(registrations=count, cross_county=cross, imported=imported)
    for code, count in conn.execute("SELECT office, count(*) FROM divorces WHERE status = 'registered'"
                                    " AND registered_on BETWEEN %s AND %s GROUP BY office", (first, last)):
        office(code)["divorces"] = count
    for code, reason, count in conn.execute(
            "SELECT office, reason, count(*) FROM refusals, unnest(reasons) AS reason"
            " WHERE refused_on BETWEEN %s AND %s GROUP BY office, reason", (first, last)):
        office(code)["refusals_by_reason"][reason] = count
    for code, count in conn.execute("SELECT office, count(*) FROM refusals WHERE refused_on BETWEEN %s AND %s"
                                    " GROUP BY office", (first, last)):
        office(code)["refusals"] = count
    rows = sorted(offices.values(), key=lambda o: o["office"])
    for row in rows:
        row["cross_county_share"] = share(row["cross_county"], row["registrations"])
    total = {key: sum(r[key] for r in rows) for key in ("registrations", "cross_county", "imported", "divorces",
                                                        "refusals")}
    reasons: dict[str, int] = {}
    for row in rows:
        for reason, count in row["refusals_by_reason"].items():
            reasons[reason] = reasons.get(reason, 0) + count
    total["refusals_by_reason"] = reasons
    total["cross_county_share"] = share(total["cross_county"], total["registrations"])
    return {"from": first.isoformat(), "to": last.isoformat(), "offices": rows, "total": total}
