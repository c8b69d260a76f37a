"""The topic words of a question leave out what only names a document or its issuer."""
from assistant.answering.coverage import content_words
from assistant.plan_match import reference_spans
from assistant.question import analyze
from assistant.text import fold


def test_reference_spans_cover_kind_number_and_symbol():
    text = fold("Theo Công văn 4532/UBND-KSTTHC và QĐ 2853, Kế hoạch số 165/KH-UBND")
    found = [text[a:b] for a, b in reference_spans(text)]
    assert found == ["cong van 4532/ubnd-kstthc", "qd 2853", "ke hoach so 165/kh-ubnd"]


def test_unmatched_reference_and_issuer_are_not_topic_words():
    # No indexed plan carries 4532 (a scan may have lost it): the reference still names a
    # document, and "UBND" / "Ủy ban nhân dân" name who issues, not what is asked.
    info = analyze("Theo Công văn 4532/UBND-KSTTHC của UBND tỉnh Phú Thọ, kế hoạch rà soát thủ tục "
                   "hành chính phải gửi về đâu?", [])
    words = [fold(w) for w in content_words(info, [])]
    assert "soat" in words and "hanh" in words
    assert not {"kstthc", "ubnd", "uy", "nhan", "dan", "cong"} & set(words)


def test_english_question_keeps_unmarked_place_names_but_not_english_names_or_number_codes():
    info = analyze("Which Politburo resolution does Nghe An's plan for industrial zones (987/KH-UBND) under "
                   "the City People's Committee and the Employment Law implement?", [])
    words = [fold(w) for w in content_words(info, [])]
    assert {"nghe", "an", "chinh", "tri", "cong", "nghiep"} <= set(words)
    assert not {"kh", "ubnd", "987", "city", "people", "employment", "law"} & set(words)


def test_syllable_shape_tells_unmarked_vietnamese_from_english():
    from assistant.text import is_vietnamese_syllable

    assert all(is_vietnamese_syllable(w) for w in ("Thang", "Huoai", "Nguyen", "Nghe", "Quang"))
    assert not any(is_vietnamese_syllable(w) for w in ("City", "Law", "Employment", "People", "Hanoi"))


def test_an_abbreviation_asked_covers_the_words_it_stands_for():
    from assistant.answering.coverage import coverage
    from assistant.documents import Clause

    clause = Clause(id="1", kind="paragraph", text="Giao các sở rà soát thủ tục hành chính thuộc lĩnh vực quản lý.",
                    path=(), span=(0, 0))
    for typed in ("Sở nào rà soát TTHC?", "so nao ra soat tthc"):
        words = content_words(analyze(typed, []), [])
        assert "tthc" not in [fold(w) for w in words]
        assert {"thu", "tuc", "hanh", "chinh"} <= {fold(w) for w in words}
        assert all(fold(w) in fold(clause.text) for w in words), (typed, words)
        assert coverage(words, clause) >= 0.9


def test_english_plurals_are_translated_like_their_singular():
    from assistant.text import translate_english_terms

    assert translate_english_terms("two expressways") == "two expressways (cao tốc)"
    assert translate_english_terms("decrees") == "decrees (nghị định)"


def test_the_glossary_file_gives_every_rendering_and_only_english_questions_use_it(tmp_path):
    from assistant.text import _glossary_terms, translate_english_terms

    glossary = tmp_path / "terms.tsv"
    glossary.write_text("# a comment\nsafeguard\tbảo đảm | đảm bảo\nsocial insurance\tbảo hiểm xã hội\n\n",
                        encoding="utf-8")
    assert _glossary_terms(glossary) == {"safeguard": "bảo đảm đảm bảo", "social insurance": "bảo hiểm xã hội"}
    # The shipped glossary reaches an English question ...
    assert "(thủy sản)" in translate_english_terms("Which agency monitors the fishery zones of the plan?")
    # ... with the general vocabulary of plans beside the administrative terms, plurals in -ies too ...
    translated = translate_english_terms("How many sampling rounds do the facilities of the lobster farms get?")
    assert "(lấy mẫu)" in translated and "facilities (cơ sở" in translated and "(tôm hùm)" in translated
    # ... and not a Vietnamese one typed without marks, whose syllables can spell English words.
    assert translate_english_terms("ty le lap day khu cong nghiep dat bao nhieu?") == \
        "ty le lap day khu cong nghiep dat bao nhieu?"


