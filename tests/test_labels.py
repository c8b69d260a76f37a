"""Reader of labelled lines ("6. Phương pháp kiểm tra: …") for "<noun> nào/gì" questions."""
from __future__ import annotations

from assistant.answering.labels import LabelReader, asked_noun
from assistant.answering.reading import Context
from assistant.question import analyze
from assistant.text import fold
from tests.test_asked_value import _plan_and_engine


def test_the_noun_asked_is_the_one_before_nao_or_gi():
    assert asked_noun(fold("Đoàn kiểm tra bằng phương pháp nào?")) == "phuong phap"
    assert asked_noun(fold("doan kiem tra lam viec o dia diem nao")) == "dia diem"
    assert asked_noun(fold("Cơ quan nào chủ trì?")) == ""  # a body: another reader's
    assert asked_noun(fold("Sở Y tế có nhiệm vụ gì?")) == ""


def test_the_line_labelled_by_the_noun_answers_and_another_label_does_not(tmp_path):
    path = tmp_path / "cv.txt"
    path.write_text("SỞ CÔNG THƯƠNG\n\nV/v kiểm tra nghiệm thu kho\n\n1. Thời gian kiểm tra: Ngày 29/5/2026.\n\n"
                    "2. Địa điểm: Tại hiện trường công trình.\n\n"
                    "3. Phương pháp kiểm tra: Đối chiếu hồ sơ; quan sát trực quan tại hiện trường.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    info = analyze("Đoàn kiểm tra nghiệm thu bằng phương pháp nào?", [plan])
    info.sources = [plan.source]
    found = LabelReader().read(Context(engine, info, [], ["đoàn", "phương", "pháp"], [plan]), "general")
    assert [f.text.split(":")[0] for f in found] == ["3. Phương pháp kiểm tra"]
    info = analyze("Đoàn kiểm tra theo hình thức nào?", [plan])
    info.sources = [plan.source]
    assert LabelReader().read(Context(engine, info, [], ["đoàn", "hình", "thức"], [plan]), "general") == []
