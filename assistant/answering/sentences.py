"""Readers over the retrieved clauses themselves: the sentence that states the fact asked, a
unit's duties, a target's value in a table column.

Sentence reader: every sentence part of the best clauses is scored by how much of the question
it covers (its heading path counts: the actor and the task often live there), whether it holds
the kind of value the slot asks for (a date for "trước ngày nào", a body for "ai chủ trì", an
amount for "bao nhiêu tiền"), and the clause's retrieval rank. A part without that kind of value
never answers a typed slot; this is what makes "không tìm thấy" possible where the plan is silent.
"""
from __future__ import annotations

import re

from assistant.answering.coverage import coverage
from assistant.answering.parts import actor_of, lead_frame, split_parts, year_heading
from assistant.answering.reading import Context, Finding
from assistant.answering.records import same_unit
from assistant.documents import Clause
from assistant.extract.entities import bodies_named, named_subject, subject
from assistant.extract.obligations import opening
from assistant.question import duties_post
from assistant.retrieval.hybrid import Hit
from assistant.text import FAMILY_NAMES, FAMILY_NAMES_FOLDED, NATIONAL_MOTTO, fold, has_diacritics

# What a part must hold to answer each slot (folded; inner letters are wildcards where OCR
# misreads them: "bao cdo", "phdi hop").
DATE = r"\d{1,2}\s*/\s*\d{1,2}|\bngay\s+\d{1,2}\b|\bthang\s+\d{1,2}\b|\bquy\s+(?:[ivx]+|\d)\b|\bnam\s+20\d\d\b|\b20\d\d\b"
PERIODIC = r"\bdinh ky\b|\bhang (?:nam|quy|thang|tuan|ngay)\b|\bmoi (?:nam|quy|thang|tuan)\b|\b\d+\s*(?:tuan|thang|ngay)\s*/\s*lan\b|\bdot xuat\b"
MONEY = r"\d[\d.,]*\s*(?:trieu|ty|nghin|dong|vnd|usd)\b"
DURATION = r"\b\d+\s*(?:ngay|thang|nam|tuan|gio|buoi)\b"
# "Trong bao lâu", "mấy ngày": a length of time answers, not a date.
DURATION_ASKED = re.compile(r"\bbao lau\b|\bmay (?:ngay|thang|tuan|buoi)\b|\bhow long\b|\bhow many (?:days|months|weeks)\b")
DAY = r"\d{1,2}\s*/\s*\d{1,2}|\bngay\s+\d{1,2}\b|\bthang\s+\d{1,2}\b|\bquy\s+(?:[ivx]+|\d)\b|\btruoc ngay\b"
# "Hiện nay có bao nhiêu …": a target of the plan is not the figure of today.
CURRENT_ASKED = re.compile(r"\b(?:hien nay|hien tai|hien co|bay gio|currently|right now|at present|now)\b")
CURRENT_STATED = r"\bhien (?:nay|tai|co|trang)\b|\bthuc hien nam\b|\bda (?:co|dat|xay dung|lap dat)\b"
SLOT_EVIDENCE = {
    "lead": r"\bchu tr\w\b|\bdau m\wi\b|\bthuong truc\b|\bphu trach\b|\bgiao\b|\bchiu trach nhiem\b"
            r"|\btruong (?:ban|doan)\b|\btham m\wu\b",
    "coordinate": r"\bph\w{1,2}\s?hop\b",
    "report": r"\bbao c\wo\b|\bgui\b|\bphan anh\b|\bt\wng hop\b|\bnop\b",
    "deadline": DAY + "|" + PERIODIC,
    "frequency": PERIODIC + r"|\blan\b",
    "place": r"\bdia diem\b|\btai\b|\bo\b|\btru so\b",
    "funding": r"\bkinh phi\b|\bngan sach\b|\bnguon\b|\bvon\b|\bxa hoi hoa\b|\bdu toan\b|\bchi phi\b|\bphi\b|" + MONEY,
    "quantity": r"\d",
    "effective": r"\bco hieu luc\b|\bhieu luc (?:thi hanh|ke tu|tu)\b",  # not "hiệu lực, hiệu quả"
    "contact": r"\b0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}\b|@|www\.|https?://",
}
# A person's name, on the source text: "Ông Nguyễn Anh Nhân", "đồng chí Võ Phiên", "Trần Thị Diệu
# Thúy". Without a title word the first syllable must be a family name: capitalised posts
# ("Trưởng Ban Chỉ Đạo", "Ủy Ban Nhân Dân") have the same shape.
_TITLED = re.compile(r"\b(?:[Ôô]ng|[Bb]à|đồng chí|[Đđ]/c)\s+[A-ZĐÀ-Ỹ]\w*(?:\s+[A-ZĐÀ-Ỹ]\w*)+")
_BARE_NAME = re.compile(r"\b([A-ZĐ][a-zà-ỹ]+)(?:\s+[A-ZĐ][a-zà-ỹ]+){2,3}\b")


