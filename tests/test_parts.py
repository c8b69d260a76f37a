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


def test_the_subjects_of_an_execution_article_stay_with_their_predicate():
    """"A; B; C chịu trách nhiệm thi hành Quyết định này": one predicate for three subjects, so
    the part that answers "những ai chịu trách nhiệm thi hành?" starts at the first of them."""
    parts = split_parts("Điều 3. Chánh Văn phòng UBND tỉnh; Giám đốc Sở Tài chính; Chủ tịch UBND các xã, phường "
                        "chịu trách nhiệm thi hành Quyết định này./.")
    assert parts[-1].startswith("Chánh Văn phòng UBND tỉnh; Giám đốc Sở Tài chính; Chủ tịch UBND")
    # Statements separated by ';' without such a predicate still part.
    assert len(split_parts("Rà soát hồ sơ trước ngày 10/5; tổ chức kiểm tra; báo cáo UBND tỉnh.")) == 3
