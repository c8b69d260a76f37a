"""Layouts real plans use, on fixtures made here: the web-crawl form of tables, a decision with
its attached plan, item numbers on a line of their own, labelled task lines, plan matching."""
from __future__ import annotations

from pathlib import Path

import docx

from assistant.documents import LoadedDocument, Plan
from assistant.extract.tasks import extract_tasks
from assistant.ingest.loaders import load
from assistant.ingest.markdown import normalize_markdown
from assistant.ingest.metadata import extract_metadata
from assistant.ingest.pipeline import plan_from_document
from assistant.ingest.segment import segment
from assistant.plan_match import match_plans
from assistant.question import acting_unit, detect_slots, recipient_given
from assistant.text import fold

CRAWL_HEADER = """|
**ỦY BAN NHÂN DÂN
**
TỈNH AN GIANG
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
|
|
Số: 45/KH-UBND
|
*An Giang, ngày 12 tháng 3
năm 2026*
|
"""

CRAWL_TABLE = """|
**STT**
|
**Nhiệm vụ**
|
**Đơn vị chủ trì**
|
**Đơn vị phối hợp**
|
**Thời gian**
|
|
**I**
|
**Hạ tầng**
|
|
1.1
|
Lắp đặt trạm
quan trắc nước
|
Sở Nông nghiệp và Môi trường
|
|
2026
|
"""


def test_crawl_header_block_becomes_lines_and_metadata():
    text = normalize_markdown(CRAWL_HEADER + "\n**KẾ HOẠCH**\n\nPhát triển hạ tầng\n")
    clauses = segment(LoadedDocument(Path("x.md"), text, "md"))
    texts = [c.text for c in clauses]
    assert "Số: 45/KH-UBND" in texts
    assert "An Giang, ngày 12 tháng 3 năm 2026" in texts
    meta = extract_metadata(clauses)
    assert (meta.number, meta.issue_date, meta.place) == ("45/KH-UBND", "2026-03-12", "An Giang")
    assert meta.issuer == "UBND tỉnh An Giang" and meta.locality == "tỉnh An Giang"
    assert meta.doc_type == "Kế hoạch" and meta.title == "Phát triển hạ tầng"


def test_crawl_task_table_rows_keep_columns_and_empty_cells():
    text = normalize_markdown("PHỤ LỤC\n\n" + CRAWL_TABLE)
    rows = [line.split("\t") for line in text.split("\n") if "\t" in line]
    assert rows[0] == ["**STT**", "**Nhiệm vụ**", "**Đơn vị chủ trì**", "**Đơn vị phối hợp**", "**Thời gian**"]
    assert rows[2] == ["1.1", "Lắp đặt trạm quan trắc nước", "Sở Nông nghiệp và Môi trường", "", "2026"]
    clauses = segment(LoadedDocument(Path("x.md"), "KẾ HOẠCH\n\nI. MỤC TIÊU\n\nNội dung.\n\n" + text, "md"))
    row = next(c for c in clauses if c.kind == "row")
    assert dict(row.columns)["Đơn vị chủ trì"] == "Sở Nông nghiệp và Môi trường"
    plan = Plan("x.md", extract_metadata(clauses), clauses)
    task = extract_tasks(plan)[0]
    assert [f.value for f in task.values("lead")] == ["Sở Nông nghiệp và Môi trường"]
    assert [f.value for f in task.values("time")] == ["2026"]


DECISION = """QUYẾT ĐỊNH
Về việc ban hành Kế hoạch kiểm kê

Căn cứ Luật Tổ chức chính quyền địa phương;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm kê.

Điều 2. Quyết định này có hiệu lực từ ngày ký.

Nơi nhận:
- Như Điều 2;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình

KẾ HOẠCH

Kiểm kê tài sản công

I. NHIỆM VỤ

**1.
**Thành lập Tổ kiểm kê.

Thời hạn hoàn thành: Trước ngày 30/11/2025.

2. Sở Tài chính

- Tổng hợp kết quả kiểm kê.

Thời gian hoàn thành: Trước ngày 31/5/2026.
"""