def person_name(text: str) -> re.Match | None:
    """The first person's name in a text, or None."""
    titled = _TITLED.search(text)
    if titled:
        return titled
    return next((m for m in _BARE_NAME.finditer(text) if m.group(1).lower() in FAMILY_NAMES
                 or not has_diacritics(m.group(0)) and m.group(1).lower() in FAMILY_NAMES_FOLDED), None)


# Numbers that are not quantities: an item's numbering, a document number, a date, a year, an ordinal.
_NOT_QUANTITY = re.compile(r"^\s*(?:[ivx]+|\d+(?:\.\d+)*|[a-z])[.)]\s*|\d+\s*[/-]\s*[\w/-]*[a-z][\w/-]*"
                           r"|\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\b(?:ngay|thang|nam|quy|giai doan|lan thu|khoa)\s+\d+(?:\s*[/-]\s*\d+)*"
                           r"|\b(?:19|20)\d\d\b")


def has_quantity(folded: str) -> bool:
    """A figure that can answer "bao nhiêu": "3. Tỷ lệ % người hưởng …" (an item number) and
    "lần thứ II năm 2026" (an ordinal, a year) hold none."""
    return re.search(r"\d", _NOT_QUANTITY.sub(" ", folded)) is not None


# Function words (a closed class, folded) that may follow "bao nhiêu" and name no unit: "đạt bao
# nhiêu vào năm 2025", "tăng bao nhiêu mỗi năm", "là bao nhiêu".
_NOT_UNIT = frozenset("""la va cua trong tren duoi o tai theo de khi thi hay hoac duoc vao moi hang den tu cho
voi so nua mot nhung cac ca tat dat tang giam trieu ty dong tien""".split())


def asked_unit(question: str) -> str:
    """What "bao nhiêu"/"mấy" counts in a question ("bao nhiêu người" → "nguoi", "bao nhiêu
    phần trăm" → "%"), "" when it names nothing ("là bao nhiêu?", "đạt bao nhiêu vào năm 2025").
    Read on the question as typed: "mấy" counts, "máy" (a machine) does not."""
    found = re.search(r"\b(?:bao nhiêu|bao nhieu|mấy)\s+(\w+)", question.lower())
    unit = fold(found.group(1)) if found else ""
    if not unit or unit in _NOT_UNIT:
        return ""
    return "%" if unit == "phan" else unit


def has_quantity_of(folded: str, unit: str, share_ok: bool = True) -> bool:
    """A figure of that unit: "1.250 tổ công nghệ số", "100% số xã" for "bao nhiêu xã";
    "điểm chuẩn: 20" is no count of people. A total asked ("tổng cộng bao nhiêu người") is
    not answered by a share (`share_ok` false)."""
    rest = _NOT_QUANTITY.sub(" ", folded)
    if unit == "%":
        return re.search(r"\d\s*%", rest) is not None
    share = r"\s*%?" if share_ok else r"(?![\d.,]|\s*%)"
    return re.search(rf"(?<![\d.,])\d[\d.,]*{share}\s*(?:\S+\s+){{0,2}}{re.escape(unit)}\b", rest) is not None


