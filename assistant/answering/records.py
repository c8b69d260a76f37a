"""Readers of extracted records: reporting lines (obligations) and tasks with named fields.

Reporting: who reports to whom, via whom, by when — sentences built from the obligation records
(assistant.extract.obligations) of the retrieved clauses. When the question names the unit that
acts ("Phòng Văn hóa - Xã hội … báo cáo … trước ngày nào?"), only that unit's records answer it:
the units that report *to* it are another question.

Tasks: "đơn vị nào chủ trì", "tổ chức ngày nào, ở đâu", "kinh phí từ nguồn nào" asked of a task
are read from the task's named fields (assistant.extract.tasks: table columns, labelled lines).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from assistant.answering.coverage import content_words, text_coverage
from assistant.answering.reading import Context, Finding
from assistant.extract.obligations import Obligation, clause_obligations
from assistant.extract.tasks import Task, extract_tasks
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

REPORTING_ROLES = {"báo cáo", "gửi", "phản ánh", "phản hồi"}

# Records are extracted when a question first reads them and kept for the next questions; the
# caches are bounded, since over a province's index a long-running server reads every plan in time.
_OBLIGATIONS: OrderedDict[tuple[str, str, str], tuple[Obligation, ...]] = OrderedDict()
_TASKS: OrderedDict[tuple[str, str], tuple[Task, ...]] = OrderedDict()
_CLAUSES_KEPT = 50_000
_PLANS_KEPT = 512


def _kept(cache: OrderedDict, key, make, limit: int):
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = make()
    if len(cache) > limit:
        cache.popitem(last=False)
    return value


def hit_obligations(plan, clause) -> tuple[Obligation, ...]:
    """Obligations of one clause of a plan version (source + content hash). Per clause, not per
    plan: a question reads a few clauses of each plan it retrieves from, and extracting a whole
    plan's records cost ~60 ms for each plan a question touched first."""
    return _kept(_OBLIGATIONS, (plan.source, plan.sha256, clause.id),
                 lambda: tuple(clause_obligations(plan.source, clause)), _CLAUSES_KEPT)


def plan_tasks(plan) -> tuple[Task, ...]:
    """Tasks of a plan version, extracted once (a task's fields span several clauses)."""
    return _kept(_TASKS, (plan.source, plan.sha256), lambda: tuple(extract_tasks(plan)), _PLANS_KEPT)


def unit_words(name: str) -> str:
    name = re.sub(r"\bubnd\b", "uy ban nhan dan", fold(name))
    return " ".join(w for w in re.findall(r"[a-z0-9]+", name) if w not in {"cac", "cua", "thuoc"})


def same_unit(a: str, b: str) -> bool:
    """"Sở Nội vụ" and "Sở Nội vụ thành phố", "UBND phường" and "Ủy ban nhân dân phường": one
    names the other, compared folded with the council abbreviation spelled out."""
    wa, wb = unit_words(a), unit_words(b)
    return bool(wa and wb) and (f" {wa} " in f" {wb} " or f" {wb} " in f" {wa} ")


@dataclass(frozen=True)
class RecordMatch:
    obligation: Obligation
    rank: int
    score: float


def reporting_records(context: Context, hits: list[Hit]) -> list[RecordMatch]:
    """Reporting obligations of the retrieved clauses, best first: overlap of the question's
    words with the record (actor, action, recipient, via), then retrieval rank. When the
    question names the acting unit, records of other actors are left out."""
    words = context.words
    actor = context.info.actor
    found: list[RecordMatch] = []
    for rank, hit in enumerate(hits):
        plan = context.plan(hit.source)
        if plan is None:
            continue
        for record in hit_obligations(plan, hit.clause):
            if record.role not in REPORTING_ROLES or not record.recipient:
                continue
            if actor and not (same_unit(actor, record.actor) or fold(actor) in fold(record.action)):
                continue
            if actor and same_unit(actor, record.recipient) and not same_unit(actor, record.actor):
                continue  # the unit asked about receives this report; it does not make it
            haystack = fold(" ".join((record.actor, record.action, record.recipient, record.via,
                                      " ".join(hit.clause.path))))
            overlap = sum(fold(w) in haystack for w in words) / max(1, len(words))
            found.append(RecordMatch(record, rank, 2 * overlap + 1.0 / (1 + rank)))
    found.sort(key=lambda m: -m.score)
    return found


def reporting_sentence(record: Obligation, english: bool, wants_date: bool) -> str:
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
    return body


def has_date(record: Obligation) -> bool:
    return bool(re.search(r"\d", record.deadline))


def is_periodic(record: Obligation) -> bool:
    return bool(record.frequency or record.recurrence)