def test_decision_then_attached_plan_as_two_parts():
    clauses = segment(LoadedDocument(Path("qd.md"), DECISION, "md"))
    ids = {c.id: c for c in clauses}
    assert ids["D1"].kind == "article" and ids["D2"].text.startswith("Điều 2.")
    assert "KH.I" in ids and ids["KH.I.1"].text == "1. Thành lập Tổ kiểm kê."  # the lone "1." joined
    meta = extract_metadata(clauses)
    assert meta.doc_type == "Quyết định" and meta.signer == "Trần Văn Bình"
    assert meta.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert "Kiểm kê tài sản công" in meta.attached_title
    assert meta.recipients == ["Như Điều 2", "Lưu: VT"]
    plan = Plan("qd.md", meta, clauses)
    times = {t.title: [f.value for f in t.values("time")] for t in extract_tasks(plan)}
    assert times["Tổng hợp kết quả kiểm kê."] == ["Trước ngày 31/5/2026"]


def test_docx_header_and_signature_tables_and_text_box(tmp_path):
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    header.cell(0, 0).add_paragraph("TỈNH LÂM ĐỒNG")
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header.cell(1, 0).text = "Số: 12/TB-UBND"
    header.cell(1, 1).text = "Lâm Đồng, ngày 05 tháng 4 năm 2026"
    document.add_paragraph("THÔNG BÁO")
    document.add_paragraph("Kết luận của Phó Chủ tịch UBND tỉnh về tiến độ dự án")
    document.add_paragraph("1. Giao Sở Xây dựng chủ trì, báo cáo UBND tỉnh trước ngày 30/4/2026.")
    sign = document.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:"
    sign.cell(0, 0).add_paragraph("- Lưu: VT.")
    sign.cell(0, 1).text = "TL. CHỦ TỊCH"
    sign.cell(0, 1).add_paragraph("KT. CHÁNH VĂN PHÒNG")
    sign.cell(0, 1).add_paragraph("PHÓ CHÁNH VĂN PHÒNG")
    sign.cell(0, 1).add_paragraph("Lê Thị Hoa")
    path = tmp_path / "tb.docx"
    document.save(path)
    plan = plan_from_document(load(path))
    meta = plan.metadata
    assert (meta.doc_type, meta.number, meta.issue_date) == ("Thông báo", "12/TB-UBND", "2026-04-05")
    assert meta.issuer == "UBND tỉnh Lâm Đồng" and meta.province == "Lâm Đồng"
    assert meta.signer == "Lê Thị Hoa"
    assert meta.signer_title == "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"
    assert meta.title.startswith("Kết luận của Phó Chủ tịch")


def _plan(source: str, header: str, body: str = "I. NỘI DUNG\n\nNội dung.\n") -> Plan:
    return plan_from_document(LoadedDocument(Path(source), header + "\n\n" + body, "txt"), source)


def test_plans_named_by_number_place_and_topic():
    plans = [
        _plan("a.txt", "ỦY BAN NHÂN DÂN TỈNH AN GIANG\n\nSố: 45/KH-UBND\n\nAn Giang, ngày 12 tháng 3 năm 2026\n\n"
                       "KẾ HOẠCH\n\nQuan trắc môi trường nuôi trồng thủy sản"),
        _plan("b.txt", "ỦY BAN NHÂN DÂN TỈNH AN GIANG\n\nSố: 46/KH-UBND\n\nAn Giang, ngày 13 tháng 3 năm 2026\n\n"
                       "KẾ HOẠCH\n\nTruyền thông giảm nghèo đa chiều"),
        _plan("c.txt", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU\n\nSố: 7/QĐ-UBND\n\nCà Mau, ngày 2 tháng 1 năm 2026\n\n"
                       "QUYẾT ĐỊNH\n\nVề việc phê duyệt kế hoạch chuyển đổi số"),
    ]
    assert match_plans("Kế hoạch 46/KH-UBND giao ai chủ trì?", plans).sources == ["b.txt"]
    assert match_plans("QĐ 7 do ai ký?", plans).sources == ["c.txt"]
    topic = match_plans("Kế hoạch quan trắc thủy sản của An Giang có kinh phí bao nhiêu?", plans)
    assert topic.sources[0] == "a.txt" and topic.confident and not topic.several
    place = match_plans("Ở Cà Mau ai ký quyết định?", plans)
    assert place.sources == ["c.txt"]
    both = match_plans("An Giang và Cà Mau", plans)
    assert not both.confident or both.several  # two places: never one plan by accident


