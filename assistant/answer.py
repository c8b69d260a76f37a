"""Extractive answers: pick the clause parts that state what was asked, frame them in one to
three sentences, and cite every part with [n].

Nothing is generated: every date and number in an answer is copied from a cited clause (or from
plan metadata, itself read from a cited clause). When the retrieved clauses do not state the
kind of fact asked for, the answer says so and `grounded` is false.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents import Clause, Plan
from assistant.engine import Answer, Citation, QuestionError
from assistant.obligation_answers import has_date, is_periodic, reporting_records, reporting_sentence
from assistant.question import QuestionInfo, analyze, asks_deadline, strip_localities
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.tokenize import STOPWORDS, query_tokens
from assistant.text import (apply_synonyms, canonical, diacritic_ratio, expand_abbreviations, fold,
                            has_diacritics, translate_english_terms)

NOT_FOUND_VI = "Không tìm thấy thông tin này trong các kế hoạch."
NOT_FOUND_EN = "Not found: the plans do not state this."

_DATE = re.compile(r"truoc ngay\s+\d{1,2}(?:\s*/\s*\d{1,2}|\s+thang\s+(?:\d{1,2}|cuoi quy))"
                   r"|ngay\s+\d{1,2}\s+thang\s+\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{4})?")
_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"\d[\d.,]*\s*(?:trieu|ty|nghin|dong|vnd)\b")
_PERIODIC = re.compile(r"dinh ky\s+(?:hang|hang|moi)?\s*(?:nam|quy|thang)|hang nam|hang quy|dot xuat")
# Cue words each intent looks for inside a clause part (folded).
# Inner letters are wildcards where OCR misreads them ("bao cdo", "Téng hop", "phdi hop").
_INTENT_PART_CUES = {
    "report": r"bao c\wo\b|gui (?:ve|ke hoach|bao cao)|t\wng hop",
    "deadline": r"truoc ngay|dinh ky|hang nam|hang quy|dot xuat",
    "lead": r"chu tr\w\b|dau m\wi|phu trach|tham m\wu",
    "coordinate": r"ph\w{1,2}\s?hop",
    "funding": r"kinh phi|ngan sach|nguon von|du toan|bo tri",
    "target": r"\d",
    "duties": r".",
    "general": r".",
}
_ORG_SECTION = re.compile(r"to chuc thuc hien")
_UNIT_LEVEL_HEADING = re.compile(r"^[\dIVX]+[.)]\s*")


@dataclass
class _Part:
    hit: Hit
    text: str
    score: float


# -- helpers -------------------------------------------------------------------------------------
def _syllables(text: str, accented: bool) -> list[str]:
    text = expand_abbreviations(canonical(text))
    words = re.findall(r"\w+", text.lower())
    return words if accented else [fold(w) for w in words]


# Words that shape a question but are never the topic ("bao lâu một lần", "những việc gì").
_QUESTION_FILLERS = {"lâu", "lần", "mấy", "nhiêu", "gì", "nào", "làm", "phải", "cần", "những", "đâu",
                     "không", "hãy", "biết", "lau", "lan", "nhieu", "dau", "khong", "ơ", "ở", "o", "sẽ", "se",
                     "thì", "là", "vậy", "vay", "dùng", "dung"}


def _content_words(info: QuestionInfo, plans: list[Plan]) -> list[str]:
    """Topic syllables of the question in order (for bigrams): no stopwords, no locality names,
    no level words; accented when the question has diacritics. An English question counts only
    its domain terms, in their Vietnamese translation: English words never occur in the plans."""
    names = set()
    for plan in plans:
        names.update(fold(plan.metadata.locality_name).split())
    level_words = {"xa", "phuong", "thi", "tran", "huyen", "tinh", "thanh", "pho", "ke", "hoach", "plan", "nam"}
    if info.english:
        text = " ".join(re.findall(r"\(([^()]*)\)", translate_english_terms(info.text)))
        text += " " + " ".join(re.findall(r"\b[A-Z]{2,}[A-Za-z&-]*\b", info.text))  # abbreviations: UBND, BTS
    else:
        text = apply_synonyms(info.text, keep_original=False)
    accented = has_diacritics(text)
    return [w for w in _syllables(text, accented) if fold(w) not in names and fold(w) not in level_words
            and fold(w) not in STOPWORDS and w not in _QUESTION_FILLERS and not w.isdigit()]


def _coverage(words: list[str], clause: Clause) -> float:
    """Share of the question's topic syllables, and of its adjacent pairs, found in the clause
    (heading path included). Accented words match accented text; a clause without diacritics
    (a scan) is matched folded. Pairs keep "thời tiết" from matching "thời kỳ … chi tiết"."""
    if not words:
        return 0.0
    context_text = " ".join((*clause.path, clause.text))
    accented = diacritic_ratio(context_text) >= 0.3 and has_diacritics(" ".join(words))
    probe = words if accented else [fold(w) for w in words]
    context = _syllables(context_text, accented)
    unigrams = set(context)
    bigrams = set(zip(context, context[1:]))
    single = sum(w in unigrams for w in probe) / len(probe)
    pairs = list(zip(probe, probe[1:]))
    if not pairs:
        return single
    return 0.5 * single + 0.5 * sum(p in bigrams for p in pairs) / len(pairs)


def _split_parts(text: str) -> list[str]:
    """Sentence-like parts of a clause: split at '.' or ';' ending a statement, never inside
    parentheses ("(trước ngày 10 tháng cuối quý; ngày 10 tháng 12 hàng năm)" stays whole)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in ".;" and depth == 0 and (i + 1 == len(text) or text[i + 1] == " ") and not text[max(0, i - 2):i].isdigit():
            parts.append(text[start:i + 1])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if len(p.strip()) > 2]