# "Tổng cộng bao nhiêu", "tổng số … là bao nhiêu", "in total": a count, not a rate.
TOTAL_ASKED = re.compile(r"\btong (?:cong|so)\b|\bin total\b|\btotal number\b")


# "Sở nào hướng dẫn …", "chỉ đạo phòng nào …": the question asks for a body of that kind. Read
# with marks where the question has them: "số nào" (a number) folds like "sở nào".
_BODY_KINDS = ("sở", "phòng", "ban", "bộ", "cục", "chi cục", "trung tâm", "cơ quan", "đơn vị", "tổ chức")
_BODY_KIND_ASKED = re.compile(rf"\b({'|'.join(_BODY_KINDS)})\s+nào\b")
_BODY_KIND_ASKED_FOLDED = re.compile(rf"\b({'|'.join(fold(k) for k in _BODY_KINDS)})\s+nao\b")
_ANY_BODY = {"co quan", "don vi", "to chuc"}


def asked_body_kind(question: str) -> str | None:
    """The kind of body asked, folded ("so", "phong"; "" for any body: "cơ quan nào"), None if none."""
    lower = question.lower()
    found = (_BODY_KIND_ASKED if has_diacritics(lower) else _BODY_KIND_ASKED_FOLDED).search(lower)
    if not found:
        return None
    kind = fold(found.group(1))
    return "" if kind in _ANY_BODY else kind


def names_body_of(part: str, kind: str) -> bool:
    """The part names a body of that kind: "Sở Công Thương: hướng dẫn …" for "sở nào"."""
    bodies = bodies_named(part)
    return any(fold(body).startswith(kind + " ") for body in bodies) if kind else bool(bodies)


# A named place: "phường Sông Cầu", "xã Tả Phìn", "đầm Cù Mông" (the name capitalised as written).
_PLACE_NAMED = re.compile(r"\b(?:xã|phường|thị trấn|thị xã|huyện|quận|tỉnh|thành phố|đặc khu|thôn|ấp|bản|tổ dân phố"
                          r"|đầm|vịnh|sông|hồ|khu vực|khu)\s+(\w)", re.IGNORECASE)


def names_place(part: str) -> bool:
    return any(m.group(1).isupper() for m in _PLACE_NAMED.finditer(part))


def has_evidence(slot: str, folded: str) -> bool:
    if slot == "quantity":
        return has_quantity(folded)
    pattern = SLOT_EVIDENCE.get(slot)
    return pattern is None or re.search(pattern, folded) is not None


def asks_amount(folded_question: str) -> bool:
    """"bao nhiêu tiền/đồng/tỷ", "tổng kinh phí … bao nhiêu": the answer must be an amount."""
    return bool(re.search(r"\bbao nhieu (?:tien|dong|ty|trieu)\b|\b(?:tong|toan bo) (?:kinh phi|von|muc dau tu|chi phi)\b"
                          r".*\bbao nhieu\b|\bhow much\b|\bamount\b|\btotal (?:budget|cost|funding)\b|\bbang dong\b"
                          r"|\b(?:ty|trieu) dong\b", folded_question))


def context_of(clause: Clause) -> str:
    """The unit or heading that frames a part when quoted alone."""
    return actor_of(clause) or year_heading(clause)


def quote_part(clause: Clause, part: str, english: bool, words: list[str] | None = None, lead: str = "") -> str:
    frame = context_of(clause) or lead
    if not frame and clause.path and clause.kind in {"bullet", "paragraph", "row"} and words:
        # The words asked are in the heading ("1.2. Sở Tài chính - Cơ quan thường trực …"),
        # not in the line: the heading frames it.
        heading = clause.path[-1]
        in_heading = sum(w in fold(heading) and w not in fold(part) for w in words)
        if in_heading and len(heading) <= 160:
            frame = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*", "", heading).rstrip(" :.")
    if not frame:
        frame = _lead_of(clause.text, part)
    text = part.rstrip(" ;.")
    if frame and fold(frame) not in fold(text):
        return f"{frame}{' — ' if english else ': '}{text}"
    return text[:1].upper() + text[1:]


