"""The layouts (K-1, K-7): where each form puts what, in millimetres from the page's top-left corner.

* 结婚证, 离婚证 and 收养登记证: the opened booklet, 190 x 128 mm (workbench.md §6; verify against the
  province's stock). Left page: title, holder, date, 字号, remarks, office, and the verification QR code with
  its code printed beside it (K-8); right page: the parties, each with a photo box.
* 解除收养关系证明 and the record-of-registration statement (K-7): A4 portrait, as a letter from the office.

These print the whole form on blank paper. Printing onto preprinted blanks (套打) uses the same positions
with the printed labels left out, which is for the workbench's print step to choose once the stock is known.
"""

from __future__ import annotations

from shared.documents.drawing import Page, chinese_date
from shared.documents.model import Certificate, CertificateKind, InvalidDocument, Person, RecordStatement

BOOKLET = (190.0, 128.0)
A4 = (210.0, 297.0)
LABEL = 27.0  # mm for the longest label, 收养登记证字号, at 9 pt
STATEMENT_ROWS = 12  # registrations a one-page statement lists
QR_SIZE = 30.0  # mm, quiet zone included: about 0.8 mm a module for a 37-module code, easy for a phone

_NUMBER_LABELS = {
    CertificateKind.MARRIAGE: "结婚证字号",
    CertificateKind.DIVORCE: "离婚证字号",
    CertificateKind.ADOPTION: "收养登记证字号",
    CertificateKind.ADOPTION_DISSOLUTION: "证明字号",
}
_DATE_LABELS = {
    CertificateKind.MARRIAGE: "登记日期",
    CertificateKind.DIVORCE: "登记日期",
    CertificateKind.ADOPTION: "登记日期",
    CertificateKind.ADOPTION_DISSOLUTION: "解除日期",
}


def render_certificate(certificate: Certificate) -> bytes:
    """The certificate as a one-page PDF laid out for its form."""
    if certificate.kind is CertificateKind.ADOPTION_DISSOLUTION:
        return _dissolution(certificate)
    return _booklet(certificate)


def render_record_statement(statement: RecordStatement) -> bytes:
    """K-7: the dated list of the person's own registrations (or the no-record statement), A4."""
    if len(statement.registrations) > STATEMENT_ROWS:
        raise InvalidDocument(f"a statement lists at most {STATEMENT_ROWS} registrations on its one page")
    page = Page(*A4, statement.title, f"{statement.title} {statement.number}")
    page.text(105, 30, statement.title, 20, align="centre")
    page.text(190, 42, f"编号：{statement.number}", 9, align="right")
    person = statement.person
    page.field(20, 56, "姓名", person.name)
    page.field(110, 56, "性别", person.sex)
    page.field(20, 64, "出生日期", chinese_date(person.birth_date))
    page.field(110, 64, "国籍", person.nationality)
    page.field(20, 72, "身份证件号", person.id_number)
    page.field(20, 80, "用途", statement.purpose)
    as_of = chinese_date(statement.as_of or statement.issued_on)
    if statement.registrations:
        page.text(20, 94, f"经查询，截至{as_of}，本机关婚姻登记档案中有当事人的下列婚姻登记记录：", 10)
        columns = ((20, "登记类别"), (55, "登记日期"), (90, "登记机关"), (145, "字号"))
        for x, label in columns:
            page.text(x, 104, label, 9)
        page.line(20, 106, 190, 106)
        for row, record in enumerate(statement.registrations):
            y = 113 + 8 * row
            for (x, _), value in zip(columns, (record.kind, chinese_date(record.registered_on), record.office,
                                               record.number), strict=True):
                page.text(x, y, value, 9)
        bottom = 113 + 8 * len(statement.registrations)
    else:
        page.text(20, 94, f"经查询，截至{as_of}，本机关婚姻登记档案中没有当事人的婚姻登记记录。", 10)
        bottom = 100
    for i, note in enumerate(statement.notes):
        page.text(20, bottom + 8 + 7 * i, note, 9)
    page.text(20, bottom + 10 + 7 * len(statement.notes), "特此证明。", 10)
    _signature(page, statement.office.name, statement.issued_on, x=190, y=230)
    _verification(page, statement.verification.link(), statement.verification.code, x=20, y=215)
    return page.finish()