def _one_plan(tmp_path, title: str):
    from assistant.ingest.pipeline import read_plan

    path = tmp_path / "kh.txt"
    path.write_text(f"ỦY BAN NHÂN DÂN TỈNH KHÊ NAM\n\nKẾ HOẠCH\n{title}\n\nI. MỤC ĐÍCH\n\n1. Nội dung.\n",
                    encoding="utf-8")
    return read_plan(path)


def test_title_words_are_dropped_as_pairs_so_folded_homographs_stay(tmp_path):
    # "nhân dân" is in the header, "hướng dẫn" is asked: folded, "dân" and "dẫn" are one word.
    plan = _one_plan(tmp_path, "Kiểm kê tài sản kết cấu hạ tầng")
    info = analyze("kiem ke tai san: so xay dung huong dan kiem ke nhung loai tai san ket cau ha tang nao", [plan])
    words = content_words(info, [plan])
    assert {"xay", "dung", "huong", "dan", "loai"} <= set(words)
    assert not {"kiem", "ke", "tai", "san", "ket", "cau"} & set(words)


def test_the_tail_of_a_plan_number_is_no_topic_word(tmp_path):
    plan = _one_plan(tmp_path, "Kiểm tra vật liệu nổ")
    info = analyze("ke hoach 1105/kh-dkt: don vi duoc kiem tra phai chuan bi bao cao theo mau nao?", [plan])
    info.query = "/kh-dkt: don vi duoc kiem tra phai chuan bi bao cao theo mau nao?"  # "1105" named the plan
    words = content_words(info, [plan])
    assert not {"kh", "dkt", "phai"} & set(words) and "mau" in words


def test_task_text_is_covered_by_syllables_not_substrings():
    from assistant.answering.coverage import text_coverage

    # A substring test finds "quan" in "quản lý" and "chi" in "chỉ tiêu".
    assert text_coverage(["cơ", "quan", "chỉ"], "Rà soát quản lý các chỉ tiêu") < 0.34
    assert text_coverage(["cơ", "chế", "thử", "nghiệm"], "Xây dựng cơ chế và triển khai thử nghiệm") > 0.8


def test_level_words_are_dropped_only_where_they_name_a_place():
    # "thành lập", "phương pháp", "xã hội", "tình hình" are words; "tỉnh Quảng Ngãi", "cấp xã",
    # "thị xã", "thành phố" say where, and "chỉ thị" which document.
    info = analyze("Theo chỉ thị của tỉnh Quảng Ngãi, các xã thành lập tổ công tác theo phương pháp nào?", [])
    words = [fold(w) for w in content_words(info, [])]
    assert {"thanh", "lap", "phuong", "phap"} <= set(words)
    assert not {"tinh", "xa", "chi", "thi"} & set(words)
    folded = analyze("cap xa bao cao tinh hinh xa hoi cua thi xa theo phuong phap nao", [])
    words = [fold(w) for w in content_words(folded, [])]
    assert {"tinh", "hinh", "hoi", "phuong", "phap"} <= set(words)
    assert words.count("xa") == 1  # the "xa" of "xa hoi"; not "cap xa", not "thi xa"


def test_accented_stopwords_are_told_from_the_words_they_fold_like():
    # folded, "hội", "vị", "tư", "tài", "đổ" read as the stopwords "hỏi", "vì", "từ", "tại", "do"
    info = analyze("Đơn vị nào tổ chức hội nghị về đầu tư tài sản, bãi đổ thải ở đâu?", [])
    words = set(content_words(info, []))
    assert {"vị", "hội", "tư", "tài", "đổ"} <= words
    assert not {"về", "ở"} & words