class ReportingReader:
    """Reporting lines for report / deadline / frequency questions."""

    name = "reporting"
    slots = frozenset({"report", "deadline", "frequency"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        hits = context.hits[:8]
        matches = reporting_records(context, hits)
        if not matches:
            return []
        info = context.info
        wants_date = slot in {"deadline"} or "deadline" in info.slots
        if slot == "frequency":
            matches = [m for m in matches[:4] if is_periodic(m.obligation)]
        elif wants_date:
            # A date asked: a dated line if there is one; else a periodic one ("định kỳ hằng
            # năm", answered as exactly that); a line with neither does not answer it.
            dated = [m for m in matches[:4] if has_date(m.obligation)]
            matches = dated or [m for m in matches[:4] if is_periodic(m.obligation)]
        if not matches:
            return []
        chosen = [matches[0]]
        for match in matches[1:]:
            if match.score >= 0.8 * matches[0].score and match.obligation.clause != chosen[0].obligation.clause:
                chosen.append(match)
                break
        return [Finding(slot, reporting_sentence(m.obligation, info.english, wants_date) + " {0}", [hits[m.rank]],
                        min(1.0, m.score / 2), self.name) for m in chosen]


MIN_SAME_TASK = 0.3  # a field of the task already answering the question counts as the reader's minimum

_SLOT_ROLES = {"lead": ("lead",), "coordinate": ("coordinate",), "deadline": ("time",), "place": ("place",),
               "funding": ("funding",), "report": (), "duties": ("content", "product")}


class TaskReader:
    """A task's named field for the slot asked, the task chosen by its title and retrieval."""

    name = "tasks"
    slots = frozenset({"lead", "coordinate", "deadline", "place", "funding"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        from assistant.answering.sentences import MONEY, asks_amount

        roles = _SLOT_ROLES.get(slot, ())
        amount = slot == "funding" and asks_amount(context.info.folded)
        rank_of = {(h.source, h.clause.id): i for i, h in enumerate(context.hits[:10])}
        scored: list[tuple[float, Task, list]] = []
        for plan in _plans_of(context):
            document_words: list[str] | None = None
            for task in plan_tasks(plan):
                fields = [f for f in task.fields if f.role in roles
                          and (not amount or re.search(MONEY, fold(f.value)))]
                if not fields:
                    continue
                if context.info.actor and not _task_of(task, context.info.actor):
                    continue  # the unit asked about is not the one this task belongs to
                ranks = [rank_of[(plan.source, cid)] for cid in {task.clause, *(f.clause for f in task.fields)}
                         if (plan.source, cid) in rank_of]
                # The task another slot of the question was answered from (or one under the same
                # heading: "a. Thời gian thực hiện", "b. Địa điểm" of one "1.1.2. Vùng nuôi …"):
                # its fields answer the rest, retrieved or not.
                sections = {_section(cid) for cid in (task.clause, *(f.clause for f in task.fields))}
                same_task = any(h.source == plan.source and _section(h.clause.id) in sections
                                for f in context.answered for h in f.hits)
                if not ranks and not same_task:
                    continue
                ranks = ranks or [len(rank_of)]
                # Syllables and their pairs, as `coverage` counts them: a substring test would
                # find "quan" in "quản lý" and "chi" in "chỉ tiêu".
                # The task a document is about is named by the words that name the document,
                # which the topic words leave out (content_words drops a plan's title words).
                if task.whole_document and document_words is None:
                    document_words = content_words(context.info, [plan], drop_title=False)
                words = document_words if task.whole_document else context.words
                # The field's label counts as the heading of a line does for a sentence ("Đơn vị
                # chủ trì: …" answers "đơn vị nào chủ trì" as "Lãnh đạo phụ trách: …" would).
                overlap = text_coverage(words, " ".join((
                    task.title, *task.path[-1:], *(f.value for f in task.fields if f.role in {"content", "product"}),
                    fields[0].label)))
                scored.append((2 * overlap + 1.0 / (1 + min(ranks)) + (1.0 if same_task else 0.0),
                               max(overlap, MIN_SAME_TASK) if same_task else overlap, task, fields))
        if not scored:
            return []
        scored.sort(key=lambda item: -item[0])
        _, score, task, fields = scored[0]
        plan = context.plan(task.source)
        clauses = {c.id: c for c in plan.clauses} if plan else {}
        field = fields[0]
        title = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*)[.)]\s*", "", task.title).rstrip(" :.;")
        quoted = [field.clause]
        if task.whole_document or fold(title) in fold(field.value):
            text = f"{field.label}: {field.value}"  # the document's subject is said by its label
        else:
            text = f"{title} — {field.label}: {field.value}"
            quoted = [field.clause, task.clause]  # the task's own line is quoted too: cite it
        hits = [Hit(task.source, clauses[cid], 1.0) for cid in dict.fromkeys(quoted) if cid in clauses]
        return [Finding(slot, text + " {0}", hits, score, self.name)] if hits else []


def _section(clause_id: str) -> str:
    """The heading a clause sits under, by its id: "II.1.1.2-3" → "II.1.1.2" (a heading is its own)."""
    return clause_id.rsplit("-", 1)[0] if "-" in clause_id else clause_id


def _task_of(task: Task, actor: str) -> bool:
    who = [*task.path, *(f.value for f in task.fields if f.role in {"lead", "leader"})]
    return (any(same_unit(actor, name) or fold(actor) in fold(name) for name in who)
            or _acts_in(task.title, actor))


# Words before a body that make it the one receiving or owning, not the one doing: "gửi về Sở
# Tài chính", "theo hướng dẫn của Bộ Tài chính", "phối hợp với Sở Y tế".
_NOT_ACTING_BEFORE = re.compile(r"(?:\b(?:gui|ve|cho|den|toi|voi|len|cua|qua|bao cao|trinh)\s+)(?:\S+\s+)?$")


def _acts_in(text: str, actor: str) -> bool:
    """The task's own text names the unit as the one doing it, not as a recipient or owner."""
    low, unit = fold(text), fold(actor)
    return any(not _NOT_ACTING_BEFORE.search(low[:m.start()]) for m in re.finditer(re.escape(unit), low))


def _plans_of(context: Context):
    seen = dict.fromkeys(h.source for h in context.hits[:10])
    return [p for p in (context.plan(s) for s in seen) if p is not None]