def actor_of(clause: Clause) -> str:
    """The unit a clause assigns work to: its nearest numbered heading inside the
    'Tổ chức thực hiện' section (the heading text without its number)."""
    path = list(clause.path)
    if not any(_ORG_SECTION.search(fold(h)) for h in path):
        return ""
    below = [h for h in path if not _ORG_SECTION.search(fold(h))]
    candidates = [*below, clause.text] if clause.kind in {"item", "letter"} and not below else below
    for heading in reversed(candidates):
        name = _UNIT_LEVEL_HEADING.sub("", heading).split(":")[0].strip().rstrip(".")
        if name and not re.match(r"^[a-zđ]\)", heading):
            return name
    return ""


def _plan_label(engine, source: str) -> str:
    plan = engine.plan(source)
    locality = plan.metadata.locality if plan else ""
    return locality or source


class _Citations:
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


def _not_found(info: QuestionInfo, hits: list[Hit]) -> Answer:
    related = _Citations()
    for hit in hits[:3]:
        related.mark(hit)
    return Answer(info.text, NOT_FOUND_EN if info.english else NOT_FOUND_VI, False, related.build(), info.intent)


def _best_parts(info: QuestionInfo, hits: list[Hit], words: list[str], cue: str, limit: int) -> list[_Part]:
    """Clause parts that carry the intent's cue, ranked by word overlap with the question (the
    heading path counts), retrieval rank, and whether the part holds the question's own cue
    phrase ("đầu mối" asked → the part saying "đầu mối")."""
    asked_cues = {m.group(0) for m in re.finditer(cue, info.folded)} if cue != "." else set()
    parts: list[_Part] = []
    for rank, hit in enumerate(hits):
        heading = fold(" ".join(hit.clause.path))
        for part in _split_parts(hit.clause.text) or [hit.clause.text]:
            folded = fold(part)
            if not re.search(cue, folded):
                continue
            overlap = sum(fold(w) in folded or fold(w) in heading for w in words) / max(1, len(words))
            bonus = 1.0 if any(c in folded for c in asked_cues) else 0.0
            if info.years and any(y in part or y in " ".join(hit.clause.path) for y in info.years):
                bonus += 0.5  # "năm 2025" asked: the 2025 bullet, not the 2030 one
            parts.append(_Part(hit, part, 2 * overlap + bonus + 1.0 / (1 + rank)))
    parts.sort(key=lambda p: -p.score)
    chosen: list[_Part] = []
    for part in parts:
        if all(part.hit.clause.id != c.hit.clause.id or part.hit.source != c.hit.source for c in chosen):
            chosen.append(part)
        if len(chosen) == limit:
            break
    return chosen


