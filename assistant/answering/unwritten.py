"""What a question names that its plan never writes.

"… tỷ lệ cơ sở giáo dục mầm non hoàn thiện mô hình quản trị số …" of a plan whose targets
speak of schools "từ tiểu học đến trung học phổ thông" only: the clause that covers most of the
question states another object's value. When a noun the question uses to say *what* it asks
about occurs nowhere in the plan, the plan does not state it. The noun that names the *kind* of
answer ("cơ quan nào", "bao nhiêu phần trăm", "thời điểm nào") is exempt: an answer is "Sở Y
tế", "80%", a date, not those words.
"""
from __future__ import annotations

from assistant.answering.coverage import compared_syllables, content_words
from assistant.bounded_cache import BoundedCache
from assistant.documents import Plan
from assistant.question import METADATA_SLOTS, QuestionInfo
from assistant.text import fold, has_diacritics, is_vietnamese_syllable

# underthesea's tags of a word that describes a thing: a noun, or an adjective-like compound
# ("bảo hiểm y tế" is tagged A). Verbs are left out: a plan writes an act in many ways
# ("tổ chức" a meeting is "họp"), and proper names (Np) are the plan matcher's job.
_DESCRIBING_TAGS = {"N", "A"}
# A term of three syllables or more names one concept ("bảo hiểm y tế", "thẻ tín dụng"); a plan
# that deals with it writes it. Two-syllable nouns are too often a question's own wording of what
# the plan writes otherwise ("thực trạng" for "hiện trạng", "công ty" for "doanh nghiệp"): one
# counts only when the plan writes none of its syllables ("mầm non").
MIN_SYLLABLES = 3
# The question words whose noun names the kind of answer: the noun just before "nào", "gì"
# ("cơ quan chuyên môn nào"), just after "bao nhiêu", "mấy" ("bao nhiêu hợp tác xã"). Not the
# noun before "là bao nhiêu": "tỷ lệ … có thẻ tín dụng là bao nhiêu" asks of the card.
_QUESTION_WORDS = {"nao", "gi", "ai", "dau"}
_COUNT_WORDS = {"bao nhieu", "may"}


def unwritten_terms(info: QuestionInfo, plan: Plan) -> list[str]:
    """The describing words of the question, as written, that the plan never writes (folded, in
    any clause, heading or its title). Empty when the check cannot be trusted: an English
    question (its terms are renderings), a question typed without marks (underthesea segments
    folded text poorly), a plan read by OCR (misread words are not absent words), and a question
    about the document itself (its fields are read from the header, not its wording)."""
    if info.english or not has_diacritics(info.text) or plan.ocr_pages:
        return []
    if any(slot in METADATA_SLOTS for slot in info.slots):
        return []
    topic = {fold(word) for word in content_words(info, [plan])}
    text = " " + _plan_text(plan.sha256 or plan.source, plan) + " "
    missing = []
    for word, tag in _describing_words(info.text):
        syllables = compared_syllables(word, False, query=True)
        if len(syllables) < 2 or word[:1].isupper():
            continue
        if not all(s in topic and is_vietnamese_syllable(s) for s in syllables):
            continue
        if len(syllables) >= MIN_SYLLABLES and f" {' '.join(syllables)} " not in text:
            missing.append(word)
        elif tag == "N" and not any(f" {s} " in text for s in syllables):
            # A noun none of whose syllables the plan writes ("mầm non"): no rewording of what
            # the plan says shares nothing with it.
            missing.append(word)
    return missing


def _describing_words(question: str) -> list[tuple[str, str]]:
    """The question's nouns (underthesea's segmentation and tags), less those that name the kind
    of answer (see _QUESTION_WORDS)."""
    from underthesea import pos_tag

    tagged = pos_tag(question)
    words = []
    for i, (word, tag) in enumerate(tagged):
        if tag not in _DESCRIBING_TAGS:
            continue
        after = fold(tagged[i + 1][0]).lower() if i + 1 < len(tagged) else ""
        before = fold(tagged[i - 1][0]).lower() if i else ""
        if after in _QUESTION_WORDS or before in _COUNT_WORDS:
            continue
        words.append((word, tag))
    return words


_TEXTS: BoundedCache[str] = BoundedCache(16)


def _plan_text(key: str, plan: Plan) -> str:
    """The plan's words folded, one space apart: title, headings and clauses. Kept for the last
    few plans asked, keyed by content, so a re-ingested plan is read anew."""
    def make() -> str:
        parts = [plan.metadata.title or ""] + [" ".join((*clause.path, clause.text)) for clause in plan.clauses]
        return " ".join(" ".join(compared_syllables(part, False)) for part in parts)

    return _TEXTS.get(key, make)
