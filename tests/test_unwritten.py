"""What a question names that its plan never writes (answering/unwritten.py): a term of the asked
object absent from the whole plan means the plan does not state its value, however well a clause
covers the rest of the question."""
from __future__ import annotations

import pytest

from assistant.answering.unwritten import unwritten_terms
from assistant.question import analyze

_PLAN = """ỦY BAN NHÂN DÂN
THÀNH PHỐ CẦN THƠ

KẾ HOẠCH
Thi đua chi trả trợ cấp không dùng tiền mặt

I. MỤC TIÊU
1. Ít nhất 80% người hưởng trợ cấp mở mới tài khoản được phát hành thẻ ATM.
2. Sở Y tế chủ trì tập huấn chế độ chính sách bảo hiểm thất nghiệp cho cán bộ.
"""


@pytest.fixture()
def plan(tmp_path):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "thi-dua.md"
    path.write_text(_PLAN, encoding="utf-8")
    return read_plan(path)


def _unwritten(question: str, plan) -> list[str]:
    info = analyze(question, [plan])
    return unwritten_terms(info, plan)


def test_a_term_of_the_object_the_plan_never_writes_is_named(plan):
    assert _unwritten("Bao nhiêu phần trăm người hưởng trợ cấp được phát hành thẻ tín dụng?", plan) == ["thẻ tín dụng"]
    # Before "là bao nhiêu" the noun is still the object asked about, not the kind of answer.
    assert _unwritten("Tỷ lệ người hưởng trợ cấp có thẻ tín dụng là bao nhiêu?", plan) == ["thẻ tín dụng"]
    assert _unwritten("Cơ quan nào tập huấn cho cán bộ về chế độ chính sách bảo hiểm y tế?", plan) == ["bảo hiểm y tế"]


def test_what_the_plan_writes_is_not_named(plan):
    assert _unwritten("Bao nhiêu phần trăm người hưởng trợ cấp được phát hành thẻ ATM?", plan) == []
    assert _unwritten("Cơ quan nào tập huấn cho cán bộ về chế độ chính sách bảo hiểm thất nghiệp?", plan) == []


def test_the_noun_that_names_the_kind_of_answer_is_exempt(plan):
    # An answer is a body or a count, never these words.
    assert _unwritten("Theo kế hoạch, cơ quan chuyên môn nào tập huấn chế độ bảo hiểm thất nghiệp?", plan) == []
    assert _unwritten("Kế hoạch đặt chỉ tiêu mở tài khoản cho bao nhiêu hợp tác xã?", plan) == []


def test_a_noun_none_of_whose_syllables_the_plan_writes_is_named(plan):
    assert _unwritten("Bao nhiêu phần trăm người hưởng trợ cấp ở vùng biên giới được phát hành thẻ ATM?", plan) \
        == ["biên giới"]
    # "tiền lương" shares "tiền" with "không dùng tiền mặt": it may be the plan's wording reworded.
    assert _unwritten("Bao nhiêu phần trăm người hưởng trợ cấp nhận tiền lương qua tài khoản?", plan) == []


def test_short_words_and_names_are_not_checked(plan):
    # Two syllables are too often the question's own wording ("doanh nghiệp" for "đơn vị"); this
    # one shares "nghiệp" with "thất nghiệp", so it is not taken for a term the plan lacks.
    assert _unwritten("Bao nhiêu phần trăm doanh nghiệp mở mới tài khoản được phát hành thẻ ATM?", plan) == []
    # A capitalised name is the plan matcher's and the actor check's to judge.
    assert _unwritten("Ngân hàng Chính sách xã hội phát hành thẻ ATM cho người hưởng trợ cấp nào?", plan) == []


def test_a_question_about_the_document_itself_is_not_checked(plan):
    # Where it is sent is read from the "Nơi nhận" block, which no clause holds.
    assert _unwritten("Ngoài hợp tác xã, kế hoạch còn được gửi tới những nơi nhận nào?", plan) == []
    assert _unwritten("Theo kế hoạch, hợp tác xã phải báo cáo trước ngày nào?", plan) == ["hợp tác xã"]


def test_the_answer_says_what_the_plan_does_not_mention(engine):
    """End to end on a seed plan: its target "hộ gia đình có truy nhập Internet băng rộng cáp
    quang" covers most of a question about households with credit cards, and is not its answer."""
    asked = engine.ask("Đến năm 2025, tỷ lệ hộ gia đình sử dụng thẻ tín dụng ở thị xã Mường Lay đạt bao nhiêu?")
    assert not asked.grounded and "thẻ tín dụng" in asked.answer
    stated = engine.ask("Đến năm 2025, tỷ lệ hộ gia đình có kết nối cáp quang ở thị xã Mường Lay đạt bao nhiêu?")
    assert stated.grounded and "60%" in stated.answer
