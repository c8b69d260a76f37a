"""Extractive answers with citations: find the plan, read each fact asked, frame it, cite it.

    question ─analyze─▶ plans in scope, slots asked, the unit acting
             ─retrieve─▶ clauses of those plans
             ─readers─▶ one finding per slot (metadata, reporting lines, task fields, table
                        values, a unit's duties, else the best sentence holding that kind of value)
             ─compose─▶ "Theo Kế hoạch 172/KH-UBND của UBND thành phố Hồ Chí Minh: … [1]; … [2]."

Nothing is generated: every date and number in an answer is copied from a cited clause (or
from plan metadata, itself read from a cited clause). When no reader finds the kind of fact
asked in clauses that cover the question, the answer says so and `grounded` is false.
"""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answers import Answer, QuestionError
from assistant.bounded_cache import BoundedCache
from assistant.documents import Plan
from assistant.extract.common import twin
from assistant.answering.asks import split_asks
from assistant.answering.coverage import MIN_COVERAGE, content_words, coverage, text_coverage
from assistant.answering.unwritten import unwritten_terms
from assistant.answering.labels import LabelReader
from assistant.answering.metadata import MetadataReader, document_label
from assistant.answering.parts import Citations
from assistant.answering.reading import Context, Finding
from assistant.answering.references import ReferenceReader
from assistant.answering.statements import StatementReader
from assistant.extract.entities import bodies_named
from assistant.answering.records import ReportingReader, TaskReader, unit_words
from assistant.answering.sentences import (DATE, DURATION, HEADING_KINDS, PERIODIC, SLOT_EVIDENCE, TOTAL_ASKED, DutiesReader,
                                           SentenceReader,
                                           TableValueReader,
                                           asked_unit, has_evidence, has_quantity, lines_under, spaced,
                                           has_quantity_of, person_name)
from assistant.plan_match import cards, reference_spans
from assistant.retrieval.columns import plan_ids
from assistant.question import METADATA_SLOTS, QuestionInfo, analyze, locality_words
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.marks import restore_marks, words_of
from assistant.text import apply_synonyms, fold, has_diacritics

NOT_FOUND_VI = "Không tìm thấy thông tin này trong các kế hoạch."
NOT_FOUND_EN = "Not found: the plans do not state this."

_metadata, _reporting, _tasks = MetadataReader(), ReportingReader(), TaskReader()
_sentence, _table, _duties = SentenceReader(), TableValueReader(), DutiesReader()
_label = LabelReader()
_reference, _statement = ReferenceReader(), StatementReader()
# Readers per slot, most specific first: the first that finds something answers the slot.
READERS = {
    **{slot: (_metadata,) for slot in METADATA_SLOTS},
    "basis": (_reference, _metadata),
    "report": (_reporting, _sentence),
    "deadline": (_tasks, _reporting, _sentence),
    "frequency": (_reporting, _sentence),
    "lead": (_tasks, _sentence),
    "coordinate": (_tasks, _sentence),
    "place": (_tasks, _sentence),
    "funding": (_tasks, _sentence),
    "quantity": (_table, _sentence),
    "duties": (_duties, _sentence),
    "contact": (_sentence,),
    "effective": (_statement, _sentence),
    "person": (_sentence,),
    "general": (_label, _sentence),
}
# The least a finding of each reader must cover of the question to count.
MIN_SCORE = {"label": 0.0, "metadata": 0.0, "reference": 0.0, "statement": 0.0, "reporting": 0.2, "tasks": 0.3, "table": 0.4, "duties": 0.3, "sentence": MIN_COVERAGE}
# A slot already answered by a chosen sentence that states it plainly is not asked again.
_STATES = {"lead": r"\bchu tri\b|\bdau moi\b|\bphu trach\b", "coordinate": r"\bphoi hop\b",
           "report": r"\bbao cao\b|\bgui\b", "deadline": DATE, "place": r"\bdia diem\b",
           "funding": r"\bkinh phi\b|\bngan sach\b|\bnguon\b"}
MAX_SLOTS = 4
MAX_COMPARED_PLANS = 8


