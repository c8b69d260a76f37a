"""Responsibilities: who reports to whom, by when, and who leads, coordinates or advises.

Read per sentence part (sentences split on ";" outside parentheses), because one clause often
holds several duties: "Chủ trì …; định kỳ hàng năm trước ngày 10/12, báo cáo UBND thành phố
(qua Phòng …) về kết quả thực hiện." The actor is the heading of the Tổ chức thực hiện item, or
the subject the sentence names ("các doanh nghiệp viễn thông … gửi kế hoạch về …").
Reporting lines are taken from the whole plan; other duties only from the assigning section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents import Clause, Plan
from assistant.extract.common import label, sentences, split_top_level, strip_numbering, trim, twin
from assistant.extract.entities import body_text, heading_actor, match_bodies, named_subject, subject
from assistant.extract.schedule import Schedule, schedules
from assistant.text import fold

CONTRACT_FIELDS = ("source", "clause", "actor", "role", "action", "recipient", "via", "deadline", "frequency", "text")


@dataclass
class Obligation:
    source: str
    clause: str
    actor: str
    role: str  # "báo cáo", "gửi", "phản ánh", "chủ trì", "phối hợp", "tham mưu", "đầu mối", "thực hiện"…
    action: str  # the sentence part, as written
    recipient: str = ""
    via: str = ""
    deadline: str = ""  # as written, "" when the text gives none
    deadline_day: int | None = None
    deadline_month: int | None = None
    recurrence: str = ""  # "yearly" | "quarterly" | "adhoc" | ""
    frequency: str = ""  # as written: "định kỳ hàng năm", "đột xuất"
    deadline_valid: bool = True  # False when a written deadline is not a real date ("31/2")
    text: str = ""  # the clause text

    def to_json(self) -> dict:
        """DESIGN §3 fields first, in contract order; normalised fields after."""
        row = {name: getattr(self, name) for name in CONTRACT_FIELDS}
        row.update(deadline_day=self.deadline_day, deadline_month=self.deadline_month,
                   recurrence=self.recurrence, deadline_valid=self.deadline_valid)
        return row


_ASSIGNING = re.compile(r"to chuc thuc hien|che do bao cao|trach nhiem thuc hien|phan cong (?:nhiem vu|trach nhiem)")
_HEADING_KINDS = {"section", "item", "subitem", "letter", "title"}
_REPORT = re.compile(r"\b(?:bao c[a-z]o|gui|phan anh|phan hoi)\b")  # "bao cdo": OCR of "báo cáo"
_NOT_A_REPORT = re.compile(r"(?:che do|\()\s*$")  # "chế độ báo cáo", "(báo cáo)" in Nơi nhận
_FOLLOW_UP = re.compile(r"\bde\s+(?:tong hop\s*,?\s*)?(?P<verb>bao c[a-z]o|tham m\w{1,2})\b")
_DIRECT = re.compile(r"\s*(?:(?:cho|ve|len)\s+)?")
_TOWARDS = re.compile(r"\b(?:ve|gui|len|toi)\s+")
_VIA = re.compile(r"\bqua\s+")
_ADVISE = re.compile(r"\btham m\w{1,2}\s+(?:cho\s+)?")
_DUTY = re.compile(
    r"(?:(?:can cu|tren co so)\b[^;]*?,\s*)?(?:(?:la|kip thoi|nghien cuu,?|tang cuong|tiep tuc|co trach nhiem|don vi)\s+)*"
    r"(?P<role>chu tri|dau moi|tham m\w{1,2}|ph\w{1,2} hop|h\w{2,3}ng d\w{1,2}n|ho tro|theo doi)\b"
)
_AFTER_SUBJECT = re.compile(r"[\s:]*")
_REPORTING = {"báo cáo", "gửi", "phản ánh", "phản hồi"}
_ROLE_NAMES = (("bao c", "báo cáo"), ("gui", "gửi"), ("phan anh", "phản ánh"), ("phan hoi", "phản hồi"),
               ("chu tri", "chủ trì"), ("dau moi", "đầu mối"), ("tham m", "tham mưu"), ("ph", "phối hợp"),
               ("ho tro", "hỗ trợ"), ("theo doi", "theo dõi"), ("h", "hướng dẫn"))


def _role_name(folded_verb: str) -> str:
    return next(name for prefix, name in _ROLE_NAMES if folded_verb.startswith(prefix))


@dataclass
class _Act:
    position: int
    role: str
    recipient: str
    via: str
    actor: str = ""  # set for follow-ups ("… về Phòng X để tổng hợp, báo cáo UBND"): Phòng X acts
    follow_up: bool = False


def _first_body(src: str, low: str, pattern: re.Pattern[str], pos: int, end: int) -> str:
    for m in pattern.finditer(low, pos, end):
        span = match_bodies(src, low, m.end(), end)
        if span:
            return body_text(src, span)
    return ""


def _recipient(src: str, low: str, pos: int, end: int) -> str:
    """Who receives: the body right after the verb ("báo cáo UBND thị xã"), else the first
    "về/gửi <body>" later in the part ("báo cáo … kết quả … về Sở Khoa học và Công nghệ")."""
    direct = _DIRECT.match(low, pos, end)
    span = match_bodies(src, low, direct.end(), end)
    return body_text(src, span) if span else _first_body(src, low, _TOWARDS, pos, end)


def _reporting_acts(src: str, low: str, start: int, end: int, assigning: bool) -> list[_Act]:
    follow_ups = {m.start("verb"): m for m in _FOLLOW_UP.finditer(low, start, end)}
    acts: list[_Act] = []
    for m in _REPORT.finditer(low, start, end):
        if m.start() in follow_ups or _NOT_A_REPORT.search(low, start, m.start()):
            continue
        role = _role_name(m.group(0))
        recipient = _recipient(src, low, m.end(), end)
        if not recipient and (not assigning or role not in ("báo cáo", "gửi")):
            continue  # outside the assigning section a report needs someone to report to
        if any(act.recipient == recipient for act in acts):
            continue  # "báo cáo … gửi về Phòng X": one line, not two
        acts.append(_Act(m.start(), role, recipient, _first_body(src, low, _VIA, m.end(), end)))
    for position, m in follow_ups.items():
        previous = [act for act in acts if act.position < position and act.recipient and not act.follow_up]
        recipient = body_text(src, match_bodies(src, low, _DIRECT.match(low, m.end("verb"), end).end(), end))
        if previous and recipient:
            acts.append(_Act(position, _role_name(m.group("verb")), recipient, "",
                             previous[-1].via or previous[-1].recipient, follow_up=True))
    return sorted(acts, key=lambda act: act.position)


def _duty_role(low: str, starts: list[int], end: int) -> str:
    for start in starts:
        m = _DUTY.match(low, start, end)
        if m:
            return _role_name(m.group("role"))
    return ""


def _assigning_depth(path: tuple[str, ...]) -> int | None:
    """Index in the path of the assigning heading ("V. TỔ CHỨC THỰC HIỆN"), or None."""
    return next((i for i, heading in enumerate(path) if _ASSIGNING.search(fold(heading))), None)


class _ClauseReader:
    """Reads one clause part by part; parts with no named role are merged per sentence into one
    "thực hiện" duty, so "Đẩy mạnh …; tuân thủ …; triển khai …" is one record, not four."""

    def __init__(self, source: str, clause: Clause, actor: str, assigning: bool) -> None:
        self.source, self.clause, self.actor, self.assigning = source, clause, actor, assigning
        self.src, self.low = twin(clause.text)
        self.found: list[Obligation] = []
        self.run: list[tuple[int, int, str]] = []  # (start, end, actor) of parts waiting to merge

    def record(self, who: str, role: str, start: int, end: int, recipient: str = "", via: str = "",
               timed: bool = True) -> None:
        action = self.src[slice(*trim(self.src, start, end))]
        plans = schedules(self.src, self.low, start, end, role in _REPORTING) if timed else [Schedule()]
        self.found.extend(Obligation(self.source, self.clause.id, who, role, action, recipient, via, plan.deadline,
                                     plan.day, plan.month, plan.recurrence, plan.frequency, plan.valid,
                                     self.clause.text) for plan in plans)

    def flush(self) -> None:
        if self.run:
            self.record(self.run[0][2], "thực hiện", self.run[0][0], self.run[-1][1])
            self.run.clear()

    def sentence(self, s_start: int, s_end: int) -> None:
        src, low = self.src, self.low
        sentence_subject: tuple[int, int] | None = None
        for index, (start, end) in enumerate(split_top_level(src, s_start, s_end)):
            own_subject = subject(src, low, start, end)
            if index == 0 and not own_subject:
                own_subject = named_subject(src, low, start, end)
            if index == 0:
                sentence_subject = own_subject
            who_span = own_subject or sentence_subject
            who = src[who_span[0]:who_span[1]] if who_span else self.actor
            acts = _reporting_acts(src, low, start, end, self.assigning)
            if acts:
                self.flush()
                for act in acts:  # a follow-up's timing is the first report's; the text gives it none
                    self.record(act.actor if act.follow_up else who, act.role, start, end, act.recipient, act.via,
                                timed=not act.follow_up)
                continue
            if not self.assigning:
                continue
            starts = [start] + ([_AFTER_SUBJECT.match(src, own_subject[1]).end()] if own_subject else [])
            role = _duty_role(low, starts, end)
            if role:
                self.flush()
                self.record(who, role, start, end, _first_body(src, low, _ADVISE, start, end))
            elif len(src[start:end].split()) >= 4 and (own_subject or not match_bodies(src, low, start, end)):
                # (a body at the start continues the previous part's list: "…; UBND các xã …")
                if self.run and self.run[-1][2] != who:
                    self.flush()
                self.run.append((start, end, who))
        self.flush()


_ASSIGNS_TO = re.compile(r"(?:giao|de nghi|yeu cau)\s+(?:cho\s+)?")


def opening(text: str) -> tuple[str, str, int]:
    """(text, folded twin, where its subject would start): after the item's number and an
    assigning verb ("3. Giao Sở Nội vụ tiếp thu …" → at "Sở Nội vụ")."""
    src, low = twin(text)
    pos = len(src) - len(strip_numbering(src))
    while pos < len(src) and src[pos] == " ":
        pos += 1
    assigns = _ASSIGNS_TO.match(low, pos)
    return src, low, assigns.end() if assigns else pos


def _opening_body(text: str) -> str:
    """The unit a numbered item opens with, "3. Giao Sở Nội vụ tiếp thu …": the actor of its
    sentences that name none ("Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025"), as a
    conclusion notice numbers its tasks without a heading per unit."""
    src, low, pos = opening(text)
    span = match_bodies(src, low, pos)
    return src[span[0]:span[1]] if span and span[0] == pos else ""


def clause_obligations(source: str, clause: Clause) -> list[Obligation]:
    """Obligations of one clause (a clause's records depend on it and its heading path only)."""
    depth = _assigning_depth(clause.path)
    assigning = depth is not None
    if clause.kind in ("section", "title", "row") or (not assigning and not _REPORT.search(fold(clause.text))):
        return []
    headings = clause.path[depth + 1:] if assigning else clause.path
    actor = next((name for name in map(heading_actor, reversed(headings)) if name), "") or _opening_body(clause.text)
    reader = _ClauseReader(source, clause, actor, assigning)
    src = reader.src
    body = len(src) - len(strip_numbering(src)) if clause.kind in _HEADING_KINDS else 0
    if clause.kind in ("item", "subitem"):
        # A heading is a duty only as "2. Công chức …: Tuyên truyền …" (actor, colon, duties),
        # or when it is a whole sentence that assigns or reports ("3. Thủ trưởng các sở … báo
        # cáo kết quả thực hiện về Ủy ban nhân dân Thành phố"), as real plans often number them.
        own, colon = heading_actor(src), src.find(":", body)
        if own and colon >= 0 and label(src[colon + 1:]):
            reader.actor, body = own, colon + 1
        elif len(src) - body < 100 or not _REPORT.search(reader.low, body):
            return []
    for start, end in sentences(src, body):
        reader.sentence(start, end)
    return reader.found


def extract_obligations(plan: Plan) -> list[Obligation]:
    """Obligations of one plan in document order; [] when it assigns nothing."""
    return [obligation for clause in plan.clauses for obligation in clause_obligations(plan.source, clause)]
