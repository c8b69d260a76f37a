"""Clause parts: where a clause is cut into the sentence-like pieces answers quote."""
from assistant.answering.parts import split_parts


def test_semicolon_after_a_date_ends_a_part():
    text = ("Hoàn thành hồ sơ trước ngày 28/4/2026; khẩn trương lập báo cáo đánh giá, gửi Sở Xây dựng "
            "trước ngày 05/5/2026.")
    assert split_parts(text) == ["Hoàn thành hồ sơ trước ngày 28/4/2026;",
                                 "khẩn trương lập báo cáo đánh giá, gửi Sở Xây dựng trước ngày 05/5/2026."]


def test_a_full_stop_after_digits_does_not_end_a_part():
    # "năm 2025." inside a run and an item number "12." are not sentence ends.
    assert split_parts("Chỉ tiêu 12. Tỷ lệ hộ dùng cáp quang đạt 80%.") == ["Chỉ tiêu 12. Tỷ lệ hộ dùng cáp quang đạt 80%."]


def test_semicolon_inside_parentheses_stays():
    text = "Báo cáo định kỳ (trước ngày 10 tháng cuối quý; ngày 10 tháng 12 hàng năm). Gửi Sở Tài chính."
    assert split_parts(text) == ["Báo cáo định kỳ (trước ngày 10 tháng cuối quý; ngày 10 tháng 12 hàng năm).",
                                 "Gửi Sở Tài chính."]