def _year_heading(clause: Clause) -> str:
    """The nearest heading naming a year ("1. Mục tiêu đến năm 2025"), when the clause does not."""
    if re.search(r"\b20\d\d\b", clause.text):
        return ""
    for heading in reversed(clause.path):
        if re.search(r"\b20\d\d\b", heading) and len(heading) <= 120:
            return _UNIT_LEVEL_HEADING.sub("", heading).rstrip(" .:")
    return ""


def _quote(part: _Part, citations: _Citations, english: bool, with_actor: bool = True) -> str:
    actor = actor_of(part.hit.clause) if with_actor else ""
    actor = actor or _year_heading(part.hit.clause)
    text = part.text.rstrip(" ;.")
    if actor and fold(actor) not in fold(text):
        lead = f"{actor}: " if not english else f"{actor} — "
        return f"{lead}{text} {citations.mark(part.hit)}."
    return f"{text[:1].upper()}{text[1:]} {citations.mark(part.hit)}."


# -- intents -------------------------------------------------------------------------------------
def _answer_metadata(engine, info: QuestionInfo, sources: list[str], hits: list[Hit]) -> Answer | None:
    """Number, date, signer, basis, replaces, recipients: read from plan metadata, cited at the
    clause the value was read from."""
    targets = sources or sorted({h.source for h in hits[:3]}, key=lambda s: [h.source for h in hits].index(s))[:1]
    citations = _Citations()
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


def _answer_target(info: QuestionInfo, hits: list[Hit], words: list[str], citations: _Citations) -> list[str]:
    """Target values; for table rows, the column of the year asked."""
    sentences = []
    rows = [h for h in hits[:6] if h.clause.kind == "row" and h.clause.columns and _coverage(words, h.clause) >= 0.4]
    rows.sort(key=lambda h: -_coverage(words, h.clause))
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


def _answer_compare(engine, info: QuestionInfo, words: list[str], cue: str, sources: list[str]) -> Answer | None:
    """One line per plan (the plans named, or all): its best part for the fact compared."""
    citations = _Citations()
    lines = []
    query = strip_localities(info.text, engine.plans, sources or [p.source for p in engine.plans])
    for plan in engine.plans:
        if sources and plan.source not in sources:
            continue
        hits = engine.retrieve(query, k=5, sources=[plan.source])
        parts = _best_parts(info, hits, words, cue, 1)
        if not parts or _coverage(words, parts[0].hit.clause) < 0.3:
            continue
        label = plan.metadata.locality or plan.source
        lines.append(f"- {label}: {_quote(parts[0], citations, info.english)}")
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
                        and _ORG_SECTION.search(fold(" ".join(c.path)))), None) if plan else None
        if heading is not None:
            units.append((_coverage(words, Clause(heading.id, heading.kind, heading.text, (), (0, 0))), hit, plan, heading, actor))
    if not units:
        return None
    _, hit, plan, heading, actor = max(units, key=lambda u: u[0])
    children = [c for c in plan.clauses if c.id != heading.id and c.id.startswith(heading.id)
                and c.id[len(heading.id)] in "-."]
    citations = _Citations()
    items = children or [heading]
    label = _plan_label(engine, hit.source)
    lines = [f"Duties of {actor} ({label}):" if info.english else f"{actor} ({label}):"]
    for child in items[:6]:
        parts = _split_parts(child.text) or [child.text]
        if len(items) <= 2:
            quote = " ".join(parts)[:600]
        else:
            quote = max(parts, key=lambda p: sum(fold(w) in fold(p) for w in words))
        lines.append(f"- {quote.rstrip(' ;.')} {citations.mark(Hit(hit.source, child, hit.score))}")
    if len(items) > 6:
        lines.append(f"- … ({len(items) - 6} nhiệm vụ khác)" if not info.english else f"- … ({len(items) - 6} more)")
    return Answer(info.text, "\n".join(lines), True, citations.build(), info.intent)


