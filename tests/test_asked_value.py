"""The value a question word asks for: "… báo cáo UBND tỉnh trước ngày nào?" asks a date, and a
reporting line without one does not answer it (the composer says "không tìm thấy" instead)."""
from __future__ import annotations

import pytest

from assistant.answering.compose import _answers_asked
from assistant.answering.reading import Finding
from assistant.answering.sentences import has_quantity
from assistant.question import analyze
from assistant.text import fold


@pytest.mark.parametrize("question, asked", [
    ("Chỉ thị yêu cầu các xã báo cáo kết quả rà soát về UBND tỉnh trước ngày nào?", ["deadline"]),
    ("Ai báo cáo cho ai, trước ngày nào?", ["report", "deadline"]),
    ("Sở Y tế phối hợp với những đơn vị nào?", ["coordinate"]),
    ("Cơ quan nào chủ trì việc kiểm kê tài sản?", ["lead"]),
    ("Đến năm 2030 toàn tỉnh thành lập bao nhiêu tổ công nghệ số?", ["quantity"]),
    ("bao cao dinh ky bao lau mot lan", ["frequency"]),
    ("Kế hoạch được triển khai như thế nào?", []),
    # "<X> của <Y> là gì": X is asked; the cue inside "của …" only says whose X it is
    ("Số điện thoại liên hệ của cán bộ đầu mối Sở Công Thương là gì?", ["contact"]),
    ("Cơ quan đầu mối của kế hoạch là cơ quan nào?", ["lead"]),
])
def test_question_words_attach_to_the_slot_they_ask(question, asked):
    assert analyze(question, []).asked == asked


def _finding(slot: str, text: str) -> Finding:
    return Finding(slot=slot, text=text, score=0.5, reader="reporting")


def test_a_reporting_line_without_a_date_does_not_answer_when():
    info = analyze("Các xã báo cáo kết quả rà soát về UBND tỉnh trước ngày nào?", [])
    assert not _answers_asked(info, [_finding("report", "kịp thời báo cáo UBND tỉnh chỉ đạo giải quyết {0}")])
    assert _answers_asked(info, [_finding("report", "báo cáo UBND tỉnh trước ngày 15/12/2026 {0}")])


def test_who_questions_are_not_checked_by_pattern():
    info = analyze("Xong thì báo cáo những sở nào để được hướng dẫn?", [])
    assert _answers_asked(info, [_finding("report", "UBND xã: báo cáo các sở: Tài chính, Xây dựng {0}")])


def test_a_count_asked_needs_a_figure_not_an_item_number_or_a_year():
    info = analyze("Đến năm 2030 toàn tỉnh thành lập bao nhiêu tổ công nghệ số cộng đồng?", [])
    assert not _answers_asked(info, [_finding("quantity", "1.2. Tổ chức các Tổ công nghệ số cộng đồng đến năm 2030 {0}")])
    assert _answers_asked(info, [_finding("quantity", "Thành lập 1.250 Tổ công nghệ số cộng đồng {0}")])


@pytest.mark.parametrize("text, figure", [
    ("3. tỷ lệ % người hưởng trợ cấp", False),
    ("chương trình lần thứ ii năm 2026", False),
    ("kế hoạch 157/kh-ubnd ngày 12/5/2025", False),
    ("giai đoạn 2026-2030", False),
    ("đạt 100% số xã", True),
    ("rà soát hồ sơ 36 hộ", True),
])
def test_figures(text, figure):
    from assistant.text import fold

    assert has_quantity(fold(text)) is figure


@pytest.mark.parametrize("text, name", [
    ("Trưởng Ban Chỉ đạo: Phân công, chỉ đạo các thành viên", None),
    ("Ủy Ban Nhân Dân Tỉnh", None),
    ("KT. CHỦ TỊCH, PHÓ CHỦ TỊCH Nguyễn Ngọc Sâm", "Nguyễn Ngọc Sâm"),
    ("Ông Đỗ Mạnh Cường - Phó Trưởng đoàn", "Ông Đỗ Mạnh Cường"),
    ("do Nguyen Ngoc Sam ky", "Nguyen Ngoc Sam"),
])
def test_a_name_is_not_a_capitalised_post(text, name):
    from assistant.answering.sentences import person_name

    found = person_name(text)
    assert (found.group(0) if found else None) == name


def test_a_post_asked_by_name_is_not_the_signer():
    info = analyze("Ai (họ tên, chức vụ) là Trưởng Ban Chỉ đạo tổng kiểm kê tài sản công?", [])
    assert "signer" not in info.slots and info.asked == ["person"]
    assert not _answers_asked(info, [_finding("lead", "Trưởng Ban Chỉ đạo: Phân công, chỉ đạo các thành viên {0}")])
    assert _answers_asked(info, [_finding("lead", "Trưởng Ban Chỉ đạo: đồng chí Trần Phước Hiền, Phó Chủ tịch {0}")])


@pytest.mark.parametrize("question, unit", [
    ("Hiện có tổng cộng bao nhiêu người đang hưởng trợ cấp?", "nguoi"),
    ("Có mấy đợt kiểm tra?", "dot"),
    ("Tỷ lệ đạt bao nhiêu phần trăm?", "%"),
    ("Tốc độ đạt bao nhiêu vào năm 2025?", ""),
    ("Chỉ số tăng bình quân bao nhiêu mỗi năm?", ""),
    ("Tỷ lệ máy chủ có giải pháp chống mã độc là bao nhiêu?", ""),  # "máy", not "mấy"
])
def test_the_unit_a_count_asks(question, unit):
    from assistant.answering.sentences import asked_unit

    assert asked_unit(question) == unit


