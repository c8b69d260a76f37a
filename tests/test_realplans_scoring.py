"""How the real-plan evaluation scores one answer (evals/realplans.py `score`)."""
from __future__ import annotations


def test_a_citation_counts_whatever_list_marker_the_must_cite_copied():
    """`must_cite` strings are copied from lines of the file, list markers and all; the clause read
    from that line has lost its marker and is still the clause cited."""
    from types import SimpleNamespace

    from evals.realplans import score
    from assistant.answers import Citation

    record = {"file": "kho.pdf", "must_cite": ["- chu tri: so cong thuong tinh lao cai"], "answer_must": [["so cong thuong"]],
              "answerable": True}

    def answer(text: str):
        cited = Citation(source="kho.pdf", clause="0-20", path=[], text=text, score=1.0)
        return SimpleNamespace(answer="Chủ trì: Sở Công Thương tỉnh Lào Cai [1].", grounded=True, citations=[cited])

    assert score(record, answer("Chủ trì: Sở Công Thương tỉnh Lào Cai"), lambda _: "kho.pdf").cited
    assert not score(record, answer("Phối hợp: Sở Công Thương tỉnh Lào Cai"), lambda _: "kho.pdf").cited
