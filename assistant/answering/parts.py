"""Clause parts (sentence-like pieces) and how they are chosen and quoted with [n] marks."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents import Clause
from assistant.answers import Citation
from assistant.question import QuestionInfo
from assistant.retrieval.hybrid import Hit
from assistant.text import fold, top_level_cuts

DATE = re.compile(r"truoc ngay\s+\d{1,2}(?:\s*/\s*\d{1,2}|\s+thang\s+(?:\d{1,2}|cuoi quy))"
                   r"|ngay\s+\d{1,2}\s+thang\s+\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{4})?")
PERIODIC = re.compile(r"dinh ky\s+(?:hang|hang|moi)?\s*(?:nam|quy|thang)|hang nam|hang quy|dot xuat")
# Cue words each intent looks for inside a clause part (folded).
# Inner letters are wildcards where OCR misreads them ("bao cdo", "Téng hop", "phdi hop").
INTENT_PART_CUES = {
    "report": r"bao c\wo\b|gui (?:ve|ke hoach|bao cao)|t\wng hop",
    "deadline": r"truoc ngay|dinh ky|hang nam|hang quy|dot xuat",
    "lead": r"chu tr\w\b|dau m\wi|phu trach|tham m\wu",
    "coordinate": r"ph\w{1,2}\s?hop",
    "funding": r"kinh phi|ngan sach|nguon von|du toan|bo tri",
    "target": r"\d",
    "duties": r".",
    "general": r".",
}
ORG_SECTION = re.compile(r"to chuc thuc hien")
UNIT_LEVEL_HEADING = re.compile(r"^[\dIVX]+[.)]\s*")


@dataclass
class Part:
    hit: Hit
    text: str
    score: float


def split_parts(text: str) -> list[str]:
    """Sentence-like parts of a clause: split at '.' or ';' ending a statement, never inside
    parentheses ("(trước ngày 10 tháng cuối quý; ngày 10 tháng 12 hàng năm)" stays whole). A '.'
    after two digits is a number's or an item's ("2025.", "12."), not an end; a ';' always ends
    ("trước ngày 28/4/2026; khẩn trương …" is two parts)."""
    def ends_part(i: int) -> bool:
        return (text[i] in ".;" and (i + 1 == len(text) or text[i + 1] == " ")
                and (text[i] == ";" or not text[max(0, i - 2):i].isdigit()))

    bounds = [0, *(c + 1 for c in top_level_cuts(text, ends_part)), len(text)]
    parts = [p for p in (text[a:b].strip() for a, b in zip(bounds, bounds[1:])) if len(p) > 2]
    return _joined_subjects(parts)


# The execution article of a decision or a directive: "Chánh Văn phòng UBND tỉnh; Giám đốc các
# Sở …; Chủ tịch UBND các xã … chịu trách nhiệm thi hành Quyết định này." Its ';' separate the
# subjects of one predicate, not statements: cut there, the first subjects would be lost.
_EXECUTION = re.compile(r"\b(?:chiu|co) trach nhiem (?:thi hanh|thuc hien|trien khai)\b")


def _joined_subjects(parts: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []  # short parts without a predicate of their own, waiting for one
    for part in parts:
        if _EXECUTION.search(fold(part)) and run:
            out.append("; ".join([*(p.rstrip(" ;") for p in run), part]))
            run = []
            continue
        if part.endswith(";") and ":" not in part and len(part.split()) <= 25:
            run.append(part)
            continue
        out += run + [part]
        run = []
    return out + run


def actor_of(clause: Clause) -> str:
    """The unit a clause assigns work to: its nearest numbered heading inside the
    'Tổ chức thực hiện' section (the heading text without its number)."""
    path = list(clause.path)
    if not any(ORG_SECTION.search(fold(h)) for h in path):
        # Outside that section, a heading that is a body's name and nothing else ("g) Sở Nông
        # nghiệp và Môi trường:", as a conclusion notice assigns its tasks) frames its lines.
        heading = path[-1] if path else ""
        name = re.sub(r"^\s*(?:[a-zđ]|\d+(?:\.\d+)*|[IVX]+)[.)]\s*", "", heading).split(":")[0].strip().rstrip(".")
        return name if heading.rstrip().endswith(":") and _names_one_body(name) else ""
    below = [h for h in path if not ORG_SECTION.search(fold(h))]
    candidates = [*below, clause.text] if clause.kind in {"item", "letter"} and not below else below
    for heading in reversed(candidates):
        name = UNIT_LEVEL_HEADING.sub("", heading).split(":")[0].strip().rstrip(".")
        if name and not re.match(r"^[a-zđ]\)", heading):
            return name
    return ""


def _names_one_body(name: str) -> bool:
    from assistant.extract.common import twin
    from assistant.extract.entities import match_body

    if not name or len(name.split()) > 12:
        return False
    src, low = twin(name)
    span = match_body(src, low, 0)
    return span is not None and span[1] >= len(src.rstrip())


def _bodies_in(text: str) -> list[str]:
    from assistant.extract.entities import bodies_named

    return bodies_named(text)


# "2. Giám đốc Sở Giao thông vận tải" alone on its line: a lead whose colon a scan lost.
_BARE_LEAD_LINE = re.compile(r"^\s*(?:[a-zđ]|\d+(?:\.\d+)*|[IVX]+)[.)]\s*(?P<lead>[^:;.]{3,80}?)\s*$")
_LEAD_LINE = re.compile(r"^\s*(?:[a-zđ]|\d+(?:\.\d+)*|[IVX]+)[.)]\s*(?P<lead>[^:;.]{3,80}):\s*$")


def lead_frame(plan, clause: Clause, positions: dict[str, dict[str, int]] | None = None) -> str:
    """The short numbered lead a flat letter puts above a unit's duties ("e) Sở Tài chính:",
    then its bullets): the segmenter nests them only inside sections, and a directive or a
    letter often has none. "" when the clause sits in a section or follows no such lead.
    `positions` keeps each plan's clause index across the calls of one reading."""
    if plan is None or clause.path or clause.kind not in {"bullet", "paragraph"}:
        return ""
    clauses = plan.clauses
    positions = {} if positions is None else positions
    if plan.source not in positions:
        positions[plan.source] = {c.id: i for i, c in enumerate(clauses)}
    index = positions[plan.source].get(clause.id)
    for previous in reversed(clauses[:index] if index is not None else []):
        if previous.path:
            return ""
        if previous.kind in {"item", "letter"}:
            found = _LEAD_LINE.match(previous.text) or _BARE_LEAD_LINE.match(previous.text)
            lead = found.group("lead").strip() if found else ""
            # Without its colon (a scan drops it) the lead must be a body's name, not a topic.
            return lead if found and (found.re is _LEAD_LINE or _bodies_in(lead)) else ""
        if previous.kind not in {"bullet", "paragraph"}:
            return ""
    return ""


