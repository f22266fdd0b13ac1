"""K-1, K-8 as a reader meets them: each certificate rasterised (poppler's pdftoppm, as a printer driver
would) carries a QR code that a scanner (zbar's zbarimg) decodes to the verification URL with the copy's
code. The marriage certificate's image is the one docs/certificates.md shows, written here from the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shared.documents import CertificateKind, render_certificate, render_record_statement
from tests.unit.documents.builders import MARRIED, certificate, statement

pytestmark = pytest.mark.integration

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
TOOLS = ("pdftoppm", "zbarimg")  # Debian poppler-utils and zbar-tools, installed by deploy/dev/system-packages.sh


@pytest.fixture(scope="module", autouse=True)
def _tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: run deploy/dev/system-packages.sh (make test does)")


def rasterise(pdf: bytes, directory: Path, name: str, dpi: int = 150) -> Path:
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(source), str(directory / name)],
                   check=True, capture_output=True, timeout=60)
    return directory / f"{name}.png"


def scanned(image: Path) -> list[str]:
    found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                           capture_output=True, text=True, timeout=60)
    return found.stdout.splitlines()


@pytest.mark.parametrize("kind", list(CertificateKind), ids=lambda k: k.value)
def test_the_qr_code_decodes_to_the_verification_url_with_the_code_K8(kind, tmp_path):
    printed = certificate(kind)
    image = rasterise(render_certificate(printed), tmp_path, kind.value)
    assert scanned(image) == [
        f"https://civreg.example/v1/certificates/{printed.number}/verification?code={printed.verification.code}"]


def test_the_record_statements_qr_code_decodes_to_its_own_verification_url_K7(tmp_path):
    printed = statement(MARRIED)
    image = rasterise(render_record_statement(printed), tmp_path, "statement")
    assert scanned(image) == [printed.verification.link()]


def test_the_rendered_marriage_certificate_is_the_image_in_the_docs(tmp_path):
    image = rasterise(render_certificate(certificate(CertificateKind.MARRIAGE)), tmp_path, "marriage", dpi=100)
    target = DOCS_IMAGES / "certificate-marriage.png"
    if not target.is_file() or target.read_bytes() != image.read_bytes():
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image, target)  # the docs show what the code renders today
    assert scanned(target) == [certificate(CertificateKind.MARRIAGE).verification.link()]