def compose(engine, question: str, plan: str | None = None) -> Answer:
    evidence = engine.plan_evidence(question) if not plan else None
    info = analyze(question, engine.plans, evidence)
    if plan:
        sources = engine.resolve_plan(plan)
        if not sources:
            raise QuestionError(f"plan '{plan}': not found among the indexed plans")
        info.sources, info.compare = sources, False
    read = _read(engine, info)
    if isinstance(read, Answer):
        return read
    findings, note, hits = read
    asks = split_asks(question) if not info.compare else []
    if len(asks) > 1 and not findings:
        # Two asks in one question ("… lấy từ đâu, và tỷ lệ … là bao nhiêu?") that no clause
        # covers together: each ask read on its own, within the plans the whole question named.
        # Only when every ask is answered: half an answer to a question of two is no answer.
        for ask in asks:
            found = _read_ask(engine, _ask_info(engine, ask, info.sources))
            if not found:
                findings = []
                break
            findings.extend(found)
    elif len(asks) > 1:
        # The question read whole answered one ask ("… do đơn vị nào chủ trì và lãnh đạo nào
        # phụ trách?"): an ask whose own words no finding states is read on its own.
        findings = findings + _unmet_asks(engine, asks, info.sources, findings)
    if not findings:
        return _not_found(info, hits)
    answer = _answer(engine, info, findings)
    return replace(answer, answer=note + answer.answer) if note else answer


def _search_text(info: QuestionInfo, scope: list[Plan]) -> str:
    """The retrieval query; typed without diacritics, with them put back from the plans it names
    (few: the words of every plan indexed would cost more than they tell)."""
    if info.english or not info.sources or len(scope) > 3 or has_diacritics(info.query):
        return info.query
    return restore_marks(info.query, words_of(scope))


def _ask_info(engine, ask: str, sources: list[str]) -> QuestionInfo:
    """One ask of a compound question, within the plans the whole question named."""
    info = analyze(ask, engine.plans, None if sources else engine.plan_evidence(ask))
    if sources:
        info.sources, info.compare = list(sources), False
    return info


def _read_ask(engine, info: QuestionInfo) -> list[Finding]:
    read = _read(engine, info)
    return [] if isinstance(read, Answer) else read[0]


def _unmet_asks(engine, asks: list[str], sources: list[str], findings: list[Finding]) -> list[Finding]:
    """Findings for the asks the given findings leave unstated: an ask is met when the findings'
    text covers at least half of the words only that ask holds (its topic, shared with the other
    asks, says nothing of which ask was answered)."""
    infos = [_ask_info(engine, ask, sources) for ask in asks]
    scopes = [[p for p in engine.plans if p.source in i.sources] if i.sources else [] for i in infos]
    words = [content_words(i, scope) for i, scope in zip(infos, scopes)]
    stated = " ".join(f.text for f in findings)
    said = {f.text for f in findings}
    extra: list[Finding] = []
    for index, info in enumerate(infos):
        others = {fold(w) for j, ws in enumerate(words) if j != index for w in ws}
        own = [w for w in words[index] if fold(w) not in others]
        if not own or text_coverage(own, stated) >= 0.5:
            continue
        new = [f for f in _read_ask(engine, info) if f.text not in said]
        said |= {f.text for f in new}  # two unmet asks read to one sentence: said once
        extra += new
    return extra


def _read(engine, info: QuestionInfo) -> Answer | tuple[list[Finding], str, list[Hit]]:
    """The findings that answer the question (none when the plans do not state it), with a note
    to put before them and the clauses retrieved; or a whole answer (a comparison, a unit the
    plan never names)."""
    scope = [p for p in engine.plans if p.source in info.sources] if info.sources else list(engine.plans)
    lexical = None
    if info.english:
        lexical = " ".join(content_words(info, scope if info.sources else [], drop_title=False))
    hits = engine.retrieve(_search_text(info, scope), k=12, sources=info.sources or None, lexical_question=lexical)
    if not hits:
        return _not_found(info, hits)
    if info.post and info.sources:
        hits = _post_holders(info.post, scope) + [h for h in hits if not _holds_post(h.clause.text, info.post)]
    elif len(scope) == 1 and info.sources:
        named = _section_named(info, scope[0]) or _label_named(info, scope[0])
        hits = named + [h for h in hits if all(h.clause.id != n.clause.id for n in named)]
    words = _without_actor(content_words(info, scope if info.sources else []), info.actor)
    if info.compare and len(info.sources) != 1:
        return _compare(engine, info, words) or _not_found(info, hits)
    if info.actor and info.sources:
        info = replace(info, actor=_as_plan_names(info.actor, scope))
    findings = read_slots(Context(engine, info, hits, words, scope))
    note = ""
    if ("duties" in info.asked and info.actor and info.sources and _is_body(info.actor)
            and not _unit_mentioned(info.actor, scope)):
        # "Liên đoàn Lao động … có nhiệm vụ gì?" of a plan that never names it: the plan states
        # no duty of that unit, whatever other units it gives work to.
        return _not_found(info, hits, note=(f"The plan does not mention {info.actor}. " if info.english
                                            else f"Kế hoạch không nhắc đến {info.actor}. "))
    if not findings and info.actor and info.sources and not _unit_mentioned(info.actor, scope):
        if not _unit_mentioned(apply_synonyms(info.actor, keep_original=False), scope) \
                and not _unit_of_field(_field_of(info.actor), scope):
            # "Sở Tư pháp phải báo cáo trước ngày nào?" of a plan that never names Sở Tư pháp
            # nor any unit of its field: it states nothing that unit does, and another unit's
            # date is no answer.
            return _not_found(info, hits, note=(f"The plan does not mention {info.actor}. " if info.english
                                                else f"Kế hoạch không nhắc đến {info.actor}. "))
        # The unit asked about is not the plan's, but one of its field is (a follow-up carried
        # "Phòng Văn hóa - Xã hội" to a xã whose plan has a "Công chức Văn hóa – Xã hội"): say
        # so, and answer for the plan's own units.
        findings = read_slots(Context(engine, replace(info, actor=""), hits, words, scope))
        note = (f"The plan does not mention {info.actor}. " if info.english
                else f"Kế hoạch không nhắc đến {info.actor}. ")
    findings = _anchored(findings, info, scope)
    if not findings or not _answers_asked(info, findings):
        return [], "", hits
    if len(scope) == 1 and info.sources:
        unwritten = unwritten_terms(info, scope[0])
        if unwritten:
            # "… cơ sở giáo dục mầm non …" of a plan that never writes "mầm non": the clauses
            # found state another object's value.
            return _not_found(info, hits, note=f"Kế hoạch không nhắc đến “{unwritten[0]}”. ")
    return findings, note, hits