def _lead_of(text: str, part: str) -> str:
    """The short lead of a clause "4.2. Ông Đỗ Mạnh Cường - Phó Trưởng đoàn: Chủ trì …; Tổng hợp …":
    whoever or whatever the lead names, every part after its colon is about it."""
    lead = re.match(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])?[.)]?\s*(?:(?:Ông|Bà|Đồng chí|Đ/c)\.?\s+)?"
                    r"([^:;.()]{3,90}?)\s*:\s", text)
    if not lead or len(lead.group(1).split()) > 12 or fold(part).startswith(fold(lead.group(1))[:20]):
        return ""
    if fold(text).find(fold(part)[:30]) <= lead.end() - 1:
        return ""  # the part is the lead's own first line
    return lead.group(1).strip()


# "Thực hiện [nội dung các] Quyết định số …": the basis a letter opens with, however it words it.
_FRAME_LINES = re.compile(r"^(?:can cu|thuc hien (?:(?:noi dung|y kien chi dao|chi dao)(?: cua)? )?(?:cac )?"
                          r"(?:quyet dinh|ke hoach|nghi quyet|chi thi|cong van|thong bao|van ban|nghi dinh|thong tu)"
                          r"|tren day la|theo de nghi)\b")


def candidate_parts(hits: list[Hit], titles: bool = False) -> list[tuple[int, Hit, str]]:
    """Sentence parts of the retrieved clauses; the header (the national motto; a PDF may run it
    together with the basis lines), the title, the basis lines ("Căn cứ …") and the closing
    "Trên đây là …" frame the document and state none of its facts (a title does name
    the person whose conclusions a notice records: `titles` keeps it)."""
    out = []
    for rank, hit in enumerate(hits):
        framing = (hit.clause.kind == "title" and len(hit.clause.text) <= 300 and not titles) \
            or _FRAME_LINES.match(fold(hit.clause.text)) or NATIONAL_MOTTO.search(fold(hit.clause.text[:400]))
        if framing:
            continue
        parts = [hit.clause.text] if hit.clause.kind == "row" else (split_parts(hit.clause.text) or [hit.clause.text])
        for part in parts:
            out.append((rank, hit, part))
    return out


MAX_FINDINGS = 6


def _opens_with(text: str, actor: str) -> bool:
    """Whether a clause is about the unit it opens with: "3. Giao Sở Nội vụ tiếp thu …"; its
    sentences without a subject of their own ("Hoàn thành và báo cáo UBND tỉnh trước ngày
    20/02/2025") continue that unit's work, as Vietnamese leaves a continued subject unsaid."""
    _, low, start = opening(text)
    return low.startswith(actor, start)


def _own_subject(part: str) -> bool:
    src, low = part, fold(part)
    return bool(subject(src, low, 0, len(src)) or named_subject(src, low, 0, len(src)))