def test_a_count_of_people_is_not_a_score():
    info = analyze("Thành phố hiện có bao nhiêu người đang hưởng trợ cấp xã hội?", [])
    assert not _answers_asked(info, [_finding("quantity", "3. Tỷ lệ % người hưởng trợ cấp xã hội mở tài khoản — ĐIỂM CHUẨN: 20 {0}")])
    assert _answers_asked(info, [_finding("quantity", "Toàn thành phố có 52.300 người hưởng trợ cấp xã hội {0}")])


@pytest.mark.parametrize("question, kind", [
    ("Sở nào hướng dẫn kiểm kê tài sản kết cấu hạ tầng chợ?", "so"),
    ("UBND các xã chỉ đạo phòng nào phổ biến kết quả quan trắc?", "phong"),
    ("Cơ quan nào thẩm định hồ sơ?", ""),
    ("Kế hoạch thực hiện nghị quyết chuyển đổi số nào?", None),  # "số nào", not "sở nào"
    ("so nao huong dan kiem ke", "so"),
])
def test_the_kind_of_body_asked(question, kind):
    from assistant.answering.sentences import asked_body_kind

    assert asked_body_kind(question) == kind


def test_a_body_of_the_kind_asked_answers_whatever_its_verb(tmp_path):
    from assistant.answering.coverage import content_words
    from assistant.answering.reading import Context
    from assistant.answering.sentences import SentenceReader
    from assistant.ingest.pipeline import read_plan
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nTổng kiểm kê tài sản công\n\nIV. TỔ CHỨC THỰC HIỆN\n\n"
                    "1. Sở Công Thương: hướng dẫn các cơ quan kiểm kê tài sản kết cấu hạ tầng chợ, cụm công nghiệp.\n\n"
                    "2. Sở Xây dựng: hướng dẫn kiểm kê tài sản kết cấu hạ tầng giao thông.\n", encoding="utf-8")
    plan = read_plan(path)
    question = "Sở nào hướng dẫn kiểm kê tài sản kết cấu hạ tầng chợ và cụm công nghiệp?"
    info = analyze(question, [plan])
    hits = [Hit(plan.source, c, 1.0) for c in plan.clauses if "hướng dẫn" in c.text]

    class _Engine:
        def __init__(self, only):
            self.plans = [only]

        def plan(self, source):
            return self.plans[0]

    found = SentenceReader().read(Context(_Engine(plan), info, hits, content_words(info, [plan]), [plan]), "lead")
    assert found and "Sở Công Thương" in found[0].text


def test_a_line_under_a_unit_heading_answers_which_body_does_it(tmp_path):
    """"Which body is tasked with bomb and mine clearance?": "6. Bộ Tư lệnh Thủ đô" / "Thực hiện rà
    phá bom mìn" — the line's verb is no lead cue, its heading names the unit."""
    from assistant.answering.coverage import content_words
    from assistant.answering.reading import Context
    from assistant.answering.sentences import SentenceReader
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nTổ chức lễ hội\n\nV. TỔ CHỨC THỰC HIỆN\n\n5. Công an thành phố\n\n"
                    "Bảo đảm an ninh trật tự tại các điểm diễn ra sự kiện.\n\n6. Bộ Tư lệnh Thủ đô\n\n"
                    "Thực hiện rà phá bom mìn tại các điểm diễn ra sự kiện.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    info = analyze("Đơn vị nào rà phá bom mìn tại các điểm diễn ra sự kiện?", [plan])
    hits = [Hit(plan.source, c, 1.0) for c in plan.clauses if c.text.startswith(("Thực hiện", "Bảo đảm"))]
    found = SentenceReader().read(Context(engine, info, hits, content_words(info, [plan]), [plan]), "lead")
    assert found and found[0].text.startswith("Bộ Tư lệnh Thủ đô") and "bom mìn" in found[0].text


@pytest.mark.parametrize("text, acts", [
    ("Sở Tài chính tổng hợp kết quả kiểm kê, báo cáo Bộ Tài chính", True),
    ("Báo cáo kết quả bằng văn bản gửi về Sở Tài chính", False),
    ("Kiểm kê theo đúng hướng dẫn của Sở Tài chính", False),
    ("Các đơn vị phối hợp với Sở Tài chính rà soát", False),
])
def test_a_unit_named_in_a_task_as_recipient_is_not_its_actor(text, acts):
    from assistant.answering.records import _acts_in

    assert _acts_in(text, "Sở Tài chính") is acts


@pytest.mark.parametrize("question, slots, asked", [
    ("Những đơn vị nào phối hợp thực hiện nhiệm vụ tái cơ cấu ngành công nghiệp?", ["coordinate"], ["coordinate"]),
    ("Cơ quan nào chủ trì rà soát mỏ đá, và phối hợp với những đơn vị nào?", ["lead", "coordinate"],
     ["lead", "coordinate"]),
])
def test_a_body_asked_next_to_phoi_hop_is_a_partner(question, slots, asked):
    info = analyze(question, [])
    assert (info.slots, info.asked) == (slots, asked)


