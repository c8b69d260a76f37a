"""Extractive answers: pick the clause parts that state what was asked, frame them in one to
three sentences, and cite every part with [n].

Nothing is generated: every date and number in an answer is copied from a cited clause (or from
plan metadata, itself read from a cited clause). When the retrieved clauses do not state the
kind of fact asked for, the answer says so and `grounded` is false.
"""
from __future__ import annotations

import re

from assistant.documents import Clause
from assistant.engine import Answer, QuestionError
from assistant.question import QuestionInfo, analyze, asks_deadline, strip_localities
from assistant.retrieval.hybrid import Hit
from assistant.text import fold
from assistant.answering.coverage import MIN_COVERAGE, content_words, coverage
from assistant.answering.metadata import METADATA_INTENTS, answer_metadata
from assistant.answering.parts import (
    DATE,
    INTENT_PART_CUES,
    ORG_SECTION,
    PERIODIC,
    Citations,
    actor_of,
    best_parts,
    quote,
    split_parts,
)
from assistant.answering.records import answer_reporting

NOT_FOUND_VI = "Không tìm thấy thông tin này trong các kế hoạch."
NOT_FOUND_EN = "Not found: the plans do not state this."
_MONEY = re.compile(r"\d[\d.,]*\s*(?:trieu|ty|nghin|dong|vnd)\b")


def _plan_label(engine, source: str) -> str:
    plan = engine.plan(source)
    locality = plan.metadata.locality if plan else ""
    return locality or source


def _not_found(info: QuestionInfo, hits: list[Hit]) -> Answer:
    related = Citations()
    for hit in hits[:3]:
        related.mark(hit)
    return Answer(info.text, NOT_FOUND_EN if info.english else NOT_FOUND_VI, False, related.build(), info.intent)


def _answer_target(info: QuestionInfo, hits: list[Hit], words: list[str], citations: Citations) -> list[str]:
    """Target values; for table rows, the column of the year asked."""
    sentences = []
    rows = [h for h in hits[:6] if h.clause.kind == "row" and h.clause.columns and coverage(words, h.clause) >= 0.4]
    rows.sort(key=lambda h: -coverage(words, h.clause))
    for hit in rows:
        clause = hit.clause
        indicator = clause.text.split(" — ")[0]
        unit = next((v for h, v in clause.columns if fold(h).startswith("don vi")), "")
        picked = [(h, v) for h, v in clause.columns if any(y in h for y in info.years)] if info.years else []
        if info.years and not picked:
            continue  # the table has no column for the year asked
        picked = picked or [(h, v) for h, v in clause.columns if not fold(h).startswith("don vi")]
        values = "; ".join(f"{h}: {v}" + (f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else "")) for h, v in picked)
        sentences.append(f"{indicator} — {values} {citations.mark(hit)}.")
        break
    return sentences


# A chat answer compares at most this many plans; a province index holds hundreds, and
# retrieving once per plan would make one question cost seconds.
MAX_COMPARED_PLANS = 8


def _compared_plans(engine, query: str, sources: list[str]) -> list:
    """The plans in scope (those named, or all) in index order; when there are more than
    MAX_COMPARED_PLANS, the ones whose clauses rank best for the question."""
    scope = [p for p in engine.plans if not sources or p.source in sources]
    if len(scope) <= MAX_COMPARED_PLANS:
        return scope
    ranked = dict.fromkeys(h.source for h in engine.retrieve(query, k=10 * MAX_COMPARED_PLANS, sources=sources or None))
    return [engine.plan(source) for source in list(ranked)[:MAX_COMPARED_PLANS]]