# A code the question quotes ("Km78+00", "QL1A", "BTS"): letters with digits, not a document number.
_CODE = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{3,}\b")


# A count the question quotes ("cho 37 hộ"): two digits or more and the noun counted; not a
# year, a date or a time.
_COUNTED = re.compile(r"(?<![\d/.,:+-])(?!(?:19|20)\d\d\b)\d{2,}(?![\d/.,:%+-])\s+(?!(?:nam|thang|ngay|gio)\b)[a-z]+")
# A capitalised name with its number ("thủy điện Móng Sến 2", "Phường 2", "Biểu 01"), but not a
# document's ("Kế hoạch 172", "QĐ 1627/QĐ-UBND").
_NUMBERED_NAME = re.compile(r"\b((?:[A-ZĐ][^\W\d_]*\s+){1,3})(\d{1,3})\b(?!\s*[/.,]\s*\d|/)")
_DOCUMENT_WORDS = re.compile(r"^(?:ke hoach|quyet dinh|chi thi|thong bao|cong van|nghi quyet|nghi dinh|thong tu|luat"
                             r"|to trinh|bao cao|de an|chuong trinh|van ban|giay moi|kh|qd|cv|tb|nq|ct|nd|tt)\b")


def _numbered_names(text: str) -> list[tuple[str, str]]:
    """(name, number) pairs the question writes, folded: ("mong sen", "2")."""
    out = []
    for m in _NUMBERED_NAME.finditer(text):
        name = " ".join(fold(m.group(1)).split())
        if not _DOCUMENT_WORDS.match(name):
            out.append((name, m.group(2).lstrip("0") or "0"))
    return out


def _another_of_the_name(info: QuestionInfo, scope: list[Plan]) -> bool:
    """"… kho vật liệu nổ của dự án thủy điện Móng Sến 2 …" of a plan that writes only "Móng Sến
    1": the question is about something the plan does not cover."""
    for name, number in _numbered_names(info.text):
        numbers = {n.lstrip("0") or "0" for plan in scope for text in _unit_texts(plan)
                   for n in re.findall(rf"(?<!\w){re.escape(name)}\s+(\d{{1,3}})(?!\d)", text)}
        if numbers and number not in numbers:
            return True
    return False


def _anchored(findings: list[Finding], info: QuestionInfo, scope: list[Plan]) -> list[Finding]:
    """"… điều chỉnh hướng tuyến từ Km78+00 đến Km81+00, phải phối hợp với ai?", "… chi trả tiền
    bồi thường cho 37 hộ …": when the plan quotes the code or the count the question does, the
    fact asked is stated where it is; findings from clauses without it answer about something
    else. A name the question numbers otherwise than the plan does ("Móng Sến 2" where the plan
    has only "Móng Sến 1") is something the plan does not cover."""
    if not info.sources or not findings:
        return findings
    if _another_of_the_name(info, scope):
        return []
    folded = fold(info.text)
    for start, end in reversed(reference_spans(folded)):
        folded = folded[:start] + " " + folded[end:]
    # Not a time ("0h00"), nor a code or count of the plan's own title, which names the plan.
    titles = {word for card in cards(scope) for word in card.topic}
    codes = {c for c in _CODE.findall(folded) if not re.fullmatch(r"\d{1,2}h\d{0,2}", c) and c not in titles}
    codes |= {" ".join(c.split()) for c in _COUNTED.findall(folded) if c.split()[0] not in titles}
    if not codes:
        return findings

    def has_code(clause) -> bool:
        return any(code in fold(" ".join((*clause.path, clause.text))) for code in codes)

    if not any(has_code(clause) for plan in scope for clause in plan.clauses):
        return findings
    return [f for f in findings if any(has_code(h.clause) for h in f.hits)]