# -- entry point ---------------------------------------------------------------------------------
MIN_COVERAGE = 0.34
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
    words = _content_words(info, engine.plans)
    if not hits:
        return _not_found(info, hits)

    if info.intent in {"number", "issue_date", "signer", "basis", "replaces", "recipients"}:
        return _answer_metadata(engine, info, sources, hits) or _not_found(info, hits)
    if info.intent == "contact" and not any(_CONTACT_EVIDENCE.search(h.clause.text) for h in hits[:5]):
        return _not_found(info, hits)
    if _APPENDIX_ASKED.search(info.folded):
        scoped = [p for p in engine.plans if not sources or p.source in sources]
        if not any(c.kind == "row" or c.id.startswith("PL") for p in scoped for c in p.clauses):
            return _not_found(info, hits)  # an appendix the plans in scope do not have
    if _CURRENT_STATE_ASKED.search(info.folded) and not any(
            _CURRENT_STATE_EVIDENCE.search(fold(" ".join((*h.clause.path, h.clause.text)))) for h in hits[:5]):
        return _not_found(info, hits)  # a plan's targets are not the current figure

    top_coverage = max(_coverage(words, h.clause) for h in hits[:5])
    if top_coverage < MIN_COVERAGE:
        return _not_found(info, hits)

    if (info.intent == "compare" and not sources) or (len(sources) > 1 and not plan):
        cue = _INTENT_PART_CUES.get(detect_sub_intent(info), ".")
        return _answer_compare(engine, info, words, cue, sources) or _not_found(info, hits)
    if info.intent == "duties":
        answer = _answer_duties(engine, info, hits, words)
        if answer:
            return answer

    citations = _Citations()
    sentences: list[str] = []
    if info.intent == "target":
        sentences = _answer_target(info, hits, words, citations)
    if info.intent == "funding" and re.search(r"bao nhieu|tong|\bdong\b|how much|total", info.folded):
        if not any(_MONEY.search(fold(h.clause.text)) for h in hits[:10]):
            return _not_found(info, hits)
    if not sentences and info.intent in {"report", "deadline"}:
        sentences = _answer_reporting(engine, info, hits[:6], words, citations)
    if not sentences:
        cue = _INTENT_PART_CUES.get(info.intent, ".")
        parts = _best_parts(info, hits[:6], words, cue, 2)
        if info.intent == "target" and info.years:
            # A target for a year the plans do not set is not the target of another year.
            parts = [p for p in parts if any(y in p.text or y in " ".join(p.hit.clause.path) for y in info.years)]
            if not parts:
                return _not_found(info, hits)
        if info.intent in {"deadline", "report"}:
            dated = [p for p in parts if _DATE.search(fold(p.text))]
            wants_date = info.intent == "deadline" or asks_deadline(info.folded)
            if wants_date and not dated:
                periodic = [p for p in parts if _PERIODIC.search(fold(p.text))]
                if not periodic:
                    return _not_found(info, hits)
                sentences.append(_quote(periodic[0], citations, info.english))
                sentences.append("The plan gives no specific date." if info.english
                                 else "Kế hoạch không nêu ngày cụ thể.")
            parts = dated or ([] if sentences else parts)
        if not parts and not sentences:
            parts = _best_parts(info, hits[:3], words, ".", 1)
        for part in parts[: 2 if info.intent not in {"deadline"} else 1]:
            if not sentences or part.score > 0.5:
                sentences.append(_quote(part, citations, info.english))
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


def _answer_reporting(engine, info: QuestionInfo, hits: list[Hit], words: list[str], citations: _Citations) -> list[str]:
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


def detect_sub_intent(info: QuestionInfo) -> str:
    """For a comparison, the kind of fact compared (deadline, target, funding…)."""
    from assistant.question import INTENT_CUES

    for intent, pattern in INTENT_CUES:
        if intent != "compare" and re.search(pattern, info.folded):
            return intent
    return "general"