def test_a_flat_directive_frames_bullets_by_the_lead_above_them(tmp_path):
    from assistant.answering.parts import lead_frame
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "ct.txt"
    path.write_text("CHỈ THỊ\nVề tăng cường khoa học cơ sở\n\n"
                    "d) Sở Nội vụ:\n\nKiện toàn tổ chức bộ máy.\n\n"
                    "e) Sở Tài chính:\n\n- Bố trí kinh phí hoạt động khoa học hằng năm.\n\n- Cấp phát kinh phí kịp thời.\n",
                    encoding="utf-8")
    plan = read_plan(path)
    by_text = {c.text.lstrip("- "): c for c in plan.clauses}
    assert lead_frame(plan, by_text["Cấp phát kinh phí kịp thời."]) == "Sở Tài chính"
    assert lead_frame(plan, by_text["Kiện toàn tổ chức bộ máy."]) == "Sở Nội vụ"


def test_a_lead_whose_colon_a_scan_lost_frames_its_lines_when_it_names_a_body(tmp_path):
    """"2. Giám đốc Sở Giao thông vận tải" without its colon still leads the lines below it; a bare
    numbered topic line ("3. Thời gian thực hiện") does not."""
    from assistant.answering.parts import lead_frame
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "ct.txt"
    path.write_text("CHỈ THỊ\nVề an toàn cầu mùa mưa bão\n\n"
                    "2. Giám đốc Sở Giao thông vận tải\n\nHướng dẫn các địa phương triển khai.\n\n"
                    "3. Thời gian thực hiện\n\nTrong mùa mưa bão năm 2024.\n", encoding="utf-8")
    plan = read_plan(path)
    by_text = {c.text: c for c in plan.clauses}
    assert lead_frame(plan, by_text["Hướng dẫn các địa phương triển khai."]) == "Giám đốc Sở Giao thông vận tải"
    assert lead_frame(plan, by_text["Trong mùa mưa bão năm 2024."]) == ""


def test_a_section_the_question_names_brings_its_lines_whatever_retrieval_ranked(tmp_path):
    """"… đối tượng thực hiện kiểm kê báo cáo kết quả cho ai?" names "1.5. Trách nhiệm của đối tượng
    thực hiện kiểm kê" (what they do), not "2. Đối tượng thực hiện kiểm kê" (who they are), nor a
    part of the plan ("V. TỔ CHỨC THỰC HIỆN KẾ HOẠCH") by a stock phrase."""
    from assistant.answering.compose import _section_named

    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nTổng kiểm kê tài sản công\n\nI. PHẠM VI\n\n1. Phạm vi kiểm kê\n\nTài sản công.\n\n"
                    "2. Đối tượng thực hiện kiểm kê:\n\nCác cơ quan, đơn vị sử dụng tài sản.\n\n"
                    "II. TỔ CHỨC THỰC HIỆN KẾ HOẠCH\n\n1. Nhiệm vụ cụ thể\n\n1.1. Trưởng Ban Chỉ đạo\n\nPhụ trách chung.\n\n"
                    "1.2. Trách nhiệm của đối tượng thực hiện kiểm kê:\n\n- Thành lập Tổ kiểm kê.\n\n"
                    "- Báo cáo kết quả kiểm kê cho cơ quan quản lý cấp trên.\n", encoding="utf-8")
    plan, _ = _plan_and_engine(path)
    info = analyze("Đối tượng thực hiện kiểm kê báo cáo kết quả cho ai?", [plan])
    info.sources = [plan.source]
    lines = [h.clause.text for h in _section_named(info, plan)]
    assert any("cấp trên" in line for line in lines) and not any("sử dụng tài sản" in line for line in lines)
    info = analyze("Ai chủ trì để tổ chức thực hiện kế hoạch?", [plan])
    info.sources = [plan.source]
    assert _section_named(info, plan) == []


def test_a_reader_without_the_value_asked_gives_way_to_one_with_it(monkeypatch):
    """"… họp giao ban định kỳ bao lâu một lần": a reporting line that states no period must not
    win over a sentence that does, though reporting lines are preferred when both have one."""
    import importlib

    from assistant.answering.reading import Context

    compose = importlib.import_module("assistant.answering.compose")  # the module, not its function

    info = analyze("Sở Xây dựng họp giao ban định kỳ bao lâu một lần?", [])
    assert "frequency" in info.asked

    class _Reader:
        def __init__(self, name, text, score):
            self.name, self.text, self.score = name, text, score

        def read(self, context, slot):
            return [Finding(slot, self.text + " {0}", [], self.score, self.name)]

    readers = [_Reader("reporting", "Sở Xây dựng tổng hợp, báo cáo UBND tỉnh kịp thời", 0.9),
               _Reader("sentence", "Sở Xây dựng duy trì họp giao ban định kỳ 02 tuần/lần", 0.6)]
    monkeypatch.setattr(compose, "READERS", {"frequency": readers})
    found = compose.read_slots(Context(None, info, [], ["giao", "ban"], []))
    assert [f.reader for f in found] == ["sentence"] and "02 tuần/lần" in found[0].text


