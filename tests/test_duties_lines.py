"""A unit's duties read from the lines whose subject it is ("2. Sở Tài chính có trách nhiệm …"),
whatever the question calls them ("nhiệm vụ", "trách nhiệm"), said once with its name."""
from __future__ import annotations

import pytest

from assistant.answering.coverage import content_words
from assistant.answering.reading import Context
from assistant.answering.sentences import DutiesReader
from assistant.ingest.pipeline import read_plan
from assistant.question import analyze

# Written for this test.
PLAN = """ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN
Số: 47/KH-UBND

KẾ HOẠCH
Phòng, chống sốt xuất huyết năm 2026

I. MỤC ĐÍCH
1. Giảm số ca mắc sốt xuất huyết.

II. TỔ CHỨC THỰC HIỆN
1. Giao Sở Y tế chủ trì tổ chức chiến dịch diệt lăng quăng trong tháng 5/2026.
2. Sở Tài chính có trách nhiệm thẩm định dự toán, tham mưu bố trí kinh phí trước ngày 30/4/2026.
3. Sở Tài nguyên và Môi trường tỉnh phối hợp xử lý môi trường tại các ổ dịch.
"""


class _Engine:
    def __init__(self, plan):
        self.plans = [plan]

    def plan(self, source):
        return self.plans[0]


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("duties") / "kh-47.txt"
    path.write_text(PLAN, encoding="utf-8")
    return read_plan(path)


@pytest.mark.parametrize("question", ["Sở Tài chính có nhiệm vụ gì?", "Sở Tài chính có trách nhiệm gì?"])
def test_the_line_whose_subject_the_unit_is_gives_its_duties(plan, question):
    info = analyze(question, [plan])
    assert info.actor == "Sở Tài chính"
    findings = DutiesReader().read(Context(_Engine(plan), info, [], content_words(info, [plan]), [plan]), "duties")
    assert findings and findings[0].text.startswith("Sở Tài chính có trách nhiệm thẩm định dự toán")
    # one line, not the unit whose name only begins the same ("Sở Tài nguyên và Môi trường")
    assert [h.clause.text[:3] for h in findings[0].hits] == ["2. "]
