"""Text helpers shared by the extractors.

Patterns run on a folded twin of the text (no diacritics, lower case) so that the OCR plan and
typed plans match alike; values are cut from the source at the same offsets.
"""
from __future__ import annotations

import re

from assistant.text import fold, nfc, top_level_cuts

_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+\s*\.|\d+(?:\.\d+)*\s*[.)]|[a-zđ]\s*\))\s*", re.IGNORECASE)
_EDGE = " \t\n-+•*#.;:,"


def twin(text: str) -> tuple[str, str]:
    """(source, folded) with equal lengths, so a match in one is a span in the other."""
    src = nfc(text)
    low = fold(src)
    if len(low) != len(src):  # a character whose fold changes length: fold one by one
        low = "".join((fold(ch) or "?")[:1] for ch in src)
    return src, low


def strip_numbering(text: str) -> str:
    """"3.1. Mục tiêu năm 2025." → "Mục tiêu năm 2025." ("I.", "2.", "a)" alike)."""
    return _NUMBERING.sub("", text, count=1)


def label(text: str) -> str:
    """A heading without its number and trailing punctuation: what a reader calls it."""
    return strip_numbering(text).strip(_EDGE)


def trim(src: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to its content: no surrounding spaces, bullets or clause punctuation."""
    while start < end and src[start] in _EDGE:
        start += 1
    while end > start and src[end - 1] in _EDGE:
        end -= 1
    return start, end


def split_top_level(src: str, start: int, end: int, seps: str = ";") -> list[tuple[int, int]]:
    """Split on separators outside parentheses: "(trước ngày 10 tháng cuối quý; ngày 10/12)"
    stays one piece."""
    return _pieces(src, start, end, top_level_cuts(src, lambda i: src[i] in seps, start, end))


def sentences(src: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans: a full stop outside parentheses followed by a capital letter or the end."""
    end = len(src) if end is None else end

    def ends_sentence(i: int) -> bool:
        rest = src[i + 1:end].lstrip()
        return src[i] == "." and (not rest or (rest[0].isupper() and src[i + 1:i + 2].isspace()))

    return _pieces(src, start, end, top_level_cuts(src, ends_sentence, start, end))


def _pieces(src: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """The trimmed, non-empty spans between cuts (the cut characters themselves dropped)."""
    bounds = zip([start, *(c + 1 for c in cuts)], [*cuts, end])
    return [span for span in (trim(src, s, e) for s, e in bounds) if span[1] > span[0]]


def sentence_case(text: str) -> str:
    """"ĐỊNH HƯỚNG ĐẾN NĂM 2030" → "Định hướng đến năm 2030"; mixed case is kept as written."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text
