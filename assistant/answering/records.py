"""Who reports to whom, via whom, by when: sentences built from the extracted obligation records
(assistant.extract) of the retrieved clauses. Every field of a record is cut from its clause (the
actor from its heading), so the sentence restates the clause and cites it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.parts import Citations
from assistant.extract.obligations import Obligation, extract_obligations
from assistant.question import QuestionInfo, asks_deadline
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

REPORTING_ROLES = {"báo cáo", "gửi", "phản ánh", "phản hồi"}


@dataclass(frozen=True)
class RecordMatch:
    obligation: Obligation
    rank: int  # retrieval rank of its clause
    score: float


_CACHE: dict[tuple[str, str], tuple[Obligation, ...]] = {}


def _obligations(plan) -> tuple[Obligation, ...]:
    """Records of a plan, extracted once per plan version (source + content hash)."""
    key = (plan.source, plan.sha256)
    if key not in _CACHE:
        _CACHE[key] = tuple(extract_obligations(plan))
    return _CACHE[key]


def reporting_records(engine, hits, words: list[str]) -> list[RecordMatch]:
    """Reporting obligations of the retrieved clauses, best first: overlap of the question's
    words with the record (actor, action, recipient, via), then retrieval rank."""
    found: list[RecordMatch] = []
    for rank, hit in enumerate(hits):
        plan = engine.plan(hit.source)
        if plan is None:
            continue
        for record in _obligations(plan):
            if record.clause != hit.clause.id or record.role not in REPORTING_ROLES or not record.recipient:
                continue
            haystack = fold(" ".join((record.actor, record.action, record.recipient, record.via,
                                      " ".join(hit.clause.path))))
            overlap = sum(fold(w) in haystack for w in words) / max(1, len(words))
            found.append(RecordMatch(record, rank, 2 * overlap + 1.0 / (1 + rank)))
    found.sort(key=lambda m: -m.score)
    return found


def reporting_sentence(record: Obligation, mark: str, english: bool, wants_date: bool) -> str:
    """The record's own sentence part, headed by its actor; the recipient's channel ("qua …") and
    the deadline are added only when that part leaves them out (they sit elsewhere in the clause)."""
    action = record.action.rstrip(" ;.")
    folded = fold(action)
    extras = []
    if record.via and fold(record.via) not in folded:
        extras.append(f"qua {record.via}")
    if record.deadline and fold(record.deadline) not in folded:
        extras.append(record.deadline)
    if wants_date and not record.deadline:
        extras.append("no specific date in the plan" if english else "kế hoạch không nêu ngày cụ thể")
    body = f"{action} ({'; '.join(extras)})" if extras else action
    if record.actor and fold(record.actor) not in folded:
        body = f"{record.actor}{' — ' if english else ': '}{body}"
    return f"{body[:1].upper()}{body[1:]} {mark}."


def has_date(record: Obligation) -> bool:
    return bool(re.search(r"\d", record.deadline))


def is_periodic(record: Obligation) -> bool:
    return bool(record.frequency or record.recurrence)


def answer_reporting(engine, info: QuestionInfo, hits: list[Hit], words: list[str], citations: Citations) -> list[str]:
    """Reporting lines from the obligation records of the retrieved clauses: the best one, and a
    second when it is nearly as good (a second recipient, or another plan's line)."""
    matches = reporting_records(engine, hits, words)
    if not matches:
        return []
    wants_date = info.intent == "deadline" or asks_deadline(info.folded)
    if wants_date:
        # A date asked: a dated line if there is one; else a periodic one ("định kỳ hằng năm",
        # answered as exactly that); a line with neither does not answer the question.
        dated = [m for m in matches[:3] if has_date(m.obligation)]
        matches = dated or [m for m in matches[:3] if is_periodic(m.obligation)]
        if not matches:
            return []
    chosen = [matches[0]]
    for match in matches[1:]:
        if match.score >= 0.8 * matches[0].score and match.obligation.clause != chosen[0].obligation.clause:
            chosen.append(match)
            break
    sentences = []
    for match in chosen:
        hit = hits[match.rank]
        sentences.append(reporting_sentence(match.obligation, citations.mark(hit), info.english, wants_date))
    return sentences


