"""Plan metadata read from each plan's own header, basis and signature block."""
from __future__ import annotations

import pytest

EXPECTED = {
    "phu_my": dict(locality="thị trấn Phú Mỹ", level="thị trấn", number="", issue_date="", signer="Lý Minh Châu",
                   parent_unit="UBND huyện Phú Tân", period="2023-2025"),
    "tinh_thien": dict(locality="xã Tịnh Thiện", level="xã", number="/KH-UBND", issue_date="2025-02-03",
                       signer="Đào Duy Phúc", parent_unit="UBND thành phố Quảng Ngãi", province="Quảng Ngãi"),
    "muong_lay": dict(locality="thị xã Mường Lay", level="thị xã", number="2855/KH-UBND", issue_date="2023-11-20",
                      signer="Chui Văn Thành", parent_unit="UBND tỉnh Điện Biên", province="Điện Biên"),
    "phu_son": dict(level="phường", number="9g /KH-UBND", issue_date="2025-02-13", signer="Nguyén Xuin LAm",
                    signer_title="CHU TICH", province="Thanh Hoa"),
    "long_my": dict(locality="phường Long Mỹ", level="phường", number="/KH-UBND", issue_date="2025",
                    signer="Nguyễn Văn Chì", parent_unit="UBND thành phố Cần Thơ", period="2025-2030"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_fields(plans, name):
    meta = plans[name].metadata
    for field, value in EXPECTED[name].items():
        assert getattr(meta, field) == value, (name, field)


def test_signer_titles_and_recipients(plans):
    muong_lay = plans["muong_lay"].metadata
    assert muong_lay.signer_title == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert muong_lay.recipients[0] == "Sở TT và TT tỉnh Điện Biên"
    assert muong_lay.recipients[-1] == "Lưu: VT, VHTT, CVVX"
    assert "Sở KH&CN" in plans["long_my"].metadata.recipients


def test_parent_documents_and_replacement(plans):
    long_my = plans["long_my"].metadata
    assert len(long_my.parent_documents) == 5
    assert all(doc.startswith("Căn cứ") for doc in long_my.parent_documents)
    assert "87/KH-UBND" in long_my.parent_documents[-1]
    assert plans["muong_lay"].metadata.parent_documents[0].startswith("Thực hiện Kế hoạch số 4734/KH-UBND")
    assert "370/KH-UBND" in plans["phu_son"].metadata.parent_documents[0]
    replaces = plans["tinh_thien"].metadata.replaces
    assert len(replaces) == 1 and "35/KH-UBND ngày 12/4/2023" in replaces[0]


def test_ocr_plan_locality_is_read_without_diacritics(plans):
    meta = plans["phu_son"].metadata
    assert meta.locality == "phường Phu Son" and meta.locality_name == "Phu Son"


def test_a_scan_whose_date_line_lost_its_day_takes_the_digital_signature_stamp():
    from assistant.ingest.metadata import _stamped_date
    from assistant.text import fold

    head = fold("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nThời gian ký: 11/09/2024 19:14:21\n"
                "Số: 44 /CT-UBND Quảng Ngãi, ngày/1} tháng 9 năm 2024")
    assert _stamped_date(head, "") == "2024-09-11"
    # the month the date line still shows disagrees: the stamp is another day's, not taken
    assert _stamped_date(head.replace("thang 9", "thang 8"), "") == ""
    assert _stamped_date(fold("Số: 44 /CT-UBND Quảng Ngãi, ngày/1} tháng 9 năm 2024"), "") == ""


def test_a_family_name_misread_by_one_letter_is_mended_and_others_are_left_alone():
    from assistant.ingest.metadata import _mended_name

    assert _mended_name("Âguyên Hoàng Giang") == "Nguyễn Hoàng Giang"
    assert _mended_name("Nguyễn Hoàng Giang") == ""  # nothing to mend
    assert _mended_name("Công TTĐT tỉnh") == "" and _mended_name("Lưu: VT, KTN") == ""


def test_a_date_read_from_the_stamp_cites_the_date_line_beside_it():
    from assistant.answering.metadata import _field
    from assistant.documents import Clause, Plan, PlanMetadata

    lines = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Thời gian ký: 11/09/2024 19:14:21",
             "Số: 44 /CT-UBND Quảng Ngãi, ngày/1} tháng 9 năm 2024", "CHỈ THỊ"]
    clauses = [Clause(f"0-{i}", "paragraph", text, (), (0, 0)) for i, text in enumerate(lines, start=1)]
    plan = Plan("scan.pdf", PlanMetadata(issue_date="2024-09-11", place="Quảng Ngãi"), clauses)
    value, cited = _field(plan, "issue_date")
    assert value == "ngày 11/9/2024 (thời gian ký số)"
    assert [c.id for c in cited] == ["0-2", "0-3"]
    # a date line of another month does not corroborate the stamp, and is not cited
    clauses[2] = Clause("0-3", "paragraph", "Số: 44 /CT-UBND Quảng Ngãi, ngày/1} tháng 8 năm 2024", (), (0, 0))
    assert [c.id for c in _field(plan, "issue_date")[1]] == ["0-2"]


def test_a_recipient_is_cited_from_the_closing_block_not_from_a_body_line_that_holds_its_letters():
    """"Bộ Khoa học và Công nghệ" is spelled, spaces aside, inside "cán bộ khoa học và công nghệ"
    of the body: the recipients' citation is the "Nơi nhận" line."""
    from assistant.answering.metadata import _field
    from assistant.documents import Clause, Plan, PlanMetadata

    lines = [("0-1", "Tăng cường đội ngũ cán bộ khoa học và công nghệ cấp cơ sở."), ("Z-1", "Nơi nhận:"),
             ("Z-2", "Bộ Khoa học và Công nghệ;"), ("Z-3", "Lưu: VT.")]
    clauses = [Clause(cid, "paragraph", text, (), (0, 0)) for cid, text in lines]
    plan = Plan("ct.doc", PlanMetadata(recipients=["Bộ Khoa học và Công nghệ"]), clauses)
    value, cited = _field(plan, "recipients")
    assert value == "Bộ Khoa học và Công nghệ" and [c.id for c in cited] == ["Z-2"]


# Signature blocks as published copies and two-column renderings print them (written for this
# test): the name after a "(Đã ký)" mark, and the name at the end of a recipients line where a
# PDF or a scan ran the two columns together.
_PLAN_BODY = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH MẪU SƠN Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND Mẫu Sơn, ngày 12 tháng 3 năm 2026

KẾ HOẠCH
Triển khai chuyển đổi số năm 2026

I. MỤC ĐÍCH
1. Sở Y tế chủ trì triển khai bệnh án điện tử, báo cáo UBND tỉnh trước ngày 15/12/2026.

"""


@pytest.mark.parametrize("closing, signer", [
    ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An\n", "Nguyễn Văn An"),
    ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n[daky]\nNguyễn Văn An\n", "Nguyễn Văn An"),
    ("Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT, KT. Nguyễn Văn An\n", "Nguyễn Văn An"),
    ("Nơi nhận: KT. GIÁM ĐÓC\n- Như trên; PHO GIAM ĐỌC\n- Lưu: VT.\nHoàng Văn Thuận\n", "Hoàng Văn Thuận"),
    # a recipient named in the list is no signer
    ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNơi nhận:\n- Như trên;\n- Đồng chí Trần Văn Bình (để b/c);\n- Lưu: VT.\n", ""),
])
def test_the_signer_is_read_past_signed_marks_and_merged_columns(tmp_path, closing, signer):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh-15.txt"
    path.write_text(_PLAN_BODY + closing, encoding="utf-8")
    meta = read_plan(path).metadata
    assert meta.signer == signer
    assert meta.signer_title.endswith("CHỦ TỊCH") or meta.signer_title.endswith("GIAM ĐỌC")


_HEADER_BODY = "\nKẾ HOẠCH\nTriển khai chuyển đổi số năm 2026\n\nCăn cứ Kế hoạch số 87/KH-UBND ngày 02/01/2026 của UBND tỉnh;\n\n" \
               "I. MỤC ĐÍCH\n1. Sở Y tế chủ trì triển khai bệnh án điện tử.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n" \
               "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\n"


@pytest.mark.parametrize("suffix, header, number, issue_date", [
    # the number line without its colon, as crawls and scans print it
    (".txt", "ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nSố 15/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 12 tháng 3 năm 2026\n", "15/KH-UBND", "2026-03-12"),
    # the date line in figures
    (".txt", "ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nSố: 15/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 12/3/2026\n", "15/KH-UBND", "2026-03-12"),
    # a markdown header table whose cells break their lines with <br>
    (".md", "| ỦY BAN NHÂN DÂN<br>TỈNH MẪU SƠN<br>-------<br>Số: 15/KH-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>"
            "Độc lập - Tự do - Hạnh phúc<br>*Mẫu Sơn, ngày 12 tháng 3 năm 2026* |\n|---|---|\n", "15/KH-UBND", "2026-03-12"),
    # no number in the header: the "số 87/KH-UBND" of a basis line is another document's
    (".txt", "ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 12 tháng 3 năm 2026\n", "", "2026-03-12"),
])
def test_header_layouts_give_number_date_and_issuer(tmp_path, suffix, header, number, issue_date):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / f"kh-15{suffix}"
    path.write_text(header + _HEADER_BODY, encoding="utf-8")
    meta = read_plan(path).metadata
    assert (meta.number, meta.issue_date) == (number, issue_date)
    assert meta.issuer == "UBND tỉnh Mẫu Sơn" and meta.locality == "tỉnh Mẫu Sơn"
    assert meta.signer == "Nguyễn Văn An"


def test_a_date_line_in_figures_answers_when_the_plan_was_issued(tmp_path):
    from assistant.answering.metadata import _field
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh-15.txt"
    path.write_text("ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nSố: 15/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 12/3/2026\n" + _HEADER_BODY, encoding="utf-8")
    value, cited = _field(read_plan(path), "issue_date")
    assert value == "ngày 12/3/2026" and cited[0].text.endswith("Mẫu Sơn, ngày 12/3/2026")


def test_a_number_inside_the_issuer_block_gives_way_to_the_number_line(tmp_path):
    # "ĐOÀN KIỂM TRA / THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT" names the issuer; "Số: 1105/KH-ĐKT" is the plan's.
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh-1105.txt"
    path.write_text("SỞ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐOÀN KIỂM TRA Độc lập - Tự do - Hạnh phúc\n"
                    "THEO QUYẾT ĐỊNH\nSỐ 1050/QĐ-SCT Mẫu Sơn, ngày 10 tháng 3 năm 2026\n\nSố: 1105/KH-ĐKT\n" + _HEADER_BODY,
                    encoding="utf-8")
    assert read_plan(path).metadata.number == "1105/KH-ĐKT"


@pytest.mark.parametrize("signer", ["Nguyễn Thị Ánh", "Trần Văn Út", "Lê Thị Ý", "Âu Văn Minh", "Đoàn Thị Hậu"])
def test_signers_whose_names_start_with_a_marked_capital_or_a_body_word(tmp_path, signer):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh-15.txt"
    path.write_text(_PLAN_BODY + f"Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{signer}\n",
                    encoding="utf-8")
    assert read_plan(path).metadata.signer == signer


@pytest.mark.parametrize("unit, level, name", [
    ("XÃ HẢI NAM", "xã", "Hải Nam"), ("PHƯỜNG BA ĐÌNH", "phường", "Ba Đình"), ("XÃ YÊN THẾ", "xã", "Yên Thế"),
    ("PHƯỜNG NAM ĐỊNH", "phường", "Nam Định"), ("XÃ GIAI XUÂN", "xã", "Giai Xuân"), ("XÃ VĨNH THỚI", "xã", "Vĩnh Thới"),
])
def test_place_names_with_syllables_that_also_stop_a_name(tmp_path, unit, level, name):
    # "Nam", "Đình", "Thế" written with their marks are no "năm", "định", "thể".
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh.txt"
    path.write_text(f"ỦY BAN NHÂN DÂN\n{unit}\nSố: 15/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    f"Độc lập - Tự do - Hạnh phúc\n{name}, ngày 12 tháng 3 năm 2026\n" + _HEADER_BODY, encoding="utf-8")
    meta = read_plan(path).metadata
    assert (meta.level, meta.locality_name, meta.issuer) == (level, name, f"UBND {level} {name}")


@pytest.mark.parametrize("head, issuer, parent, locality", [
    ("UBND TỈNH MẪU SƠN\nBAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "Ban Chỉ đạo chuyển đổi số", "UBND tỉnh Mẫu Sơn", "tỉnh Mẫu Sơn"),
    ("ĐẢNG BỘ TỈNH MẪU SƠN\nĐẢNG ỦY XÃ TÂN PHÚ", "Đảng ủy xã Tân Phú", "Đảng bộ tỉnh Mẫu Sơn", "xã Tân Phú"),
    ("ỦY BAN NHÂN DÂN\nXÃ ĐOÀN KẾT", "UBND xã Đoàn Kết", "", "xã Đoàn Kết"),  # a place, not an "Đoàn"
])
def test_issuer_blocks_split_by_the_head_words_of_bodies(tmp_path, head, issuer, parent, locality):
    # "CHUYỂN ĐỔI SỐ" holds no "Sở"; "ĐẢNG BỘ" no "Bộ"; a level word's name is no body.
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh.txt"
    path.write_text(f"{head}\nSố: 03/KH-BCĐ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                    f"Mẫu Sơn, ngày 12 tháng 3 năm 2026\n" + _HEADER_BODY, encoding="utf-8")
    meta = read_plan(path).metadata
    assert (meta.issuer, meta.issuer_parent, meta.locality) == (issuer, parent, locality)


def test_a_decisions_title_leaves_out_the_line_of_who_decides(tmp_path):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "qd-15.txt"
    path.write_text("ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nSố: 15/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    "Độc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 12 tháng 3 năm 2026\n\nQUYẾT ĐỊNH\n"
                    "Về việc ban hành Kế hoạch chuyển đổi số năm 2026\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MẪU SƠN\n\n"
                    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n\nQUYẾT ĐỊNH:\n\n"
                    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.\n", encoding="utf-8")
    assert read_plan(path).metadata.title == "Về việc ban hành Kế hoạch chuyển đổi số năm 2026"
