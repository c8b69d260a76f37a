"""A sentence without a subject continues the unit its item opens with ("3. Giao Sở Nội vụ …
Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025"), as conclusion notices number their
tasks without a heading per unit; and the post whose holder is asked stays a topic word where the
plan's title names its body."""
from __future__ import annotations

from assistant.answering.coverage import content_words
from assistant.answering.reading import Context
from assistant.answering.sentences import SentenceReader
from assistant.extract.obligations import extract_obligations
from assistant.question import analyze
from assistant.retrieval.hybrid import Hit
from tests.test_asked_value import _plan_and_engine

NOTICE = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Số: 11/TB-UBND

THÔNG BÁO

Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về cổ phần hóa Công ty

1. Giao Sở Tài chính chủ trì rà soát phương án cổ phần hóa. Hoàn thành và báo cáo UBND tỉnh trước ngày 08/02/2025.

2. Giao Sở Nội vụ tiếp thu các ý kiến tại cuộc họp, rà soát thành viên Ban Chỉ đạo cổ phần hóa. Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025.
"""


def test_a_sentence_without_subject_continues_the_unit_its_item_opens_with(tmp_path):
    path = tmp_path / "tb.txt"
    path.write_text(NOTICE, encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    reports = [(o.actor, o.recipient) for o in extract_obligations(plan) if o.role == "báo cáo"]
    assert reports == [("Sở Tài chính", "UBND tỉnh"), ("Sở Nội vụ", "UBND tỉnh")]

    info = analyze("Sở Nội vụ phải rà soát Ban Chỉ đạo cổ phần hóa và báo cáo UBND tỉnh trước ngày nào?", [plan])
    info.sources = [plan.source]
    hits = [Hit(plan.source, c, 1.0) for c in plan.clauses if "Hoàn thành" in c.text]
    found = SentenceReader().read(Context(engine, info, hits, content_words(info, [plan]), [plan]), "deadline")
    assert found and "20/02/2025" in found[0].text
    assert not any("08/02/2025" in f.text for f in found)  # Sở Tài chính's date, not the one asked


def test_the_post_asked_stays_a_topic_word_where_the_title_names_its_body(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text("ĐOÀN KIỂM TRA\n\nKẾ HOẠCH\n\nKiểm tra việc bảo quản vật liệu nổ công nghiệp của Đoàn kiểm tra\n\n"
                    "1. Thành phần đoàn\n\n1.1. Ông Hoàng Văn Thuận - Trưởng đoàn: Phụ trách chung.\n\n"
                    "1.2. Ông Đỗ Mạnh Cường - Phó Trưởng đoàn: Phụ trách hồ sơ.\n", encoding="utf-8")
    plan, _ = _plan_and_engine(path)
    info = analyze("Ai là Trưởng đoàn kiểm tra việc bảo quản vật liệu nổ công nghiệp?", [plan])
    assert info.post == "truong doan"
    assert content_words(info, [plan]) == ["trưởng", "đoàn"]