def _answer_compare(engine, info: QuestionInfo, words: list[str], cue: str, sources: list[str]) -> Answer | None:
    """One line per plan (the plans named, or all): its best part for the fact compared."""
    citations = Citations()
    lines = []
    query = strip_localities(info.text, engine.plans, sources or [p.source for p in engine.plans])
    for plan in _compared_plans(engine, query, sources):
        hits = engine.retrieve(query, k=5, sources=[plan.source])
        parts = best_parts(info, hits, words, cue, 1)
        if not parts or coverage(words, parts[0].hit.clause) < 0.3:
            continue
        label = plan.metadata.locality or plan.source
        lines.append(f"- {label}: {quote(parts[0], citations, info.english)}")
    if not lines:
        return None
    head = "Comparison across plans:" if info.english else "So sánh giữa các kế hoạch:"
    return Answer(info.text, "\n".join([head, *lines]), True, citations.build(), info.intent)


def _answer_duties(engine, info: QuestionInfo, hits: list[Hit], words: list[str]) -> Answer | None:
    """The clauses under the unit heading the question names (the unit among the top hits whose
    heading matches the question best), each quoted by its part closest to the question."""
    units = []
    for hit in hits[:6]:
        actor = actor_of(hit.clause)
        plan = engine.plan(hit.source)
        heading = next((c for c in plan.clauses if c.kind in {"item", "letter"} and actor and actor in c.text
                        and ORG_SECTION.search(fold(" ".join(c.path)))), None) if plan else None
        if heading is not None:
            units.append((coverage(words, Clause(heading.id, heading.kind, heading.text, (), (0, 0))), hit, plan, heading, actor))
    if not units:
        return None
    _, hit, plan, heading, actor = max(units, key=lambda u: u[0])
    children = [c for c in plan.clauses if c.id != heading.id and c.id.startswith(heading.id)
                and c.id[len(heading.id)] in "-."]
    citations = Citations()
    items = children or [heading]
    label = _plan_label(engine, hit.source)
    lines = [f"Duties of {actor} ({label}):" if info.english else f"{actor} ({label}):"]
    for child in items[:6]:
        parts = split_parts(child.text) or [child.text]
        if len(items) <= 2:
            quote = " ".join(parts)[:600]
        else:
            quote = max(parts, key=lambda p: sum(fold(w) in fold(p) for w in words))
        lines.append(f"- {quote.rstrip(' ;.')} {citations.mark(Hit(hit.source, child, hit.score))}")
    if len(items) > 6:
        lines.append(f"- … ({len(items) - 6} nhiệm vụ khác)" if not info.english else f"- … ({len(items) - 6} more)")
    return Answer(info.text, "\n".join(lines), True, citations.build(), info.intent)


# -- entry point ---------------------------------------------------------------------------------
# What a clause must contain to answer a contact question; plans rarely give any.
_APPENDIX_ASKED = re.compile(r"\bphu luc\b|\bappendix\b|\bannex\b")
_CURRENT_STATE_ASKED = re.compile(r"\b(?:hien nay|hien tai|hien co|bay gio|currently|right now|at present)\b.*\b(?:bao nhieu|may)\b"
                                  r"|\b(?:bao nhieu|how many)\b.*\b(?:hien nay|hien tai|hien co|currently|now)\b")
_CURRENT_STATE_EVIDENCE = re.compile(r"\bhien (?:nay|tai|co|trang)\b|\bthuc hien nam\b|\bda (?:co|dat)\b")
_CONTACT_EVIDENCE = re.compile(r"\b0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}\b|[\w.]+@[\w.]+|www\.|https?://")