def test_question_slots_actor_and_recipient():
    assert detect_slots(fold("Kế hoạch có số hiệu, ngày ban hành nào và ai ký?")) == ["number", "issue_date", "signer"]
    assert detect_slots(fold("Chương trình khai mạc tổ chức ngày nào, ở đâu?"))[:2] == ["deadline", "place"]
    # "chỉ số gì" asks which index, not the document's number ("số gì", "số mấy")
    assert "number" not in detect_slots(fold("Đánh giá chất lượng môi trường theo chỉ số gì?"))
    assert "number" in detect_slots(fold("Quyết định số gì?"))
    # "Kính gửi" asked in English, with the preposition away from the verb
    assert detect_slots(fold("To which company is letter 3036/SCT-CN of the department addressed?")) == ["addressees"]
    assert "addressees" not in detect_slots(fold("Which problems must be addressed first?"))
    assert acting_unit("Phòng Văn hóa - Xã hội phường Long Mỹ báo cáo kết quả trước ngày nào?").startswith(
        "Phòng Văn hóa - Xã hội")
    assert acting_unit("Ai báo cáo Phòng Văn hóa - Xã hội?") == ""  # named after the verb: a recipient
    assert recipient_given("Phường phải gửi báo cáo cho UBND thị xã trước ngày nào?")
    assert not recipient_given("Công ty phải báo cáo cơ quan nào?")


def test_question_by_a_current_name_says_which_old_commune_the_plan_is_of(engine):
    answer = engine.ask("Xã Tịnh Khê báo cáo kết quả hạ tầng số lên cấp nào?")
    assert answer.grounded and answer.citations[0].source == "corpus/xa-tinh-thien.txt"
    assert "xã Tịnh Thiện (nay thuộc xã Tịnh Khê" in answer.answer


LETTER = """SỞ CÔNG THƯƠNG TỈNH AN GIANG
Số: 210/SCT-QLNL
V/v kiểm tra an toàn kho xăng dầu Bình Hòa tại xã Bình Hòa
An Giang, ngày 04 tháng 6 năm 2026
Kính gửi: Công ty TNHH Xăng dầu Bình Hòa

Sở Công Thương thông báo kế hoạch kiểm tra như sau:
1. Thời gian kiểm tra: Ngày 18 tháng 6 năm 2026 (thứ Năm)
2. Địa điểm: Tại kho xăng dầu Bình Hòa.
3. Thành phần:
- Chủ trì: Phòng Quản lý năng lượng, Sở Công Thương
- Thành phần tham dự: Công ty TNHH Xăng dầu Bình Hòa.
Đề nghị Công ty chuẩn bị hồ sơ./.
"""


def test_a_letter_is_the_task_its_subject_names():
    """A letter or notice with no headings: its labelled lines ("1. Thời gian kiểm tra: …", and
    "- Chủ trì: …" under "3. Thành phần:", a label rather than a task) are the fields of the one
    task it is about, titled by its subject and held by the subject's clause, so a question
    naming the letter's subject reads them."""
    plan = plan_from_document(LoadedDocument(Path("cv.txt"), LETTER, "txt"), "cv.txt")
    tasks = [t for t in extract_tasks(plan) if t.whole_document]
    assert len(tasks) == 1
    task = tasks[0]
    assert fold(task.title).startswith("v/v kiem tra an toan kho xang dau binh hoa")
    assert fold(next(c.text for c in plan.clauses if c.id == task.clause)).startswith("v/v kiem tra")
    assert [f.value for f in task.values("time")] == ["Ngày 18 tháng 6 năm 2026 (thứ Năm)"]
    assert [f.value for f in task.values("place")] == ["Tại kho xăng dầu Bình Hòa"]
    assert [f.value for f in task.values("lead")] == ["Phòng Quản lý năng lượng, Sở Công Thương"]


FAIR = """UBND TỈNH AN GIANG
Số: 45/KH-UBND

KẾ HOẠCH
Tổ chức Hội chợ nông sản năm 2026

I. NỘI DUNG

1. Khai mạc Hội chợ

a) Thời gian: ngày 10/5/2026.

b) Thành phần:

- Chủ trì: Sở Công Thương.

- Phối hợp: Sở Nông nghiệp và Môi trường.

2. Bế mạc Hội chợ

- Thời gian: ngày 15/5/2026.
"""


