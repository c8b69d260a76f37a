"""Clause trees of the five plans: facts read from the documents themselves."""
from __future__ import annotations

from pathlib import Path

from assistant.documents import LoadedDocument
from assistant.ingest.segment import segment
from assistant.text import fold
from tests.conftest import clause


def find(plan, needle: str):
    hits = [c for c in plan.clauses if fold(needle) in fold(c.text)]
    assert hits, f"{needle!r} not in any clause of {plan.source}"
    return hits


def test_muong_lay_reporting_bullet_is_its_own_clause_under_both_headings(plans):
    plan = plans["muong_lay"]
    hits = [c for c in find(plan, "trước ngày 10 tháng 12 hằng năm") if "báo cáo UBND thị xã" in c.text]
    assert len(hits) == 1
    reporting = hits[0]
    assert reporting.kind == "bullet"
    assert reporting.id == "V.1-1"
    assert reporting.path == ("V. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa và Thông tin thị xã")
    # The next bullet is a separate clause, not glued on.
    assert clause(plan, "V.1-2").text.startswith("Tổ chức kiểm tra việc triển khai")


def test_tinh_thien_funding_clause_has_its_unit_heading_in_path(plans):
    plan = plans["tinh_thien"]
    funding = [c for c in find(plan, "bố trí kinh phí") if "VII. TỔ CHỨC THỰC HIỆN" in c.path]
    assert funding and all("3. Công chức Tài chính – Kế toán xã" in c.path for c in funding)
    assert funding[0].id == "VII.3-1"


def test_tinh_thien_lettered_items_and_paragraph_wrapped_across_blank_line(plans):
    plan = plans["tinh_thien"]
    a = clause(plan, "VII.1.a")
    assert a.kind == "letter" and "trước ngày 10/12" in a.text
    assert "**" not in a.text and "*qua" not in a.text  # markdown emphasis stripped
    # "…phù hợp với quy hoạch và định hướng phát triển của thành\n\nphố; giám sát…" is one clause.
    wrapped = clause(plan, "VII.4.a")
    assert "của thành phổ; giám sát các tuyến cáp trục" in wrapped.text


def test_phu_son_ocr_section_without_space_opens_a_section(plans):
    plan = plans["phu_son"]
    section = clause(plan, "IV")
    assert section.kind == "section" and section.text == "IV.TO CHUC THUC HIEN"
    unit = clause(plan, "IV.1")
    assert unit.path == ("IV.TO CHUC THUC HIEN",) and "Vian phong" in unit.text
    # Hard line wraps of the scan are joined into one clause.
    report = clause(plan, "IV.1-3")
    assert report.text.startswith("Téng hop, tham muu, bao cdo UBND Thi xa") and "\n" not in report.text
    assert report.text.endswith("dam bao theo quy dinh.")


def test_phu_son_stray_page_number_is_dropped(plans):
    plan = plans["phu_son"]
    assert not [c for c in plan.clauses if c.text.strip() == "6"]
    assert clause(plan, "IV.4-2").text.startswith("Cung cp kip thoi thong tin")


def test_phu_son_inline_unit_heading_path_keeps_only_the_unit(plans):
    plan = plans["phu_son"]
    item = clause(plan, "IV.2")
    assert item.text.startswith("2. Cong chirc phu trach VH-XH: Tuyén truyén")


def test_muong_lay_appendix_rows_carry_year_columns(plans):
    plan = plans["muong_lay"]
    row = clause(plan, "PL.I.4")
    assert row.kind == "row"
    assert "Tốc độ băng rộng di động" in row.text
    columns = dict(row.columns)
    assert columns["Đơn vị tính"] == "Mbps"
    assert [columns[k] for k in ("Thực hiện năm 2022", "Năm 2023", "Năm 2024", "Năm 2025",
                                 "Định hướng đến năm 2030")] == ["37,7", "42", "46", "50", "100"]
    assert row.path[-1] == "I. Mạng viễn thông băng rộng"


def test_muong_lay_appendix_header_repeats_skipped_and_wrapped_cell_merged(plans):
    plan = plans["muong_lay"]
    rows = [c for c in plan.clauses if c.kind == "row"]
    assert len(rows) == 21  # 20 numbered indicators; the table numbers "16" twice
    assert not [r for r in rows if fold(r.text).startswith(("tt", ". cac chi tieu"))]
    assert dict(clause(plan, "PL.I.11").columns)["Đơn vị tính"] == "Thuê bao/100 dân"
    assert clause(plan, "PL.II.16").path[-1].startswith("II. Hạ tầng trung tâm dữ liệu")


