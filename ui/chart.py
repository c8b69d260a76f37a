"""The targets chart: one indicator compared across plans and years, actual figures told apart
from targets, comparison signs kept, every label in full.

Indicators line up across plans through their normalised name: abbreviations replaced by what
they stand for ("BRDĐ" → "băng rộng di động"), diacritics folded, years, numbers and punctuation
dropped. The chart is HTML (rows of label, bar and value), so long names wrap instead of being
cut, the numbers are text a screen reader reads, and it fits a 390-px phone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import ABBREVIATIONS, fold
from ui.render import escape_text

ACTUAL = "Thực hiện"
TARGET = "Mục tiêu"

# A period label naming a figure already reached ("Thực hiện năm 2022", "Hiện trạng 2020",
# "Ước thực hiện 2024", "Kết quả đạt được") rather than one to reach.
_ACTUAL_LABEL = re.compile(r"\b(?:thuc hien|hien trang|uoc (?:thuc hien|dat)|ket qua|da dat)\b")
# Comparators as the extractor keeps them → the sign shown before the value.
SIGNS = {"trên": ">", "hơn": ">", ">": ">", "tối thiểu": "≥", "ít nhất": "≥", "≥": "≥", ">=": "≥",
         "dưới": "<", "<": "<", "≤": "≤", "<=": "≤", "tối đa": "≤", "đạt": ""}
_ABBREVIATIONS = {fold(short): long for short, long in ABBREVIATIONS.items()}
_TOKEN = re.compile(r"[\w&-]+", re.UNICODE)


def expand_all(text: str) -> str:
    """Each known abbreviation (two capitals or more: "BRDĐ", "DNVT") replaced by its expansion."""
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if sum(ch.isupper() for ch in token) < 2:
            return token
        return _ABBREVIATIONS.get(fold(token), token)

    return _TOKEN.sub(replace, text or "")


def indicator_key(indicator: str) -> str:
    """The name indicators are compared on: abbreviations expanded, folded, no years, numbers or
    punctuation ("Số thuê bao BRDD/100 dân" and "Số thuê bao băng rộng di động/100 dân" meet)."""
    folded = fold(expand_all(indicator))
    folded = re.sub(r"\b(?:nam|giai doan|den)\s+\d{4}\b|\d+(?:[.,]\d+)?|[^a-z ]", " ", folded)
    return " ".join(folded.split())


def parse_number(value) -> float | None:
    """"37,7" → 37.7, "1.000" → 1000, "95" → 95; ranges and words ("02 đến 04", "Có") → None."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value or "").strip().replace(" ", "")
    if not re.fullmatch(r"\d[\d.,]*", text):
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


def target_kind(target) -> str:
    """ACTUAL for a figure already reached (its period says so), else TARGET."""
    return ACTUAL if _ACTUAL_LABEL.search(fold(getattr(target, "period_label", "") or "")) else TARGET


def value_text(target) -> str:
    """The value as the plan states it, sign included: ">90 %", "≥50 %", "70 Mbps"."""
    comparator = (getattr(target, "comparator", "") or "").strip()
    sign = SIGNS.get(comparator.lower(), comparator)
    unit = (target.unit or "").strip()
    return f"{sign}{target.value}" + (f" {unit}" if unit else "")


@dataclass(frozen=True)
class Bar:
    plan: str  # the plan's label ("thị xã Mường Lay")
    kind: str  # ACTUAL | TARGET
    year: str
    value: float
    shown: str  # value_text: sign, value, unit
    unit: str
    indicator: str  # the indicator as this plan writes it
    clause: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.year}".strip()


def chart_bars(targets, labels: dict[str, str], key: str) -> list[Bar]:
    """One bar per plan, kind and year for the indicator `key` (duplicates stated twice in a
    plan, in a bullet and its appendix row, kept once), plans in name order, years in order."""
    bars: dict[tuple, Bar] = {}
    for target in targets:
        value = parse_number(target.value)
        if value is None or indicator_key(target.indicator) != key:
            continue
        plan = labels.get(target.source, target.source)
        year = " ".join(str(target.year or "").split())
        bar = Bar(plan, target_kind(target), year, value, value_text(target), (target.unit or "").strip(),
                  " ".join(str(target.indicator).split()), target.clause)
        bars.setdefault((plan, bar.kind, year, bar.unit), bar)
    return sorted(bars.values(), key=lambda b: (fold(b.plan), b.year, b.kind != ACTUAL))


def chart_html(bars: list[Bar], title: str = "") -> str:
    """Rows of label · bar · value grouped by plan; bars scaled per unit; actual figures hatched
    grey, targets blue, with a legend."""
    if not bars:
        return '<div class="tchart tchart-empty">Chọn một chỉ tiêu có số liệu để so sánh.</div>'
    top = {}
    for bar in bars:  # one scale per unit; a percentage is drawn against 100 %
        top[bar.unit] = max(top.get(bar.unit, 100.0 if bar.unit == "%" else 0.0), bar.value)
    html = [f'<div class="tchart" role="figure" aria-label="{escape_text("Biểu đồ chỉ tiêu: " + title)}">']
    if title:
        html.append(f'<div class="tchart-title">{escape_text(title)}</div>')
    html.append('<div class="tchart-legend"><span><i class="sw actual"></i>Thực hiện (số liệu đã đạt)</span>'
                '<span><i class="sw target"></i>Mục tiêu (phải đạt)</span></div>')
    groups: dict[str, list[Bar]] = {}
    for bar in bars:
        groups.setdefault(bar.plan, []).append(bar)
    for plan, rows in groups.items():
        names = list(dict.fromkeys(b.indicator for b in rows))
        html.append(f'<div class="tchart-group"><div class="tchart-plan">{escape_text(plan)}</div>'
                    f'<div class="tchart-name">{escape_text(" · ".join(names))}</div>')
        for bar in rows:
            scale = top[bar.unit] or 1.0
            width = max(1.0, min(100.0, 100.0 * bar.value / scale))
            kind = "actual" if bar.kind == ACTUAL else "target"
            html.append(f'<div class="tchart-row {kind}"><span class="tchart-label">{escape_text(bar.label)}</span>'
                        f'<span class="tchart-track"><span class="tchart-bar {kind}" style="width:{width:.1f}%">'
                        f'</span></span><span class="tchart-value">{escape_text(bar.shown)}</span></div>')
        html.append("</div>")
    html.append("</div>")
    return "".join(html)
