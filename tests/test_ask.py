"""Cited answers for each kind of question (issue: cited answers). The checks are on facts read
from the plans; every date or number in an answer must appear in a cited clause."""
from __future__ import annotations

import json
import re

import pytest

from assistant.engine import QuestionError
from assistant.text import fold
from tests.conftest import run_cli


def cited_text(answer) -> str:
    return fold(" ".join(" ".join(c.path) + " " + c.text for c in answer.citations))


def assert_no_invented_numbers(answer):
    """Every number in the answer (dates, values) occurs in a cited clause."""
    body = re.sub(r"\[\d+\]", "", answer.answer)
    for number in re.findall(r"\d+(?:[/,.]\d+)*", body):
        assert number in " ".join(c.text + " " + " ".join(c.path) for c in answer.citations), number


def ask(engine, question, **kwargs):
    answer = engine.ask(question, **kwargs)
    if answer.grounded:
        assert answer.citations and "[1]" in answer.answer
        assert_no_invented_numbers(answer)
    return answer


def test_who_reports_to_the_town_and_by_when(engine):
    answer = ask(engine, "Ai báo cáo UBND thị xã kết quả thực hiện, trước ngày nào?")
    assert answer.grounded
    assert "Phòng Văn hóa và Thông tin thị xã" in answer.answer
    assert "10 tháng 12" in answer.answer
    assert (answer.citations[0].source, answer.citations[0].clause) == ("corpus/thi-xa-muong-lay.txt", "V.1-1")


def test_question_without_diacritics(engine):
    answer = ask(engine, "ai bao cao ubnd thi xa truoc ngay nao")
    assert answer.grounded and "10 tháng 12" in answer.answer


def test_locality_in_question_restricts_to_that_plan(engine):
    answer = ask(engine, "Ở xã Tịnh Thiện, ai báo cáo UBND thành phố và trước ngày nào?")
    assert answer.grounded
    assert {c.source for c in answer.citations} == {"corpus/xa-tinh-thien.txt"}
    assert "10/12" in answer.answer and "qua Phòng Văn hóa và Thông tin thành phố" in answer.answer


def test_plan_option_restricts_like_a_named_locality(engine):
    answer = ask(engine, "Ai báo cáo, trước ngày nào?", plan="Long Mỹ")
    assert {c.source for c in answer.citations} == {"corpus/phuong-long-my.txt"}
    with pytest.raises(QuestionError):
        engine.ask("Ai báo cáo?", plan="Hà Giang")


def test_quarterly_business_reporting_keeps_the_parenthesis_whole(engine):
    answer = ask(engine, "Phường Long Mỹ: các doanh nghiệp báo cáo định kỳ khi nào?")
    assert answer.grounded and "10 tháng cuối quý" in answer.answer


def test_annual_without_a_date_is_answered_as_exactly_that(engine):
    answer = ask(engine, "Thị trấn Phú Mỹ: công chức Văn hoá – Xã hội báo cáo UBND huyện trước ngày nào?")
    assert answer.grounded
    assert "hàng năm" in answer.answer and "không nêu ngày cụ thể" in answer.answer


def test_target_value_from_the_appendix_year_column(engine):
    answer = ask(engine, "Mục tiêu tốc độ băng rộng di động năm 2025 của thị xã Mường Lay là bao nhiêu?")
    assert answer.grounded and "50" in answer.answer
    assert answer.citations[0].clause == "PL.I.4"


def test_who_leads_funding(engine):
    answer = ask(engine, "Ai chủ trì tham mưu bố trí kinh phí thực hiện kế hoạch ở xã Tịnh Thiện?")
    assert answer.grounded and "Công chức Tài chính – Kế toán xã" in answer.answer


def test_document_metadata(engine):
    number = ask(engine, "Kế hoạch phát triển hạ tầng số của Mường Lay có số hiệu là gì?")
    assert number.grounded and "2855/KH-UBND" in number.answer
    signer = ask(engine, "Ai ký kế hoạch của phường Long Mỹ?")
    assert signer.grounded and "Nguyễn Văn Chì" in signer.answer
    assert signer.citations[0].source == "corpus/phuong-long-my.txt"


def test_duties_of_a_named_unit(engine):
    answer = ask(engine, "Nhiệm vụ của Công an phường Long Mỹ là gì?")
    assert answer.grounded and "Công an phường" in answer.answer
    assert all(c.clause.startswith("V.2") for c in answer.citations)


