"""The drafted .docx opens in LibreOffice (headless), converts to PDF, and page 1 renders to PNG
(pdftoppm) into artifacts/drafts/ for a person to look at. Tools are installed once per session
by tests/render_setup.sh (Debian packages); the test is skipped, with the reason, when they
cannot be installed."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.draft import DraftRequest, build_draft, write_docx
from tests.conftest import PLAN_FILES, REPO

ARTIFACTS = REPO / "artifacts" / "drafts"


@pytest.fixture(scope="session")
def render_tools() -> str:
    setup = REPO / "tests" / "render_setup.sh"
    try:
        result = subprocess.run(["sh", str(setup)], capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"render tools could not be installed: {error}")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if result.returncode != 0 or not office or not shutil.which("pdftoppm"):
        pytest.skip("libreoffice-writer / poppler-utils unavailable and could not be installed with apt: "
                    f"{(result.stderr or result.stdout).strip()[-300:]}")
    return office


def convert_to_pdf(office: str, docx: Path, workdir: Path) -> Path:
    profile = workdir / "lo-profile"
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(docx)], check=True, capture_output=True, timeout=300)
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 1000
    return pdf


def render_page(pdf: Path, page: int, name: str) -> Path:
    """One page of the PDF as a PNG in artifacts/drafts/ (for a person to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(prefix)], check=True, capture_output=True, timeout=120)
    png = prefix.with_suffix(".png")
    assert png.is_file()
    return png


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        return ""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60).stdout


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_draft_renders_to_pdf_and_png(render_tools, tmp_path, name):
    """A 2026 draft for a current ward (two-tier government): page 1 and the signature page
    rendered; the header block on one band; the superior is the province's UBND."""
    draft = build_draft(DraftRequest(
        template=str(PLAN_FILES[name]), locality="phường Ninh Kiều", parent="thành phố Cần Thơ",
        based_on="Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ", number="15",
        date="05/03/2026", signer="Trần Thị Bình", signer_title="Phó Chủ tịch", index="/nonexistent-index"))
    docx = write_docx(draft, tmp_path / f"draft-{name}.docx")
    pdf = convert_to_pdf(render_tools, docx, tmp_path)
    png = render_page(pdf, 1, f"draft-{name}-page1")
    from PIL import Image  # noqa: PLC0415  (pillow ships with the project's dependencies)

    with Image.open(png) as image:
        width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    text = pdf_text(pdf)
    if text:
        pages = text.split("\f")
        first = pages[0]
        # The header block sits on one band: the issuing body and the national title on one line.
        line = next(l for l in first.splitlines() if "ỦY BAN NHÂN DÂN" in l)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line
        assert "KẾ HOẠCH" in first and "Ninh Kiều, ngày 05 tháng 3 năm 2026" in first
        signature = next(i for i, page in enumerate(pages, start=1) if "TM. ỦY BAN NHÂN DÂN" in page)
        assert "Trần Thị Bình" in pages[signature - 1] and "Nơi nhận" in pages[signature - 1]
        render_page(pdf, signature, f"draft-{name}-signature")