def test_markdown_headings_rank_by_numbering_not_hash_marks(plans):
    plan = plans["phu_my"]
    # "## **2. Phát triển hạ tầng…**" under "## **III. NHIỆM VỤ**" is an item of III.
    item = clause(plan, "III.2")
    assert item.kind == "item" and item.path == ("III. NHIỆM VỤ",)
    assert clause(plan, "V.1").text == "1. Công chức Văn hoá – Xã hội"


def test_duplicated_item_number_gets_a_distinct_stable_id(plans):
    plan = plans["phu_my"]
    assert clause(plan, "V.3").text == "3. Công an thị trấn"
    assert clause(plan, "V.3_2").text == "3. Công chức Văn phòng – Thống kê"
    assert len({c.id for c in plan.clauses}) == len(plan.clauses)


def test_long_my_letters_under_numbered_items_under_sections(plans):
    plan = plans["long_my"]
    letter = clause(plan, "II.1.a")
    assert letter.path == ("II. MỤC TIÊU", "1. Giai đoạn 2025 – 2026")
    report = [c for c in find(plan, "trước ngày 15/12")]
    assert report[0].path == ("V. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa - Xã hội")


def test_preamble_title_and_closing_regions(plans):
    for plan in plans.values():
        ids = [c.id for c in plan.clauses]
        assert ids[0].startswith("0-"), plan.source
        assert any(i.startswith("Z-") for i in ids), plan.source
        assert any(c.kind == "title" for c in plan.clauses), plan.source


def test_every_plan_has_unique_ids_spans_in_order_and_no_markup(plans):
    for plan in plans.values():
        assert len({c.id for c in plan.clauses}) == len(plan.clauses)
        starts = [c.span[0] for c in plan.clauses]
        assert starts == sorted(starts)
        for c in plan.clauses:
            assert "**" not in c.text and "<b>" not in c.text and not c.text.startswith("#")


def test_reingesting_unchanged_text_gives_the_same_ids(plans):
    path = Path(plans["muong_lay"].source)
    text = path.read_text(encoding="utf-8")
    first = segment(LoadedDocument(path, text, "txt"))
    second = segment(LoadedDocument(path, text, "txt"))
    assert [c.id for c in first] == [c.id for c in second]


def test_no_structure_falls_back_to_paragraphs(tmp_path):
    text = "Một đoạn văn.\n\nĐoạn thứ hai không có tiêu đề.\n"
    clauses = segment(LoadedDocument(tmp_path / "x.txt", text, "txt"))
    assert [c.text for c in clauses] == ["Một đoạn văn.", "Đoạn thứ hai không có tiêu đề."]
    assert [c.kind for c in clauses] == ["paragraph", "paragraph"]


def test_pages_come_from_the_loader(tmp_path):
    text = "I. MỤC ĐÍCH\n\nNội dung trang một.\n\nII. TỔ CHỨC\n\nNội dung trang hai."
    doc = LoadedDocument(tmp_path / "x.pdf", text, "pdf", page_starts=(0, text.index("II.")))
    by_id = {c.id: c for c in segment(doc)}
    assert by_id["I-1"].page == 1 and by_id["II"].page == 2 and by_id["II-1"].page == 2


def test_a_letter_body_line_starting_with_ke_hoach_is_not_the_title(tmp_path):
    # A letter (no sections): after "Kính gửi" and "Thực hiện …" a sentence "Kế hoạch …" is body,
    # and so is the sentence after it; both must stay readable (the reader skips titles).
    text = ("UỶ BAN NHÂN DÂN\nTỈNH PHÚ THỌ\n\nSố: 4532/UBND-KSTTHC\n\nV/v triển khai kế hoạch rà soát\n\n"
            "Kính gửi: Các sở, ban, ngành.\n\n"
            "Thực hiện Quyết định số 1/QĐ-TTg ngày 01/01/2011 của Thủ tướng Chính phủ.\n\n"
            "Kế hoạch rà soát thủ tục hành chính năm 2012 được ban hành kèm theo văn bản này.\n\n"
            "Các đơn vị báo cáo kết quả về UBND tỉnh trước ngày 05/01/2012.\n")
    clauses = segment(LoadedDocument(tmp_path / "letter.txt", text, "txt"))
    kinds = {fold(c.text)[:20]: c.kind for c in clauses}
    assert kinds[fold("Kế hoạch rà soát thủ")[:20]] != "title"
    assert kinds[fold("Các đơn vị báo cáo k")[:20]] != "title"


