"""A question that names only the field it asks ("đơn vị nào chủ trì thực hiện?" of a plan named by
its title) is answered from the plan's own line of that label, not from a task's line."""
from __future__ import annotations

import importlib

import pytest

from assistant.ingest.pipeline import read_plan
from assistant.question import analyze

compose = importlib.import_module("assistant.answering.compose")

# Written for this test: a plan-level lead line, and tasks each with their own lead line.
PLAN = """ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN
Số: 21/KH-UBND

KẾ HOẠCH
Tổ chức Lễ hội Hoa Mẫu Sơn năm 2026

I. MỤC ĐÍCH, YÊU CẦU
1. Quảng bá hình ảnh tỉnh Mẫu Sơn.

II. CƠ QUAN CHỈ ĐẠO VÀ TỔ CHỨC THỰC HIỆN
1. Cơ quan chỉ đạo: Ủy ban nhân dân tỉnh.
2. Đơn vị chủ trì thực hiện: Sở Văn hóa, Thể thao và Du lịch.

III. NỘI DUNG
1. Lễ khai mạc
- Thời gian: ngày 10/5/2026.
- Đơn vị chủ trì: Trung tâm Văn hóa tỉnh.
2. Hội chợ hoa
- Thời gian: từ ngày 10/5 đến ngày 15/5/2026.
- Đơn vị chủ trì: Sở Công Thương.
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("label") / "kh-21.txt"
    path.write_text(PLAN, encoding="utf-8")
    return read_plan(path)


def test_the_plans_own_label_line_answers_a_question_that_names_no_task(plan):
    info = analyze("Theo Kế hoạch tổ chức Lễ hội Hoa Mẫu Sơn năm 2026, đơn vị nào chủ trì thực hiện?", [plan])
    named = compose._label_named(info, plan)
    assert [h.clause.text for h in named] == ["2. Đơn vị chủ trì thực hiện: Sở Văn hóa, Thể thao và Du lịch."]


@pytest.mark.parametrize("question", [
    "Theo Kế hoạch tổ chức Lễ hội Hoa Mẫu Sơn năm 2026, đơn vị nào chủ trì hội chợ hoa?",  # a task named
    "Theo Kế hoạch tổ chức Lễ hội Hoa Mẫu Sơn năm 2026, cơ quan nào phối hợp?",  # no such label
])
def test_a_question_that_names_more_than_the_label_is_left_to_retrieval(plan, question):
    assert compose._label_named(analyze(question, [plan]), plan) == []
