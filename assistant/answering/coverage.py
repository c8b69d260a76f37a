"""How much of a question a clause covers: the gate between answering and "not found"."""
from __future__ import annotations

import re

from assistant.documents import Clause, Plan
from assistant.plan_match import cards, reference_spans, strip_spans
from assistant.question import QuestionInfo, locality_words
from assistant.retrieval.tokenize import STOPWORDS
from assistant.text import (
    apply_synonyms,
    lexical_form,
    diacritic_ratio,
    expand_abbreviations,
    expand_query_abbreviations,
    fold,
    has_diacritics,
    is_vietnamese_syllable,
    translate_english_terms,
    ENGLISH_TERMS,
    unify_iy,
)

MIN_COVERAGE = 0.34


def compared_syllables(text: str, accented: bool, query: bool = False) -> list[str]:
    """The syllables a question and a plan are compared by: lexical form, lower case, folded
    unless `accented`; a question (`query`) read as typed casually."""
    # Abbreviations replaced by what they stand for on both sides ("TTHC" asked, "thủ tục hành
    # chính" written); a question's lower-case "tthc" too.
    text = (expand_query_abbreviations if query else expand_abbreviations)(lexical_form(text), keep=False)
    words = re.findall(r"\w+", text.lower())
    return words if accented else [fold(w) for w in words]


# Words that shape a question but are never the topic ("bao lâu một lần", "những việc gì").
_QUESTION_FILLERS = {"lâu", "lần", "mấy", "nhiêu", "gì", "nào", "làm", "phải", "cần", "những", "đâu",
                     "không", "hãy", "biết", "lau", "lan", "nhieu", "dau", "khong", "ơ", "ở", "o", "sẽ", "se",
                     "thì", "là", "vậy", "vay", "dùng", "dung", "trước", "truoc", "ngày", "ngay", "hạn", "han",
                     "khi", "bao", "tên", "ten", "gì", "gi"}


# A question typed without marks: its fillers folded, but for "dung", which is the "dựng" of
# "xây dựng" as often as the "dùng" of a question.
_FOLDED_FILLERS = {fold(w) for w in _QUESTION_FILLERS} - {"dung"}

_ENGLISH_FUNCTION = {"the", "which", "what", "who", "when", "where", "how", "in", "under", "according", "by",
                     "for", "of", "to", "plan", "plans", "is", "are", "does", "do"}


def content_words(info: QuestionInfo, plans: list[Plan], drop_title: bool = True) -> list[str]:
    """Topic syllables of the question in order (for bigrams): no stopwords, no locality names,
    no level words; accented when the question has diacritics. An English question counts only
    its domain terms, in their Vietnamese translation: English words never occur in the plans."""
    names = locality_words(plans)
    names |= {unify_iy(word) for word in names}  # "my" of Phú Mỹ is "mi" in the lexical form
    if info.english:
        # Without document numbers: "(987/KH-UBND)" is no translation, and its codes name the plan.
        bare = strip_spans(info.text, reference_spans(fold(info.text)))
        text = " ".join(re.findall(r"\(([^()]*)\)", translate_english_terms(bare)))
        # Abbreviations: UBND, BTS.
        text += " " + " ".join(re.findall(r"\b[A-Z]{2,}[A-Za-z&-]*\b", bare))
        # Vietnamese names typed without marks ("Thang Long", "Da Huoai") read the same in both
        # languages; a capitalised English word ("City", "Employment Law") is not a syllable.
        typed_names = re.findall(r"(?<=[a-z,;:(] )[A-Z][a-z]+(?: [A-Z][a-z]+)*", info.query or info.text)
        text += " " + " ".join(n for n in typed_names if n.lower() not in _ENGLISH_FUNCTION
                               and n.lower() not in ENGLISH_TERMS  # "to Decision 1627": a term, not a name
                               and all(is_vietnamese_syllable(w) for w in n.split()))
        names = set()  # the names typed are the topic of an English question
    else:
        text = info.query or info.text
        text = apply_synonyms(strip_spans(text, reference_spans(fold(text))), keep_original=False)
        # The tail of a number whose digits named the plan and left the query ("1105/KH-ĐKT").
        text = re.sub(r"(?<![\w/])/[^\W\d_][\w&]*(?:-[\w&]+)*", " ", text)
    accented = has_diacritics(text)
    # An English question's Vietnamese words are renderings of its terms ("working day": "ngày làm
    # việc"), never the words that shape a Vietnamese question.
    fillers = set() if info.english else _QUESTION_FILLERS if accented else _FOLDED_FILLERS
    syllables = _without_issuer(compared_syllables(text, accented, query=True))
    places = _place_words(syllables, names, accented)
    kept = [i for i, w in enumerate(syllables) if i not in places and not _is_stopword(syllables, i, accented)
            and w not in fillers and not w.isdigit()]
    words = [syllables[i] for i in kept]
    if len(plans) == 1 and drop_title:
        # Words that only repeat the plan's own title name the plan, not the fact asked
        # ("Kinh phí thực hiện Kế hoạch triển khai thi hành Luật Việc làm … từ nguồn nào?").
        # Compared as pairs of the question as written: the "dẫn" of "hướng dẫn" is not the
        # "dân" of "nhân dân" once folded.
        topic = cards(plans)[0].topic
        title = set(zip(topic, topic[1:]))
        folded = [fold(w) for w in syllables]
        in_title = {j for i, pair in enumerate(zip(folded, folded[1:])) if pair in title for j in (i, i + 1)}
        # The post whose holder is asked is the topic, even where the title names its body
        # ("Ai là Trưởng đoàn …" of the plan of "Đoàn kiểm tra …").
        post = info.post.split()
        for i in range(len(folded) - len(post) + 1):
            if post and folded[i:i + len(post)] == post:
                in_title -= set(range(i, i + len(post)))
        # What a "whose" question asks of is its topic too ("… là kết luận của ai?" of the notice
        # titled "Kết luận của đồng chí …"): the title words just before "của ai".
        for i in range(1, len(folded) - 1):
            if folded[i:i + 2] == ["cua", "ai"]:
                j = i - 1
                while j >= 0 and j in in_title:
                    in_title.discard(j)
                    j -= 1
        rest = [syllables[i] for i in kept if i not in in_title]
        if len(rest) >= 2:
            words = rest
    return words