def test_a_word_typed_without_marks_matches_the_marked_text_folded():
    from assistant.answering.coverage import text_coverage

    text = "3. Xuân Thịnh (đầm Cù Mông, phường Sông Cầu) — Mô tả điểm quan trắc: vùng nuôi tôm hùm"
    # an English question's translation ("điểm") with marks, a name typed bare ("xuan thinh")
    assert text_coverage(["điểm", "xuan", "thinh"], text) > 0.6
    # marked words still match marked text only: "thi" is no "thịnh"
    assert text_coverage(["điểm", "thi"], text) < text_coverage(["điểm", "thịnh"], text)


def test_an_english_question_about_places_with_marked_names_is_english():
    """Marked place names ("Lâm Đồng", "Tân Phú–Bảo Lộc") and a quoted Vietnamese term do not make
    an English question Vietnamese; loanwords in a Vietnamese question do not make it English."""
    from assistant.text import looks_english

    assert looks_english("In Lâm Đồng's conclusion notice on the Tân Phú–Bảo Lộc and Bảo Lộc–Liên Khương "
                         "expressways, which unit is assigned to lead (chủ trì) the work with households?")
    assert looks_english("Which units coordinate (đơn vị phối hợp) on the task of restructuring industry in Lào Cai?")
    assert not looks_english("Kế hoạch triển khai ứng dụng AI, big data, IoT, cloud computing cho doanh nghiệp do sở nào chủ trì?")
    assert not looks_english("Sở Y tế triển khai smartphone và wifi miễn phí cho người dân ở đâu?")


def test_a_vietnamese_question_typed_without_marks_is_not_english():
    from assistant.text import looks_english

    assert not looks_english("ke hoach do ubnd tinh ban hanh to chuc the nao")
    assert not looks_english("de nghi mat tran to quoc va cac to chuc doan the phoi hop the nao")
    assert looks_english("which department leads the plan of Can Tho and by when does it report?")
    assert looks_english("who signed plan 172 and when was it issued?")


def test_what_a_whose_question_asks_of_stays_a_topic_word_though_the_title_names_it(tmp_path):
    plan = _one_plan(tmp_path, "Kết luận của đồng chí Phó Chủ tịch về tiến độ thi công tuyến cao tốc")
    words = content_words(analyze("Thông báo về tiến độ thi công tuyến cao tốc là kết luận của ai?", [plan]), [plan])
    assert {"kết", "luận"} <= set(words)
    assert not {"tiến", "độ", "cao", "tốc"} & set(words)  # the rest of the title still names the plan


def test_an_english_term_keeps_every_word_of_its_rendering(tmp_path):
    # "ngày" and "làm" shape Vietnamese questions ("ngày nào", "làm gì"); rendered from English they are the term.
    plan = _one_plan(tmp_path, "Kiểm tra vật liệu nổ công nghiệp")
    info = analyze("How many working days does the inspection of each unit take?", [plan])
    assert info.english
    assert {"ngày", "làm", "việc"} <= set(content_words(info, [plan]))


def test_a_level_word_inside_another_word_is_a_topic_syllable():
    # "xã" of "xã hội" is no level of government; "cấp xã", "các xã, phường" are.
    social = content_words(analyze("Tỷ lệ người hưởng trợ giúp xã hội nhận tiền qua tài khoản là bao nhiêu?", []), [])
    assert ["xã", "hội"] == social[social.index("xã"):social.index("xã") + 2]
    assert "xã" not in content_words(analyze("UBND cấp xã báo cáo UBND tỉnh kết quả gì?", []), [])
    assert "xã" not in content_words(analyze("Các xã, phường báo cáo kết quả gì?", []), [])


def test_vietnamese_quoted_in_an_english_question_is_not_translated():
    from assistant.text import translate_english_terms

    out = translate_english_terms("Which items must provincial departments (so, ban, nganh) base their work on?")
    assert "(so, ban, nganh)" in out and "cấm" not in out  # its "ban" is no English "ban"
    assert "sở" in out  # "departments" still is
    # an English aside in brackets is translated as before
    assert "cao điểm" in translate_english_terms("What are the dates of the first (peak) round of the plan?")
    assert "cấm" in translate_english_terms("Who enforces the ban on burning straw under the plan?")
