"""Certificates and statements with synthetic people, for the document tests and the image in docs/."""

from __future__ import annotations

import datetime as dt

from shared.documents import (
    Certificate,
    CertificateKind,
    Office,
    Person,
    RecordedRegistration,
    RecordStatement,
    Verification,
)
from tests.support.synthetic_ids import id_number_of

OFFICE = Office("渭南市临渭区民政局婚姻登记处", "610502")
ADOPTION_OFFICE = Office("渭南市临渭区民政局收养登记处", "610502")
HUSBAND = Person("王建国", "男", dt.date(1995, 3, 8), id_number_of(dt.date(1995, 3, 8), sequence=11))
WIFE = Person("李秀英", "女", dt.date(1997, 7, 21), id_number_of(dt.date(1997, 7, 21), sequence=12, sex="female"))
CHILD = Person("王小禾", "女", dt.date(2021, 5, 2), id_number_of(dt.date(2021, 5, 2), sequence=13, sex="female"))
CODE = "K7M2P9QX4T"
BASE = "https://civreg.example/v1"

NUMBERS = {
    CertificateKind.MARRIAGE: "J610502-2026-000001",
    CertificateKind.DIVORCE: "L610502-2026-000007",
    CertificateKind.ADOPTION: "SY610502-2026-000003",
    CertificateKind.ADOPTION_DISSOLUTION: "JC610502-2026-000001",
}


def verification(number: str, code: str = CODE) -> Verification:
    return Verification(f"{BASE}/certificates/{number}/verification", code)


def certificate(kind: CertificateKind, **changes: object) -> Certificate:
    number = str(changes.pop("number", NUMBERS[kind]))
    adoption = kind in (CertificateKind.ADOPTION, CertificateKind.ADOPTION_DISSOLUTION)
    fields: dict[str, object] = {
        "kind": kind, "number": number, "holder": WIFE, "parties": (HUSBAND, WIFE),
        "registered_on": dt.date(2026, 12, 4), "issued_on": dt.date(2026, 12, 4),
        "office": ADOPTION_OFFICE if adoption else OFFICE, "verification": verification(number),
        "adoptee": CHILD if adoption else None,
    }
    return Certificate(**(fields | changes))  # type: ignore[arg-type]


def statement(*registrations: RecordedRegistration, **changes: object) -> RecordStatement:
    fields: dict[str, object] = {
        "person": WIFE, "registrations": registrations, "purpose": "用于办理赴德国公证",
        "number": "HJ610502-2026-000002", "issued_on": dt.date(2026, 12, 5), "office": OFFICE,
        "verification": verification("HJ610502-2026-000002", "Q4T8WX2MNP"),
    }
    return RecordStatement(**(fields | changes))  # type: ignore[arg-type]


MARRIED = RecordedRegistration("结婚登记", dt.date(2019, 5, 20), "渭南市临渭区民政局婚姻登记处", "J610502-2019-000412")
DIVORCED = RecordedRegistration("离婚登记", dt.date(2023, 8, 1), "渭南市华州区民政局婚姻登记处", "L610503-2023-000031")
PAPER_ERA = RecordedRegistration("结婚登记", dt.date(1998, 10, 2), "渭南市临渭区民政局", "渭临结字第980412号")
