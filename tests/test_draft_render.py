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


def render_page_one(office: str, docx: Path, workdir: Path) -> Path:
    profile = workdir / "lo-profile"
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(docx)], check=True, capture_output=True, timeout=300)
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 1000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / docx.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    png = prefix.with_suffix(".png")
    assert png.is_file()
    return png


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        return ""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60).stdout


@pytest.mark.parametrize("name", ["long_my", "muong_lay", "phu_son"])
def test_draft_renders_to_pdf_and_png(render_tools, tmp_path, name):
    draft = build_draft(DraftRequest(
        template=str(PLAN_FILES[name]), locality="phường Hòa An", parent="thành phố Cần Thơ",
        based_on="Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ", number="15",
        date="05/03/2026", signer="Trần Thị Bình", signer_title="Phó Chủ tịch"))
    docx = write_docx(draft, tmp_path / f"draft-{name}.docx")
    png = render_page_one(render_tools, docx, tmp_path)
    from PIL import Image  # noqa: PLC0415  (pillow ships with the project's dependencies)

    with Image.open(png) as image:
        width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    text = pdf_text(tmp_path / f"draft-{name}.pdf")
    if text:
        first = text.split("\f")[0]
        # The header block sits on one band: the issuing body and the national title on one line.
        line = next(l for l in first.splitlines() if "ỦY BAN NHÂN DÂN" in l)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line
        assert "KẾ HOẠCH" in first and "Hòa An, ngày 05 tháng 3 năm 2026" in first