def _without_actor(words: list[str], actor: str) -> list[str]:
    """The question's words less those naming the unit that acts: readers check the actor on
    their own, and a clause about what else that unit does must not cover "Sở Tài chính … công bố
    kết quả trước ngày nào?" by its name alone. Kept whole when little else is asked ("Sở Tài
    chính có nhiệm vụ gì?")."""
    if not actor:
        return words
    named = set(unit_words(actor).split())
    rest = [w for w in words if fold(w) not in named]
    return rest if len(rest) >= 2 else words


# The kind of value a slot's answer holds, where a pattern can tell: a date, a count, a period.
_TYPED_VALUE = {"deadline": rf"{DATE}|{SLOT_EVIDENCE['deadline']}|{DURATION}", "frequency": SLOT_EVIDENCE["frequency"],
                "contact": SLOT_EVIDENCE["contact"], "effective": SLOT_EVIDENCE["effective"],
                # "phối hợp với cơ quan nào": the partner is named by a coordination, not by a task
                "coordinate": SLOT_EVIDENCE["coordinate"]}


def _answers_asked(info: QuestionInfo, findings: list[Finding]) -> bool:
    """Whether the findings hold the kind of value the question words ask for. "… báo cáo UBND
    tỉnh trước ngày nào?" asks a date; a reporting line without one frames the question and
    does not answer it. "Ai là Trưởng ban …" asks the post's holder, named beside it. Other
    who-questions are not checked here: a body has no pattern."""
    if info.post and not any(_holds_post(f.text, info.post) for f in findings):
        return False
    typed = [slot for slot in info.asked if _is_typed(slot, info)]
    if not typed or len(typed) < len(info.asked):
        return True
    unit = "" if info.english else asked_unit(info.text)
    day = _asks_day(info)
    level, total = _asked_level(info), TOTAL_ASKED.search(info.folded) is not None
    return any(_holds_value(slot, finding, unit, day, level, total) for finding in findings for slot in typed)


_DOC_NUMBER = re.compile(r"\b\d{1,5}[a-z]?\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9&.\-]*")


# "trước ngày nào", "by what date": a day of the calendar (or its month), or a schedule a record
# states ("định kỳ hằng năm báo cáo …": no day is set, and the answer says so); not a duration, a
# year, or a sentence that merely says "hằng năm". "khi nào", "thời hạn" take any of those.
_DAY_ASKED = re.compile(r"\bngay (?:nao|may|bao nhieu)\b|\b(?:what|which) (?:date|day)\b")
_CALENDAR_DAY = re.compile(r"\d{1,2}\s*/\s*\d{1,2}|\bngay\s+\d{1,2}\b|\bthang\s+\d{1,2}\b")


def _asks_day(info: QuestionInfo) -> bool:
    return _DAY_ASKED.search(fold(info.text)) is not None


# "tại xã nào", "ở phường nào", "in which commune": the place asked is a unit of that level.
_LEVEL_ASKED = re.compile(r"\b(xa|phuong|tinh|thanh pho|dac khu|huyen) nao\b"
                          r"|\b(?:which|what) (commune|ward|province|city|district)\b")
_LEVEL_EN = {"commune": "xa", "ward": "phuong", "province": "tinh", "city": "thanh pho", "district": "huyen"}


def _asked_level(info: QuestionInfo) -> str:
    found = _LEVEL_ASKED.search(fold(info.text))
    return (found.group(1) or _LEVEL_EN[found.group(2)]) if found else ""


def _is_typed(slot: str, info: QuestionInfo) -> bool:
    return slot in _TYPED_VALUE or slot in {"quantity", "person"} or (slot == "place" and bool(_asked_level(info)))