def test_a_day_asked_needs_a_day_or_a_recorded_schedule_not_a_document_number_or_a_duration():
    info = analyze("Các sở phải thành lập hội đồng khoa học và công nghệ cấp sở trước ngày nào?", [])
    # "09/2009/CT-UBND" is a document number, "02 ngày" a duration, "hằng năm" in a sentence no schedule
    assert not _answers_asked(info, [_finding("deadline", "số hiệu: 09/2009/CT-UBND {0}")])
    assert not _answers_asked(info, [_finding("deadline", "Thời gian: khoảng 02 ngày làm việc/01 đơn vị {0}")])
    assert not _answers_asked(info, [Finding("deadline", "Số đề tài hàng năm được triển khai không nhiều {0}",
                                             score=0.5, reader="sentence")])
    assert _answers_asked(info, [_finding("deadline", "định kỳ hằng năm báo cáo UBND tỉnh {0}")])
    assert _answers_asked(info, [_finding("deadline", "hoàn thành trước ngày 30/6/2026 {0}")])
    # "khi nào" takes a period as well
    assert _answers_asked(analyze("Các sở thành lập hội đồng khi nào?", []),
                          [_finding("deadline", "Thực hiện trong năm 2026 {0}")])


@pytest.mark.parametrize("question, post", [
    ("Ai là Trưởng Ban Chỉ đạo tổng kiểm kê tài sản công của tỉnh?", "truong ban"),
    ("Trong Ban bầu cử đơn vị số 1, ai giữ chức Phó Trưởng ban?", "pho truong ban"),
    ("Nhiệm vụ này do Giám đốc Sở phụ trách — vị Giám đốc Sở đó tên là gì?", "giam doc"),
    ("Thư ký Đoàn kiểm tra là ai?", "thu ky"),
    ("Cơ quan nào chủ trì kiểm kê tài sản?", ""),
    ("Ai ký kế hoạch?", ""),
    # English
    ("Who heads the inspection team under plan 1105/KH-ĐKT?", "truong doan"),
    ("Who is the deputy head of the provincial steering committee?", "pho truong ban"),
    ("Who is the secretary of the inspection team?", "thu ky"),
    ("Which department leads the inventory?", ""),
])
def test_the_post_whose_holder_is_asked(question, post):
    assert analyze(question, []).post == post


def test_a_post_holder_is_named_beside_the_post():
    info = analyze("Ai là Trưởng Ban Chỉ đạo tổng kiểm kê tài sản công?", [])
    assert _answers_asked(info, [_finding("lead", "1. Ông Nguyễn Anh Nhân, Phó Chủ tịch UBND, Trưởng ban {0}")])
    assert _answers_asked(info, [_finding("lead", "Trưởng ban: đồng chí Chủ tịch UBND xã {0}")])
    # the post's duties, a Phó Trưởng ban, a person named elsewhere in the text: no holder
    assert not _answers_asked(info, [_finding("lead", "Trưởng Ban Chỉ đạo: Phụ trách chung, chịu trách nhiệm "
                                                      "trước Ủy ban nhân dân tỉnh {0}")])
    assert not _answers_asked(info, [_finding("lead", "Ông Trần Văn B, Phó Trưởng ban {0}")])
    assert not _answers_asked(info, [_finding("lead", "Ngày 03/01, Phó Chủ tịch UBND tỉnh Võ Phiên chủ trì họp "
                                                      "nghe báo cáo công tác cổ phần hóa {0}")])


def test_a_partner_asked_needs_a_coordination():
    info = analyze("Khi lập báo cáo điều chỉnh hướng tuyến, Nhà đầu tư phải phối hợp với những cơ quan nào?", [])
    assert info.asked == ["coordinate"]
    assert not _answers_asked(info, [_finding("report", "hoàn thành báo cáo Ban Quản lý dự án số 1 trước ngày "
                                                        "05/5/2026 {0}")])
    assert _answers_asked(info, [_finding("coordinate", "Nhà đầu tư chủ trì, phối hợp với Sở Xây dựng lập báo cáo {0}")])


def test_a_year_inside_a_document_number_or_a_date_is_not_a_year_asked():
    from assistant.question import asked_years

    assert asked_years("Theo Chỉ thị 09/2009/CT-UBND, bao nhiêu huyện đã thành lập hội đồng?") == []
    assert asked_years("Thông báo ngày 08/01/2025 giao ai chủ trì?") == []
    assert asked_years("Đến năm 2030 đạt bao nhiêu, so với năm 2025?") == ["2030", "2025"]


def test_a_place_asked_by_its_level_needs_a_unit_of_that_level():
    info = analyze("Bãi đổ thải cho tuyến cao tốc được bố trí tại xã nào?", [])
    assert info.asked == ["place"]
    assert not _answers_asked(info, [_finding("place", "Rà soát khối lượng đào đắp trên tuyến, tính toán khối "
                                                       "lượng đổ thải {0}")])
    assert _answers_asked(info, [_finding("place", "Bãi đổ thải bố trí tại xã Tả Phìn {0}")])


def test_a_total_asked_is_not_answered_by_a_share():
    info = analyze("Thành phố hiện có tổng cộng bao nhiêu người hưởng trợ cấp xã hội?", [])
    assert not _answers_asked(info, [_finding("quantity", "Đơn vị đạt tỷ lệ 100% người hưởng trợ cấp {0}")])
    assert _answers_asked(info, [_finding("quantity", "Toàn thành phố có 25.300 người hưởng trợ cấp {0}")])
    # "bao nhiêu xã" without a total: "100% số xã" answers
    assert _answers_asked(analyze("Bao nhiêu xã đạt chuẩn?", []), [_finding("quantity", "100% số xã đạt chuẩn {0}")])