def _booklet(certificate: Certificate) -> bytes:
    kind = certificate.kind
    page = Page(*BOOKLET, kind.title, f"{kind.title} {certificate.number}")
    # Left page (0-95 mm).
    page.text(47.5, 18, kind.title, 22, align="centre")
    page.field(10, 32, "持证人", certificate.holder.name, label_width=LABEL)
    page.field(10, 40, _DATE_LABELS[kind], chinese_date(certificate.registered_on), label_width=LABEL)
    page.field(10, 48, _NUMBER_LABELS[kind], certificate.number, label_width=LABEL)
    page.field(10, 56, "备注", certificate.remarks or "—", label_width=LABEL)
    page.text(10, 66, f"登记机关：{certificate.office.name}", 9)
    page.text(10, 73, f"发证日期：{chinese_date(certificate.issued_on)}", 9)
    _verification(page, certificate.verification.link(), certificate.verification.code, x=10, y=80)
    page.line(95, 6, 95, 122)  # the fold
    # Right page (95-190 mm): each party with a photo box, the adoptee last.
    parties = [*certificate.parties, *((certificate.adoptee,) if certificate.adoptee else ())]
    roles = _roles(certificate)
    band = 112 / len(parties)
    for i, (role, person) in enumerate(zip(roles, parties, strict=True)):
        _party(page, role, person, top=8 + band * i)
    return page.finish()


def _dissolution(certificate: Certificate) -> bytes:
    kind = certificate.kind
    page = Page(*A4, kind.title, f"{kind.title} {certificate.number}")
    page.text(105, 30, kind.title, 20, align="centre")
    page.text(190, 42, f"{_NUMBER_LABELS[kind]}：{certificate.number}", 9, align="right")
    adopters = "、".join(p.name for p in certificate.parties)
    adoptee = certificate.adoptee
    assert adoptee is not None  # checked by Certificate
    page.text(20, 60, f"收养人{adopters}与被收养人{adoptee.name}，", 11)
    page.text(20, 70, f"于{chinese_date(certificate.registered_on)}经本机关登记解除收养关系。", 11)
    page.text(20, 80, "特此证明。", 11)
    for i, (role, person) in enumerate(zip(_roles(certificate), [*certificate.parties, adoptee], strict=True)):
        y = 96 + 26 * i
        page.text(20, y, role, 10)
        page.field(24, y + 7, "姓名", person.name)
        page.field(100, y + 7, "性别", person.sex)
        page.field(24, y + 14, "出生日期", chinese_date(person.birth_date))
        page.field(100, y + 14, "身份证件号", person.id_number)
    page.field(20, 180, "持证人", certificate.holder.name, size=10)
    page.field(20, 188, "备注", certificate.remarks or "—", size=10)
    _signature(page, certificate.office.name, certificate.issued_on, x=190, y=230)
    _verification(page, certificate.verification.link(), certificate.verification.code, x=20, y=215)
    return page.finish()


def _roles(certificate: Certificate) -> list[str]:
    if certificate.adoptee is None:
        return ["当事人"] * len(certificate.parties)
    return ["收养人"] * len(certificate.parties) + ["被收养人"]


def _party(page: Page, role: str, person: Person, top: float) -> None:
    page.text(100, top + 5, role, 9)
    page.field(100, top + 12, "姓名", person.name, label_width=18)
    page.field(100, top + 18, "性别", person.sex, label_width=18)
    page.field(140, top + 18, "国籍", person.nationality, label_width=10)
    page.field(100, top + 24, "出生日期", chinese_date(person.birth_date), label_width=18)
    page.field(100, top + 30, "身份证件号", person.id_number, label_width=18)
    page.box(165, top + 2, 20, 26, dashed=True)  # the photo is pasted on, not printed
    page.text(175, top + 16, "照片", 7, align="centre")


def _verification(page: Page, link: str, code: str, *, x: float, y: float) -> None:
    """K-8: the QR code of the verification URL with the code, and the code in print for typing it in."""
    page.qr(x, y, QR_SIZE, link)
    page.text(x + QR_SIZE + 2, y + 12, "扫码或登录核验", 7)
    page.text(x + QR_SIZE + 2, y + 19, f"核验码：{code}", 8)


def _signature(page: Page, office: str, issued_on: object, *, x: float, y: float) -> None:
    page.text(x, y, office, 11, align="right")
    page.text(x, y + 8, chinese_date(issued_on), 11, align="right")  # type: ignore[arg-type]
