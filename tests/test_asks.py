"""A question asking two things is read as one question per ask, each with the shared context."""
import pytest

from assistant.answering.asks import split_asks


@pytest.mark.parametrize("question, asks", [
    # ", và" between two asks; the leading "Theo …," goes with each.
    ("Theo Kế hoạch số 157/KH-UBND, kinh phí khen thưởng lấy từ đâu, và tỷ lệ tặng Bằng khen tối đa là bao nhiêu?",
     ["Theo Kế hoạch số 157/KH-UBND, kinh phí khen thưởng lấy từ đâu?",
      "Theo Kế hoạch số 157/KH-UBND, tỷ lệ tặng Bằng khen tối đa là bao nhiêu?"]),
    # A bare comma inside the second ask does not cut it.
    ("Theo Kế hoạch 157/KH-UBND, đợt 1 diễn ra từ ngày nào đến ngày nào, và việc đánh giá, xếp hạng phải xong trước ngày nào?",
     ["Theo Kế hoạch 157/KH-UBND, đợt 1 diễn ra từ ngày nào đến ngày nào?",
      "Theo Kế hoạch 157/KH-UBND, việc đánh giá, xếp hạng phải xong trước ngày nào?"]),
    # An ask with no topic of its own takes the first ask's ("nhiệm vụ …").
    ("Trong Kế hoạch 08, nhiệm vụ phát triển nguồn nhân lực do đơn vị nào chủ trì và lãnh đạo nào phụ trách?",
     ["Trong Kế hoạch 08, nhiệm vụ phát triển nguồn nhân lực do đơn vị nào chủ trì?",
      "Trong Kế hoạch 08, nhiệm vụ phát triển nguồn nhân lực lãnh đạo nào phụ trách?"]),
    # Typed without marks, with the plan named before a colon.
    ("ke hoach 157: kinh phi lay tu dau, va ty le bang khen toi da la bao nhieu?",
     ["ke hoach 157: kinh phi lay tu dau?", "ke hoach 157: ty le bang khen toi da la bao nhieu?"]),
    # English joins too.
    ("Under plan 172/KH-UBND, which agency leads and who reports to whom?",
     ["Under plan 172/KH-UBND, which agency leads?", "Under plan 172/KH-UBND, who reports to whom?"]),
])
def test_two_asks_become_two_questions(question, asks):
    assert split_asks(question) == asks


@pytest.mark.parametrize("question, asks", [
    # A short last part with no question word asks what the part before it asks.
    ("Theo Kế hoạch 08, đến năm 2030 số khu công nghiệp là bao nhiêu, tỷ lệ lấp đầy?",
     ["Theo Kế hoạch 08, đến năm 2030 số khu công nghiệp là bao nhiêu?", "Theo Kế hoạch 08, tỷ lệ lấp đầy bao nhiêu?"]),
    ("kh 08: nang tong so khu cong nghiep len bao nhieu, ty le lap day?",
     ["kh 08: nang tong so khu cong nghiep len bao nhieu?", "kh 08: ty le lap day bao nhieu?"]),
    # A tail that qualifies, a tag question, or a part before it ending on "nào" (which needs its
    # noun) is no ask of its own.
    ("Theo KH 172, tỷ lệ là bao nhiêu, theo từng năm?", ["Theo KH 172, tỷ lệ là bao nhiêu, theo từng năm?"]),
    ("Theo Kế hoạch 08, kinh phí là bao nhiêu, đúng không?", ["Theo Kế hoạch 08, kinh phí là bao nhiêu, đúng không?"]),
    ("Theo KH 08, báo cáo gửi cơ quan nào, phối hợp?", ["Theo KH 08, báo cáo gửi cơ quan nào, phối hợp?"]),
])
def test_an_elliptic_last_part_asks_what_the_part_before_asks(question, asks):
    assert split_asks(question) == asks


@pytest.mark.parametrize("question", [
    # "và" inside a name, and a comma after the leading phrase: one ask.
    "Theo Thông báo về 02 tuyến cao tốc Tân Phú – Bảo Lộc và Bảo Lộc – Liên Khương, ai kết luận?",
    # The second half has no question word and the first does not end on one: one ask, two objects.
    "Đơn vị nào chủ trì, phối hợp với Sở Tài chính?",
    "Sở nào chủ trì và phối hợp với các đơn vị liên quan?",
    "Từ ngày nào đến ngày nào?",
    # The "đầu" of "Đầu tư" is no "đâu": the comma in the company's name cuts nothing.
    "Theo Thông báo về Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi, ai là Trưởng Ban?",
])
def test_one_ask_stays_whole(question):
    assert split_asks(question) == [question]


def test_an_ask_the_whole_reading_left_unstated_is_read_on_its_own(engine):
    # Read whole, the question finds the reporting line (its words dominate) and says nothing of
    # the funds; the second ask, read on its own, adds the funding clause.
    answer = engine.ask("Theo kế hoạch hạ tầng số của xã Tịnh Thiện, Công chức Văn hóa – Xã hội báo cáo "
                        "kết quả lên cấp nào và kinh phí thực hiện lấy từ nguồn nào?")
    text = answer.answer
    assert "UBND thành phố" in text and "trước ngày 10/12" in text
    assert "ngân sách nhà nước" in text
    assert len(answer.citations) >= 2