def test_duties_of_a_unit_the_plan_never_names_are_not_found(engine):
    """"Hội Nông dân … có nhiệm vụ gì" of a plan without one: not another unit's work."""
    answer = ask(engine, "Hội Nông dân phường Long Mỹ có nhiệm vụ gì trong kế hoạch chuyển đổi số?")
    assert not answer.grounded
    assert answer.answer.startswith("Kế hoạch không nhắc đến Hội Nông dân phường Long Mỹ.")


def test_a_date_asked_of_a_unit_the_plan_never_names_is_not_found(engine):
    """The unit typed as subject is the one whose date is asked: another unit's date is no answer."""
    answer = ask(engine, "Hội Nông dân phường Long Mỹ phải báo cáo kết quả trước ngày nào?")
    assert not answer.grounded
    assert answer.answer.startswith("Kế hoạch không nhắc đến Hội Nông dân phường Long Mỹ.")
    # A unit typed by its everyday name ("nhà mạng" for "doanh nghiệp viễn thông") is named.
    colloquial = ask(engine, "Nhà mạng ở Mường Lay phải nộp kế hoạch của mình cho thị xã trước ngày nào?")
    assert colloquial.grounded and "10 tháng 12" in colloquial.answer


def test_ocr_plan_question_with_diacritics(engine):
    answer = ask(engine, "Phường Phú Sơn: công chức văn phòng - thống kê báo cáo ai?")
    assert answer.grounded
    assert answer.citations[0].source == "corpus/phuong-phu-son-ocr.txt"
    assert "ubnd thi xa" in fold(answer.answer)


def test_english_question_gets_an_english_frame(engine):
    answer = ask(engine, "Who must report to the town People's Committee in Muong Lay, and by when?")
    assert answer.grounded and answer.answer.startswith("According to")
    assert "10 tháng 12" in answer.answer


def test_the_lexical_side_can_read_another_rendering_of_the_question(engine):
    """An English question is matched by BM25 through its Vietnamese terms, while the dense
    model still reads the English: each side ranks its own text, the dense ranks are unchanged."""
    english = "Which unit must report the results to the town People's Committee, and by when?"
    target = next(c for p in engine.plans for c in p.clauses if len(c.text) > 60 and "báo cáo" in c.text)
    alone = engine.retrieve(english, k=40)
    rendered = engine.retrieve(english, k=40, lexical_question=target.text)
    first = next(h for h in rendered if h.lexical_rank == 1)
    assert first.clause.text == target.text  # itself, or a clause another plan repeats word for word
    assert all(h.lexical_rank != 1 or h.clause.text != target.text for h in alone)
    dense_alone = {h.clause.id + h.source: h.dense_rank for h in alone if h.dense_rank}
    for hit in rendered:
        if hit.dense_rank and hit.clause.id + hit.source in dense_alone:
            assert hit.dense_rank == dense_alone[hit.clause.id + hit.source]


@pytest.mark.parametrize("question", [
    "Thời tiết Hà Nội hôm nay thế nào?",
    "Đội tuyển bóng đá Việt Nam thi đấu khi nào?",
    "Tổng kinh phí thực hiện kế hoạch của phường Long Mỹ là bao nhiêu đồng?",
    "What is the price of gold today?",
])
def test_unanswerable_questions_are_not_grounded(engine, question):
    answer = engine.ask(question)
    assert not answer.grounded
    assert answer.answer in {"Không tìm thấy thông tin này trong các kế hoạch.", "Not found: the plans do not state this."}


@pytest.mark.parametrize("question", ["", "   ", "?!…", "😀😀", "x" * 10_000])
def test_bad_questions_raise_clear_errors(engine, question):
    with pytest.raises(QuestionError):
        engine.ask(question)


def test_cli_ask_json_many_questions_one_process(corpus_index):
    result = run_cli("ask", "--index", str(corpus_index), "--json",
                     "Ai ký kế hoạch của xã Tịnh Thiện?", "Thời tiết hôm nay thế nào?", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["Ai ký kế hoạch của xã Tịnh Thiện?", "Thời tiết hôm nay thế nào?"]
    assert rows[0]["grounded"] and not rows[1]["grounded"]
    assert set(rows[0]["citations"][0]) == {"source", "clause", "path", "text", "score"}


def test_cli_bad_question_exit_code(corpus_index):
    result = run_cli("ask", "--index", str(corpus_index), "   ")
    assert result.returncode != 0 and "empty" in result.stderr and "Traceback" not in result.stderr