class SentenceReader:
    name = "sentence"
    slots = frozenset()  # any slot

    def read(self, context: Context, slot: str) -> list[Finding]:
        info = context.info
        words = [fold(w) for w in context.words]
        amount = slot == "funding" and asks_amount(info.folded)
        current = slot == "quantity" and CURRENT_ASKED.search(info.folded) is not None
        # "Năm nào", "khi nào", "thời gian": a year alone answers; "trước ngày nào" needs a day.
        year_will_do = slot == "deadline" and re.search(r"\bnam nao\b|\bkhi nao\b|\bbao gio\b|\bthoi (?:gian|diem)\b"
                                                       r"|\bwhen\b|\bwhat year\b|\bgiai doan\b", info.folded)
        lasting = slot == "deadline" and DURATION_ASKED.search(info.folded) is not None
        actor = fold(info.actor)
        # "… phải báo cáo/gửi … trước ngày nào": the date of that report, not of another task.
        report_date = slot == "deadline" and re.search(r"\bbao cao\b|\bgui\b|\breport|\bsubmit", info.folded)
        # "Sở nào hướng dẫn …": the sentence that names a Sở doing it answers, whatever its verb;
        # "đơn vị nào chủ trì …" asks for the sentence that says "chủ trì".
        body_kind = (asked_body_kind(info.text) if slot == "lead" and not info.english
                     and not has_evidence("lead", info.folded) else None)
        scored = []
        positions: dict[str, dict[str, int]] = {}  # per plan read: clause id → index
        for rank, hit, part in candidate_parts(context.hits[:8], titles=slot == "person"):
            folded = fold(part)
            lead = lead_frame(context.plan(hit.source), hit.clause, positions)
            heading = fold(" ".join((*hit.clause.path, lead)))
            evidence = has_evidence(slot, folded) or (year_will_do and re.search(DATE, folded)) \
                or (lasting and re.search(DURATION, folded)) or (slot == "place" and names_place(part))
            # A unit's duties under its lead ("e) Sở Tài chính:") answer who does them; so do the
            # lines under a unit's heading ("6. Bộ Tư lệnh Thủ đô" / "Thực hiện rà phá bom mìn"):
            # the work is that unit's, whatever verb the line uses.
            if slot == "lead" and not lead and not has_evidence(slot, folded):
                unit = actor_of(hit.clause)
                lead = unit if unit and bodies_named(unit) else ""
            by_body = not evidence and ((body_kind is not None and names_body_of(part, body_kind))
                                        or (slot == "lead" and bool(lead) and bool(bodies_named(lead))))
            evidence = evidence or by_body
            if not evidence or (amount and not re.search(MONEY, folded)):
                continue
            if report_date and not has_evidence("report", folded):
                continue
            if current and not re.search(CURRENT_STATED, folded + " " + heading):
                continue
            if slot == "person" and not person_name(part):
                continue
            if actor and slot in {"report", "deadline", "frequency"} and actor not in folded and actor not in heading \
                    and not (_opens_with(hit.clause.text, actor) and not _own_subject(part)):
                continue  # the unit asked about must be the one this part speaks of
            if slot == "quantity" and info.years and not any(y in part or y in heading for y in info.years):
                continue  # a target for another year is not the target of the year asked
            overlap = sum(w in folded or w in heading for w in words) / max(1, len(words))
            bonus = 0.0
            if actor and (actor in folded or actor in heading):
                bonus += 0.5
            score = 2 * overlap + bonus + 1.0 / (1 + rank) - (0.5 if by_body else 0.0)
            scored.append((score, overlap, hit, part, lead))
        scored.sort(key=lambda item: -item[0])
        findings = []
        seen = set()
        for score, overlap, hit, part, lead in scored:
            key = (hit.source, hit.clause.id)
            if key in seen:
                continue
            seen.add(key)
            # How well the part (with its headings) covers the question, capped by the clause.
            fit = min(overlap, coverage(context.words, hit.clause)) if context.words else overlap
            findings.append(Finding(slot, quote_part(hit.clause, part, info.english, words, lead) + " {0}", [hit], fit,
                                    self.name))
            # More than the two an answer gives: the composer drops those without the kind of
            # value asked (a date, a count of what is asked), and the next ones must be there.
            if len(findings) == MAX_FINDINGS:
                break
        return findings