def _holds_value(slot: str, finding: Finding, unit: str, day: bool = False, level: str = "",
                 total: bool = False) -> bool:
    text = finding.text
    # Without its citation marks and document numbers ("09/2009/CT-UBND" holds no date or count).
    folded = _DOC_NUMBER.sub(" ", fold(re.sub(r"\{\d+\}", " ", text)))
    if slot == "quantity":
        return has_quantity_of(folded, unit, share_ok=not total) if unit else has_quantity(folded)
    if slot == "person":
        return person_name(text) is not None
    if slot == "place":
        return re.search(rf"\b{level}\s+(?!nao\b)[a-z]", folded) is not None
    if slot == "deadline" and day:
        return _CALENDAR_DAY.search(folded) is not None or (
            finding.reader != "sentence" and re.search(PERIODIC, folded) is not None)
    return re.search(_TYPED_VALUE[slot], folded) is not None


# Who holds a post: a person's name, or the office-holder the post goes to ("Trưởng ban: Chủ
# tịch UBND xã").
_HOLDER_TITLE = re.compile(r"\b(?:chu tich|giam doc|bi thu|truong phong|chanh van phong|thu truong|cong chuc)\b")


def _holds_post(text: str, post: str) -> bool:
    """Whether a text names the holder of `post` beside it (same sentence, within 120
    characters): "Ông Nguyễn Anh Nhân, Ủy viên …, Trưởng ban", "Thư ký: bà Trần Thị B". The
    post is matched whole: "Phó giám đốc Nguyễn Văn A" holds no post "giám đốc"."""
    src, low = twin(re.sub(r"\{\d+\}", " ", text))
    pattern = rf"(?<!pho )\b{post}\b" if not post.startswith("pho ") else rf"\b{post}\b"
    for found in re.finditer(pattern, low):
        start, end = found.span()
        left = max(src.rfind(".", 0, start), src.rfind(";", 0, start), start - 120)
        right = min(x for x in (src.find(".", end), src.find(";", end), end + 120) if x >= 0)
        window_src, window_low = src[left + 1:right], low[left + 1:right]
        rest_low = window_low.replace(found.group(0), " ", 1)
        if person_name(window_src) is not None or _HOLDER_TITLE.search(rest_low):
            return True
    return False


# "Trách nhiệm của …", "Nhiệm vụ của …": what a heading says of the one it names.
_HEADING_FRAME = re.compile(r"^(?:trach nhiem|nhiem vu|trach nhiem va nhiem vu|nhiem vu va trach nhiem) cua\s+")
_SECTION_LINES = 8


def _section_named(info: QuestionInfo, plan: Plan) -> list[Hit]:
    """"… đối tượng thực hiện kiểm kê phải thành lập Tổ kiểm kê trước ngày nào?": the question names
    a heading of the plan ("1.5. Trách nhiệm của đối tượng thực hiện kiểm kê") by four words or
    more (three are a stock title: "… để tổ chức thực hiện kế hoạch" names no section); the lines
    under it are where the fact is stated, wherever retrieval ranked them. A unit's heading is
    left to the readers of its actor."""
    # The words that name the plan ("Kế hoạch tổng kiểm kê tài sản công") name no section of it.
    question = spaced(info.query or info.text)
    best, best_rank = None, (0, False)
    for clause in plan.clauses:
        # A part ("V. TỔ CHỨC THỰC HIỆN") is no section of one fact.
        if clause.kind not in HEADING_KINDS or clause.kind == "section":
            continue
        name = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*", "", fold(clause.text)).split(":")[0]
        words = re.findall(r"[^\W_]+", _HEADING_FRAME.sub("", name.strip()))
        # Between "2. Đối tượng thực hiện kiểm kê:" (who they are) and "1.5. Trách nhiệm của đối
        # tượng thực hiện kiểm kê" (what they do), a question of what is done asks the second.
        rank = (len(words), _HEADING_FRAME.match(name.strip()) is not None)
        if len(words) >= 4 and rank > best_rank and spaced(" ".join(words)) in question \
                and not bodies_named(clause.text):  # a unit's heading: the actor's readers read it
            best, best_rank = clause, rank
    if best is None:
        return []
    return [Hit(plan.source, c, 1.0) for c in lines_under(plan, best)[:_SECTION_LINES]]


# A "label: value" line ("3. Đơn vị chủ trì thực hiện: Sở Văn hoá và Thể thao."), its numbering off.
_LABEL_LINE = re.compile(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*[.)]?|[a-zđ][.)]|[-+•])?\s*([^:\d]{6,60}):\s*\S")


