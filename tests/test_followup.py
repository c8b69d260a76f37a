"""Follow-up questions read against the earlier questions of a conversation (no model needed):
a new locality, year or unit replaces the old one; a new question keeps the previous unit and
plan; a question that stands alone is left alone; chains of follow-ups replay."""
from __future__ import annotations

import pytest

from assistant.answering.followup import Reading, read_followup

LONG_MY = "Ở phường Long Mỹ, Phòng Văn hóa - Xã hội báo cáo Sở Khoa học và Công nghệ hạn khi nào?"


@pytest.fixture(scope="module")
def corpus(plans):
    return list(plans.values())


def source(plans, key):
    return plans[key].source


def test_a_new_locality_asks_the_previous_question_of_that_plan(plans, corpus):
    reading = read_followup([LONG_MY], "còn xã Tịnh Thiện thì sao?", corpus)
    assert reading.question == LONG_MY.replace("phường Long Mỹ", "xã Tịnh Thiện")
    assert reading.plan == source(plans, "tinh_thien")
    assert reading.explanation == f"Hiểu là: {reading.question}" and reading.is_followup
    unaccented = read_followup([LONG_MY], "con thi tran phu my", corpus)  # typed without diacritics
    assert unaccented.question == LONG_MY.replace("phường Long Mỹ", "thị trấn Phú Mỹ")
    assert unaccented.plan == source(plans, "phu_my")


def test_a_new_year_or_unit_replaces_the_old_one(plans, corpus):
    asked = "Tỷ lệ dân số trưởng thành có điện thoại thông minh ở thị trấn Phú Mỹ năm 2025 là bao nhiêu?"
    year = read_followup([asked], "còn năm 2030?", corpus)
    assert year.question == asked.replace("2025", "2030") and year.plan == source(plans, "phu_my")
    unit = read_followup(["Công chức Văn hóa – Xã hội xã Tịnh Thiện phải làm gì?"], "còn Công an xã thì sao?", corpus)
    assert unit.question == "Công an xã xã Tịnh Thiện phải làm gì?" and unit.plan == source(plans, "tinh_thien")


def test_a_new_question_keeps_the_previous_unit_and_plan(plans, corpus):
    slot = read_followup([LONG_MY], "thế còn hạn báo cáo?", corpus)
    assert slot.question == "Hạn báo cáo (Phòng Văn hóa - Xã hội, phường Long Mỹ)?"
    assert slot.plan == source(plans, "long_my")
    who = read_followup([LONG_MY], "ai phối hợp?", corpus)
    assert who.question == "Ai phối hợp (Phòng Văn hóa - Xã hội, phường Long Mỹ)?"
    signer = read_followup([LONG_MY], "ai ký?", corpus)  # about the plan as a whole: no unit carried
    assert signer.question == "Ai ký (phường Long Mỹ)?" and signer.plan == source(plans, "long_my")


def test_a_chain_of_follow_ups_replays(plans, corpus):
    history = [LONG_MY, "còn xã Tịnh Thiện thì sao?", "ai phối hợp?"]
    reading = read_followup(history, "còn thị xã Mường Lay?", corpus)
    assert reading.question == "Ai phối hợp (Phòng Văn hóa - Xã hội, thị xã Mường Lay)?"
    assert reading.plan == source(plans, "muong_lay")


def test_questions_that_stand_alone_are_left_alone(plans, corpus):
    asked = "Ai báo cáo UBND thị xã, trước ngày nào?"
    assert read_followup([LONG_MY], asked, corpus) == Reading(asked, None, "")
    named = "Ai ký kế hoạch của thị xã Mường Lay?"
    assert read_followup([LONG_MY], named, corpus) == Reading(named, source(plans, "muong_lay"), "")
    assert read_followup([], "còn xã Tịnh Thiện thì sao?", corpus).explanation == ""  # nothing to follow
    assert read_followup(["", "  "], "ai ký?", corpus).explanation == ""