def test_a_body_named_before_its_verb_keeps_the_verb_out_of_its_name():
    from assistant.question import acting_unit

    assert acting_unit("Theo KH 1627, Sở Tài chính Quảng Ngãi phải công bố kết quả trước ngày nào?") \
        == "Sở Tài chính Quảng Ngãi"
    assert acting_unit("Phòng Văn hóa - Xã hội phường Long Mỹ báo cáo trước ngày nào?") \
        == "Phòng Văn hóa - Xã hội phường Long Mỹ"


@pytest.mark.parametrize("question, actor", [
    # The bodies of one level named as a group, its levels listed with commas or "và".
    ("Theo Kế hoạch 0134, UBND các xã, phường có những nhiệm vụ gì?", "UBND các xã, phường"),
    ("Theo Chỉ thị 11, Chủ tịch UBND các huyện, thị xã, thành phố phải khẩn trương làm gì?",
     "Chủ tịch UBND các huyện, thị xã, thành phố"),
    ("UBND các xã, phường, đặc khu Lý Sơn thực hiện kiểm kê trước ngày nào?", "UBND các xã, phường, đặc khu Lý Sơn"),
    # "các" before what is not a level ends the name, as before.
    ("UBND tỉnh Đắk Lắk phải báo cáo ai?", "UBND tỉnh Đắk Lắk"),
    # A subject's lower-case words run to its verb ("quỹ đất tỉnh", "dự án đầu tư xây dựng số 1") ...
    ("Trung tâm Phát triển quỹ đất tỉnh phải làm gì đối với việc bồi thường?", "Trung tâm Phát triển quỹ đất tỉnh"),
    ("Ban Quản lý dự án đầu tư xây dựng số 1 phải hoàn thành trước ngày nào?", "Ban Quản lý dự án đầu tư xây dựng số 1"),
    # ... but not across a phrase of its own ("về …") or a comma.
    ("Sở Y tế về vấn đề này phải làm gì?", ""),
])
def test_the_bodies_of_a_level_named_as_a_group_act_together(question, actor):
    from assistant.question import acting_unit

    assert acting_unit(question) == actor


@pytest.mark.parametrize("question, slots, asked", [
    ("Kết quả sơ kết được báo cáo những cơ quan nào?", ["report", "lead"], ["report"]),
    ("Nhiệm vụ 2.9 do đơn vị nào thực hiện và những đơn vị nào phối hợp?", ["lead", "coordinate"],
     ["lead", "coordinate"]),
])
def test_a_body_asked_after_bao_cao_receives_and_one_asked_to_act_leads(question, slots, asked):
    info = analyze(question, [])
    assert (info.slots, info.asked) == (slots, asked)


def test_a_unit_is_matched_without_the_place_it_belongs_to_but_xa_hoi_is_no_place():
    from assistant.answering.compose import _unit_core

    places = frozenset({"quang", "ngai"})
    assert _unit_core("Sở Tài chính thành phố Cần Thơ") == "so tai chinh"
    assert _unit_core("Sở Tài chính Quảng Ngãi", places) == "so tai chinh"
    assert _unit_core("Phòng Văn hóa - Xã hội phường Long Mỹ") == "phong van hoa xa hoi"
    assert _unit_core("Phòng Văn hóa - Xã hội") == "phong van hoa xa hoi"


def test_a_unit_of_the_field_asked_is_one_the_plan_names_as_a_unit(tmp_path):
    """"Phòng Văn hóa - Xã hội" asked of a xã plan with a "Công chức Văn hóa – Xã hội": a unit of
    that field, answered for; "Sở Tư pháp" of a notice that only lists "Các Sở: …, Tư pháp" among
    its recipients: none."""
    from assistant.answering.compose import _field_of, _unit_of_field
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\n\n1. Công chức Văn hóa – Xã hội xã báo cáo UBND xã trước ngày 10/12.\n\n"
                    "Nơi nhận:\n- Các Sở: Tài chính, Nội vụ, Tư pháp;\n", encoding="utf-8")
    plan = read_plan(path)
    assert _field_of("Phòng Văn hóa - Xã hội") == "van hoa xa hoi" and _field_of("Nhà mạng") == ""
    assert _unit_of_field(_field_of("Phòng Văn hóa - Xã hội"), [plan])
    assert not _unit_of_field(_field_of("Sở Tư pháp"), [plan])


def test_a_code_the_question_quotes_must_be_where_the_answer_is(tmp_path):
    """"… hướng tuyến từ Km78+00 đến Km81+00, phối hợp với ai": a finding from a clause without
    the code the plan quotes answers about another stretch of road."""
    from types import SimpleNamespace

    from assistant.answering.compose import _anchored
    from assistant.ingest.pipeline import read_plan
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "tb.txt"
    path.write_text("THÔNG BÁO\nKết luận về dự án cao tốc\n\n1. Nhà đầu tư lập báo cáo điều chỉnh hướng tuyến "
                    "từ Km78+00 đến Km81+00, hoàn thành trước ngày 05/5/2026.\n\n"
                    "2. Sở Xây dựng phối hợp với các sở, ngành xử lý vướng mắc.\n", encoding="utf-8")
    plan = read_plan(path)
    info = SimpleNamespace(text="Khi lập báo cáo hướng tuyến từ Km78+00 đến Km81+00, Nhà đầu tư phối hợp với ai?",
                           sources=[plan.source])
    by_code = {("km78" in fold(c.text)): c for c in plan.clauses if c.text.startswith(("1.", "2."))}
    findings = [Finding("coordinate", f"{c.text} {{0}}", [Hit(plan.source, c, 1.0)], 0.5, "sentence")
                for c in (by_code[False], by_code[True])]
    assert [f.hits[0].clause.id for f in _anchored(findings, info, [plan])] == [by_code[True].id]
    # a code the plan never quotes restricts nothing
    info.text = "Đoạn Km12+00 phối hợp với ai?"
    assert _anchored(findings, info, [plan]) == findings