def _label_named(info: QuestionInfo, plan: Plan) -> list[Hit]:
    """"Theo Kế hoạch tổ chức Festival …, đơn vị nào chủ trì thực hiện?": a question that, its
    plan's title aside, only says what field it asks, asks the plan's own line of that label
    ("Đơn vị chủ trì thực hiện: …"), not a task's ("Đơn vị chủ trì: …" under "2.6. Bế mạc …"),
    wherever retrieval ranked it. The longest label all of whose words the question says, and
    that holds every topic word of the question; among equals the one nearest the top."""
    words = {fold(w) for w in content_words(info, [plan])}
    if not words:
        return []
    asked = set(spaced(info.text).split())
    best, best_rank = None, (0, 0)
    for clause in plan.clauses:
        label = _LABEL_LINE.match(clause.text)
        if not label:
            continue
        label_words = spaced(label.group(1)).split()
        if len(label_words) < 3 or not set(label_words) <= asked or not words <= set(label_words):
            continue
        rank = (len(label_words), -len(clause.path))
        if rank > best_rank:
            best, best_rank = clause, rank
    return [Hit(plan.source, best, 1.0)] if best is not None else []


def _post_holders(post: str, plans) -> list[Hit]:
    """"Ai là Trưởng đoàn …": the lines of the plans in scope that name the post's holder beside
    it ("4.1. Ông Hoàng Văn Thuân - Trưởng đoàn"), wherever retrieval ranked them."""
    return [Hit(plan.source, clause, 1.0) for plan in plans for clause in plan.clauses
            if _holds_post(clause.text, post)][:3]


# The kind of a unit before the field it works in: "Sở" of "Sở Tư pháp", "Phòng" of "Phòng Văn hóa - Xã hội".
_UNIT_KINDS = (r"(?:so|phong|ban|hoi|cong chuc|chi cuc|cuc|trung tam|van phong|cong an|doan|vien|chi nhanh"
               r"|uy ban nhan dan|ubnd|bo chi huy|lien doan|thanh tra)")
_UNIT_KIND = re.compile(rf"^{_UNIT_KINDS}\s+")


def _field_of(unit: str) -> str:
    """A unit's field, its name without its kind and place: "tu phap", "van hoa xa hoi"; "" when
    nothing is left to tell it by."""
    core = _unit_core(unit)
    field = _UNIT_KIND.sub("", core)
    return field if field != core and len(field.split()) >= 2 else ""


def _unit_of_field(field: str, plans) -> bool:
    """Whether the plans name a unit of that field, whatever its kind ("công chức văn hóa xã
    hội"); a field listed after another unit's kind ("Các Sở: Tài chính, …, Tư pháp") is not
    one the plan names as acting."""
    if not field:
        return False
    unit = re.compile(rf"(?:^| ){_UNIT_KINDS} {re.escape(field)}(?: |$)")
    return any(unit.search(text) for plan in plans for text in _unit_texts(plan))


def _unit_core(unit: str, places: frozenset[str] = frozenset()) -> str:
    """A unit's name without the place it belongs to: "Sở Tài chính thành phố Cần Thơ", "Sở Tài
    chính Quảng Ngãi" → "so tai chinh" (plans name their own units without it)."""
    # Cut at a level followed by its place's name ("phường Long Mỹ"), not at the "Xã" of "Văn
    # hóa - Xã hội".
    place = next((m for m in re.finditer(r"\b(?i:tỉnh|thành phố|tp\.?|xã|phường|đặc khu|huyện|quận|thị xã|thị trấn)\s+(\w)",
                                         unit) if m.group(1).isupper()), None)
    bare = unit[:place.start()] if place else unit
    words = unit_words(unit)
    core = unit_words(bare) or words
    kept = core.split()
    while len(kept) > 2 and kept[-1] in places:
        kept.pop()
    return " ".join(kept)


def _speaks_of(unit: str, finding: Finding, places: frozenset[str]) -> bool:
    """The finding's own sentence (or the headings above it) names the unit: a clause that lists
    it among the attendees of a meeting states none of its duties."""
    core = _unit_core(unit, places)
    headings = " ".join(h for hit in finding.hits for h in hit.clause.path)
    said = unit_words(headings + " " + re.sub(r"\{\d+\}", " ", finding.text))
    return f" {core} " in f" {said} "


def _is_body(unit: str) -> bool:
    """A named body ("Sở Tài chính", "Thanh tra tỉnh"), not a group ("doanh nghiệp viễn thông")."""
    from assistant.extract.entities import match_body

    src, low = twin(unit)
    span = match_body(src, low, 0)
    return span is not None and span[1] >= len(src.rstrip())


_PLACE_LEVELS = {"tinh", "thanh", "pho", "tp", "xa", "phuong", "dac", "khu", "huyen", "quan", "thi", "tran"}


