"""The new plan's period and the years of the template carried forward.

A template "giai đoạn 2023 - 2025" drafted in 2026 becomes "giai đoạn 2026 - 2030" (or what
`--period` says): the template's period range and its end year in "đến năm 2025" /
"trong năm 2025" become the new ones; "định hướng đến năm 2030" is dropped when the new
period reaches that year; any other year of the template's period ("năm 2024 đạt …") is
marked for review. Years in dates ("ngày 20 tháng 11 năm 2023", "10/10/2023") and document
numbers are never touched. Matching runs on the folded text, so an OCR scan's "dén nim 2025"
counts too."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.draft.model import DraftError
from assistant.text import fold

CYCLE = 5  # national socio-economic plans run 2021-2025, 2026-2030, …
_RANGE = re.compile(r"\b(20\d\d)(\s*[-–—]\s*)(20\d\d)\b")
_END = re.compile(r"\b(?:den|toi|trong)\s+n\w{0,2}m\s+(20\d\d)\b")
_SINGLE = re.compile(r"\bn\w{0,2}m\s+(20\d\d)\b")
_PERIOD_WORD = re.compile(r"(?:giai doan|thoi ky|ke hoach)\s*(?:\w+\s+){0,2}$")
_ORIENTATION = re.compile(r"(?:\s*,|\s+v\w{1,2}|\s*;)?\s*d\w{0,2}nh\s+h\w{1,4}ng\s+(?:den|toi)\s+n\w{0,2}m\s+(20\d\d)\b")
_YEAR_WORD = re.compile(r"\bn\w{0,2}m\s+(20\d\d)\b")
_DATE_BEFORE = re.compile(r"(?:thang\s+\d{1,2}|ngay\s+\d{1,2})\s*$")


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    single: bool = False  # a plan for one year ("Kế hoạch … năm 2025")

    def text(self, separator: str = " - ") -> str:
        return str(self.start) if self.start == self.end else f"{self.start}{separator}{self.end}"


def parse_period(text: str) -> Period | None:
    """"2026-2030", "2026 – 2030", "2026" → Period; blank → None."""
    if not text or not text.strip():
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–—]\s*(\d{4})\s*)?", text)
    if not match:
        raise DraftError("--period", f"{text.strip()!r} is not a period (e.g. 2026-2030 or 2026)")
    start, end = int(match.group(1)), int(match.group(2) or match.group(1))
    if not (2000 <= start <= end <= start + 15 and end <= 2100):
        raise DraftError("--period", f"{text.strip()!r}: expected two years in order, at most 15 years apart")
    return Period(start, end)


def template_period(title: str, metadata_period: str, issue_year: int | None) -> Period | None:
    """The template's own period: a range in its title, else the "đến năm …" of its title
    (from its issue year), else the metadata's period."""
    folded = fold(title)
    match = _RANGE.search(folded)
    if match:
        return Period(int(match.group(1)), int(match.group(3)))
    orientation = {m.start() for m in _ORIENTATION.finditer(folded)}
    for m in _END.finditer(folded):
        if any(o <= m.start() < o + 40 for o in orientation):
            continue
        end = int(m.group(1))
        return Period(min(issue_year or end, end), end)
    match = re.fullmatch(r"(20\d\d)-(20\d\d)", metadata_period or "")
    if match:
        return Period(int(match.group(1)), int(match.group(2)))
    years = {int(m.group(1)) for m in _SINGLE.finditer(folded)}
    if len(years) == 1:
        year = years.pop()
        return Period(year, year, single=True)
    return None


def new_period(requested: Period | None, year: int, template: Period | None) -> Period:
    """What the user set, else from the draft's year: the rest of the template's period when it
    still runs, else up to the end of the current 5-year cycle (2026 → 2026-2030)."""
    if requested:
        return requested
    if template and template.start >= year:
        return template
    if template and template.single:  # a one-year plan stays a one-year plan
        return Period(year, year, single=True)
    if template and template.end >= year:
        return Period(year, template.end)
    end = year + (-year) % CYCLE
    return Period(year, end if end > year else year + CYCLE)


@dataclass(frozen=True)
class YearEdit:
    start: int
    end: int
    replacement: str  # "" deletes
    review: str = ""  # a review note to put after the span instead of replacing it


@dataclass(frozen=True)
class YearShift:
    old: Period
    new: Period

    @property
    def active(self) -> bool:
        return self.old != self.new

    def edits(self, text: str) -> list[YearEdit]:
        """Year changes for one clause, in text order, never overlapping."""
        if not self.active:
            return []
        folded = fold(text)
        if len(folded) != len(text):  # NFD text: offsets would not match; leave it for review
            return []
        out: list[YearEdit] = []
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        def add(edit: YearEdit, span: tuple[int, int]) -> None:
            out.append(edit)
            taken.append(span)

        for m in _RANGE.finditer(folded):
            a, b = int(m.group(1)), int(m.group(3))
            if not _PERIOD_WORD.search(folded[max(0, m.start() - 30):m.start()]):
                continue  # "nhiệm kỳ 2020 - 2025" is not the plan's period
            if (a, b) == (self.old.start, self.old.end):
                add(YearEdit(m.start(), m.end(), self.new.text(text[m.start(2):m.end(2)])), m.span())
            elif a < self.new.start and a >= self.old.start - 1:
                add(YearEdit(m.end(), m.end(), "", f"năm {a}–{b} của kế hoạch mẫu"), m.span())
        for m in _ORIENTATION.finditer(folded):
            if int(m.group(1)) <= self.new.end and free(*m.span()):
                add(YearEdit(m.start(), m.end(), ""), m.span())  # "định hướng đến năm 2030" within the period
            elif free(*m.span()):
                taken.append(m.span())  # a later orientation year stays as it is
        for m in _END.finditer(folded):
            year = int(m.group(1))
            span = m.span(1)
            if not free(*span):
                continue
            if year == self.old.end:
                add(YearEdit(span[0], span[1], str(self.new.end)), span)
        for m in _YEAR_WORD.finditer(folded):
            year = int(m.group(1))
            span = m.span(1)
            if not free(*span) or _DATE_BEFORE.search(folded[max(0, m.start() - 14):m.start()]):
                continue
            if year == self.old.end and self.old.end < self.new.start:
                add(YearEdit(span[0], span[1], str(self.new.end)), span)
            elif self.old.start <= year < self.new.start:
                add(YearEdit(span[1], span[1], "", f"năm {year} của kế hoạch mẫu"), span)
        return sorted(out, key=lambda e: (e.start, e.end))

    def year(self, value: str) -> tuple[str, bool]:
        """A target's year carried forward: (new year, certain). "2025" of a plan ending in
        2025 → "2030"; "2024" → ("2024", False), to be reviewed."""
        value = (value or "").strip()
        if not self.active or not value:
            return value, True
        years = [int(y) for y in re.findall(r"20\d\d", value)]
        if not years:
            return value, True
        if len(years) == 2 and (years[0], years[1]) == (self.old.start, self.old.end):
            return self.new.text("-"), True
        if years[-1] == self.old.end:
            return str(self.new.end), True
        if all(y >= self.new.start for y in years):
            return value, True
        return value, False
