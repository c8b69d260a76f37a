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


def _syllables(text: str, accented: bool, query: bool = False) -> list[str]:
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
    level_words = {"xa", "phuong", "thi", "tran", "huyen", "tinh", "thanh", "pho", "ke", "hoach", "plan", "nam"}
    if info.english:
        # Without document numbers: "(987/KH-UBND)" is no translation, and its codes name the plan.
        bare = strip_spans(info.text, reference_spans(fold(info.text)))
        text = " ".join(re.findall(r"\(([^()]*)\)", translate_english_terms(bare)))
        # Abbreviations: UBND, BTS.
        text += " " + " ".join(re.findall(r"\b[A-Z]{2,}[A-Za-z&-]*\b", bare))
        # Vietnamese names typed without marks ("Thang Long", "Da Huoai") read the same in both
        # languages; a capitalised English word ("City", "Employment Law") is not a syllable.
        names = re.findall(r"(?<=[a-z,;:(] )[A-Z][a-z]+(?: [A-Z][a-z]+)*", info.query or info.text)
        text += " " + " ".join(n for n in names if n.lower() not in _ENGLISH_FUNCTION
                               and n.lower() not in ENGLISH_TERMS  # "to Decision 1627": a term, not a name
                               and all(is_vietnamese_syllable(w) for w in n.split()))
    else:
        text = info.query or info.text
        text = apply_synonyms(strip_spans(text, reference_spans(fold(text))), keep_original=False)
        # The tail of a number whose digits named the plan and left the query ("1105/KH-ĐKT").
        text = re.sub(r"(?<![\w/])/[^\W\d_][\w&]*(?:-[\w&]+)*", " ", text)
    accented = has_diacritics(text)
    fillers = _QUESTION_FILLERS if accented else _FOLDED_FILLERS
    syllables = _without_issuer(_syllables(text, accented, query=True))
    kept = [i for i, w in enumerate(syllables) if fold(w) not in names and fold(w) not in level_words
            and fold(w) not in STOPWORDS and w not in fillers and not w.isdigit()]
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
        rest = [syllables[i] for i in kept if i not in in_title]
        if len(rest) >= 2:
            words = rest
    return words


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
    probe = words if accented else [fold(w) for w in words]
    context = _syllables(context_text, accented)
    unigrams = set(context)
    bigrams = set(zip(context, context[1:]))
    single = sum(w in unigrams for w in probe) / len(probe)
    pairs = list(zip(probe, probe[1:]))
    if not pairs:
        return single
    return 0.5 * single + 0.5 * sum(p in bigrams for p in pairs) / len(pairs)