def compose(engine, question: str, plan: str | None = None) -> Answer:
    info = analyze(question, engine.plans)
    if plan:
        sources = engine.resolve_plan(plan)
        if not sources:
            raise QuestionError(f"plan '{plan}': not found among the indexed plans")
    else:
        sources = info.sources
    # The plan filter already does the locality's work; left in the query, its name would pull
    # the title and date lines of that plan to the top.
    hits = engine.retrieve(strip_localities(question, engine.plans, sources), k=10, sources=sources or None)
    words = content_words(info, engine.plans)
    if not hits:
        return _not_found(info, hits)

    if info.intent in METADATA_INTENTS:
        return answer_metadata(engine, info, sources, hits) or _not_found(info, hits)
    if info.intent == "contact" and not any(_CONTACT_EVIDENCE.search(h.clause.text) for h in hits[:5]):
        return _not_found(info, hits)
    if _APPENDIX_ASKED.search(info.folded):
        scoped = [p for p in engine.plans if not sources or p.source in sources]
        if not any(c.kind == "row" or c.id.startswith("PL") for p in scoped for c in p.clauses):
            return _not_found(info, hits)  # an appendix the plans in scope do not have
    if _CURRENT_STATE_ASKED.search(info.folded) and not any(
            _CURRENT_STATE_EVIDENCE.search(fold(" ".join((*h.clause.path, h.clause.text)))) for h in hits[:5]):
        return _not_found(info, hits)  # a plan's targets are not the current figure

    top_coverage = max(coverage(words, h.clause) for h in hits[:5])
    if top_coverage < MIN_COVERAGE:
        return _not_found(info, hits)

    if (info.intent == "compare" and not sources) or (len(sources) > 1 and not plan):
        cue = INTENT_PART_CUES.get(detect_sub_intent(info), ".")
        return _answer_compare(engine, info, words, cue, sources) or _not_found(info, hits)
    if info.intent == "duties":
        answer = _answer_duties(engine, info, hits, words)
        if answer:
            return answer

    citations = Citations()
    sentences: list[str] = []
    if info.intent == "target":
        sentences = _answer_target(info, hits, words, citations)
    if info.intent == "funding" and re.search(r"bao nhieu|tong|\bdong\b|how much|total", info.folded):
        if not any(_MONEY.search(fold(h.clause.text)) for h in hits[:10]):
            return _not_found(info, hits)
    if not sentences and info.intent in {"report", "deadline"}:
        sentences = answer_reporting(engine, info, hits[:6], words, citations)
    if not sentences:
        cue = INTENT_PART_CUES.get(info.intent, ".")
        parts = best_parts(info, hits[:6], words, cue, 2)
        if info.intent == "target" and info.years:
            # A target for a year the plans do not set is not the target of another year.
            parts = [p for p in parts if any(y in p.text or y in " ".join(p.hit.clause.path) for y in info.years)]
            if not parts:
                return _not_found(info, hits)
        if info.intent in {"deadline", "report"}:
            dated = [p for p in parts if DATE.search(fold(p.text))]
            wants_date = info.intent == "deadline" or asks_deadline(info.folded)
            if wants_date and not dated:
                periodic = [p for p in parts if PERIODIC.search(fold(p.text))]
                if not periodic:
                    return _not_found(info, hits)
                sentences.append(quote(periodic[0], citations, info.english))
                sentences.append("The plan gives no specific date." if info.english
                                 else "Kế hoạch không nêu ngày cụ thể.")
            parts = dated or ([] if sentences else parts)
        if not parts and not sentences:
            parts = best_parts(info, hits[:3], words, ".", 1)
        for part in parts[: 2 if info.intent not in {"deadline"} else 1]:
            if not sentences or part.score > 0.5:
                sentences.append(quote(part, citations, info.english))
    if not sentences:
        return _not_found(info, hits)
    prefix = ""
    cited_plans = list(dict.fromkeys(h.source for h in citations.hits))
    if len(cited_plans) == 1:
        label = _plan_label(engine, cited_plans[0])
        prefix = f"According to the plan of {label}: " if info.english else f"Theo kế hoạch của {label}: "
    elif len(cited_plans) > 1:
        # Sentences from different plans: say which plan each comes from.
        sentences = [f"({_plan_label(engine, h.source)}) {sentence}" for h, sentence in zip(citations.hits, sentences)] \
            if len(sentences) == len(citations.hits) else sentences
        prefix = "According to the plans: " if info.english else ""
    return Answer(info.text, prefix + " ".join(sentences), True, citations.build(), info.intent)


def detect_sub_intent(info: QuestionInfo) -> str:
    """For a comparison, the kind of fact compared (deadline, target, funding…)."""
    from assistant.question import INTENT_CUES

    for intent, pattern in INTENT_CUES:
        if intent != "compare" and re.search(pattern, info.folded):
            return intent
    return "general"