def _as_plan_names(unit: str, plans) -> str:
    """The unit as the plans name it: "doanh nghiệp viễn thông Mường Lay" asked, "doanh nghiệp
    viễn thông" written; the place is dropped only when the plans never give the whole name."""
    if _named_whole(unit, plans):
        return unit
    places = set(locality_words(plans)) | _PLACE_LEVELS
    words = unit.split()
    for cut in range(len(words) - 1, 1, -1):
        if all(fold(w) in places for w in words[cut:]) and _named_whole(" ".join(words[:cut]), plans):
            return " ".join(words[:cut])
    return unit


def _named_whole(unit: str, plans) -> bool:
    return _names(unit_words(unit), plans)


def _unit_mentioned(unit: str, plans) -> bool:
    """Whether the plans name the unit anywhere (a heading or a line), with or without its place."""
    return _names(_unit_core(unit, frozenset(locality_words(plans))), plans)


def _names(name: str, plans) -> bool:
    padded = f" {name} "
    return any(padded in text for plan in plans for text in _unit_texts(plan))


# Each clause's heading path and text as unit words ("so tai chinh …"), per plan version: a question
# about a unit looks its name up several times (whole, without its place), and folding ~500
# clauses each time cost ~150 ms.
_UNIT_TEXTS: BoundedCache[tuple[str, ...]] = BoundedCache(256)


def _unit_texts(plan: Plan) -> tuple[str, ...]:
    return _UNIT_TEXTS.get((plan.source, plan.sha256), lambda: tuple(
        f" {unit_words(' '.join([*c.path, c.text]))} " for c in plan.clauses))


def read_slots(context: Context) -> list[Finding]:
    """One finding per slot asked (two when the best reader gives a close second)."""
    chosen: list[Finding] = []
    for slot in context.info.slots[:MAX_SLOTS]:
        stated = _STATES.get(slot)
        if stated and any(re.search(stated, fold(f.text)) for f in chosen):
            continue
        # Every reader of the slot is asked; a structured record (a task field, a reporting
        # line, a table value) wins over a plain sentence that fits the question no better.
        candidates: list[tuple[float, list[Finding]]] = []
        # A slot whose question word asks a typed value ("bao lâu một lần", "trước ngày nào"):
        # a reader's findings without such a value give way to another reader's.
        typed = slot in context.info.asked and _is_typed(slot, context.info)
        unit = "" if context.info.english or not typed else asked_unit(context.info.text)
        day = typed and _asks_day(context.info)
        level = _asked_level(context.info) if typed else ""
        total = typed and TOTAL_ASKED.search(context.info.folded) is not None
        post = context.info.post if slot in {"lead", "person"} else ""
        # "Sở X có nhiệm vụ gì": a sentence about another unit's work is no duty of Sở X.
        actor = context.info.actor if slot == "duties" and slot in context.info.asked and _is_body(
            context.info.actor) else ""
        places = frozenset(locality_words(context.scope)) if actor else frozenset()
        # "… gửi báo cáo … trong thời hạn bao nhiêu ngày", "Sở X báo cáo UBND tỉnh trước ngày nào"
        # (the recipient given, no report slot asked): the time of that report, not of another task.
        report_time = (slot in {"deadline", "quantity"}
                       and re.search(r"\bbao cao\b|\bgui\b|\breport|\bsubmit", context.info.folded) is not None)
        for order, reader in enumerate(READERS.get(slot, (_sentence,))):
            found = [f for f in reader.read(context, slot) if (f.score >= MIN_SCORE[reader.name]
                                                               or _continues(context, f, chosen))
                     and (not typed or _holds_value(slot, f, unit, day, level, total))
                     and (not post or _holds_post(f.text, post))
                     and (not actor or f.reader != "sentence" or _speaks_of(actor, f, places))
                     and (not report_time or has_evidence("report", fold(f.text)))]
            if found:
                candidates.append((found[0].score + (0.15 if reader.name != "sentence" else 0.0) - 0.01 * order, found))
        if not candidates:
            continue
        _, found = max(candidates, key=lambda c: c[0])
        # A close second (another recipient, the clause that carries the rest of the fact) is
        # given too; a weaker one would only add noise.
        second = 0.9 if found[0].reader != "sentence" else 0.6
        picked = found[:2] if len(found) > 1 and found[1].score >= second * found[0].score else found[:1]
        # One sentence can answer two slots ("Sở X chủ trì … báo cáo … trước ngày 15/12"): said once.
        chosen.extend(f for f in picked if all(f.text != c.text for c in chosen))
        context.answered[:] = chosen
    return chosen


