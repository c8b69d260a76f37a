"""Answers about the document itself: number, date, signer, basis, what it replaces, recipients.
Values come from plan metadata and are cited at the clause they were read from."""
from __future__ import annotations

import re

from assistant.answering.parts import Citations
from assistant.documents import Clause, Plan
from assistant.engine import Answer
from assistant.question import QuestionInfo
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

METADATA_INTENTS = {"number", "issue_date", "signer", "basis", "replaces", "recipients"}


def answer_metadata(engine, info: QuestionInfo, sources: list[str], hits: list[Hit]) -> Answer | None:
    """Number, date, signer, basis, replaces, recipients: read from plan metadata, cited at the
    clause the value was read from."""
    targets = sources or sorted({h.source for h in hits[:3]}, key=lambda s: [h.source for h in hits].index(s))[:1]
    citations = Citations()
    sentences = []
    for source in targets:
        plan = engine.plan(source)
        if plan is None:
            continue
        meta = plan.metadata
        where = plan.metadata.locality or source
        value, needle = {
            "number": (meta.number if meta.number.strip("/KH-UBND ") else "", meta.number),
            # A date line with blank day or month ("ngày tháng năm 2025") states no date.
            "issue_date": (_date_as_written(plan), _date_as_written(plan)) if len(meta.issue_date) == 10 else ("", ""),
            "signer": (f"{meta.signer} ({meta.signer_title})" if meta.signer_title else meta.signer, meta.signer),
            "basis": ("; ".join(meta.parent_documents), meta.parent_documents[0] if meta.parent_documents else ""),
            "replaces": ("; ".join(meta.replaces), meta.replaces[0] if meta.replaces else ""),
            "recipients": ("; ".join(meta.recipients), meta.recipients[0] if meta.recipients else ""),
        }[info.intent]
        if not value:
            continue
        clause = _clause_containing(plan, needle)
        if clause is None:
            continue
        mark = citations.mark(Hit(plan.source, clause, 1.0))
        if info.intent in {"basis", "recipients"}:
            cited = [c for c in plan.clauses if c is not clause and _in_field(c, info.intent, plan)]
            marks = " ".join(citations.mark(Hit(plan.source, c, 1.0)) for c in cited[:4])
            mark = f"{mark} {marks}".strip()
        sentences.append(_metadata_sentence(info, where, value, mark))
    if not sentences:
        return None
    return Answer(info.text, " ".join(sentences), True, citations.build(), info.intent)


def _in_field(clause: Clause, intent: str, plan: Plan) -> bool:
    if intent == "basis":
        return clause.id.startswith("0") and re.match(r"^(can cu|thuc hien)\b", fold(clause.text)) is not None
    return clause.id.startswith("Z") and clause.kind == "bullet"


def _date_as_written(plan: Plan) -> str:
    """The date of the plan's own date line (place, ngày … tháng … năm …), as written."""
    for clause in [c for c in plan.clauses if c.id.startswith("0-")][:4]:
        match = re.search(r"ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}", fold(clause.text))
        if match and len(fold(clause.text)) == len(clause.text):
            return clause.text[match.start():match.end()]
    return ""


def _clause_containing(plan: Plan, needle: str) -> Clause | None:
    """The clause a metadata value was read from (spaces ignored: the scan has "9g /KH-UBND")."""
    key = re.sub(r"\s+", "", fold(needle))[:60]
    return next((c for c in plan.clauses if key and key in re.sub(r"\s+", "", fold(c.text))), None)


def _metadata_sentence(info: QuestionInfo, where: str, value: str, mark: str) -> str:
    if info.english:
        label = {"number": "document number", "issue_date": "issue date", "signer": "signed by",
                 "basis": "based on", "replaces": "replaces", "recipients": "recipients"}[info.intent]
        return f"Plan of {where} — {label}: {value} {mark}."
    label = {"number": "có số hiệu", "issue_date": "được ban hành", "signer": "do",
             "basis": "căn cứ/thực hiện", "replaces": "thay thế", "recipients": "gửi đến"}[info.intent]
    if info.intent == "signer":
        return f"Kế hoạch của {where} do {value} ký {mark}."
    return f"Kế hoạch của {where} {label}: {value} {mark}."


