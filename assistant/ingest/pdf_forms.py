"""Text that a PDF shows only in form-field widgets, put back where it appears on the page.

Signing software fills a decree's number and date ("Số: 173/KH-UBND", "ngày 28 tháng 4") into
widget annotations laid over blanks of the page text. pypdf's page text skips annotations, so it
reads "Số:            /KH-UBND"; the widget's appearance stream holds "173" and its /Rect says
where it is drawn. A single-line value on the height of a text line replaces the run of blanks
nearest its left edge on that line (or is put between the nearest two pieces of text); a
multi-line one (a signing stamp: "TRUNG TÂM CÔNG BÁO ...") becomes lines of its own above the
first text below it. Hidden widgets and empty appearances add nothing.

Positions come from pypdf's text visitor, whose pieces concatenate to exactly `extract_text()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PageObject
from pypdf.generic import StreamObject

_HIDDEN = 2  # annotation flag bit 2: Hidden
_SAME_LINE = 3.0  # points: pieces whose baselines differ less sit on one line
_BLANKS = re.compile(r" {2,}")
_CHAR_WIDTH = 5.0  # points, for the width of the last piece on a line


@dataclass(frozen=True)
class _Piece:
    start: int  # offset in the page text
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class FieldText:
    text: str
    left: float
    bottom: float
    top: float


def page_text_with_fields(page: PageObject) -> tuple[str, int]:
    """pypdf's text of the page with widget values inserted; and how many were inserted."""
    pieces: list[_Piece] = []
    offset = 0

    def visit(text, cm, tm, _font, _size) -> None:
        nonlocal offset
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces.append(_Piece(offset, text, x, y))
        offset += len(text)

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece.text for piece in pieces) != text:  # not the documented behaviour: leave it
        return text, 0
    fields = field_texts(page)
    taken: set[int] = set()  # blank runs already filled: two fields never share one
    insertions = [_insertion(text, pieces, field, taken) for field in fields]
    for position, removed, value in sorted(insertions, key=lambda item: item[0], reverse=True):
        text = text[:position] + value + text[position + removed:]
    return text, len(insertions)


def field_texts(page: PageObject) -> list[FieldText]:
    found = []
    for reference in page.get("/Annots") or []:
        try:
            annotation = reference.get_object()
            if annotation.get("/Subtype") != "/Widget" or int(annotation.get("/F", 0)) & _HIDDEN:
                continue
            value = _appearance_text(page, annotation) or _value_text(annotation)
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
        except Exception:  # a damaged annotation is skipped, the page text stays as pypdf reads it
            continue
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        if value:
            found.append(FieldText(value, min(x0, x1), min(y0, y1), max(y0, y1)))
    return found


def _appearance_text(page: PageObject, annotation) -> str:
    appearance = annotation.get("/AP")
    normal = appearance.get_object().get("/N") if appearance is not None else None
    normal = normal.get_object() if normal is not None else None
    if not isinstance(normal, StreamObject):  # checkbox states are a dictionary of streams
        return ""
    return page.extract_xform_text(normal) or ""


def _value_text(annotation) -> str:
    """A text field's /V when it has no appearance (its own or its parent field's)."""
    field = annotation
    while field is not None:
        if field.get("/FT") not in (None, "/Tx"):
            return ""
        value = field.get("/V")
        if isinstance(value, str):
            return value
        parent = field.get("/Parent")
        field = parent.get_object() if parent is not None else None
    return ""


def _insertion(text: str, pieces: list[_Piece], field: FieldText, taken: set[int]) -> tuple[int, int, str]:
    """(offset, characters replaced, inserted text) for one field."""
    line = _line_at(pieces, field) if "\n" not in field.text else []
    if line:
        return _inline(line, field, taken)
    below = next((p for p in pieces if p.text.strip() and p.y < field.bottom), None)
    if below is None:
        return len(text), 0, ("\n" if text and not text.endswith("\n") else "") + field.text
    start = text.rfind("\n", 0, below.start) + 1
    return start, 0, field.text + "\n"


def _line_at(pieces: list[_Piece], field: FieldText) -> list[_Piece]:
    """The text pieces of the line the field sits on, left to right (empty: no such line)."""
    inside = [p for p in pieces if p.text.strip() and field.bottom - 1 <= p.y <= field.top + 1]
    if not inside:
        return []
    middle = (field.bottom + field.top) / 2
    baseline = min(inside, key=lambda p: abs(p.y - middle)).y
    line = [p for p in pieces if p.text and "\n" not in p.text and abs(p.y - baseline) < _SAME_LINE]
    return sorted(line, key=lambda p: (p.x, p.start))


def _inline(line: list[_Piece], field: FieldText, taken: set[int]) -> tuple[int, int, str]:
    """Replace the run of blanks nearest the field's left edge, else insert at the nearest gap."""
    candidates: list[tuple[float, int, int]] = []  # (distance, offset, length replaced)
    for index, piece in enumerate(line):
        end_x = line[index + 1].x if index + 1 < len(line) else piece.x + _CHAR_WIDTH * len(piece.text)
        width = max(end_x - piece.x, 0.0) / max(len(piece.text), 1)
        for blank in _BLANKS.finditer(piece.text):
            left, right = piece.x + width * blank.start(), piece.x + width * blank.end()
            distance = 0.0 if left <= field.left <= right else min(abs(field.left - left), abs(field.left - right))
            if piece.start + blank.start() not in taken:
                candidates.append((distance, piece.start + blank.start(), len(blank.group())))
    if candidates:
        _, offset, length = min(candidates)
        taken.add(offset)
        return offset, length, f" {field.text} "
    after = [p for p in line if p.x >= field.left]
    offset = after[0].start if after else line[-1].start + len(line[-1].text)
    return offset, 0, f" {field.text} "