# Words that name a level of government or the document itself. Some syllables are level words
# only beside another ("thị xã", "thành phố": not the "thị" of "chỉ thị", the "thành" of "thành
# lập"); typed without marks, "xa", "phuong", "tinh" and "nam" are level words only beside a
# place name or another level word ("tinh quang ngai", "cap xa"), not in "xa hoi", "phuong phap",
# "tinh hinh".
_LEVEL_PAIRS = {("thi", "xa"), ("thi", "tran"), ("thanh", "pho"), ("ke", "hoach"), ("dac", "khu"), ("chi", "thi")}
_DOCUMENT_ABBREVIATIONS = {"kh", "qd", "tb", "cv", "ct", "nq"}  # KH 1105, TB kết luận
_LEVEL_ACCENTED = {"xã", "phường", "huyện", "tỉnh", "quận", "năm", "plan", *_DOCUMENT_ABBREVIATIONS}
_LEVEL_FOLDED = {"huyen", "plan", *_DOCUMENT_ABBREVIATIONS}
_LEVEL_FOLDED_AMBIGUOUS = {"xa", "phuong", "tinh", "nam"}
_LEVEL_NEIGHBOURS = {"cap", "cac", "toan", "ubnd", "moi", "tung"}
# Stopwords as typed with marks: folded, "hội" (hội nghị), "vị" (đơn vị), "tư" (đầu tư) would be
# taken for "hỏi", "vì", "từ".
_ACCENTED_STOPWORDS = frozenset("""và của các những cho với trong theo được là có để về này đó từ tại trên mà như
nhằm một nhiều hoặc khi sẽ đã đang cũng còn bị bởi ra vào nên nếu hay rằng vì từng mỗi ai gì nào sao thế
không chưa hỏi biết xin nhé à ơi""".split())
_FOLDED_AMBIGUOUS_STOPWORDS = {"hoi", "vi", "tu"}


def _inside_other_words(syllables: list[str], level: set[int]) -> set[int]:
    """Level words that are a syllable of another word: the "xã" of "xã hội" ("trợ giúp xã hội"),
    as underthesea segments the question; "xã phường", "cấp xã" stay levels."""
    from assistant.retrieval.tokenize import segment_words

    words = segment_words(" ".join(syllables))
    if sum(len(word.split()) for word in words) != len(syllables):
        return set()  # the segmenter did not keep to the syllables: no positions to trust
    inside: set[int] = set()
    position = 0
    for word in words:
        width = len(word.split())
        span = range(position, position + width)
        if width > 1 and any(j not in level for j in span):
            inside |= {j for j in span if j in level and syllables[j].lower() in _LEVEL_ACCENTED}
        position += width
    return inside