def test_a_count_the_question_quotes_must_be_where_the_answer_is_and_a_name_numbered_otherwise_is_not_covered(tmp_path):
    """"… chi trả tiền bồi thường cho 37 hộ …": the clause with that count states the fact; "Móng
    Sến 2" of a letter that covers only "Móng Sến 1" is not the letter's subject."""
    from types import SimpleNamespace

    from assistant.answering.compose import _anchored
    from assistant.ingest.pipeline import read_plan
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "tb.txt"
    path.write_text("THÔNG BÁO\nKết luận về kho của thủy điện Móng Sến 1\n\n1. UBND xã Đạ Huoai chi trả tiền bồi "
                    "thường cho 37 hộ trong tháng 5/2026.\n\n2. UBND Phường 2 Bảo Lộc hoàn thành chi trả tiền bồi "
                    "thường trong tháng 6/2026.\n", encoding="utf-8")
    plan = read_plan(path)
    items = {c.text[:2]: c for c in plan.clauses if c.text.startswith(("1.", "2."))}
    findings = [Finding("deadline", f"{c.text} {{0}}", [Hit(plan.source, c, 1.0)], 0.5, "sentence")
                for c in (items["2."], items["1."])]
    info = SimpleNamespace(text="UBND phải chi trả tiền bồi thường cho 37 hộ trong tháng nào?", sources=[plan.source])
    assert [f.hits[0].clause.id for f in _anchored(findings, info, [plan])] == [items["1."].id]
    info.text = "Phường 2 Bảo Lộc chi trả tiền bồi thường trong tháng nào?"  # a name the plan numbers so
    assert _anchored(findings, info, [plan]) == findings
    info.text = "Kho của thủy điện Móng Sến 2 được kiểm tra khi nào?"
    assert _anchored(findings, info, [plan]) == []
    info.text = "Kho của thủy điện Móng Sến 1 được kiểm tra khi nào?"
    assert _anchored(findings, info, [plan]) == findings


def test_a_place_named_by_its_level_and_capitalised_name_states_where():
    from assistant.answering.sentences import names_place

    assert names_place("3. Xuân Thịnh (đầm Cù Mông, phường Sông Cầu) — Kiểu quan trắc: tác động")
    assert not names_place("phát triển kinh tế - xã hội của địa phương")


def test_a_body_heading_frames_its_lines_outside_the_implementation_section():
    from assistant.answering.parts import actor_of
    from assistant.documents import Clause

    line = Clause(id="II.4.g-1", kind="bullet", text="Chủ trì, phối hợp Sở Xây dựng làm việc với các chủ mỏ đá",
                  path=("4. Đối với công tác giải phóng mặt bằng", "g) Sở Nông nghiệp và Môi trường:"), span=(0, 0))
    assert actor_of(line) == "Sở Nông nghiệp và Môi trường"
    task = Clause(id="II.1.a-1", kind="bullet", text="Tập kết máy móc",
                  path=("1. Nhà đầu tư:", "a) Khẩn trương triển khai thi công:"), span=(0, 0))
    assert actor_of(task) == ""


