"""A question that asks two things at once, as one question per thing asked.

"Theo Kế hoạch 157/KH-UBND, kinh phí khen thưởng lấy từ đâu, và tỷ lệ tặng Bằng khen tối đa là
bao nhiêu?" asks two facts stated in two clauses; read as one question, no clause covers enough
of it. Split where a conjunction or comma joins two parts that each hold a question word, each
part keeps the context they share: the leading "Theo …," phrase, and the first part's topic for a
part that has none of its own ("nhiệm vụ X do đơn vị nào chủ trì và lãnh đạo nào phụ trách").
"""
from __future__ import annotations

import re
import unicodedata

from assistant.text import fold, has_diacritics

# Question words as written with marks: folded, "đâu" would be the "đầu" of "đầu tư" and "mấy"
# the "máy" of "máy móc".
_QUESTION_WORD = re.compile(r"\b(?:nào|gì|bao nhiêu|đâu|ai|bao giờ|bao lâu|mấy|ra sao|thế nào"
                            r"|which|what|who|whom|when|where|how)\b")
# Typed without marks: "dau" only after the words that ask a place ("tu dau", "o dau").
_FOLDED_QUESTION_WORD = re.compile(r"\b(?:nao|gi|bao nhieu|(?:(?<=\bo )|(?<=\btu )|(?<=\bden )|(?<=\bve ))dau|ai|bao gio|bao lau"
                                   r"|ra sao|the nao|which|what|who|whom|when|where|how)\b")
# Where two asks meet: ", và", "; ", ", còn", " và ", ", and", " and ", or a bare comma.
_JOINT = re.compile(r"\s*(?:[,;]\s*(?:va|con|and|while)\s+|;\s*|\s+(?:va|and)\s+|,\s+)")
# A leading phrase that sets the plan or the place for every ask ("Theo Kế hoạch …,", "kh 172: …").
_LEAD = re.compile(r"^(?:(?:theo|trong|o|tai|can cu|doi voi|ve|under|in|according to|for)\b[^,]*,|[^:?]{3,120}:)\s*")
# Words that join a topic to its question phrase: "X do đơn vị nào chủ trì", "X là gì".
_LINKS = {"do", "la", "duoc", "phai", "can", "se", "thi", "co", "by", "is", "are", "does"}


def split_asks(question: str) -> list[str]:
    """The question's asks, each as a question of its own; [question] when it asks one thing."""
    text = unicodedata.normalize("NFC", question).strip()
    folded = fold(text)
    lower = text.lower()
    if len(folded) != len(text) or len(lower) != len(text):  # offsets must agree; they do for NFC text
        return [question]
    asking = _QUESTION_WORD if has_diacritics(text) else _FOLDED_QUESTION_WORD
    probe = lower if has_diacritics(text) else folded
    lead = _LEAD.match(folded)
    start = lead.end() if lead and not asking.search(probe, 0, lead.end()) else 0
    cuts: list[tuple[int, int]] = []  # (end of one ask, start of the next)
    begin = start
    joints = [m for m in _JOINT.finditer(folded, start) if m.start() > begin]
    for index, joint in enumerate(joints):
        # The next ask runs to the next conjunction (a bare comma may sit inside it: "việc đánh
        # giá, xếp hạng thi đua phải xong trước ngày nào").
        following = next((j.start() for j in joints[index + 1:] if "," != j.group().strip()), len(folded))
        if (joint.start() > begin and asking.search(probe, begin, joint.start())
                and asking.search(probe, joint.end(), following)):
            cuts.append((joint.start(), joint.end()))
            begin = joint.end()
    if not cuts:
        tail = _elliptic_ask(text, probe, asking, start)
        return [f"{text[:tail[0]].rstrip(' ,')}?", f"{text[:start]}{tail[1]}?"] if tail else [question]
    prefix = text[:start]
    bounds = [start, *(b for _, b in cuts)]
    ends = [a for a, _ in cuts] + [len(text)]
    parts = [text[b:e].strip(" ,;?") for b, e in zip(bounds, ends)]
    topic = _topic(parts[0], asking)
    asks = []
    for index, part in enumerate(parts):
        if index and topic and _opens_with_question(part, asking):
            part = f"{topic} {part}"
        asks.append(f"{prefix}{part}?")
    return asks


# Question words that ask on their own ("… lên bao nhiêu"), unlike "nào", which needs its noun.
_STANDALONE = re.compile(r"(?:bao nhiêu|bao nhieu|gì|gi|đâu|dau|bao giờ|bao gio|bao lâu|bao lau|mấy|ai)\s*$")
# A last part that only adds to the one before it: a phrase led by these is no ask of its own.
_NOT_ELLIPTIC = {"theo", "tai", "trong", "o", "cua", "cho", "ve", "de", "khi", "neu", "nhu", "gom", "ke", "dung",
                 "phai", "khong", "chua", "cu", "the", "under", "in", "for", "according", "by", "please"}


def _elliptic_ask(text: str, probe: str, asking: re.Pattern, start: int) -> tuple[int, str] | None:
    """"… nâng tổng số khu công nghiệp lên bao nhiêu, tỷ lệ lấp đầy?": a short last part with no
    question word of its own asks what the part before it asks, when that part ends on a question
    word that stands alone. (where the first ask ends, the second ask) or None."""
    comma = text.rfind(", ")
    if comma <= start:
        return None
    tail = text[comma + 2:].strip(" ?")
    words = fold(tail).split()
    if not words or len(words) > 6 or words[0] in _NOT_ELLIPTIC or "khong" in words or asking.search(probe, comma):
        return None
    asked = _STANDALONE.search(probe[start:comma].rstrip(" ,"))
    if not asked:
        return None
    return comma, f"{tail} {text[start + asked.start():start + asked.end()].strip()}"


def _opens_with_question(part: str, asking: re.Pattern) -> bool:
    """An ask with no topic of its own: its question word is among its first three words
    ("lãnh đạo nào phụ trách", "trước ngày nào", "ai ký")."""
    return asking.search(" ".join(part.lower().split()[:3]) if asking is _QUESTION_WORD
                         else " ".join(fold(part).split()[:3])) is not None


def _topic(part: str, asking: re.Pattern) -> str:
    """The first ask's topic: its words before the question phrase ("nhiệm vụ phát triển nguồn
    nhân lực" of "… do đơn vị nào chủ trì"); empty when it opens with the question."""
    words = part.split()
    folded = [fold(w).strip(",;:") for w in words]
    probe = part.lower() if asking is _QUESTION_WORD else fold(part)
    found = asking.search(probe)
    if not found:
        return ""
    at = len(probe[:found.start()].split())
    if not at:
        return ""
    # The question phrase's head ("đơn vị nào", "cơ quan nào"): back to the word that links it.
    for back in range(at - 1, max(-1, at - 4), -1):
        if folded[back] in _LINKS:
            return " ".join(words[:back]).strip(" ,")
    return " ".join(words[:max(0, at - 2)]).strip(" ,")
