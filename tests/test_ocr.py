"""Scanned PDFs, page images, broken text layers and form fields: generated fixtures are ingested
with `assistant ingest` and answer a reporting question with `assistant ask --json`; bad scans are
refused one by one without touching the index. OCR speed and error rates are measured by
scripts/bench_ocr.py, not here."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest

from assistant.documents import LoadError
from assistant.ingest import external
from assistant.ingest.loaders import load
from assistant.ingest.ocr import OcrOptions, cache_dir_for
from assistant.ingest.pdf import text_layer_is_garbage
from tests import scan_fixtures as fx
from tests.conftest import REPO

TESSERACT = shutil.which("tesseract")
PDFTOPPM = shutil.which("pdftoppm")


def _ocr_ready() -> str:
    if not (TESSERACT and PDFTOPPM):
        return "tesseract/pdftoppm missing (make setup installs tesseract-ocr, tesseract-ocr-vie, poppler-utils)"
    if "vie" not in external._languages(TESSERACT):
        return "Tesseract's Vietnamese data missing (make setup installs tesseract-ocr-vie)"
    if fx.font_path() is None:
        return "no font with Vietnamese glyphs to draw fixtures (fonts-liberation2 or fonts-dejavu-core)"
    return ""


pytestmark = pytest.mark.skipif(bool(_ocr_ready()), reason=_ocr_ready() or "ready")

TAN_HOA = fx.PlanSpec("Tân Hòa", 45, "15 tháng 11", "Nguyễn Văn Bình")  # 2-page scan, noise, skew
PHU_LOC = fx.PlanSpec("Phú Lộc", 46, "20 tháng 10", "Trần Thị Mai")  # text page + scanned page
HOA_BINH = fx.PlanSpec("Hòa Bình", 47, "25 tháng 9", "Lê Văn Cường")  # one PNG page
LONG_DIEN = fx.PlanSpec("Long Điền", 48, "5 tháng 12", "Phạm Thị Dung")  # broken ToUnicode map
MY_XUYEN = fx.PlanSpec("Mỹ Xuyên", 49, "10 tháng 8", "Võ Văn Em")  # number and day in form fields
FILES = {
    "scan-tan-hoa.pdf": TAN_HOA,
    "mixed-phu-loc.pdf": PHU_LOC,
    "anh-hoa-binh.png": HOA_BINH,
    "hong-long-dien.pdf": LONG_DIEN,
    "form-my-xuyen.pdf": MY_XUYEN,
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def counting_path(tmp_path_factory) -> tuple[dict, Path]:
    """PATH with a `tesseract` that logs each OCR call (not --version) before running the real one."""
    folder = tmp_path_factory.mktemp("bin")
    log = folder / "ocr-calls.log"
    wrapper = folder / "tesseract"
    wrapper.write_text(f'#!/bin/sh\ncase "$1" in --*) ;; *) echo "$1" >> "{log}";; esac\nexec "{TESSERACT}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    log.touch()
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}, log


def form_lines(spec: fx.PlanSpec) -> tuple[list[str], dict]:
    """The plan on one text page with the number and the report day left blank, and the form
    fields (value, /Rect) that fill them where make_pdf draws those lines (6 pt per character)."""
    pages = fx.plan_pages(spec)
    day = spec.deadline.split()[0]
    lines = [line.replace(f"Số: {spec.number}/", "Số:          /")
                 .replace(f"trước ngày {spec.deadline}", f"trước ngày        {spec.deadline[len(day) + 1:]}")
             for line in pages[0] + pages[1]]
    row_number = next(i for i, line in enumerate(lines) if line.startswith("Số:"))
    row_day = next(i for i, line in enumerate(lines) if "trước ngày  " in line)
    x_day = 72 + 6 * (lines[row_day].index("trước ngày  ") + 11)
    fields = {"so": (str(spec.number), (90, 764 - 20 * row_number, 150, 782 - 20 * row_number)),
              "ngay": (day, (x_day, 764 - 20 * row_day, x_day + 30, 782 - 20 * row_day))}
    return lines, fields


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scans")
    work = tmp_path_factory.mktemp("work")
    good = folder / "good"
    good.mkdir()
    pages = fx.plan_pages(TAN_HOA)
    fx.image_pdf([fx.draw_page(p, dpi=200, noise=0.003, rotate=0.6, seed=n) for n, p in enumerate(pages)],
                 good / "scan-tan-hoa.pdf")
    pages = fx.plan_pages(PHU_LOC)
    fx.text_pdf([pages[0]], work / "text.pdf")
    fx.image_pdf([fx.draw_page(pages[1], dpi=200)], work / "scan.pdf")
    fx.mixed_pdf(work / "text.pdf", work / "scan.pdf", good / "mixed-phu-loc.pdf")
    pages = fx.plan_pages(HOA_BINH)
    # Both pages on one sheet at 11 pt: at 10 pt and 200 dpi Tesseract misreads a diacritic or two
    # depending on which serif font the machine has ("hãng" for "hằng"), not what the test is about.
    fx.draw_page(pages[0] + pages[1], dpi=200, font_size=11).save(good / "anh-hoa-binh.png")
    if shutil.which("soffice"):  # the broken PDF starts as a LibreOffice PDF (embedded fonts)
        docx = fx.docx_plan(fx.plan_pages(LONG_DIEN), work / "long-dien.docx")
        fx.break_tounicode(fx.soffice_convert(docx, "pdf", work), good / "hong-long-dien.pdf")
    lines, fields = form_lines(MY_XUYEN)
    fx.form_pdf([lines], fields, good / "form-my-xuyen.pdf")
    return folder


@pytest.fixture(scope="module")
def ingested(made, counting_path, tmp_path_factory):
    env, log = counting_path
    index = tmp_path_factory.mktemp("ocr-index") / "index"
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(made / "good"), "--index", str(index)],
                            cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr
    return index, result, len(log.read_text().splitlines())


def cached(index: Path) -> OcrOptions:
    return OcrOptions(cache_dir=cache_dir_for(index))


def ask(index: Path, *questions: str) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--index", str(index), "--json", *questions],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# -- ingest and ask ------------------------------------------------------------------------------
def test_every_fixture_answers_its_reporting_question_with_a_citation(made, ingested):
    index, _, _ = ingested
    present = {name: spec for name, spec in FILES.items() if (made / "good" / name).exists()}
    questions = [f"Công chức Văn hóa - Xã hội xã {spec.locality} báo cáo Ủy ban nhân dân xã trước ngày nào?"
                 for spec in present.values()]
    for (name, spec), answer in zip(present.items(), ask(index, *questions)):
        assert answer["grounded"], (name, answer)
        assert spec.deadline in nfc(answer["answer"]), (name, answer["answer"])
        cited = [c for c in answer["citations"] if c["source"].endswith(name)]
        assert cited and any(spec.deadline in nfc(c["text"]) for c in cited), (name, answer["citations"])


def test_ingest_shows_progress_per_ocr_page(ingested):
    _, result, _ = ingested
    assert "OCR scan-tan-hoa.pdf" in result.stderr and "2/2" in result.stderr and "trang" in result.stderr
    assert "5 added" in result.stdout or "4 added" in result.stdout


def test_reingest_never_ocrs_again(ingested, counting_path, made):
    index, _, calls = ingested
    env, log = counting_path
    assert calls >= 5  # 2 scan pages, 1 scanned page of the mixed PDF, the PNG, the broken PDF
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(made / "good"), "--index", str(index),
                             "--rebuild", "--quiet"], cwd=REPO, env={**env, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "added" in result.stdout and "0 failed" in result.stdout
    assert len(log.read_text().splitlines()) == calls  # every page came from the cache


def test_clauses_of_a_scan_keep_their_pages(ingested, made):
    index, _, _ = ingested
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "clauses", str(made / "good" / "scan-tan-hoa.pdf"),
                             "--json", "--index", str(index)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    clauses = [json.loads(line) for line in result.stdout.splitlines()]
    report = [c for c in clauses if TAN_HOA.deadline in nfc(c["text"])]
    assert report and report[0]["page"] == 2
    assert any(c["page"] == 1 and "MỤC ĐÍCH" in nfc(c["text"]) for c in clauses)


# -- page by page --------------------------------------------------------------------------------
def test_mixed_pdf_reads_the_text_page_and_ocrs_the_scanned_one(ingested, made):
    index, _, _ = ingested
    document = load(made / "good" / "mixed-phu-loc.pdf", ocr=cached(index))
    assert document.ocr_pages == (2,) and len(document.page_starts) == 2
    first_page = document.text[:document.page_starts[1]]
    assert "\n".join(fx.plan_pages(PHU_LOC)[0]) in first_page  # the text layer, exactly
    found = re.search(r"\s+".join(map(re.escape, PHU_LOC.deadline.split())), nfc(document.text))  # may wrap
    assert found and document.page_at(found.start()) == 2


def test_clean_ocr_keeps_every_diacritic_of_the_key_sentence(ingested, made):
    index, _, _ = ingested
    document = load(made / "good" / "anh-hoa-binh.png", ocr=cached(index))
    assert document.format == "png" and document.ocr_pages == (1,) and document.from_ocr
    text = " ".join(nfc(document.text).split())
    assert f"định kỳ báo cáo Ủy ban nhân dân xã Hòa Bình trước ngày {HOA_BINH.deadline} hằng năm" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_broken_text_layer_is_detected_and_ocrd(ingested, made):
    path = made / "good" / "hong-long-dien.pdf"
    if not path.exists():
        pytest.skip("soffice missing: the broken PDF is made from a LibreOffice PDF")
    index, _, _ = ingested
    layer = pypdf.PdfReader(path).pages[0].extract_text()
    assert "LONG ĐIỀN" not in layer and text_layer_is_garbage(layer)
    document = load(path, ocr=cached(index))
    text = " ".join(nfc(document.text).split())
    assert document.ocr_pages and f"Số: {LONG_DIEN.number}/KH-UBND" in text
    assert f"xã Long Điền trước ngày {LONG_DIEN.deadline} hằng năm" in text


def test_form_field_values_are_put_back_on_their_line(made):
    document = load(made / "good" / "form-my-xuyen.pdf")
    lines = document.text.split("\n")
    assert f"Số: {MY_XUYEN.number} /KH-UBND" in lines
    assert any(f"trước ngày {MY_XUYEN.deadline} hằng năm" in line for line in lines)
    assert document.ocr_pages == ()


def test_form_field_without_appearance_uses_its_value(tmp_path):
    lines, fields = form_lines(MY_XUYEN)
    path = fx.form_pdf([lines], fields, tmp_path / "v-only.pdf", appearance=False)
    text = load(path).text
    assert f"Số: {MY_XUYEN.number} /KH-UBND" in text and f"trước ngày {MY_XUYEN.deadline}" in text


@pytest.mark.parametrize("text", [
    "UBND 7ӌ1+ LÀO CAI &Ӝ1* HOÀ Xˆ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM\n6Ӣ CÔNG 7+ѬѪ1* ĈӝF OұS - 7ӵ do - +ҥQK phœc",
    "óẌ\\ PẄQK ỌQJ GỈQJ F×QJ QJKẪ WK×QJ WLQ WURQJ KRẄW ôẼQJ FỊD FƄ TXDQ QKÃ",
    "Kế hoạch\x1d số\x0f 12\x1d/KH\x1d-UBND\x0f ngày\x1d 5\x1d tháng\x0f 3 năm\x1d 2025" * 3,
])
def test_garbage_layers_are_recognised(text):
    assert text_layer_is_garbage(text)


@pytest.mark.parametrize("text", [
    "Công chức Văn hóa - Xã hội chủ trì, phối hợp; định kỳ báo cáo UBND xã trước ngày 15/12 hằng năm.",
    "Tong hop, bao cao UBND thi xa truoc ngay 10 thang 12 hang nam (OCR mat dau).",
    "The commune reports to the district People's Committee before 10 December.",
    "HĐND, UBND, QĐ-TTg, KH-UBND: 2855/KH-UBND; Đắk Lắk, Đắk Nông.",
    "",
])
def test_real_text_is_not_taken_for_garbage(text):
    assert not text_layer_is_garbage(text)


# -- bad input -----------------------------------------------------------------------------------
def test_bad_scans_are_refused_one_by_one_and_the_index_is_untouched(ingested, made, counting_path, tmp_path):
    index = Path(shutil.copytree(ingested[0], tmp_path / "index"))
    env, log = counting_path
    before = json.loads((index / "manifest.json").read_text("utf-8"))
    bad = tmp_path / "bad"
    bad.mkdir()
    fx.blank_picture(bad / "anh-trang.png")
    fx.many_page_scan(bad / "scan-200-trang.pdf", 200)
    png = fx.png_bytes(fx.draw_page(["Kế hoạch"], dpi=72))
    (bad / "anh-hong.png").write_bytes(png[: len(png) // 2])
    (bad / "anh-gia.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    (bad / "ke-hoach-tot.txt").write_text("KẾ HOẠCH\nI. TỔ CHỨC THỰC HIỆN\n1. Xã Thử Nghiệm báo cáo trước ngày 9/9.\n",
                                          encoding="utf-8")
    calls = len(log.read_text().splitlines())
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(bad), "--index", str(index), "--quiet"],
                            cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 1
    errors = {line.split(": ", 2)[1].rsplit("/", 1)[-1]: line for line in result.stderr.splitlines()
              if line.startswith("assistant: ")}
    assert "no text found by OCR" in errors["anh-trang.png"]
    assert "200 pages need OCR, more than the limit of 100 pages (ASSISTANT_OCR_MAX_PAGES)" in errors["scan-200-trang.pdf"]
    assert "not a readable image" in errors["anh-hong.png"] and "not a readable image" in errors["anh-gia.jpg"]
    assert "Traceback" not in result.stderr
    assert "1 added" in result.stdout and "4 failed" in result.stdout
    after = json.loads((index / "manifest.json").read_text("utf-8"))
    assert {k: v for k, v in after["plans"].items() if k in before["plans"]} == before["plans"]
    assert len(log.read_text().splitlines()) == calls + 1  # only the blank picture reached Tesseract


def test_page_limit_comes_from_the_environment(tmp_path, monkeypatch):
    path = fx.many_page_scan(tmp_path / "ba-trang.pdf", 3)
    monkeypatch.setenv("ASSISTANT_OCR_MAX_PAGES", "2")
    with pytest.raises(LoadError, match="3 pages need OCR, more than the limit of 2 pages"):
        load(path)


def test_missing_programs_refuse_only_the_formats_that_need_them(made, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(LoadError, match=r"anh-hoa-binh.png: .*'tesseract'.*Debian package tesseract-ocr\b"):
        load(made / "good" / "anh-hoa-binh.png")
    with pytest.raises(LoadError, match=r"scan-tan-hoa.pdf: .*Debian package (poppler-utils|tesseract-ocr)"):
        load(made / "good" / "scan-tan-hoa.pdf")
    doc = tmp_path / "cu.doc"
    doc.write_bytes(b"{\\rtf1 K\\u7871? ho\\u7841?ch}")
    with pytest.raises(LoadError, match=r"cu.doc: .*Debian package libreoffice-writer-nogui"):
        load(doc)
    assert "Số: 49 /KH-UBND" in load(made / "good" / "form-my-xuyen.pdf").text  # text layers need nothing
    (tmp_path / "a.txt").write_text("Kế hoạch", encoding="utf-8")
    assert load(tmp_path / "a.txt").text == "Kế hoạch"


# -- web upload ----------------------------------------------------------------------------------
def test_scanned_upload_shows_page_progress_and_is_marked_as_ocr(ingested, tmp_path, monkeypatch):
    from assistant.engine import Engine
    from assistant.retrieval.embedder import Embedder, EmbedderUnavailable
    from ui.app import process_uploads
    from ui.state import EngineHolder

    try:
        embedder = Embedder()
    except EmbedderUnavailable as error:
        pytest.skip(f"embedding model unavailable: {error}")
    index = Path(shutil.copytree(ingested[0], tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_UPLOAD_DIR", str(tmp_path / "uploads"))
    holder = EngineHolder(lambda: Engine.open(index, embedder=embedder))
    spec = fx.PlanSpec("Bình An", 50, "30 tháng 6", "Đỗ Văn Hải")
    pages = fx.plan_pages(spec)
    upload = tmp_path / "bản scan bình an.png"
    fx.draw_page(pages[0] + pages[1], dpi=200, font_size=10).save(upload)
    steps = []
    results = process_uploads(holder, [str(upload)], tmp_path / "uploads",
                              progress=lambda fraction, desc: steps.append((fraction, desc)))
    assert results[0][0] == "ok" and "đọc bằng OCR 1 trang" in results[0][2], results
    texts = [desc for _, desc in steps]
    assert any("Nhận dạng chữ (OCR)" in t and "trang 1/1" in t for t in texts), texts
    assert all(0 <= f <= 1 for f, _ in steps) and [f for f, _ in steps] == sorted(f for f, _ in steps)
    answer = holder.engine.ask("Công chức Văn hóa - Xã hội xã Bình An báo cáo trước ngày nào?")
    assert answer.grounded and spec.deadline in nfc(answer.answer)