def test_the_line_after_an_assignment_carries_its_deadline(tmp_path):
    """"… giao Sở Tài chính chủ trì …" then "Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025":
    the date answers the deadline of that assignment though it repeats none of the question's words."""
    from assistant.answering.compose import _continues
    from assistant.answering.reading import Context
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "tb.txt"
    path.write_text("THÔNG BÁO\nKết luận\n\n1. Giao Sở Tài chính chủ trì rà soát phương án cổ phần hóa.\n\n"
                    "Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025.\n\n"
                    "2. Giao Sở Nội vụ kiện toàn Ban Chỉ đạo.\n\nBáo cáo trước ngày 30/3/2025.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    clause = {c.text[:12]: c for c in plan.clauses}
    lead = Finding("lead", "giao Sở Tài chính chủ trì {0}", [Hit(plan.source, clause["1. Giao Sở T"], 1.0)], 0.7, "sentence")
    after = Finding("deadline", "Hoàn thành … {0}", [Hit(plan.source, clause["Hoàn thành v"], 1.0)], 0.3, "sentence")
    later = Finding("deadline", "Báo cáo … {0}", [Hit(plan.source, clause["Báo cáo trướ"], 1.0)], 0.3, "sentence")
    context = Context(engine, analyze("Ai chủ trì, hạn khi nào?", []), [], [], [plan])
    assert _continues(context, after, [lead])
    assert not _continues(context, later, [lead])
    assert not _continues(context, after, [])


def test_a_units_duties_come_from_sentences_that_name_it_not_from_a_list_of_attendees():
    from assistant.answering.compose import _speaks_of
    from assistant.documents import Clause
    from assistant.retrieval.hybrid import Hit

    clause = Clause(id="0-9", kind="paragraph", span=(0, 0), path=(),
                    text="Ngày 03/01/2025, Phó Chủ tịch chủ trì họp. Tham dự họp có Thanh tra tỉnh, Sở Tài chính.")
    meeting = Finding("duties", "Ngày 03/01/2025, Phó Chủ tịch chủ trì họp {0}", [Hit("tb.txt", clause, 1.0)], 0.5, "sentence")
    named = Finding("duties", "Thanh tra tỉnh kiểm tra hồ sơ cổ phần hóa {0}", [Hit("tb.txt", clause, 1.0)], 0.5, "sentence")
    assert not _speaks_of("Thanh tra tỉnh", meeting, frozenset())
    assert _speaks_of("Thanh tra tỉnh", named, frozenset())


def test_the_time_of_a_report_asked_is_not_the_time_of_another_task(monkeypatch):
    import importlib

    from assistant.answering.reading import Context

    compose = importlib.import_module("assistant.answering.compose")
    info = analyze("Đoàn kiểm tra phải gửi báo cáo kết quả cho Giám đốc Sở trong thời hạn bao nhiêu ngày?", [])

    class _Reader:
        name = "tasks"

        def __init__(self, text):
            self.text = text

        def read(self, context, slot):
            return [Finding(slot, self.text + " {0}", [], 0.9, self.name)]

    timed = [slot for slot in info.slots if slot in {"deadline", "quantity"}]
    assert timed and "report" in info.slots
    monkeypatch.setattr(compose, "READERS", {slot: (_Reader("Thời gian kiểm tra: khoảng 02 ngày/01 đơn vị"),)
                                             for slot in timed})
    assert compose.read_slots(Context(None, info, [], ["kiem", "tra"], [])) == []
    monkeypatch.setattr(compose, "READERS", {slot: (_Reader("Gửi báo cáo kết quả trong 05 ngày làm việc"),)
                                             for slot in timed})
    assert compose.read_slots(Context(None, info, [], ["kiem", "tra"], []))


def test_a_units_duties_in_a_plan_that_assigns_by_table_are_the_rows_it_leads(tmp_path):
    from assistant.answering.sentences import _tasks_led_by
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh.md"
    path.write_text("# KẾ HOẠCH\n\nTriển khai kinh tế số\n\n## I. NHIỆM VỤ\n\n"
                    "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
                    "|---|---|---|---|---|\n"
                    "| 1 | Xây dựng nền tảng dữ liệu dùng chung | Sở Khoa học và Công nghệ | Sở Tài chính | 2026 |\n"
                    "| 2 | Đào tạo kỹ năng số cho cán bộ | Sở Nội vụ | Các sở, ngành | 2027 |\n"
                    "| 3 | Phát triển hạ tầng cáp quang | Sở Khoa học và Công nghệ | Doanh nghiệp viễn thông | 2028 |\n",
                    encoding="utf-8")
    plan = read_plan(path)
    led = [c.text for c in _tasks_led_by(plan, "Sở Khoa học và Công nghệ")]
    assert len(led) == 2 and "nền tảng dữ liệu" in led[0] and "cáp quang" in led[1]
    assert len(_tasks_led_by(plan, "Sở Nội vụ")) == 1
    assert _tasks_led_by(plan, "Sở Tài chính") == []  # it only coordinates


def test_the_task_that_answered_one_slot_answers_the_others_from_its_heading(tmp_path):
    """"… thực hiện từ tháng nào đến tháng nào, ở đâu?": the place is the one under the same
    heading as the time that was found, though retrieval did not bring it."""
    from assistant.answering.reading import Context
    from assistant.answering.records import TaskReader
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "kh.md"
    path.write_text("# KẾ HOẠCH\n\nQuan trắc môi trường\n\n## I. NỘI DUNG\n\n### 1. Vùng nuôi tôm hùm lồng, bè\n\n"
                    "a. Thời gian thực hiện: Từ tháng 3 đến tháng 11 hằng năm.\n\n"
                    "b. Địa điểm, số điểm quan trắc\n\n- Địa điểm: Vùng nuôi thuộc đầm Cù Mông và vịnh Xuân Đài.\n\n"
                    "- Số điểm quan trắc: 05 điểm.\n\n"
                    "### 2. Vùng nuôi tôm nước lợ\n\na. Thời gian thực hiện: Từ tháng 4 đến tháng 10.\n\n"
                    "b. Địa điểm, số điểm quan trắc\n\n- Địa điểm: Vùng nuôi tại phường Sông Cầu.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    time_line = next(c for c in plan.clauses if "tháng 3" in c.text)
    other = next(c for c in plan.clauses if "tháng 4" in c.text)
    info = analyze("Quan trắc vùng nuôi tôm hùm thực hiện từ tháng nào đến tháng nào, ở đâu?", [])
    answered = [Finding("deadline", "Từ tháng 3 đến tháng 11 {0}", [Hit(plan.source, time_line, 1.0)], 0.8, "sentence")]
    hits = [Hit(plan.source, time_line, 1.0), Hit(plan.source, other, 0.5)]
    context = Context(engine, info, hits, ["tom", "hum"], [plan], answered=answered)
    found = TaskReader().read(context, "place")
    assert found and "Cù Mông" in found[0].text


def test_a_task_quoted_with_its_field_cites_the_task_line_and_the_field_line(tmp_path):
    """"Tổng hợp kết quả … gửi về Sở Tài chính — Thời gian hoàn thành: Trước ngày 15/4/2026": the
    answer quotes two lines of the plan, and each is cited."""
    from assistant.answering.reading import Context
    from assistant.answering.records import TaskReader, plan_tasks
    from assistant.retrieval.hybrid import Hit

    path = tmp_path / "kh.md"
    path.write_text("# KẾ HOẠCH\n\nKiểm kê tài sản công\n\n## I. NHIỆM VỤ CỤ THỂ\n\n### 1. Ủy ban nhân dân các xã, phường\n\n"
                    "- Tổng hợp kết quả kiểm kê, báo cáo kết quả bằng văn bản gửi về Sở Tài chính.\n\n"
                    "- Thời gian hoàn thành: Trước ngày 15/4/2026.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    task = next(t for t in plan_tasks(plan) if any(f.role == "time" for f in t.fields))
    info = analyze("UBND các xã, phường gửi báo cáo kết quả kiểm kê trước ngày nào?", [])
    task_line = next(c for c in plan.clauses if c.id == task.clause)
    context = Context(engine, info, [Hit(plan.source, task_line, 1.0)], ["kết", "quả", "kiểm", "kê"], [plan])
    found = TaskReader().read(context, "deadline")
    assert found and "15/4/2026" in found[0].text
    assert "Sở Tài chính" in found[0].text  # the task's own line is quoted ...
    cited = [h.clause.text for h in found[0].hits]
    assert any("Sở Tài chính" in text for text in cited) and any("15/4/2026" in text for text in cited)  # ... and cited


def test_the_duties_of_a_post_are_the_lines_that_give_that_post_its_work(tmp_path):
    """"Trưởng đoàn có những nhiệm vụ gì?": the line "Ông … - Trưởng đoàn: …", not the Phó
    Trưởng đoàn's."""
    from assistant.answering.reading import Context
    from assistant.answering.sentences import DutiesReader
    from assistant.question import duties_post
    from assistant.text import fold

    assert duties_post(fold("Theo KH 1105, Trưởng đoàn kiểm tra có những nhiệm vụ gì?")) == "truong doan"
    assert duties_post(fold("Phó Trưởng ban chịu trách nhiệm gì?")) == "pho truong ban"
    assert duties_post(fold("Sở Y tế có nhiệm vụ gì?")) == ""
    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nKiểm tra vật liệu nổ\n\nI. THÀNH PHẦN ĐOÀN\n\n"
                    "1. Ông Hoàng Văn A - Phó Trưởng đoàn: Chủ trì kiểm tra hồ sơ.\n\n"
                    "2. Ông Nguyễn Văn B - Trưởng đoàn: Phụ trách chung; ký các văn bản của Đoàn.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    info = analyze("Trưởng đoàn kiểm tra có những nhiệm vụ gì?", [])
    found = DutiesReader().read(Context(engine, info, [], ["nhiệm", "vụ"], [plan]), "duties")
    assert found and "Phụ trách chung" in found[0].text and "Chủ trì kiểm tra hồ sơ" not in found[0].text


def test_a_unit_no_body_pattern_knows_is_a_unit_by_its_place_among_unit_headings(tmp_path):
    """"Thành đoàn … có nhiệm vụ gì?": no pattern of bodies names "Thành đoàn", but its heading
    stands among the headings of Sở and Công an; its lines are its duties. A heading among topic
    headings ("2. Mục đích") is no unit."""
    from assistant.answering.reading import Context
    from assistant.answering.sentences import DutiesReader, unit_headings

    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nTổ chức lễ hội\n\nI. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\nQuảng bá di sản.\n\n"
                    "2. Yêu cầu\n\nTiết kiệm.\n\n3. Nội dung\n\nLễ khai mạc.\n\n"
                    "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Văn hóa và Thể thao\n\nChủ trì tổ chức lễ hội.\n\n"
                    "2. Công an tỉnh\n\nBảo đảm an ninh trật tự.\n\n3. Tỉnh đoàn thanh niên\n\n"
                    "Huy động đoàn viên đón tiếp đại biểu.\n\n4. Sở Y tế\n\nBảo đảm y tế.\n", encoding="utf-8")
    plan, engine = _plan_and_engine(path)
    names = unit_headings(plan)
    assert "Tỉnh đoàn thanh niên" in names and "Sở Y tế" in names
    assert not {"Mục đích", "Yêu cầu", "Nội dung"} & set(names)
    info = analyze("Tỉnh đoàn thanh niên có nhiệm vụ gì?", [])
    found = DutiesReader().read(Context(engine, info, [], ["nhiệm", "vụ"], [plan]), "duties")
    assert found and "đón tiếp đại biểu" in found[0].text and "an ninh" not in found[0].text


def _plan_and_engine(path):
    """A plan read from a file written by the test, and the least engine a reader asks for it."""
    from types import SimpleNamespace

    from assistant.ingest.pipeline import read_plan

    plan = read_plan(path)
    return plan, SimpleNamespace(plan=lambda source: plan if source == plan.source else None)
