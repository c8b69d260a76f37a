"""Line-level clean-up of received text: markdown emphasis and HTML tags out, NFC in.

The result is what a reader sees (clause text for display); matching forms are made later by
`assistant.text`.
"""
from __future__ import annotations

import re
import unicodedata

_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s*")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
# "**Phụ lục****CÁC CHỈ TIÊU**", "2030***(Kèm": emphasis runs glued together stand for a space.
_ADJACENT_BOLD = re.compile(r"(?<=\S)\*{3,}(?=\S)")
_EMPHASIS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)")
_SPACES = re.compile(r"[ \u00a0\u2002\u2003\u2009]+")
_HORIZONTAL_RULE = re.compile(r"^\s*([-*_])\s*(\1\s*){2,}$")


def is_horizontal_rule(raw: str) -> bool:
    return bool(_HORIZONTAL_RULE.match(raw))


def clean_line(raw: str) -> str:
    """One source line as a reader sees it: no markdown heading marks, emphasis or HTML tags."""
    text = unicodedata.normalize("NFC", raw)
    text = _HEADING_MARK.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _ADJACENT_BOLD.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_cell(raw: str) -> str:
    return clean_line(raw.replace("\t", " "))


def ends_sentence(text: str) -> bool:
    """Whether a line closes its sentence; a line that does not is a hard wrap when the next
    line carries on in lower case."""
    return bool(text) and text.rstrip()[-1] in ".:;!?)…/\"”»"