def _continues(context: Context, finding: Finding, chosen: list[Finding]) -> bool:
    """A finding in the clause another slot's answer came from, or in the one right after it
    ("… giao Sở Tài chính chủ trì …" then "Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025"):
    the rest of one assignment, which the question's words need not cover again."""
    if not chosen or not finding.hits or finding.score < 0.5 * MIN_COVERAGE:
        return False
    hit = finding.hits[0]
    plan = context.plan(hit.source) if context.engine is not None else None
    if plan is None:
        return False
    ids = plan_ids(plan)
    try:
        at = ids.index(hit.clause.id)
    except ValueError:
        return False
    for earlier in chosen:
        for other in earlier.hits:
            if other.source == hit.source and other.clause.id in ids and 0 <= at - ids.index(other.clause.id) <= 1:
                return True
    return False


def _not_found(info: QuestionInfo, hits: list[Hit], note: str = "") -> Answer:
    related = Citations()
    for hit in hits[:3]:
        related.mark(hit)
    return Answer(info.text, note + (NOT_FOUND_EN if info.english else NOT_FOUND_VI), False, related.build(),
                  info.intent)


def _render(finding: Finding, citations: Citations) -> str:
    text = finding.text
    for index, hit in enumerate(finding.hits):
        text = text.replace("{" + str(index) + "}", citations.mark(hit))
    text = re.sub(r"\s*\{\d+\}", "", text).strip()
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)  # one clause cited twice in a row is one mark
    return text if text.endswith((".", "?", "!")) else text + "."


def _answer(engine, info: QuestionInfo, findings: list[Finding]) -> Answer:
    citations = Citations()
    sentences = [_render(f, citations) for f in findings]
    cited_plans = list(dict.fromkeys(h.source for f in findings for h in f.hits))
    if len(cited_plans) == 1:
        label = _across_reform(engine.plan(cited_plans[0]), info) or document_label(engine.plan(cited_plans[0]))
        prefix = f"According to {label}: " if info.english else f"Theo {label}: "
        body = " ".join(sentences)
    else:
        labelled = []
        for finding, sentence in zip(findings, sentences):
            label = document_label(engine.plan(finding.hits[0].source)) if finding.hits else ""
            labelled.append(f"({label}) {sentence}" if label else sentence)
        prefix, body = ("According to the plans: " if info.english else ""), " ".join(labelled)
    return Answer(info.text, prefix + body, True, citations.build(), info.intent)


def _across_reform(plan, info: QuestionInfo) -> str:
    """When the question named the unit a plan's commune became (or was made from), the label
    says so: "kế hoạch của xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi)"."""
    from assistant.plan_match import _padded, _reform_names

    meta = plan.metadata if plan else None
    if not meta or not meta.locality_name or _padded(meta.locality_name) in _padded(info.text):
        return ""
    if _padded(meta.locality_name) not in _reform_names(info.text):
        return ""
    try:
        from assistant.admin import current_successor_label

        now = current_successor_label(meta.locality, meta.province)
    except Exception:  # no map data: the plain label
        return ""
    return f"kế hoạch của {now}" if now and now != meta.locality else ""


def _compared_plans(engine, query: str, sources: list[str]) -> list[tuple[Plan, list[Hit]]]:
    """The plans in scope (those named, or all) in index order, each with its best clauses for
    the question; when there are more than MAX_COMPARED_PLANS, the ones whose clauses rank best,
    read from that one ranking (a province index holds thousands of plans, and retrieving once
    more per plan made a comparison cost half a second)."""
    scope = [p for p in engine.plans if not sources or p.source in sources]
    if len(scope) <= MAX_COMPARED_PLANS:
        return [(plan, engine.retrieve(query, k=6, sources=[plan.source])) for plan in scope]
    by_plan: dict[str, list[Hit]] = {}
    for hit in engine.retrieve(query, k=10 * MAX_COMPARED_PLANS, sources=sources or None):
        by_plan.setdefault(hit.source, []).append(hit)
    return [(engine.plan(source), hits[:6]) for source, hits in list(by_plan.items())[:MAX_COMPARED_PLANS]]


def _compare(engine, info: QuestionInfo, words: list[str]) -> Answer | None:
    """One line per plan (the plans named, or the best-ranked ones): its finding for the first
    slot asked."""
    citations = Citations()
    lines = []
    for plan, hits in _compared_plans(engine, info.query, info.sources):
        if plan is None or not hits:
            continue
        context = Context(engine, info, hits, words, [plan])
        findings = read_slots(context)[:1]
        if not findings or (findings[0].reader == "sentence" and coverage(words, findings[0].hits[0].clause) < 0.3):
            continue
        lines.append(f"- {document_label(plan)}: {_render(findings[0], citations)}")
    if not lines:
        return None
    head = "Comparison across plans:" if info.english else "So sánh giữa các kế hoạch:"
    return Answer(info.text, "\n".join([head, *lines]), True, citations.build(), info.intent)
