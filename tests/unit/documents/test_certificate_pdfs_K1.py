"""K-1, K-7, K-8: certificates and record statements as PDFs — each laid out for its form, its Chinese text
extractable from the embedded (subset) CJK font, the number, the holders and the verification code on it."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from shared.documents import (
    CertificateKind,
    InvalidDocument,
    Verification,
    render_certificate,
    render_record_statement,
)
from tests.unit.documents.builders import (
    CHILD,
    CODE,
    DIVORCED,
    HUSBAND,
    MARRIED,
    PAPER_ERA,
    WIFE,
    certificate,
    statement,
)

KINDS = list(CertificateKind)
TITLES = {CertificateKind.MARRIAGE: "结婚证", CertificateKind.DIVORCE: "离婚证",
          CertificateKind.ADOPTION: "收养登记证", CertificateKind.ADOPTION_DISSOLUTION: "解除收养关系证明"}


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "".join(page.extract_text() for page in reader.pages)


def fonts_of(reader: PdfReader) -> list[dict]:
    return [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]


def size_mm(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width) / mm), round(float(box.height) / mm)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
def test_each_certificate_has_its_chinese_title_people_number_and_code_as_text_K1(kind):
    printed = certificate(kind)
    reader, text = read(render_certificate(printed))

    assert len(reader.pages) == 1
    assert TITLES[kind] in text and kind.title == TITLES[kind]
    assert printed.number in text
    for person in (*printed.parties, *((printed.adoptee,) if printed.adoptee else ())):
        assert person.name in text and person.id_number in text
    assert f"核验码：{CODE}" in text  # K-8: printed, for typing in


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
def test_the_cjk_font_is_embedded_as_a_subset_and_the_file_stays_small_K1(kind):
    pdf = render_certificate(certificate(kind))
    reader, _ = read(pdf)

    fonts = fonts_of(reader)
    assert fonts, "no font"
    for font in fonts:  # every font embedded (no reader-side substitution), and only the glyphs used
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert font["/BaseFont"][7] == "+"  # a subset's name is six letters and a plus: AAAAAA+...
    assert len(pdf) < 60_000  # the whole font is several MB


@pytest.mark.parametrize(
    ("kind", "form"),
    [(CertificateKind.MARRIAGE, (190, 128)), (CertificateKind.DIVORCE, (190, 128)),
     (CertificateKind.ADOPTION, (190, 128)), (CertificateKind.ADOPTION_DISSOLUTION, (210, 297))],
    ids=lambda v: getattr(v, "value", str(v)),
)
def test_each_form_has_its_page_size_K1(kind, form):
    reader, _ = read(render_certificate(certificate(kind)))
    assert size_mm(reader) == form


def test_the_adoption_certificate_names_adopters_and_adoptee_in_their_roles_K1():
    _, text = read(render_certificate(certificate(CertificateKind.ADOPTION, parties=(WIFE,), holder=WIFE)))
    assert text.count("收养人") == 2  # 收养人 and 被收养人
    assert "被收养人" in text and CHILD.name in text and HUSBAND.name not in text


def test_the_dissolution_states_who_dissolved_the_adoption_and_when_K1():
    _, text = read(render_certificate(certificate(CertificateKind.ADOPTION_DISSOLUTION)))
    assert f"收养人{HUSBAND.name}、{WIFE.name}与被收养人{CHILD.name}" in text
    assert "于2026年12月4日经本机关登记解除收养关系" in text


def test_the_same_data_gives_the_same_bytes():
    assert render_certificate(certificate(CertificateKind.MARRIAGE)) == render_certificate(
        certificate(CertificateKind.MARRIAGE))


def test_each_copy_carries_its_holder_K3():
    _, for_her = read(render_certificate(certificate(CertificateKind.MARRIAGE, holder=WIFE)))
    _, for_him = read(render_certificate(certificate(CertificateKind.MARRIAGE, holder=HUSBAND)))
    assert f"持证人\n{WIFE.name}\n" in for_her and f"持证人\n{HUSBAND.name}\n" in for_him


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"number": "J610502-26-1"}, "K-2"),
        ({"number": "j610502-2026-000001"}, "K-2"),
        ({"verification": Verification("https://civreg.example/v", "SHORT2345")}, "K-8"),
        ({"verification": Verification("https://civreg.example/v", "K7M2P9QX40")}, "K-8"),  # 0 looks like O
        ({"holder": CHILD}, "holder"),
        ({"parties": (HUSBAND, WIFE, CHILD)}, "both spouses"),
        ({"adoptee": CHILD}, "both spouses"),
    ],
)
def test_a_certificate_that_would_print_wrong_is_refused(changes, says):
    with pytest.raises(InvalidDocument, match=says):
        certificate(CertificateKind.MARRIAGE, **changes)


def test_an_adoption_certificate_needs_its_adoptee():
    with pytest.raises(InvalidDocument, match="adoptee"):
        certificate(CertificateKind.ADOPTION, adoptee=None)


def test_the_verification_link_adds_the_code_to_the_query_K8():
    assert Verification("https://x.example/v/J1?lang=zh", CODE).link() == f"https://x.example/v/J1?lang=zh&code={CODE}"
    assert Verification("https://x.example/v/J1", CODE).link() == f"https://x.example/v/J1?code={CODE}"


def test_the_record_statement_lists_the_persons_own_registrations_with_their_numbers_K7():
    printed = statement(MARRIED, DIVORCED, PAPER_ERA)
    reader, text = read(render_record_statement(printed))

    assert size_mm(reader) == (210, 297)
    assert "婚姻登记记录证明" in text and "无婚姻登记记录" not in text
    for record in (MARRIED, DIVORCED, PAPER_ERA):
        assert record.number in text and record.kind in text
    assert "渭临结字第980412号" in text  # an imported paper-era number stays text (M-12)
    assert WIFE.name in text and WIFE.id_number in text and "用于办理赴德国公证" in text
    assert printed.number in text and "核验码：Q4T8WX2MNP" in text


def test_with_no_registration_it_is_the_no_record_statement_K7():
    _, text = read(render_record_statement(statement()))
    assert "无婚姻登记记录证明" in text and "没有当事人的婚姻登记记录" in text


def test_a_statement_dated_as_of_an_earlier_day_says_so_K7():
    printed = dataclasses.replace(statement(MARRIED), as_of=MARRIED.registered_on.replace(year=2020))
    _, text = read(render_record_statement(printed))
    assert "截至2020年5月20日" in text


def test_a_statement_longer_than_its_page_is_refused_K7():
    with pytest.raises(InvalidDocument, match="at most 12"):
        render_record_statement(statement(*[MARRIED] * 13))
