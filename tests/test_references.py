"""The reference reader: which cited document a question means, read from the line that cites it
(a basis line, a body sentence), not the whole list of basis lines."""
from __future__ import annotations

import pytest

from assistant.answering.coverage import content_words
from assistant.answering.reading import Context
from assistant.answering.references import ReferenceReader, specific_words
from assistant.ingest.pipeline import read_plan
from assistant.question import analyze, detect_slots
from assistant.text import fold

# A decision written for this test (no real document): three basis lines, a proposal line, and
# a body sentence citing an article of a decree.
DECISION = """ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN

Số: 12/QĐ-UBND

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số ngành y tế năm 2026

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MẪU SƠN

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

Căn cứ Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ về chương trình hành động chuyển đổi số;

Căn cứ Quyết định số 912/QĐ-BYT ngày 18/5/2025 của Bộ trưởng Bộ Y tế về bệnh án điện tử;

Theo đề nghị của Sở Tài chính tại Công văn số 3679/STC-NS ngày 05/11/2025.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số ngành y tế năm 2026.

Điều 2. Sở Xây dựng nghiệm thu công trình theo quy định tại Điều 23 Nghị định số 06/2021/NĐ-CP ngày 26/01/2021; Sở Y tế báo cáo kết quả trước ngày 15/12/2026.

Điều 3. Kế hoạch nhằm nâng cao hiệu lực, hiệu quả quản lý nhà nước về y tế.

Điều 4. Quyết định này có hiệu lực kể từ ngày ký.
"""


class _Engine:
    def __init__(self, plan):
        self.plans = [plan]

    def plan(self, source):
        return next((p for p in self.plans if p.source == source), None)


@pytest.fixture(scope="module")
def decision(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "qd-12.txt"
    path.write_text(DECISION, encoding="utf-8")
    return read_plan(path)


def read(plan, question: str):
    info = analyze(question, [plan])
    context = Context(_Engine(plan), info, [], content_words(info, [plan]), [plan])
    return ReferenceReader().read(context, "basis"), context


@pytest.mark.parametrize("question, cited", [
    ("Quyết định căn cứ nghị quyết nào của Chính phủ?", "71/nq-cp"),
    ("Quyết định căn cứ quyết định nào của Bộ Y tế về bệnh án điện tử (số, ngày)?", "912/qd-byt"),
    ("Quyết định được ban hành theo đề nghị của Sở Tài chính tại công văn số mấy?", "3679/stc-ns"),
    ("Under Article 23 of which decree are the works accepted?", "06/2021/nd-cp"),
    ("Under which Health Minister's decision on electronic records was the plan issued?", "912/qd-byt"),
])
def test_the_line_citing_the_document_asked_answers(decision, question, cited):
    assert "basis" in detect_slots(fold(question))
    findings, _ = read(decision, question)
    assert findings, question
    assert cited in fold(findings[0].text)
    others = {"71/nq-cp", "912/qd-byt", "3679/stc-ns", "06/2021/nd-cp"} - {cited}
    assert not any(o in fold(findings[0].text) for o in others), findings[0].text


def test_two_kinds_asked_cite_one_line_of_each(decision):
    # "căn cứ nghị quyết nào và quyết định nào": both documents, each from its own line.
    findings, _ = read(decision, "Quyết định căn cứ nghị quyết nào và quyết định nào về chuyển đổi số, bệnh án điện tử?")
    assert len(findings) == 1, findings
    text = fold(findings[0].text)
    assert "71/nq-cp" in text and "912/qd-byt" in text, text
    assert ["71/nq-cp" in fold(h.clause.text) for h in findings[0].hits] == [True, False]
    assert ["912/qd-byt" in fold(h.clause.text) for h in findings[0].hits] == [False, True]
    assert "{0}" in findings[0].text and "{1}" in findings[0].text


def test_a_question_for_every_basis_leaves_the_list_to_the_metadata_reader(decision):
    findings, context = read(decision, "Quyết định này căn cứ những văn bản nào?")
    assert findings == [] and specific_words(context) == []


def test_kind_asked_must_match_the_reference(decision):
    # No circular is cited: a decree or a decision line is not the answer.
    findings, _ = read(decision, "Quyết định căn cứ thông tư nào của Bộ Y tế?")
    assert findings == []


def test_cue_phrases_go_but_homophone_syllables_stay(decision):
    # "căn cứ" is a cue; the "cử" of "bầu cử" folds the same and must stay a topic word.
    _, context = read(decision, "Quyết định căn cứ nghị quyết nào về bầu cử?")
    words = specific_words(context)
    assert "bau" in words and "cu" in words and "nghi" not in words


@pytest.mark.parametrize("question", ["Quyết định này có hiệu lực từ khi nào?", "qd 12 co hieu luc tu ngay nao",
                                      "When does the decision take effect?"])
def test_when_the_document_takes_effect_is_read_from_its_own_article(decision, question):
    from assistant.answering.statements import StatementReader

    assert detect_slots(fold(question))[0] == "effective"
    info = analyze(question, [decision])
    context = Context(_Engine(decision), info, [], content_words(info, [decision]), [decision])
    findings = StatementReader().read(context, "effective")
    assert findings and findings[0].text.startswith("Điều 4. Quyết định này có hiệu lực kể từ ngày ký")
