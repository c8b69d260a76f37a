"""Targets: indicator, value, unit and year, from bullets under MỤC TIÊU-like headings and from
appendix table rows (one target per year column). Values are kept as written ("37,7")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents import Clause, Plan
from assistant.extract.common import label, sentence_case, split_top_level, trim, twin
from assistant.text import fold

CONTRACT_FIELDS = ("source", "clause", "indicator", "value", "unit", "year", "text")


@dataclass
class Target:
    source: str
    clause: str
    indicator: str
    comparator: str  # "trên" | "tối thiểu" | "đạt" | ">" | "≥" | "<" | "≤" | ""
    value: str  # as written: "37,7", "80", "02 đến 04", "Có"
    unit: str  # "%", "Mbps", "thuê bao/100 dân", "kết nối", …
    year: str  # "2025", "2025-2026"
    period_label: str  # "Năm 2025", "Thực hiện năm 2022", "Giai đoạn 2025 – 2026"
    text: str

    def to_json(self) -> dict:
        row = {name: getattr(self, name) for name in CONTRACT_FIELDS}
        row.update(comparator=self.comparator, period_label=self.period_label)
        return row


_TARGET_HEADING = re.compile(r"(?:muc tieu|dinh huong)\b")
_YEAR = re.compile(r"\b(?:nam|giai doan|thoi ky|den)\s+(\d{4})(?:\s*[-–]\s*(\d{4}))?")
_BY_YEAR = re.compile(r"\bden nam\s+(\d{4})\b")
_NUM = r"\d+(?:[.,]\d+)?(?:\s*(?:den|-|–)\s*\d+(?:[.,]\d+)?)?"
# Longest first; "ket n?i" tolerates the OCR "két ndi" for "kết nối".
_UNIT = (r"(?:%|mbps|gbps|gb/s|tb/s|mb/s|thue bao/100 dan|thue bao|ket n[a-z0-9]i|tai khoan|dinh danh so"
         r"|thiet bi|dien thoai)(?![\w/])")
_CMP = r"(?:tren|toi thieu|it nhat|duoi|hon|>=?|<=?|≥|≤)"
_AFTER_COLON = re.compile(rf":\s*(?:(?P<cmp>{_CMP})\s+)?(?:duy tri\s+)?(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
_AFTER_DAT = re.compile(rf"\bdat\s+(?:(?P<cmp>{_CMP})\s+)?(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
_LEADING = re.compile(rf"\s*(?P<num>{_NUM})\s*(?P<unit>%)")
_ANYWHERE = re.compile(rf"(?:(?P<cmp>{_CMP})\s+)?(?<![\w,.])(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
_TRAILING_CMP = re.compile(rf"\s+(?P<cmp>{_CMP})\s*$")
_COMPARATORS = {"tren": "trên", "toi thieu": "tối thiểu", "it nhat": "tối thiểu", "duoi": "<", "hon": ">",
                "dat": "đạt", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
                "≥": "≥", "≤": "≤"}
_UNITS = {"%": "%", "mbps": "Mbps", "gbps": "Gbps", "gb/s": "Gb/s", "tb/s": "Tb/s", "mb/s": "Mb/s",
          "thue bao/100 dan": "thuê bao/100 dân", "thue bao": "thuê bao", "tai khoan": "tài khoản",
          "dinh danh so": "định danh số", "thiet bi": "thiết bị", "dien thoai": "điện thoại"}
_CELL = re.compile(r"\s*(?P<cmp>[<>]=?|≥|≤)?\s*(?P<value>.*?)\s*(?P<unit>%)?\s*$")
_ROW_NUMBER = re.compile(r"^\s*\d+\s*[.)]?\s*")


def _unit(folded: str, written: str) -> str:
    if folded.startswith("ket n"):
        return "kết nối"
    return _UNITS.get(folded.lower(), written)


def _period(path: tuple[str, ...]) -> tuple[str, str] | None:
    """(year, label) from the innermost heading that states one, under a MỤC TIÊU-like heading."""
    top = next((i for i, heading in enumerate(path) if _TARGET_HEADING.match(fold(label(heading)))), None)
    if top is None:
        return None
    for heading in reversed(path[top:]):
        m = _YEAR.search(fold(heading))
        if m:
            year = f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
            return year, sentence_case(label(heading))
    return "", sentence_case(label(path[top]))


def _bullet_value(src: str, low: str, start: int, end: int) -> tuple[str, str, str, str] | None:
    """(indicator, comparator, value, unit) of one bullet part, or None when it states no number."""
    for pattern, place in ((_AFTER_COLON, "before"), (_AFTER_DAT, "before"), (_LEADING, "after"),
                           (_ANYWHERE, "whole")):
        m = pattern.match(low, start, end) if place == "after" else pattern.search(low, start, end)
        if not m:
            continue
        written = m.groupdict().get("cmp")
        comparator = _COMPARATORS.get(written or ("dat" if pattern is _AFTER_DAT else ""), "")
        if place == "before":
            indicator = src[slice(*trim(src, start, m.start()))]
            trailing = _TRAILING_CMP.search(fold(indicator))
            if trailing and not comparator:  # "… điện thoại thông minh trên: 90%"
                comparator = _COMPARATORS[trailing.group("cmp")]
                indicator = indicator[:trailing.start()]
        elif place == "after":
            indicator = src[slice(*trim(src, m.end(), end))]
        else:
            indicator = src[slice(*trim(src, start, end))]
        value = src[m.start("num"):m.end("num")]
        return indicator, comparator, value, _unit(low[m.start("unit"):m.end("unit")], src[m.start("unit"):m.end("unit")])
    return None


def _bullet_targets(source: str, clause: Clause, year: str, period_label: str) -> list[Target]:
    src, low = twin(clause.text)
    by_year = _BY_YEAR.search(low)  # "Phấn đấu đến năm 2026, …" overrides the heading's period
    year = by_year.group(1) if by_year else year
    found: list[Target] = []
    topic = ""
    for index, (start, end) in enumerate(split_top_level(src, 0, len(src))):
        parsed = _bullet_value(src, low, start, end)
        if index == 0:
            colon = src.find(":", start, end)
            topic = src[start:colon].strip() if colon > 0 and not _AFTER_COLON.search(low, start, end) else ""
        if not parsed:
            continue
        indicator, comparator, value, unit = parsed
        if index > 0 and topic and ":" not in indicator:  # "Tỷ lệ dùng chung cột treo cáp: …; Liên ngành … đạt 100%"
            indicator = f"{topic}: {indicator}"
        found.append(Target(source, clause.id, indicator, comparator, value, unit, year, period_label, clause.text))
    return found


def _row_targets(source: str, clause: Clause) -> list[Target]:
    """One target per year column of an appendix row: ("Năm 2025", ">80") → ">" "80"."""
    indicator = _ROW_NUMBER.sub("", clause.text.split(" — ", 1)[0]).strip(" .")
    unit_cell = next((value for header, value in clause.columns if fold(header).startswith("don vi")), "")
    found: list[Target] = []
    for header, cell in clause.columns:
        year = re.search(r"\b(\d{4})\b", header)
        if not year or not cell.strip():
            continue
        m = _CELL.match(cell)
        comparator = {">=": "≥", "<=": "≤"}.get(m.group("cmp") or "", m.group("cmp") or "")  # "≥" stays "≥"
        unit = "%" if m.group("unit") else _unit(fold(unit_cell).strip(), unit_cell.strip())
        found.append(Target(source, clause.id, indicator, comparator, m.group("value"), unit, year.group(1),
                            header, clause.text))
    return found


def extract_targets(plan: Plan) -> list[Target]:
    """Targets of one plan in document order (a row's year columns left to right)."""
    found: list[Target] = []
    for clause in plan.clauses:
        if clause.kind == "row" and clause.columns:
            found.extend(_row_targets(plan.source, clause))
        elif clause.kind not in ("section", "item", "subitem", "title", "row"):
            period = _period(clause.path)
            if period:
                found.extend(_bullet_targets(plan.source, clause, *period))
    return found