class TableValueReader:
    """A target asked of a table row: the value in the column of the year asked."""

    name = "table"
    slots = frozenset({"quantity"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        info = context.info
        rows = [h for h in context.hits[:6] if h.clause.kind == "row" and h.clause.columns
                and coverage(context.words, h.clause) >= 0.4]
        rows.sort(key=lambda h: -coverage(context.words, h.clause))
        for hit in rows:
            clause = hit.clause
            indicator = clause.text.split(" — ")[0]
            unit = next((v for h, v in clause.columns if fold(h).startswith("don vi tinh")), "")
            picked = [(h, v) for h, v in clause.columns if any(y in h for y in info.years)] if info.years else []
            if info.years and not picked:
                continue  # the table has no column for the year asked
            if not picked:
                return []  # no year asked: the whole row is the sentence reader's
            values = "; ".join(f"{h}: {v}" + (f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else ""))
                               for h, v in picked)
            return [Finding(slot, f"{indicator} — {values} {{0}}", [hit], coverage(context.words, clause), self.name)]
        return []


HEADING_KINDS = {"section", "article", "item", "subitem", "subsubitem", "letter"}


class DutiesReader:
    """A unit's duties: the clauses under the heading that names it ("3. Sở Nội vụ"), or the
    lines that assign to it ("Giao Sở Nội vụ …", "Sở Nội vụ: …")."""

    name = "duties"
    slots = frozenset({"duties"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        post = "" if context.info.actor else duties_post(context.info.folded)
        if post:
            return self._post_duties(context, slot, post)
        actor = context.info.actor or self._actor_from_headings(context) or self._actor_from_hits(context)
        if not actor:
            return []
        for plan in self._plans(context):
            # A heading that names the unit ("c) Sở Khoa học và Công nghệ:"), not a long item that
            # mentions it ("b) Các sở … theo hướng dẫn của Sở Khoa học và Công nghệ; …").
            heading = next((c for c in plan.clauses if c.kind in HEADING_KINDS
                            and same_unit(actor, _heading_name(c.text))
                            and len(_heading_name(c.text).split()) <= len(actor.split()) + 4), None)
            lines: list[Clause] = []
            if heading is not None:
                lines = lines_under(plan, heading) or _introduced(plan, heading) or [heading]
            else:
                lines = [c for c in plan.clauses if _assigns_to(c.text, actor)] or _tasks_led_by(plan, actor)
            if not lines:
                continue
            words = [fold(w) for w in context.words]
            ranked = sorted(lines, key=lambda c: -sum(w in fold(c.text) for w in words))[:5]
            ranked.sort(key=lambda c: plan.clauses.index(c))
            said = [(c.text if heading is not None else _NUMBERING.sub("", c.text)).rstrip(" ;.") for c in ranked]
            # Lines that open with the unit's name say it already: no "Sở Tài chính: 2. Sở Tài chính …".
            named = heading is None and all(fold(line).startswith(fold(actor)) for line in said)
            text = ("" if named else f"{actor}: ") + "; ".join(said)
            marks = " ".join("{" + str(i) + "}" for i in range(len(ranked)))
            score = max(coverage(context.words, c) for c in ranked)
            return [Finding(slot, f"{text} {marks}", [Hit(plan.source, c, 1.0) for c in ranked], max(score, 0.5),
                            self.name)]
        return []

    def _post_duties(self, context: Context, slot: str, post: str) -> list[Finding]:
        """The lines that give a post its duties: "4.1. Ông Hoàng Văn Thuân - Trưởng đoàn: Phụ trách
        chung; …" (the post whole, then a colon: a Phó Trưởng đoàn's line is not the Trưởng đoàn's)."""
        pattern = re.compile(rf"{'' if post.startswith('pho ') else '(?<!pho )'}\b{post}\b[^:;.]{{0,30}}:\s*\S")
        for plan in self._plans(context):
            lines = [c for c in plan.clauses if pattern.search(fold(c.text))][:3]
            if lines:
                text = "; ".join(c.text.rstrip(" ;.") for c in lines)
                marks = " ".join("{" + str(i) + "}" for i in range(len(lines)))
                return [Finding(slot, f"{text} {marks}", [Hit(plan.source, c, 1.0) for c in lines], 0.5, self.name)]
        return []

    @staticmethod
    def _plans(context: Context):
        sources = list(dict.fromkeys([*(p.source for p in context.scope if len(context.scope) <= 3),
                                      *(h.source for h in context.hits[:5])]))
        return [p for p in (context.plan(s) for s in sources) if p is not None]

    @staticmethod
    def _actor_from_headings(context: Context) -> str:
        """"Thành đoàn Hà Nội có nhiệm vụ gì?": a unit no pattern of bodies knows, named by the
        question as one of the plan's unit headings (the longest such name the question holds)."""
        question = spaced(context.info.text)
        names = [name for plan in DutiesReader._plans(context)[:1] for name in unit_headings(plan)
                 if spaced(name) in question]
        return max(names, key=len, default="")

    @staticmethod
    def _actor_from_hits(context: Context) -> str:
        for hit in context.hits[:3]:
            actor = actor_of(hit.clause)
            if actor and any(fold(w) in fold(actor) for w in context.words):
                return actor
        return ""


def _tasks_led_by(plan, actor: str) -> list[Clause]:
    """A task table's rows whose leading unit is the one asked ("Đơn vị chủ trì: Sở Khoa học và
    Công nghệ"): in a plan that assigns by table, those rows are the unit's duties."""
    from assistant.answering.records import plan_tasks

    by_id = {c.id: c for c in plan.clauses}
    led = [task.clause for task in plan_tasks(plan)
           if any(same_unit(actor, f.value) for f in task.values("lead"))]
    return [by_id[cid] for cid in dict.fromkeys(led) if cid in by_id]


def _introduced(plan, heading: Clause) -> list[Clause]:
    """The lines a heading ending in a colon introduces when the segmenter left them beside it, not
    under it ("d) Sở Nội vụ:" then its paragraphs, in a directive with no numbered sections): the
    clauses that follow, up to the next heading or the closing."""
    if not heading.text.rstrip().endswith(":"):
        return []
    start = plan.clauses.index(heading) + 1
    lines = []
    for clause in plan.clauses[start:]:
        if clause.kind in HEADING_KINDS or clause.id.startswith("Z") or clause.kind == "title":
            break
        lines.append(clause)
    return lines


def lines_under(plan, heading: Clause) -> list[Clause]:
    """The clauses nested under a heading ("V.7" → "V.7-1", "V.7.a"), in the plan's order."""
    return [c for c in plan.clauses if c.id != heading.id and c.id.startswith(heading.id)
            and c.id[len(heading.id):len(heading.id) + 1] in "-."]


def spaced(text: str) -> str:
    """Folded words between single spaces, padded: a phrase found in it is found whole."""
    return " " + " ".join(re.findall(r"[^\W_]+", fold(text))) + " "


def unit_headings(plan) -> list[str]:
    """Names of the headings that stand for units: the headings of a section whose headings are,
    for at least half, bodies a pattern knows ("5. Công an thành phố", "6. Bộ Tư lệnh Thủ đô",
    "7. Thành đoàn Hà Nội", "8. Sở Xây dựng": the seventh is a unit by its place among them)."""
    groups: dict[str, list[str]] = {}
    for clause in plan.clauses:
        if clause.kind in HEADING_KINDS:
            parent = clause.id.rsplit(".", 1)[0] if "." in clause.id else ""
            groups.setdefault(parent, []).append(_heading_name(clause.text))
    out = []
    for names in groups.values():
        named = [n for n in names if 0 < len(n.split()) <= 12]
        if len(named) >= 3 and sum(bool(bodies_named(n)) for n in named) * 2 >= len(named):
            out += [n for n in named if len(n.split()) >= 2]
    return out


def _heading_name(text: str) -> str:
    text = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*", "", text)
    return re.sub(r"^(?:de nghi|giao)\s+", "", text.split(":")[0], flags=re.IGNORECASE).strip(" .")


_NUMBERING = re.compile(r"^\W*(?:[ivx]+|\d+(?:\.\d+)*|[a-z])[.)]\s*")


def _assigns_to(text: str, actor: str) -> bool:
    """A line that gives the unit work: "Sở Tài chính: …", "Giao/Đề nghị Sở Tài chính …", or one
    whose subject the unit is ("2. Sở Tài chính có trách nhiệm thẩm định …", "Sở Y tế chủ trì …":
    its name opens the line and a lower-case word follows, not more of another unit's name)."""
    folded = fold(text)
    name = fold(actor)
    bare = _NUMBERING.sub("", folded)
    if bare.startswith(name + ":") or re.match(rf"^(?:\W*)(?:giao|de nghi|yeu cau)\s+{re.escape(name)}\b", bare):
        return True
    if not bare.startswith(name):
        return False
    after_name = len(folded) - len(bare) + len(name)
    rest = text[after_name:] if len(text) == len(folded) else ""  # offsets hold while folding keeps lengths
    return bool(re.match(r"\s*:|\s+[a-zà-ỹđ]", rest))