def test_a_plan_title_in_sentence_case_before_the_body_is_still_the_title(tmp_path):
    text = ("ỦY BAN NHÂN DÂN\nXÃ TỊNH THIỆN\n\nKế hoạch\n\nPhát triển hạ tầng số năm 2025\n\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nI. MỤC ĐÍCH\n\nNội dung.\n")
    clauses = segment(LoadedDocument(tmp_path / "plan.txt", text, "txt"))
    title = [c for c in clauses if c.kind == "title"]
    assert [c.text for c in title][:2] == ["Kế hoạch", "Phát triển hạ tầng số năm 2025"]


def test_a_second_document_after_the_first_ones_recipients_is_its_own_part(tmp_path):
    # A letter and the guidance issued with it, scanned into one file (texts written for the test).
    text = ("ỦY BAN NHÂN DÂN TỈNH MẪU SƠN   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 45/UBND-KSTTHC\n\n"
            "Về việc xây dựng kế hoạch rà soát thủ tục hành chính.\n\nKính gửi: Các sở, ban, ngành.\n\n"
            "Giao các sở xây dựng kế hoạch rà soát.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
            "UBND TỈNH MẪU SƠN   CỘNG HOÀ XÃ HỌI CHỦ NGHĨA VIỆT NAM\nVĂN PHÒNG\n\nSố: 62/VP-KSTTHC\n\n"
            "Về việc hướng dẫn thực hiện kế hoạch rà soát thủ tục hành chính.\n\n"
            "I. XÂY DỰNG KẾ HOẠCH RÀ SOÁT\n\n1. Mục tiêu\n\nRà soát để cắt giảm thủ tục không cần thiết.\n")
    clauses = segment(LoadedDocument(tmp_path / "two.txt", text, "txt"))
    by_text = {c.text[:20]: c for c in clauses}
    goal = next(c for c in clauses if c.text.startswith("Rà soát để cắt giảm"))
    assert goal.id.startswith("VB.") and goal.path == ("I. XÂY DỰNG KẾ HOẠCH RÀ SOÁT", "1. Mục tiêu")
    assert not by_text["Giao các sở xây dựng"].id.startswith("VB.")
    from assistant.ingest.pipeline import plan_from_document

    meta = plan_from_document(LoadedDocument(tmp_path / "two.txt", text, "txt")).metadata
    assert meta.subject == "Về việc xây dựng kế hoạch rà soát thủ tục hành chính."
    assert meta.attached_title == "Về việc hướng dẫn thực hiện kế hoạch rà soát thủ tục hành chính."


def test_a_pdf_header_line_by_line_gives_one_block_per_piece_and_per_basis_line(tmp_path):
    # The text layer of a PDF: no blank lines, one header piece per line (text written for the test).
    text = ("ỦY BAN NHÂN DÂN\nPHƯỜNG MẪU SƠN\nSố: 14/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 31 tháng 12 năm 2025\nQUYẾT ĐỊNH\n"
            "Về việc thành lập Ban bầu cử đại biểu Hội đồng nhân dân \nphường Mẫu Sơn, nhiệm kỳ 2026 - 2031\n"
            "ỦY BAN NHÂN DÂN PHƯỜNG MẪU SƠN\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
            "Căn cứ Nghị quyết số 16/NQ-UBBC ngày 24 tháng 12 năm 2025 của Ủy ban bầu cử \nphường về ấn định đơn vị bầu cử;\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Thành lập Ban bầu cử.\n")
    clauses = segment(LoadedDocument(tmp_path / "qd.pdf", text, "pdf"))
    texts = [c.text for c in clauses]
    assert "ỦY BAN NHÂN DÂN PHƯỜNG MẪU SƠN" in texts[0] and "Số:" not in texts[0]
    assert any(t.startswith("Số: 14/QĐ-UBND") and "CỘNG HÒA" not in t for t in texts)
    assert "Mẫu Sơn, ngày 31 tháng 12 năm 2025" in texts
    assert "Về việc thành lập Ban bầu cử đại biểu Hội đồng nhân dân phường Mẫu Sơn, nhiệm kỳ 2026 - 2031" in texts
    basis = [t for t in texts if t.startswith("Căn cứ")]
    assert len(basis) == 2 and basis[1].endswith("ấn định đơn vị bầu cử;")
