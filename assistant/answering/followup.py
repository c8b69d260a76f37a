"""Follow-up questions read against the earlier questions of the same conversation.

    reading = read_followup(["Ở phường Long Mỹ, Phòng Văn hóa - Xã hội báo cáo … hạn khi nào?"],
                            "còn xã Tịnh Thiện thì sao?", engine.plans)
    reading.question     # "Ở xã Tịnh Thiện, Phòng Văn hóa - Xã hội báo cáo … hạn khi nào?"
    reading.plan         # the source of xã Tịnh Thiện's plan
    reading.explanation  # "Hiểu là: Ở xã Tịnh Thiện, …"

Two kinds of follow-up, told apart by what is left once the follow-up words ("còn", "thế còn",
"thì sao") and the things it names (a locality, a year, a unit) are taken out:
- nothing left ("còn xã Tịnh Thiện thì sao?", "còn năm 2030?", "còn Công an xã?"): the previous
  question again, the new locality, year or unit in place of the old one;
- a question left ("thế còn hạn báo cáo?", "ai phối hợp?"): that question, about the previous
  unit and locality unless it names its own.
A question is read as a follow-up when it opens or closes with those words, or when it is short
(a few words) and names no plan; any other question stands alone. The history is the user's
earlier questions as typed: each is read against the ones before it, so a chain of follow-ups
works. Only `assistant.question.analyze` and `plans_named` are used from question analysis.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.question import analyze, plans_named
from assistant.text import fold, has_diacritics

MAX_HISTORY = 8  # earlier questions replayed; older ones no longer steer a reading
SHORT_WORDS = 4  # a question this short that names no plan is read as a follow-up

# Folded follow-up words at the start ("còn", "thế còn", "vậy còn", "và") and at the end ("thì sao").
_LEAD = re.compile(r"^\s*(?:(?:the|vay|va|con|nhung|ok|vang|da)\s*,?\s+)*con\b\s*|^\s*(?:va|vay)\b\s*")
_TAIL = re.compile(r"\s*(?:\bthi\s+)?(?:\bsao|\bthe nao|\bra sao|\bnhi|\bnua|\bvay|\ba|\bthi)?\s*[?.!…]*\s*$")
_TAIL_CUE = re.compile(r"\b(?:thi sao|the thi sao|ra sao)\b|\bnua\s*[?.!]*\s*$")
_FILLER = {"thi", "sao", "the", "nao", "vay", "nhi", "nua", "a", "o", "tai", "cua", "voi", "cho", "ve", "con",
           "va", "ra", "do", "nay", "ay", "trong", "tren", "dia", "ban", "ke", "hoach", "nam"}
# Intents about the plan as a whole: a unit of the previous question is not carried into them.
_PLAN_LEVEL = {"signer", "number", "issue_date", "recipients", "basis", "replaces", "target", "funding",
               "contact", "compare"}

# Heads of a unit's name (a body that acts or is reported to). Accented forms are matched in
# accented questions; in a question typed without diacritics, the folded forms except those that
# fold onto common words ("hỏi"/"hội", "số"/"sở", "tờ"/"tổ", "bản"/"ban").
_UNIT_HEADS = ["ủy ban nhân dân", "uỷ ban nhân dân", "ubnd", "hđnd", "hội đồng nhân dân", "phòng", "công chức",
               "công an", "văn phòng", "trung tâm", "ban", "sở", "các doanh nghiệp", "doanh nghiệp", "dnvt",
               "mặt trận", "đoàn", "hội", "tổ", "đài", "bưu điện", "ban chỉ huy", "chi nhánh", "các đơn vị",
               "các cơ quan", "viettel", "vnpt", "mobifone", "cán bộ"]
_AMBIGUOUS_FOLDED = {"ban", "so", "hoi", "to", "dai", "doan"}
# Words that end a unit's name: verbs of duty and question words.
_UNIT_STOP = {"bao", "phai", "lam", "co", "la", "chu", "phoi", "gui", "thuc", "tham", "duoc", "truoc", "khi", "ai",
              "gi", "nao", "thi", "o", "tai", "cua", "ve", "cho", "voi", "trong", "han", "theo", "da", "se", "can",
              "nop", "lap", "ky", "dinh", "hang", "moi", "bao", "tong", "trien", "phu", "chiu", "nhan", "va", "sao",
              "nam", "ra", "the", "vay", "nhu", "bang", "den", "tu", "khong", "hay"}
_MAX_UNIT_WORDS = 9
_LEVELS = ("thanh pho", "thi tran", "thi xa", "phuong", "huyen", "tinh", "xa", "quan", "dac khu")
_WORD = re.compile(r"[\w&]+(?:[-–][\w&]+)*|\s[-–]\s", re.UNICODE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Reading:
    """How a question is answered: the question to ask, the plan it is about (a source; None
    when the question itself, or the caller's filter, decides), and "Hiểu là: …" when it was
    read against the conversation ("" for a question that stands alone)."""

    question: str
    plan: str | None = None
    explanation: str = ""

    @property
    def is_followup(self) -> bool:
        return bool(self.explanation)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


# -- what a question names -----------------------------------------------------------------------
def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _folded(text: str) -> str:
    """fold() keeping positions (one character in, one out), so spans found in the folded text
    cut the question as typed."""
    out = fold(text)
    return out if len(out) == len(text) else "".join(fold(ch)[:1] or " " for ch in text)


def _locality_spans(text: str, plans) -> list[tuple[_Span, str]]:
    """(span, source) of each plan locality named in the text, level word included ("xã Tịnh Thiện")."""
    folded = _folded(text)
    levels = "|".join(_LEVELS)
    found = []
    for plan in plans:
        name = fold(plan.metadata.locality_name or "").strip()
        if len(name) < 2:
            continue
        pattern = rf"(?:\b(?:{levels})\s+)?\b{re.escape(name)}\b"
        for match in re.finditer(pattern, folded):
            found.append((_Span(match.start(), match.end(), text[match.start():match.end()]), plan.source))
    found.sort(key=lambda item: (item[0].start, -item[0].end))
    kept, last_end = [], -1
    for span, source in found:
        if span.start >= last_end:
            kept.append((span, source))
            last_end = span.end
    return kept


def _unit_span(text: str, blocked: list[_Span]) -> _Span | None:
    """The first unit the text names ("Phòng Văn hóa - Xã hội", "Công an xã"): from a unit head
    to the next verb, question word, punctuation or locality."""
    lowered = text.lower()
    folded = _folded(text)
    accented = has_diacritics(text)
    best = None
    for head in _UNIT_HEADS:
        key = fold(head)
        if accented:
            matches = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(head)}(?!\w)", lowered)]
        elif key in _AMBIGUOUS_FOLDED:
            continue
        else:
            matches = [m.start() for m in re.finditer(rf"\b{re.escape(key)}\b", folded)]
        for start in matches:
            if any(b.start <= start < b.end for b in blocked):
                continue
            if best is None or start < best:
                best = start
    if best is None:
        return None
    end = best
    words = 0
    for match in _WORD.finditer(text, best):
        if match.start() > end and text[end:match.start()].strip():  # punctuation in between
            break
        token = fold(match.group(0).strip())
        if any(b.start <= match.start() < b.end for b in blocked):
            break
        if words and token in _UNIT_STOP:
            break
        end = match.end()
        words += 1
        if words >= _MAX_UNIT_WORDS:
            break
    unit = text[best:end].strip(" -–,")
    return _Span(best, best + len(unit), unit) if unit else None


@dataclass(frozen=True)
class _Names:
    localities: list[tuple[_Span, str]]
    years: list[str]
    unit: _Span | None


def _names(text: str, plans) -> _Names:
    localities = _locality_spans(text, plans)
    return _Names(localities, _YEAR.findall(text), _unit_span(text, [s for s, _ in localities]))


# -- reading -------------------------------------------------------------------------------------
def _strip_cues(text: str) -> tuple[str, bool]:
    """The question without its follow-up words, and whether it had any."""
    folded = _folded(text)
    lead = _LEAD.match(folded)
    start = lead.end() if lead and lead.end() > 0 else 0
    cue = start > 0 or bool(_TAIL_CUE.search(folded))
    tail = _TAIL.search(folded, start)
    end = tail.start() if tail and tail.start() >= start else len(text)
    if cue and _TAIL_CUE.search(folded):
        end = min(end, _TAIL_CUE.search(folded).start())
    return text[start:end].strip(" ,;:"), cue


def _remove(text: str, spans: list[_Span]) -> str:
    for span in sorted(spans, key=lambda s: -s.start):
        text = text[:span.start] + " " + text[span.end:]
    return " ".join(text.split())


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _FILLER and not _YEAR.fullmatch(w)]


def _replace(text: str, old: _Span, new: str) -> str:
    return text[:old.start] + new + text[old.end:]


def _with_context(question: str, extra: list[str]) -> str:
    body = question.rstrip(" ?.!…")
    body = body[:1].upper() + body[1:]
    return f"{body} ({', '.join(extra)})?" if extra else f"{body}?"


def _single_source(text: str, plans) -> str | None:
    sources = plans_named(text, plans)
    return sources[0] if len(sources) == 1 else None


def _locality_name(source: str, plans, typed: str) -> str:
    plan = next((p for p in plans if p.source == source), None)
    return (plan.metadata.locality or typed) if plan else typed


def _read_one(previous: Reading | None, question: str, plans) -> Reading:
    question = _nfc(question)
    alone = Reading(question, _single_source(question, plans))
    if previous is None:
        return alone
    core, cue = _strip_cues(question)
    names = _names(core, plans)
    info = analyze(core or question, plans)
    named_plan = bool(info.sources) or bool(names.localities)
    if not cue and (named_plan or len(core.split()) > SHORT_WORDS):
        return alone
    rest = _remove(core, [s for s, _ in names.localities] + ([names.unit] if names.unit else []))
    rest = _YEAR.sub(" ", rest)
    left = _content_words(rest)
    before = previous.question
    old = _names(before, plans)
    new_plan = names.localities[0][1] if names.localities else (info.sources[0] if len(info.sources) == 1 else None)

    if not left:  # the previous question again, with what the follow-up names in place of the old
        text = before
        if names.unit and old.unit:
            text = _replace(text, old.unit, names.unit.text)
        old = _names(text, plans)
        if names.localities:
            typed = names.localities[0][0].text
            shown = _locality_name(names.localities[0][1], plans, typed)
            text = _replace(text, old.localities[0][0], shown) if old.localities else _with_context(text, [shown])
        elif info.sources and not old.localities:
            text = _with_context(text, [_locality_name(info.sources[0], plans, "")])
        if names.years:
            if old.years:
                text = _YEAR.sub(names.years[0], text)
            else:
                text = _with_context(text, [f"năm {names.years[0]}"])
        if names.unit and not old.unit:
            text = _with_context(text, [names.unit.text])
        if text == before:  # it named nothing we could place: read it on its own
            return alone
        plan = new_plan or (None if names.localities else previous.plan)
        return Reading(text, plan, f"Hiểu là: {text}")

    # A new question about the previous unit and locality (and year), unless it names its own.
    extra = []
    if not names.unit and old.unit and info.intent not in _PLAN_LEVEL:
        extra.append(old.unit.text)
    if not named_plan and old.localities:
        extra.append(_locality_name(old.localities[0][1], plans, old.localities[0][0].text))
    if not names.years and old.years and info.intent in ("target", "general"):
        extra.append(f"năm {old.years[0]}")
    plan = new_plan or (None if named_plan else previous.plan)
    if not extra and plan == alone.plan:
        return alone
    text = _with_context(core or question, extra)
    return Reading(text, plan, f"Hiểu là: {text}")


def read_followup(history: list[str], question: str, plans) -> Reading:
    """How to answer `question` after the earlier questions `history` (oldest first, as typed)."""
    reading = None
    for earlier in [h for h in (history or []) if (h or "").strip()][-MAX_HISTORY:]:
        reading = _read_one(reading, earlier, plans)
    return _read_one(reading, question, plans)
