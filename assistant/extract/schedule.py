"""When: frequencies ("định kỳ hàng năm", "hàng quý/năm", "đột xuất") and deadlines ("trước ngày
10/12", "trước ngày 10 tháng 12 hằng năm", "trước ngày 10 tháng cuối quý") of one sentence part,
paired into schedules. A deadline is kept as written; its day and month are filled only when
they name a real date, and nothing is ever inferred that the text does not say."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_DEADLINE = re.compile(
    r"\b(?P<before>truoc\s+)?ngay\s+(?P<day>\d{1,2})(?!\d)\s*(?:"
    r"/\s*(?P<m1>\d{1,2})(?!\d|\s*/\s*\d)"  # 10/12, not a full date 10/10/2023
    r"|thang\s+(?P<m2>\d{1,2})(?!\d|\s*(?:/\s*\d|nam\s+\d))"  # 10 tháng 12, not … năm 2024
    r"|(?:cua\s+)?thang\s+cuoi\s+(?:cua\s+|moi\s+)?(?P<quarter>quy)"
    r")(?P<every>\s+hang\s+(?P<unit>nam|quy))?\b"
)
_FREQUENCY = re.compile(
    r"\b(?:dinh ky\s+(?:hang\s+)?|hang\s+)(?P<unit>nam|quy|thang)(?:\s*/\s*(?P<unit2>nam|quy|thang))?\b"
    r"|\b(?P<adhoc>dot xuat|kip thoi)\b"
)
_RECURRENCE = {"nam": "yearly", "quy": "quarterly"}
_CARRIES_BEFORE = re.compile(r"\s*[;,]?\s*(?:va|hoac)?\s*$")


@dataclass(frozen=True)
class Schedule:
    frequency: str = ""  # as written: "định kỳ hàng năm", "đột xuất"
    recurrence: str = ""  # "yearly" | "quarterly" | "adhoc" | ""
    deadline: str = ""  # as written: "trước ngày 10/12"
    day: int | None = None
    month: int | None = None
    valid: bool = True  # False only when a written deadline is not a real date ("31/2")


@dataclass
class _Deadline:
    start: int
    end: int
    text: str
    unit: str  # "quy" for "tháng cuối quý", else "nam"
    every: str  # the trailing "hằng năm", as written
    day: int | None
    month: int | None
    valid: bool


@dataclass
class _Frequency:
    start: int
    text: str
    unit: str  # "nam" | "quy" | "thang" | "adhoc"


def _deadlines(src: str, low: str, start: int, end: int) -> list[_Deadline]:
    found: list[_Deadline] = []
    for m in _DEADLINE.finditer(low, start, end):
        text = src[m.start():m.end()]
        if not m.group("before") and found and found[-1].text.lower().startswith("trước") \
                and _CARRIES_BEFORE.match(low[found[-1].end:m.start()].strip("( )")):
            text = "trước " + text  # "(trước ngày 10 tháng cuối quý; ngày 10/12)": one "trước" for both
        day = int(m.group("day"))
        month_text = m.group("m1") or m.group("m2")
        month = int(month_text) if month_text else None
        if m.group("quarter"):
            valid, unit = 1 <= day <= 30, "quy"  # must exist in March, June, September, December
        else:
            valid = month is not None and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]
            unit = "nam"
        every = src[m.start("every"):m.end("every")].strip() if m.group("every") else ""
        found.append(_Deadline(m.start(), m.end(), text, unit, every, day if valid else None,
                               month if valid else None, valid))
    return found


def _frequencies(src: str, low: str, start: int, end: int, inside: list[_Deadline]) -> list[_Frequency]:
    found: list[_Frequency] = []
    for m in _FREQUENCY.finditer(low, start, end):
        if any(d.start <= m.start() < d.end for d in inside):
            continue  # the "hằng năm" of "trước ngày 10 tháng 12 hằng năm" belongs to the deadline
        text = src[m.start():m.end()]
        if m.group("adhoc"):
            found.append(_Frequency(m.start(), text, "adhoc"))
        elif m.group("unit2"):  # "định kỳ hàng quý/năm": two schedules
            stem = text[:m.start("unit") - m.start()]
            for group in ("unit", "unit2"):
                word = src[m.start(group):m.end(group)]
                found.append(_Frequency(m.start(), stem + word, m.group(group)))
        else:
            found.append(_Frequency(m.start(), text, m.group("unit")))
    return found


def schedules(src: str, low: str, start: int, end: int, reporting: bool = True) -> list[Schedule]:
    """Schedules stated in src[start:end], in order; [Schedule()] when it states none.

    Frequencies and deadlines pair by unit: "hàng quý" takes "tháng cuối quý", "hàng năm"
    takes a day and month; "đột xuất" never has a deadline. "Kịp thời" makes a report ad hoc,
    but of any other duty it only means "promptly", so it counts for reports alone."""
    deadlines = _deadlines(src, low, start, end)
    frequencies = [f for f in _frequencies(src, low, start, end, deadlines)
                   if reporting or not low.startswith("kip thoi", f.start)]
    unused = list(deadlines)
    result: list[tuple[int, Schedule]] = []
    for frequency in frequencies:
        deadline = None
        if frequency.unit in ("nam", "quy"):
            deadline = next((d for d in unused if d.unit == frequency.unit), None)
        if deadline:
            unused.remove(deadline)
            result.append((frequency.start, _schedule(frequency.text, _RECURRENCE[frequency.unit], deadline)))
        else:
            recurrence = "adhoc" if frequency.unit == "adhoc" else _RECURRENCE.get(frequency.unit, "")
            result.append((frequency.start, Schedule(frequency.text.lower(), recurrence)))
    for deadline in unused:
        # "hằng năm" after the date, or "tháng cuối quý", which only exists quarterly
        unit = _every_unit(deadline.every) if deadline.every else ("quy" if deadline.unit == "quy" else "")
        recurrence = _RECURRENCE.get(unit, "")
        result.append((deadline.start, _schedule(deadline.every, recurrence, deadline)))
    return [schedule for _, schedule in sorted(result, key=lambda item: item[0])] or [Schedule()]


def _every_unit(every: str) -> str:
    return "quy" if every.lower().endswith(("quý", "quy")) else "nam"


def _schedule(frequency: str, recurrence: str, deadline: _Deadline) -> Schedule:
    return Schedule(frequency.lower(), recurrence, deadline.text, deadline.day, deadline.month, deadline.valid)
