"""Printable certificates and statements (K-1, K-7, K-8): data in, PDF bytes out, nothing else.

    pdf = render_certificate(Certificate(kind=CertificateKind.MARRIAGE, number="J610502-2026-000001", ...))

Pure rendering: no numbering (K-2..K-4), no stock (K-5), no storage, no HTTP. The services give it what they
recorded and serve or print the bytes. Built on ReportLab (the PDF is drawn, so positions are exact
millimetres as preprinted forms need, and it has no system libraries beyond the font) and segno (the QR
code); the CJK font is embedded as a subset so the text can be extracted and the file stays small.
"""

from shared.documents.fonts import FontMissing, cjk_font
from shared.documents.forms import render_certificate, render_record_statement
from shared.documents.model import (
    Certificate,
    CertificateKind,
    InvalidDocument,
    Office,
    Person,
    RecordedRegistration,
    RecordStatement,
    Verification,
)

__all__ = [
    "Certificate",
    "CertificateKind",
    "FontMissing",
    "InvalidDocument",
    "Office",
    "Person",
    "RecordStatement",
    "RecordedRegistration",
    "Verification",
    "cjk_font",
    "render_certificate",
    "render_record_statement",
]
