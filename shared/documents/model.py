"""What a printed certificate or statement says (K-1, K-2, K-7, K-8): plain data, no numbering or storage.

The issuing service fills these from its registration: the 字号 (K-2), the holders, the dates, the issuing
office and the verification URL with the copy's own code (K-8). Nothing here decides anything; it is
checked only so that a document is never printed half empty.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlencode, urlsplit, urlunsplit

# K-2: `<prefix><division>-<year>-<serial>`; prefixes are letters (J, L, BJ, BL, and configurable adoption ones).
NUMBER = re.compile(r"^[A-Z]{1,4}\d{6}-\d{4}-\d{6}$")
# K-8: at least 10 characters, none of the look-alikes 0/O, 1/I/L (the issuing service draws them).
VERIFICATION_CODE = re.compile(r"^[2-9A-HJKMNP-Z]{10,32}$")


class InvalidDocument(ValueError):
    """The data cannot make a document (a missing holder, a malformed number): nothing is rendered."""


class CertificateKind(Enum):
    """K-1: the four certificates, with their printed titles."""

    MARRIAGE = "marriage"  # 结婚证, one to each spouse
    DIVORCE = "divorce"  # 离婚证, one to each, divorce by agreement only
    ADOPTION = "adoption"  # 收养登记证
    ADOPTION_DISSOLUTION = "adoption_dissolution"  # 解除收养关系证明

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    CertificateKind.MARRIAGE: "结婚证",
    CertificateKind.DIVORCE: "离婚证",
    CertificateKind.ADOPTION: "收养登记证",
    CertificateKind.ADOPTION_DISSOLUTION: "解除收养关系证明",
}


@dataclass(frozen=True)
class Person:
    """A party as printed: name, sex (男/女), nationality (国籍), birth date and ID number (GB 11643)."""

    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    nationality: str = "中国"


@dataclass(frozen=True)
class Office:
    """The issuing registry office (登记机关) and its six-digit division code (K-2: in the number too)."""

    name: str
    division: str


@dataclass(frozen=True)
class Verification:
    """K-8: where a reader checks the copy, and the copy's code. The code travels in the QR code and is
    printed; it is never logged."""

    url: str  # e.g. https://civreg.example/v1/marriage/certificates/J610502-2026-000001/verification
    code: str

    def link(self) -> str:
        """The URL with `code=` added to its query, as the QR code carries it."""
        parts = urlsplit(self.url)
        query = "&".join(q for q in (parts.query, urlencode({"code": self.code})) if q)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class Certificate:
    """One copy of a certificate (K-1, K-3). `holder` is the party this copy is issued to; `parties` are
    everyone the form lists: both spouses, or the adopters followed by the adoptee (`adoptee`)."""

    kind: CertificateKind
    number: str
    holder: Person
    parties: tuple[Person, ...]
    registered_on: dt.date  # 登记日期 (for a dissolution: the day the adoption was dissolved)
    issued_on: dt.date  # 发证日期
    office: Office
    verification: Verification
    adoptee: Person | None = None  # adoption and its dissolution only
    remarks: str = ""  # 备注

    def __post_init__(self) -> None:
        check_number(self.number)
        check_code(self.verification.code)
        if self.holder not in (*self.parties, *((self.adoptee,) if self.adoptee else ())):
            raise InvalidDocument("the holder is not one of the parties")
        adoption = self.kind in (CertificateKind.ADOPTION, CertificateKind.ADOPTION_DISSOLUTION)
        if adoption and (self.adoptee is None or not 1 <= len(self.parties) <= 2):
            raise InvalidDocument(f"{self.kind.title} names one or two adopters and the adoptee")
        if not adoption and (self.adoptee is not None or len(self.parties) != 2):
            raise InvalidDocument(f"{self.kind.title} names both spouses")


@dataclass(frozen=True)
class RecordedRegistration:
    """K-7: one line of the dated list — kind, date, office and 字号 of a registration of the person's own."""

    kind: str  # 结婚登记, 离婚登记, 补发结婚证, ...
    registered_on: dt.date
    office: str
    number: str  # a K-2 number, or an imported paper-era number kept as text (M-12)


@dataclass(frozen=True)
class RecordStatement:
    """K-7: 婚姻登记记录证明 (or, with no registrations, the no-record statement) for one person, with the
    statement's own serial and verification code."""

    person: Person
    registrations: tuple[RecordedRegistration, ...]
    purpose: str  # e.g. 用于办理赴德国公证
    number: str
    issued_on: dt.date
    office: Office
    verification: Verification
    as_of: dt.date | None = None  # records searched up to this day; default the issue day
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        check_number(self.number)
        check_code(self.verification.code)

    @property
    def title(self) -> str:
        return "婚姻登记记录证明" if self.registrations else "无婚姻登记记录证明"


def check_number(number: str) -> None:
    if not NUMBER.match(number):
        raise InvalidDocument(f"{number!r} is not a number of the form J610502-2026-000001 (K-2)")


def check_code(code: str) -> None:
    if not VERIFICATION_CODE.match(code):
        raise InvalidDocument("a verification code is 10 or more characters without look-alikes (K-8)")