def test_a_label_heading_is_no_task_of_its_own():
    """"b) Thành phần:" names a field, not a task: the lines under it are fields of "1. Khai mạc
    Hội chợ", as is "a) Thời gian: …" after its letter."""
    plan = plan_from_document(LoadedDocument(Path("kh.txt"), FAIR, "txt"), "kh.txt")
    fields = {t.title: {(f.role, f.value) for f in t.fields} for t in extract_tasks(plan)}
    assert fields == {
        "1. Khai mạc Hội chợ": {("time", "ngày 10/5/2026"), ("lead", "Sở Công Thương"),
                                ("coordinate", "Sở Nông nghiệp và Môi trường")},
        "2. Bế mạc Hội chợ": {("time", "ngày 15/5/2026")},
    }


INVENTORY = """UBND TỈNH AN GIANG
Số: 88/KH-UBND

KẾ HOẠCH
Kiểm kê tài sản công năm 2026

IV. TỔ CHỨC THỰC HIỆN

1. Sở Tài chính

- Hướng dẫn các cơ quan, đơn vị thực hiện kiểm kê. Thời gian thực hiện: Từ tháng 3/2026.

- Tổng hợp kết quả kiểm kê, báo cáo Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026.
"""


def test_a_task_stated_before_its_fields_on_one_line():
    """"Tổng hợp …, báo cáo Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026." is one
    task with its own deadline, not one more date of the heading's task."""
    plan = plan_from_document(LoadedDocument(Path("kk.txt"), INVENTORY, "txt"), "kk.txt")
    times = {t.title: [f.value for f in t.values("time")] for t in extract_tasks(plan)}
    assert times == {"Hướng dẫn các cơ quan, đơn vị thực hiện kiểm kê": ["Từ tháng 3/2026"],
                     "Tổng hợp kết quả kiểm kê, báo cáo Bộ Tài chính": ["Trước ngày 31/5/2026"]}


def test_docx_task_table_with_a_two_row_header_and_a_lead_merged_down(tmp_path):
    # "Cơ quan thực hiện" spans "Chủ trì" | "Phối hợp"; "TT", "Nội dung", "Thời gian" are merged
    # down over both header rows; one unit leads two tasks in a cell merged down over both rows.
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phát triển du lịch cộng đồng năm 2026")
    document.add_paragraph("II. NHIỆM VỤ")
    table = document.add_table(rows=5, cols=5)
    for column, label in enumerate(["TT", "Nội dung", "Cơ quan thực hiện", "", "Thời gian hoàn thành"]):
        table.cell(0, column).text = label
    table.cell(1, 2).text, table.cell(1, 3).text = "Chủ trì", "Phối hợp"
    for column in (0, 1, 4):
        table.cell(0, column).merge(table.cell(1, column))
    table.cell(0, 2).merge(table.cell(0, 3))
    rows = [["1", "Xây dựng bộ tiêu chí homestay", "Sở Văn hóa, Thể thao và Du lịch", "Sở Xây dựng", "Quý II/2026"],
            ["2", "Tập huấn kỹ năng làm du lịch", "", "UBND các xã", "Tháng 8/2026"],
            ["3", "Hỗ trợ vay vốn du lịch", "Ngân hàng Chính sách xã hội", "Sở Tài chính", "Năm 2026"]]
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values):
            if value:
                table.cell(r, column).text = value
    table.cell(2, 2).merge(table.cell(3, 2))
    path = tmp_path / "kh.docx"
    document.save(path)
    plan = plan_from_document(load(path))
    lines = {c.text.split(" — ")[0]: c.text for c in plan.clauses if " — " in c.text}
    assert list(lines) == ["1. Xây dựng bộ tiêu chí homestay", "2. Tập huấn kỹ năng làm du lịch",
                           "3. Hỗ trợ vay vốn du lịch"]  # the second header row is no task
    assert "Chủ trì: Sở Văn hóa, Thể thao và Du lịch; Phối hợp: UBND các xã" in lines["2. Tập huấn kỹ năng làm du lịch"]
    assert "Phối hợp: Sở Tài chính" in lines["3. Hỗ trợ vay vốn du lịch"]
    leads = {t.title: [f.value for f in t.values("lead")] for t in extract_tasks(plan)}
    coordinators = {t.title: [f.value for f in t.values("coordinate")] for t in extract_tasks(plan)}
    training = next(title for title in leads if "Tập huấn" in title)
    assert leads[training] == ["Sở Văn hóa, Thể thao và Du lịch"] and coordinators[training] == ["UBND các xã"]
