"""Command handlers of the blank stock (K-5): receipts of preprinted blanks and copies printed on them (the
voiding of spoiled blanks is `registrations.void_certificate_blank`); and the stock's books and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from services.marriage.application.unit_of_work import UnitOfWork
from services.marriage.contract.commands import IssueCertificateBlank, ReceiveCertificateBlanks
from services.marriage.domain import certificates as cert
from services.marriage.domain import events as ev
from services.marriage.domain import rules
from shared.actor import Actor
from shared.eventstore.base import NO_STREAM


def receive_certificate_blanks(uow: UnitOfWork, command: ReceiveCertificateBlanks, actor: Actor,
                               today: dt.date) -> dict[str, Any]:
    """K-5: POST /certificate-stock/receipts."""
    if not (stored := uow.replayed()):
        receipt_id = uow.ids.resource("receipt")
        numbers = cert.blank_numbers(command.series, command.first, command.last) \
            if command.first <= command.last <= command.first + 10_000 else []
        drafts = cert.decide_receipt(command, actor, today, receipt_id, uow.read.received_already(numbers))
        stored = uow.record(ev.receipt_stream(receipt_id), drafts, NO_STREAM)
    p = stored[-1].payload
    return {"receipt_id": p["receipt_id"], "office": p["office"], "received": p["last"] - p["first"] + 1,
            "first_number": f"{p['series']}{p['first']:08d}", "last_number": f"{p['series']}{p['last']:08d}",
            "version": stored[-1].stream_version}


def issue_certificate_blank(uow: UnitOfWork, command: IssueCertificateBlank, actor: Actor,
                            today: dt.date) -> dict[str, Any]:
    """K-5: POST /certificate-stock/issues — the copy printed on a blank on hand."""
    if not (stored := uow.replayed()):
        holder = rules.check_id_number(command.holder_id_number, today, "holder_id_number").value
        stream = ev.blank_stream(command.number)
        history = uow.store.read_stream(stream, tx=uow.tx)
        status, office = uow.read.blank(command.number) or (None, None)
        drafts = cert.decide_issue(history, status, office, command, holder,
                                   uow.read.holders(command.certificate_number), actor, today)
        stored = uow.record(stream, drafts, history[-1].stream_version if history else NO_STREAM)
    p = stored[-1].payload
    return {"number": p["number"], "certificate_number": p["certificate_number"], "issued_on": p["issued_on"],
            "version": stored[-1].stream_version}


def stock_books(conn: psycopg.Connection, office: str) -> dict[str, Any]:
    """K-5: the office's books: received = issued + spoiled + on hand."""
    rules.check_office(office)
    counts = dict(conn.execute(
        "SELECT 'received', count(*) FILTER (WHERE received_on IS NOT NULL) FROM certificate_blanks WHERE office = %s"
        " UNION ALL SELECT CASE WHEN received_on IS NULL THEN 'spoiled_unreceived' ELSE status END, count(*)"
        " FROM certificate_blanks WHERE office = %s GROUP BY 1", (office, office)).fetchall())
    spoiled = [{"number": n, "reason": r, "on": on.isoformat() if on else None} for n, r, on in conn.execute(
        "SELECT number, reason, changed_on FROM certificate_blanks WHERE office = %s AND status = 'spoiled'"
        " ORDER BY number LIMIT 1000", (office,))]
    return {"office": office, **cert.books(counts), "spoiled_blanks": spoiled}


def numbering_audit(conn: psycopg.Connection, office: str, year: int) -> dict[str, Any]:
    """K-4, K-5: per prefix of the office's division and year, the serials missing below the highest taken
    and the numbers held by more than one registration; blanks spoiled without a receipt."""
    division = rules.office_division(rules.check_office(office))
    sequences = []
    for prefix in (cert.MARRIAGE, cert.DIVORCE, cert.MARRIAGE_REISSUE, cert.DIVORCE_REISSUE, cert.RECORD_STATEMENT):
        pattern = f"{prefix}{division}-{year}-______"
        if prefix == cert.RECORD_STATEMENT:  # K-7: statements number in their own sequence and table
            rows = conn.execute("SELECT number, id_number FROM record_statements WHERE number LIKE %s",
                                (pattern,)).fetchall()
        else:
            rows = conn.execute("SELECT number, registration_id FROM certificates WHERE number LIKE %s"
                                " GROUP BY number, registration_id", (pattern,)).fetchall()
        serials = [int(number[-6:]) for number, _ in rows if cert.NUMBER.match(number)]
        taken = conn.execute("SELECT last FROM certificate_serials WHERE prefix = %s AND division = %s AND year = %s",
                             (prefix, division, year)).fetchone()
        sequences.append({"prefix": prefix, "division": division, "year": year, "issued": len(set(serials)),
                          "last_serial": taken[0] if taken else 0,
                          "gaps": cert.serial_gaps([*serials, *([taken[0] + 1] if taken else [])])[:1000],
                          "duplicates": cert.duplicates(number for number, _ in rows)})
    unreceived = [row[0] for row in conn.execute(
        "SELECT number FROM certificate_blanks WHERE office = %s AND received_on IS NULL ORDER BY number LIMIT 1000",
        (office,))]
    return {"office": office, "year": year, "sequences": sequences, "spoiled_unreceived": unreceived,
            "clean": not unreceived and all(not s["gaps"] and not s["duplicates"] for s in sequences)}
