"""Typed records of drafting: what the user asks for, and the draft the writers render.

A draft is a list of blocks made of segments; a segment is plain text, a highlighted value
kept from the template (a target), or a review note "[CẦN XEM LẠI: …]". The .docx and the
Markdown writers render the same model, so the preview shows exactly what the file holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

REVIEW_PREFIX = "CẦN XEM LẠI"


class DraftError(ValueError):
    """Bad input: `option` names the command-line option (or field), `reason` says why.
    `vietnamese`: the reason is already the Vietnamese sentence shown to the user (the checks
    against the administrative map), so the web form shows it as it is."""

    def __init__(self, option: str, reason: str, vietnamese: bool = False) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason
        self.vietnamese = vietnamese


@dataclass(frozen=True)
class Unit:
    """An administrative unit: level word ("phường", "thành phố") and name ("Hòa An")."""

    level: str
    name: str

    @property
    def full(self) -> str:
        return f"{self.level} {self.name}".strip()


@dataclass
class DraftRequest:
    template: str  # a file path, a plan name known to the index/corpus, or "auto"
    locality: str  # "phường Ninh Kiều", "ninh kieu": checked against the administrative map
    parent: str = ""  # "thành phố Cần Thơ"; since 01/7/2025 the default is the province's UBND
    province: str = ""  # "Cần Thơ" or "thành phố Cần Thơ"
    based_on: str = ""  # "Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ"
    number: str = ""  # "87" or "87/KH-UBND"; blank leaves "Số:      /KH-UBND" for the văn thư
    date: str = ""  # dd/mm/yyyy
    signer: str = ""
    signer_title: str = ""  # "Phó Chủ tịch" | "Chủ tịch" (default: as in the template)
    period: str = ""  # "2026-2030" or "2026"; default: from the draft's date (assistant.draft.period)
    index: str = "index"
    corpus: str = "corpus"


@dataclass(frozen=True)
class Segment:
    text: str
    review: bool = False  # a "[CẦN XEM LẠI: …]" note: highlighted, never silently kept
    highlight: bool = False  # a value kept from the template that must be checked (targets)


def review(note: str) -> Segment:
    return Segment(f"[{REVIEW_PREFIX}: {note}]", review=True)


@dataclass
class Block:
    """One paragraph of the body. kind: heading1 (I.), heading2 (1.), heading3 (1.1.), paragraph,
    bullet, letter, note (a review note on its own line)."""

    kind: str
    segments: list[Segment]
    clause: str = ""  # template clause id it comes from

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass
class TargetRow:
    indicator: str
    value: str  # as written in the template, to be checked
    unit: str
    year: str  # carried forward to the new period ("2030"), or the template's with a review mark
    clause: str
    template_year: str = ""  # the year the template set the value for
    year_certain: bool = True  # False: a year inside the template's period, to be reviewed


@dataclass
class Table:
    title: list[Segment]
    subtitle: list[Segment]
    header: list[str]
    rows: list[list[list[Segment]]]  # rows of cells of segments
    group_rows: set[int] = field(default_factory=set)  # rows that are group headings (I, II, …)
    note: list[Segment] = field(default_factory=list)  # a review note under the title (old years)


@dataclass
class Draft:
    template: str  # source of the template plan
    locality: "Unit"
    issuer: list[str]  # header lines, upper case: ["ỦY BAN NHÂN DÂN", "PHƯỜNG HÒA AN"]
    number_line: str  # "Số: 15/KH-UBND"
    place_date: str  # "Hòa An, ngày 05 tháng 3 năm 2026"
    doc_type: str  # "KẾ HOẠCH"
    summary: list[Segment]
    body: list[Block]
    recipients: list[list[Segment]]  # each "- …;" line, the last "- Lưu: VT, …."
    signature_titles: list[str]  # ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    signer: list[Segment]
    targets: list[TargetRow] = field(default_factory=list)
    appendix: Table | None = None
    reviews: list[str] = field(default_factory=list)  # one line per kind of review left to do
    why: str = ""  # how the template was chosen (for --template auto)
    issue_date: date | None = None
    period: str = ""  # the new plan's period ("2026 - 2030")

    def review_count(self) -> int:
        blocks = [*self.body, Block("x", self.summary), Block("x", self.signer)]
        count = sum(s.review for b in blocks for s in b.segments)
        count += sum(s.review for line in self.recipients for s in line)
        return count