class Citations:
    """Numbered citations in order of first use."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []

    def mark(self, hit: Hit) -> str:
        for n, known in enumerate(self.hits, start=1):
            if known.source == hit.source and known.clause.id == hit.clause.id:
                return f"[{n}]"
        self.hits.append(hit)
        return f"[{len(self.hits)}]"

    def build(self) -> list[Citation]:
        return [Citation(h.source, h.clause.id, list(h.clause.path), h.clause.text, round(h.score, 4)) for h in self.hits]


def best_parts(info: QuestionInfo, hits: list[Hit], words: list[str], cue: str, limit: int) -> list[Part]:
    """Clause parts that carry the intent's cue, ranked by word overlap with the question (the
    heading path counts), retrieval rank, and whether the part holds the question's own cue
    phrase ("đầu mối" asked → the part saying "đầu mối")."""
    asked_cues = {m.group(0) for m in re.finditer(cue, info.folded)} if cue != "." else set()
    parts: list[Part] = []
    for rank, hit in enumerate(hits):
        heading = fold(" ".join(hit.clause.path))
        for part in split_parts(hit.clause.text) or [hit.clause.text]:
            folded = fold(part)
            if not re.search(cue, folded):
                continue
            overlap = sum(fold(w) in folded or fold(w) in heading for w in words) / max(1, len(words))
            bonus = 1.0 if any(c in folded for c in asked_cues) else 0.0
            if info.years and any(y in part or y in " ".join(hit.clause.path) for y in info.years):
                bonus += 0.5  # "năm 2025" asked: the 2025 bullet, not the 2030 one
            parts.append(Part(hit, part, 2 * overlap + bonus + 1.0 / (1 + rank)))
    parts.sort(key=lambda p: -p.score)
    chosen: list[Part] = []
    for part in parts:
        if all(part.hit.clause.id != c.hit.clause.id or part.hit.source != c.hit.source for c in chosen):
            chosen.append(part)
        if len(chosen) == limit:
            break
    return chosen


def year_heading(clause: Clause) -> str:
    """The nearest heading naming a year ("1. Mục tiêu đến năm 2025"), when the clause does not."""
    if re.search(r"\b20\d\d\b", clause.text):
        return ""
    for heading in reversed(clause.path):
        if re.search(r"\b20\d\d\b", heading) and len(heading) <= 120:
            return UNIT_LEVEL_HEADING.sub("", heading).rstrip(" .:")
    return ""


def quote(part: Part, citations: Citations, english: bool, with_actor: bool = True) -> str:
    actor = actor_of(part.hit.clause) if with_actor else ""
    actor = actor or year_heading(part.hit.clause)
    text = part.text.rstrip(" ;.")
    if actor and fold(actor) not in fold(text):
        lead = f"{actor}: " if not english else f"{actor} — "
        return f"{lead}{text} {citations.mark(part.hit)}."
    return f"{text[:1].upper()}{text[1:]} {citations.mark(part.hit)}."


