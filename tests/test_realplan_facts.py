"""Facts read from real public plans of different layouts (../shared/realplans, read at test
time, never copied): what `assistant clauses` and `assistant obligations` show a reader."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.extract.obligations import extract_obligations
from assistant.extract.tasks import extract_tasks
from assistant.ingest.pipeline import read_plan
from assistant.text import fold

FOLDER = Path(os.environ.get("ASSISTANT_REALPLANS", Path(__file__).resolve().parents[2] / "shared" / "realplans"))
pytestmark = pytest.mark.skipif(not FOLDER.is_dir(), reason=f"no real plans at {FOLDER} (set ASSISTANT_REALPLANS)")


def plan(name: str):
    return read_plan(FOLDER / name)


def test_markdown_crawl_header_signature_and_reporting_line():
    p = plan("tinh-ho-chi-minh-luat-viec-lam.md")
    meta = p.metadata
    assert (meta.number, meta.issue_date, meta.doc_type) == ("172/KH-UBND", "2025-11-18", "Kế hoạch")
    assert meta.issuer == "UBND thành phố Hồ Chí Minh" and meta.signer == "Trần Thị Diệu Thúy"
    assert meta.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" and "Thường trực Thành ủy" in meta.recipients
    lines = [o for o in extract_obligations(p) if o.role == "báo cáo" and "uy ban nhan dan thanh pho" in fold(o.recipient)]
    assert any("so noi vu" in fold(o.via or o.action) for o in lines)
    tasks = {t.clause: t for t in extract_tasks(p)}
    assert [f.value for f in tasks["II.2"].values("lead")] == ["Sở Nội vụ, Sở Giáo dục và Đào tạo, Sở Tài chính"]


def test_decision_with_the_plan_it_issues():
    p = plan("tinh-quang-ngai-kiem-ke-tai-san-cong.md")
    ids = {c.id: c for c in p.clauses}
    assert ids["D1"].text.startswith("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch")
    assert ids["KH.IV.1.2"].text.startswith("1.2. Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo")
    meta = p.metadata
    assert (meta.doc_type, meta.number, meta.signer) == ("Quyết định", "1627/QĐ-UBND", "Nguyễn Ngọc Sâm")
    assert "TỔNG KIỂM KÊ TÀI SẢN CÔNG" in meta.attached_title
    deadlines = {f.value for t in extract_tasks(p) if t.path[-1].startswith("1.2.") for f in t.values("time")}
    assert "Trước ngày 31/5/2026" in " ".join(deadlines)


def test_markdown_task_table_rows_keep_their_columns():
    p = plan("tinh-dong-nai-kinh-te-so-xa-hoi-so.md")
    row = next(c for c in p.clauses if c.kind == "row" and c.text.startswith("1.1. Rà soát, xây dựng"))
    assert dict(row.columns)["Đơn vị thực hiện"] == "Sở Tư pháp"
    task = next(t for t in extract_tasks(p) if t.clause == row.id)
    assert [f.value for f in task.values("coordinate")] == ["Các sở, ban, ngành; UBND các phường, xã"]


def test_docx_plan_of_a_department_with_labelled_task_lines():
    p = plan("so-lao-cai-de-an-08-cong-nghiep.docx")
    assert (p.metadata.issuer, p.metadata.issuer_parent) == ("Sở Công Thương", "UBND tỉnh Lào Cai")
    assert p.metadata.locality == "tỉnh Lào Cai" and p.metadata.signer == "Trịnh Văn Thành"
    task = {t.clause: t for t in extract_tasks(p)}["III.1"]
    assert [f.value for f in task.values("lead")] == ["Phòng Quản lý Công nghiệp"]
    assert "Phòng Quản lý Năng lượng" in task.values("coordinate")[0].value


def test_docx_notice_signed_for_the_chairman_and_a_text_box_subject():
    notice = plan("tinh-lam-dong-ket-luan-cao-toc.docx").metadata
    assert notice.doc_type == "Thông báo" and notice.issuer == "UBND tỉnh Lâm Đồng"
    assert notice.signer == "Nguyễn Ngọc Nam" and notice.signer_title.endswith("PHÓ CHÁNH VĂN PHÒNG")
    letter = plan("tinh-lam-dong-cai-nghien-ma-tuy.docx").metadata
    assert letter.subject.startswith("V/v tập trung triển khai thực hiện công tác cai nghiện")
    assert "Sở Y tế" in letter.addressees


def test_pdf_task_with_time_place_lead_and_funding():
    p = plan("tinh-ha-noi-festival-thang-long.pdf")
    task = {t.clause: t for t in extract_tasks(p)}["III.2.1"]
    roles = {f.role: f.value for f in task.fields}
    assert roles["time"].startswith("ngày 11/9/2026") and roles["place"] == "Hoàng Thành Thăng Long"
    assert roles["lead"] == "Sở Văn hoá và Thể thao" and roles["funding"].startswith("Ngân sách Thành phố")


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed (make setup installs it)")
def test_word_97_directive_header_read_from_tabbed_columns():
    meta = plan("tinh-binh-duong-khcn-co-so.doc").metadata
    assert (meta.doc_type, meta.number, meta.issue_date) == ("Chỉ thị", "09/2009/CT-UBND", "2009-04-15")
    assert meta.issuer == "UBND tỉnh Bình Dương" and meta.signer == "Nguyễn Văn Hiệp"