def _place_words(syllables: list[str], names: set[str], accented: bool) -> set[int]:
    """Positions of the words that only say where or which level: runs of place names and level
    words ("tỉnh Quảng Ngãi", "UBND thị xã", "cấp xã"). A lone syllable of a place name is a word
    ("an" of "an toàn" where a plan's place is "An Phú")."""
    folded = [fold(w) for w in syllables]
    level: set[int] = set()
    for i, w in enumerate(folded):
        pair_next = i + 1 < len(folded) and (w, folded[i + 1]) in _LEVEL_PAIRS
        pair_prev = i > 0 and (folded[i - 1], w) in _LEVEL_PAIRS
        single = syllables[i].lower() in (_LEVEL_ACCENTED if accented else _LEVEL_FOLDED)
        if pair_next or pair_prev or single:
            level.add(i)
    if accented:
        level -= _inside_other_words(syllables, level)
    name = {i for i, w in enumerate(folded) if w in names}
    if not accented:
        for i, w in enumerate(folded):
            if w in _LEVEL_FOLDED_AMBIGUOUS and any(
                    j in name or j in level or (j == i - 1 and folded[j] in _LEVEL_NEIGHBOURS) for j in (i - 1, i + 1)):
                level.add(i)
    # A name syllable counts as a place when it stands in a run with a level word or another name.
    places = set(level)
    for i in name:
        if any(j in name or j in level for j in (i - 1, i + 1)):
            places.add(i)
    return places


def _is_stopword(syllables: list[str], i: int, accented: bool) -> bool:
    word = syllables[i]
    if accented and has_diacritics(word):
        return word.lower() in _ACCENTED_STOPWORDS
    folded = fold(word)
    if folded not in STOPWORDS:
        return False
    if folded in _FOLDED_AMBIGUOUS_STOPWORDS:
        # "hoi nghi", "don vi", "dau tu": beside a word that is not a stopword it is that word's half
        neighbours = [fold(syllables[j]) for j in (i - 1, i + 1) if 0 <= j < len(syllables)]
        return not any(n not in STOPWORDS and n.isalpha() for n in neighbours)
    return True


_ISSUER = ("uy", "ban", "nhan", "dan")


def _without_issuer(words: list[str]) -> list[str]:
    """"Ủy ban nhân dân" (typed or expanded from UBND) names who issues or receives, in nearly
    every clause of every plan: as topic words it only dilutes what the question asks."""
    out, i = [], 0
    while i < len(words):
        if tuple(fold(w) for w in words[i:i + 4]) == _ISSUER:
            i += 4
            continue
        if fold(words[i]) == "ubnd":
            i += 1
            continue
        out.append(words[i])
        i += 1
    return out


def coverage(words: list[str], clause: Clause) -> float:
    """Share of the question's topic syllables, and of its adjacent pairs, found in the clause
    (heading path included). Accented words match accented text; a clause without diacritics
    (a scan) is matched folded. Pairs keep "thời tiết" from matching "thời kỳ … chi tiết"."""
    return text_coverage(words, " ".join((*clause.path, clause.text)))


def text_coverage(words: list[str], context_text: str) -> float:
    """`coverage` of any text: a task's title, heading and fields read as one."""
    if not words:
        return 0.0
    accented = diacritic_ratio(context_text) >= 0.3 and has_diacritics(" ".join(words))
    # Each word as typed: one with marks matches marked text, one without ("Xuan Thinh" in an
    # English question, a name typed bare) matches the text folded.
    marked = [accented and has_diacritics(w) for w in words]
    probe = [w if m else fold(w) for w, m in zip(words, marked)]
    context = compared_syllables(context_text, accented) if accented else []
    folded_context = compared_syllables(context_text, False)
    unigrams, folded_unigrams = set(context), set(folded_context)
    bigrams, folded_bigrams = set(zip(context, context[1:])), set(zip(folded_context, folded_context[1:]))
    single = sum((w in unigrams) if m else (w in folded_unigrams) for w, m in zip(probe, marked)) / len(probe)
    pairs = list(zip(probe, probe[1:], marked, marked[1:]))
    if not pairs:
        return single
    found = sum(((a, b) in bigrams) if ma and mb else ((fold(a), fold(b)) in folded_bigrams) for a, b, ma, mb in pairs)
    return 0.5 * single + 0.5 * found / len(pairs)


