"""Question analysis: which plans it names, which facts (slots) it asks for, which unit it names
as the one acting, which year, which language. Everything here reads the question and the plans'
metadata, never a fixed list of known questions.

A question often asks for several facts at once ("số hiệu, ngày ban hành và ai ký?", "tổ chức
ngày nào, ở đâu?"): `slots` lists them in the order the question asks them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents import Plan
from assistant.plan_match import PlanMatch, catalog, match_plans, reference_spans, strip_spans, with_aliases
from assistant.text import apply_synonyms, fold, has_diacritics, looks_english

# Slot → folded cue pattern (Vietnamese, unaccented, and English). Every slot whose cue occurs is
# asked; `_resolve` settles the few cues two slots share.
SLOT_CUES: list[tuple[str, str]] = [
    ("contact", r"\bso dien thoai\b|\bdien thoai (?:lien he|duong day nong)\b|\bhotline\b|\bemail\b|\be-mail\b"
                r"|\bthu dien tu\b|\bdia chi (?:tru so|lien he|email|website|web)\b|\bwebsite\b|\bfax\b"
                r"|\bphone number\b|\baddress\b"),
    ("number", r"\bso hieu\b|\bso ky hieu\b|\b(?:ke hoach|quyet dinh|van ban|cong van|chi thi|thong bao) (?:co )?so"
               r" (?:may|bao nhieu|gi)\b|(?<!\bchi )\bso may\b|(?<!\bchi )\bso gi\b|\bdocument number\b|\bplan number\b|\bnumber of the\b"
               r"|\bso (?:cua )?(?:quyet dinh|ke hoach|van ban|cong van|chi thi|thong bao)\b|\bco so(?:,| va)? ngay\b"
               r"|\bwhat (?:is the )?number\b"),
    ("issue_date", r"\bban hanh (?:vao |luc )?(?:ngay|khi|nam) nao\b|\bngay ban hanh\b|\bban hanh ngay\b"
                   r"|\b(?:ky|lap|de|(?<!dien )ra|ban hanh) (?:vao )?ngay (?:nao|bao nhieu|may)\b|\bky ngay\b|\bky khi nao\b"
                   r"|\bngay (?:nao|may|bao nhieu)\b.{0,40}\b(?:ban hanh|ky)\b|\b(?:ngay|nam) ky\b"
                   r"|\bwhen (?:was|did)\b.*\b(?:issue|sign|date)|\bissue date\b|\bdated\b|\bon what date\b.*\b(?:issue|sign)"
                   r"|\bwhat date\b.*\b(?:issue|sign)|\b(?:sign|issu)\w*\b.*\b(?:on )?what date\b"),
    ("signer", r"\bai ky\b|\bnguoi ky\b|\bdo ai ky\b|\bky boi\b|\bai la nguoi ky\b|\bwho signed\b|\bsigned by\b"
               r"|\bsigner\b|\bsign(?:ed|s)? (?:the|it|this)\b|\bchuc danh\b|\bchuc vu\b"),
    ("issuer", r"\b(?:co quan|don vi|ai|cap) nao ban hanh\b|\bdo (?:ai|co quan nao) ban hanh\b|\bai ban hanh\b"
               r"|\bcua co quan nao\b|\bissued by\b|\bwhich (?:body|agency|authority) issued\b|\bwho issued\b"
               ),
    ("recipients", r"\bnoi nhan\b|\bgui den nhung\b|\b(?:duoc gui|co gui|gui cho|gui toi)\b|\brecipients?\b"
                   r"|\bsent to\b|\bgui (?:cho )?nhung (?:co quan|don vi|ai)\b"),
    ("addressees", r"\bkinh gui\b|\baddressed to\b|\bto (?:whom|which)\b.*\baddressed\b|\baddressees?\b"),
    ("urgency", r"\bdo khan\b|\bmuc do khan\b|\bhoa toc\b|\burgen"),
    ("replaces", r"\bthay the\b|\breplace"),
    ("effective", r"\bco hieu luc\b|\bhieu luc (?:tu|ke tu|thi hanh)\b|\btakes? effect\b|\beffective (?:from|date|on|as of)\b"
                  r"|\bin force\b|\bcomes? into (?:force|effect)\b|\bwhen (?:does|did) .* effect\b"),
    ("basis", r"\bcan cu\b|\b(?:thuc hien|trien khai) (?:theo )?(?:(?:nhung|cac) )?(?:ke hoach|quyet dinh|nghi quyet|chi thi|thong bao"
              r"|de an|chuong trinh|luat) (?:so )?nao\b|\bdua tren\b|\bbased on\b|\bpursuant\b|\bimplements?\b.*\bplan\b"
              r"|\btheo (?:quyet dinh|nghi dinh|thong tu|chi thi|nghi quyet) (?:so )?nao\b|\bvan ban nao\b"
              r"|\bwhich (?:[\w']+ ){0,4}(?:decree|decision|directive|resolution|circular|law)s?\b"
              r"|\bcite[sd]?\b|\blegal basis\b|\btheo de nghi\b|\bto trinh (?:so )?(?:nao|may)\b"
              r"|\btai (?:cong van|van ban|to trinh) (?:so )?(?:nao|may)\b|\btrich dan\b|\bdan chieu\b"),
    ("compare", r"\bso sanh\b|\bcompare\b|\bcac ke hoach\b|\bke hoach nao\b|\bwhich plans?\b|\bmoi ke hoach\b"
                r"|\bnhung ke hoach\b|\bplans? (?:that|which)\b"),
    ("funding", r"\bkinh phi\b|\bnguon (?:von|kinh phi|ngan sach|tai chinh)\b|\bngan sach\b|\bbao nhieu (?:tien|dong|ty)\b"
                r"|\btong (?:muc )?dau tu\b|\bchi phi\b|\bbudget\b|\bfund|\bcost\b|\bmoney\b|\bfinanc|\bphi\b"),
    ("report", r"\bbao cao\b|\bgui (?:ve|ket qua|bao cao|ke hoach|danh sach|thong tin|ho so|van ban)\b|\bgui (?:cho )?(?:co quan|so|don vi) nao\b"
               r"|\b(?:thong )?qua (?:co quan|don vi|so) nao\b|\breport|\bsubmit"
               # "send" alone is any sending ("invited to send art troupes"); a report is sent
               r"|\b(?:send|sent) (?:\w+ )?(?:results?|updates?|lists?|summar)"),
    ("frequency", r"\bdinh ky\b|\bbao lau (?:mot|1) lan\b|\bmay lan\b|\bhow often\b|\btan suat\b|\bbao nhieu lan\b"),
    ("deadline", r"\btruoc ngay\b|\bthoi han\b|\bhan chot\b|\bhan (?:hoan thanh|nop|gui|bao cao)\b|\bkhi nao\b|\bbao gio\b|\bngay nao\b"
                 r"|\bthoi gian (?:nao|thuc hien|hoan thanh|to chuc|dien ra|du kien)\b|\bthang nao\b|\bnam nao\b"
                 r"|\btu ngay\b|\bden ngay\b|\bdien ra\b|\bby when\b|\bdeadline\b|\bwhen\b|\bwhat date\b|\bwhich date\b"
                 r"|\bhow long\b|\bbao lau\b|\btrong (?:bao lau|may ngay)\b|\bhoan thanh (?:truoc|trong)\b|\bby what\b"),
    ("place", r"\bo dau\b|\btai dau\b|\bdia diem\b|\bwhere\b|\blocation\b|\bvenue\b"
              r"|\b(?:tai|o|thuoc) (?:xa|phuong|tinh|thanh pho|dac khu|huyen|khu vuc|vi tri) nao\b"
              r"|\bin which (?:commune|ward|province|city|district|area)\b"),
    ("lead", r"\bchu tri\b|\bdau moi\b|\bthuong truc\b|\bphu trach\b|\bchiu trach nhiem chinh\b|\btruong (?:ban|doan)\b"
             r"|\b(?:co quan|don vi|so|phong|ban|ai|to chuc) (?:nao )?(?:duoc giao|thuc hien|chiu trach nhiem|lam|dam nhan)\b"
             r"|\bgiao (?:cho )?(?:co quan|don vi|so|phong|ai) nao\b|\b(?:co quan|don vi|so|phong|(?<!van )ban) nao\b"
             r"|\bwho (?:leads?|is responsible|is in charge|chairs?|heads?|must|will|should|is)\b|\blead agency\b"
             r"|\bin charge\b|\bresponsible\b|\bwhich (?:agency|department|unit|body|office|organi[sz]ation)\b"),
    ("coordinate", r"\bphoi hop\b|\bcoordinat|\bcooperat|\bin cooperation\b|\bsupport"),
    ("quantity", r"\bbao nhieu\b|\bmay (?:diem|xa|phuong|ho|nguoi|don vi|muc|tram|khu|cum|lan|ngay)\b|\bty le\b|\bchi tieu\b"
                 r"|\bmuc tieu\b|\bdat (?:toi thieu|it nhat|tren)\b|\bhow many\b|\bhow much\b|\bwhat (?:share|percent"
                 r"|proportion|rate|target)|\bpercent|\btarget|\bgoal\b|\bminimum\b|\bat least\b"),
    ("person", r"\bten (?:la )?gi\b|\bho ten\b|\bten cua\b|\bla ai\b|\bwho is the\b|\bwhat is the name\b"
               r"|\bket luan cua ai\b|\bcua (?:dong chi|ong|ba) nao\b|\bwhose\b"),
    ("duties", r"\bnhiem vu (?:gi|nao|cua)\b|\btrach nhiem cua\b|\bphai (?:lam|thuc hien|chuan bi) (?:gi|nhung gi)\b|\blam gi\b|\bnhung viec gi\b"
               r"|\bviec gi\b|\btrach nhiem gi\b|\byeu cau (?:gi|nhung gi)\b|\bduoc giao (?:gi|nhiem vu gi|nhung gi)\b"
               r"|\bco nhiem vu\b|\bchuan bi gi\b|\bwhat (?:must|should|does|tasks|duties|is .* required)\b|\bduties\b"
               r"|\btasks?\b|\bgiao .* nhiem vu\b|\bnhung noi dung gi\b|\bgom nhung\b|\bnoi dung gi\b"),
]
_SLOT_PATTERNS = [(slot, re.compile(pattern)) for slot, pattern in SLOT_CUES]
METADATA_SLOTS = ("number", "issue_date", "signer", "issuer", "recipients", "addressees", "urgency", "replaces",
                  "basis")


@dataclass
class QuestionInfo:
    text: str
    folded: str
    slots: list[str]  # what is asked, in the question's order ("general" when nothing is named)
    english: bool
    years: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # plans in scope ([] = all)
    plans: PlanMatch = field(default_factory=PlanMatch)
    query: str = ""  # the retrieval query: the question without the words that only name its plan
    actor: str = ""  # the unit named as the one acting ("Sở Y tế báo cáo ai?"), as written
    compare: bool = False  # the question compares plans
    asked: list[str] = field(default_factory=list)  # the slots a question word asks (see asked_slots)
    post: str = ""  # the post whose holder is asked ("truong ban", folded), see asked_post

    @property
    def intent(self) -> str:
        """The first slot asked (the old single-intent view, kept for reports and the UI)."""
        return self.slots[0] if self.slots else "general"


def detect_slots(folded: str) -> list[str]:
    found = []
    for slot, pattern in _SLOT_PATTERNS:
        match = pattern.search(folded)
        if match:
            found.append((match.start(), slot))
    return _resolve(folded, [slot for _, slot in sorted(found)])


def _resolve(folded: str, slots: list[str]) -> list[str]:
    """Settle cues that two slots share."""
    chosen = list(dict.fromkeys(slots))
    if "issue_date" in chosen and "deadline" in chosen:
        chosen.remove("deadline")  # "ban hành ngày nào": the date of the document
    if "signer" in chosen and "deadline" in chosen and not re.search(r"\btruoc ngay\b|\bhan\b|\bbao cao\b", folded):
        # "do ai ký, ngày nào?": the day it was signed, the document's date
        chosen[chosen.index("deadline")] = "issue_date"
        chosen = list(dict.fromkeys(chosen))
    if "signer" in chosen and ("person" in chosen or "lead" in chosen) and not re.search(r"\bky\b|\bsign", folded):
        chosen.remove("signer")  # "ai (họ tên, chức vụ) là Trưởng Ban Chỉ đạo": a post, not who signed
    if "signer" in chosen and "lead" in chosen and not re.search(r"\bchu tri\b|\bphu trach\b", folded):
        chosen.remove("lead")  # "ai ký … với chức danh gì"
    if "report" in chosen and "recipients" in chosen:
        # "báo cáo … được gửi cho cơ quan nào" asks about a report; "có gửi Sở nào" about the document.
        chosen.remove("recipients" if re.search(r"\bbao cao\b|\breport", folded) else "report")
    if "basis" in chosen and "number" in chosen and chosen.index("basis") < chosen.index("number"):
        chosen.remove("number")  # "căn cứ … tại công văn số mấy": the number of the document cited
    if "basis" in chosen and "issue_date" in chosen and chosen.index("basis") < chosen.index("issue_date"):
        chosen.remove("issue_date")  # "thực hiện những quyết định nào, ký ngày nào": the basis line has its date
    if "effective" in chosen and "deadline" in chosen:
        chosen.remove("deadline")  # "có hiệu lực từ khi nào": the date the document takes effect
    if "basis" in chosen and "deadline" in chosen and not re.search(r"\btruoc ngay\b|\bkhi nao\b", folded):
        chosen.remove("deadline")
    if "funding" in chosen and "place" in chosen and re.search(r"\bcome from\b|\btu dau\b|\bnguon\b", folded):
        chosen.remove("place")  # "where does the funding come from" asks the source
    if "funding" in chosen and "quantity" in chosen:
        chosen.remove("quantity")  # an amount of money is the funding slot's, typed as an amount
    if "number" in chosen and "quantity" in chosen:
        chosen.remove("quantity")
    if "issue_date" in chosen and "quantity" in chosen and re.search(r"\bngay bao nhieu\b", folded):
        chosen.remove("quantity")  # "đề ngày bao nhiêu": the document's date, not a figure
    if "frequency" in chosen and "deadline" in chosen and not re.search(r"\btruoc ngay\b|\bngay nao\b", folded):
        chosen.remove("deadline")
    if "duties" in chosen and "lead" in chosen and re.search(r"\b(?:co quan|don vi|so|phong|ban) nao\b", folded) \
            and not re.search(r"\bchu tri\b", folded):
        chosen.remove("lead")
    if "lead" in chosen and "coordinate" in chosen and re.search(
            r"\bphoi hop voi (?:co quan|don vi|so|ai|nhung)\b|\b(?:co quan|don vi|so|phong|ban) nao (?:se |duoc giao )?phoi hop\b",
            folded) and not re.search(r"\bchu tri\b|\b(?:co quan|don vi|so|phong|ban|ai) nao (?:se |duoc giao )?"
                                      r"(?:thuc hien|chiu trach nhiem|dam nhan)\b", folded):
        chosen.remove("lead")  # "phối hợp với đơn vị nào", "đơn vị nào phối hợp" ask the partner, not the lead
    return chosen or ["general"]


DEADLINE_CUE = dict(SLOT_CUES)["deadline"]

# Question words (folded). "như thế nào", "ra sao" ask a manner, which no slot types; "máy" (a
# machine) folds like "mấy", so "mấy" counts only before what it counts.
_QUESTION_WORD = re.compile(
    r"\b(?:nao|gi|ai|bao nhieu|bao gio|bao lau|(?:o|tai|ve|tu|den) dau|so may"
    r"|may (?:ngay|thang|tuan|nam|lan|buoi|gio|nguoi|don vi|xa|phuong|ho|diem|muc|tram|khu|cum|loai|nhom))\b"
    r"|\b(?:who|whom|whose|which|what|when|where|how (?:many|much|often|long))\b")
_MANNER = re.compile(r"\bthe nao\b|\bra sao\b")


def _partner(folded: str, at: int, end: int, slots: list[str]) -> str:
    """"… và phối hợp với những đơn vị nào?", "những đơn vị nào phối hợp?": the body asked beside
    "phối hợp" is a partner; "… được báo cáo (cho) những cơ quan nào?" asks who receives the report."""
    before = folded[:at]
    if "coordinate" in slots and (re.search(r"\bphoi hop(?: voi)?(?: (?:nhung|cac))?\s*$", before)
                                  or re.match(r"\s*(?:se |duoc giao |cung )?phoi hop\b", folded[end:])):
        return "coordinate"
    if "report" in slots and re.search(r"\b(?:bao cao|gui)(?: (?:cho|ve|len|toi|den))?(?: (?:nhung|cac))?\s*$", before):
        return "report"
    return "lead"


def asked_slots(folded: str, slots: list[str]) -> list[str]:
    """The slots a question word attaches to: in "Chỉ thị … yêu cầu các huyện báo cáo … về UBND
    tỉnh trước ngày nào?" the date is asked and the report only frames it, so a reporting line
    without a date does not answer it. Each question word goes to the nearest cue, a preceding
    one first (Vietnamese puts the question word after what it asks: "cơ quan nào", "trước ngày
    nào"). [] when no question word attaches to a slot asked (a yes/no or "như thế nào" question)."""
    manner = [m.span() for m in _MANNER.finditer(folded)]
    spans = [(_partner(folded, m.start(), m.end(), slots) if slot == "lead" else slot, m.start(), m.end())
             for slot, pattern in _SLOT_PATTERNS if slot in slots for m in pattern.finditer(folded)]
    asked: list[str] = []
    for word in _QUESTION_WORD.finditer(folded):
        at = word.start()
        if any(s <= at < e for s, e in manner):
            continue

        def distance(span) -> float:
            _, start, end = span
            if start <= at < end:
                return 0.0
            return at - end if at >= end else 1.5 * (start - word.end())
        if spans:
            slot = min(spans, key=distance)[0]
            # "<X> của <Y> là gì?": the subject's head X is asked; a cue inside what follows
            # "của" only says whose X it is ("số điện thoại liên hệ của cán bộ đầu mối … là gì").
            if folded[max(0, at - 3):at] == "la ":
                segment = max(folded.rfind(mark, 0, at) for mark in ",;:?") + 1
                heads = [span for span in spans if segment <= span[1] and span[2] <= at
                         and re.search(r"\bcua\b", folded[span[2]:at])]
                if heads:
                    slot = min(heads, key=lambda span: span[1])[0]
            if slot not in asked:
                asked.append(slot)
    return [slot for slot in slots if slot in asked]


# A post in an office or a board, folded. "Phó" is part of it: a Phó Trưởng ban is not the Trưởng ban.
POST = (r"(?:pho )?(?:truong (?:ban|doan|phong|tieu ban|to|nhom)|to truong|giam doc|chu tich|thu ky|bi thu"
        r"|chanh van phong)")
_POST_HOLDER = re.compile(
    rf"\bai (?:la|giu chuc|lam|dam nhiem|duoc cu lam|duoc phan cong lam) (?P<a>{POST})\b"
    rf"|\b(?P<b>{POST})\b[^,;?]{{0,60}}?\b(?:la ai|(?:ho )?ten (?:la )?gi)\b")


# "Trưởng đoàn kiểm tra có những nhiệm vụ gì?": the duties of a post, not of a body.
_POST_DUTIES = re.compile(
    rf"(?:^|[,:]\s*)(?P<post>{POST}|thanh vien)\b[^,;?]{{0,60}}?\b(?:co (?:nhung )?(?:nhiem vu|trach nhiem)"
    rf"|chiu trach nhiem|phu trach (?:nhung )?(?:viec|gi)|lam (?:nhung )?(?:viec )?gi|duoc giao)")


def duties_post(folded: str) -> str:
    """The post whose duties a question asks, folded ("truong doan"), or ""."""
    found = _POST_DUTIES.search(folded)
    return found.group("post") if found else ""


def asked_post(folded: str) -> str:
    """The post whose holder a question asks: "ai là Trưởng Ban Chỉ đạo …" → "truong ban", "vị
    Giám đốc Sở đó tên là gì" → "giam doc". The answer is a person (or the office-holder who
    takes the post, "Chủ tịch UBND xã"), named beside the post, not a body that leads a task."""
    found = _POST_HOLDER.search(folded)
    return (found.group("a") or found.group("b") or "") if found else ""


# English: "who heads the inspection team", "who is the deputy head of the steering committee".
_EN_BODY_POST = {"team": "truong doan", "delegation": "truong doan", "board": "truong ban",
                 "committee": "truong ban", "council": "chu tich", "group": "to truong"}
_EN_POST_HOLDER = re.compile(
    r"\bwho (?:heads|chairs|leads|is (?:the )?(?P<deputy>deputy |vice )?(?:head|chair|chairman|chairperson|leader)"
    r" of) the (?:[\w'-]+ ){0,4}?(?P<body>team|delegation|board|committee|council|group)\b"
    r"|\bwho is the (?P<secretary>secretary)\b")


def asked_post_english(folded: str) -> str:
    """The post whose holder an English question asks, folded as the plans write it."""
    found = _EN_POST_HOLDER.search(folded)
    if not found:
        return ""
    if found.group("secretary"):
        return "thu ky"
    post = _EN_BODY_POST[found.group("body")]
    return f"pho {post}" if found.group("deputy") else post


def asks_deadline(folded: str) -> bool:
    return re.search(DEADLINE_CUE, folded) is not None


def detect_intent(folded: str) -> str:
    return detect_slots(folded)[0]


# -- the unit acting -----------------------------------------------------------------------------



_GROUP_SUBJECT = re.compile(r"^(?:cac\s+)?(?P<name>(?:doanh nghiep|nha mang|don vi|co quan|nha dau tu|cong ty)\b[^,;?]*?)"
                            r"\s+(?:o|tai|tren|phai|co|duoc|can|se|nop|gui|bao cao)\b")


# Words that open a phrase after a name rather than continue it: "Sở Y tế về …", "… của tỉnh".
# Compared with their marks where the question has them: the "tư" of "đầu tư" is no "từ".
_PHRASE_OPENERS = re.compile(r"\b(?:ve|cua|tai|cho|voi|theo|trong|tren|den|tu|doi voi|khi|nam|da|dang|va)\b")
_MARKED_PHRASE_OPENERS = re.compile(r"\b(?:về|của|tại|cho|với|theo|trong|trên|đến|từ|đối với|khi|năm|đã|đang|và)\b")


def _through_to_verb(src: str, low: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """A question's subject runs from the body's head to its verb: "Trung tâm Phát triển quỹ đất
    tỉnh phải …", whose lower-case words a name read from a plan's text would stop at."""
    from assistant.extract.entities import ACTING_VERB

    verb = ACTING_VERB.search(low, span[1], min(len(low), span[1] + 60))
    if not verb:
        return span
    between = low[span[1]:verb.start()]
    openers = (_MARKED_PHRASE_OPENERS.search(src[span[1]:verb.start()].lower()) if has_diacritics(src)
               else _PHRASE_OPENERS.search(between))
    if re.search(r"[,;:?()]", between) or openers or len(between.split()) > 8:
        return span
    return span[0], verb.start()


def acting_unit(question: str) -> str:
    """The body named as subject: "Sở Y tế báo cáo ai?", "Phòng Văn hóa - Xã hội phường Long Mỹ
    báo cáo kết quả trước ngày nào?", "Theo Kế hoạch …, Sở Nội vụ có nhiệm vụ gì?". Bodies named
    after the verb ("… báo cáo UBND tỉnh") are recipients, not actors."""
    from assistant.extract.common import twin
    from assistant.extract.entities import ACTING_VERB, match_bodies

    src, low = twin(question)
    owner = re.search(r"\b(?:nhiem vu|trach nhiem|cong viec|duties)\s+(?:cua|of)\s+", low)
    if owner:  # "Nhiệm vụ của Công an phường Long Mỹ là gì?"
        span = match_bodies(src, low, owner.end())
        if span:
            return src[span[0]:span[1]].strip()
    for clause_start in [0, *(m.end() for m in re.finditer(r"[,:;?]\s*", src))]:
        start = clause_start
        while start < len(src) and src[start] in " \t":
            start += 1
        lead_in = re.match(r"(?:o |tai |trong do |con |vay |the |thi )", low[start:])
        if lead_in:
            start += lead_in.end()
        span = match_bodies(src, low, start)
        if span and not ACTING_VERB.match(low, span[1]):
            span = _through_to_verb(src, low, span)
        if span and ACTING_VERB.match(low, span[1]):
            return src[span[0]:span[1]].strip()
        group = _GROUP_SUBJECT.match(low, start)
        if group:
            return src[group.start("name"):group.end("name")].strip()
    return ""


def recipient_given(question: str) -> bool:
    """The question itself names who receives the report ("báo cáo UBND thị xã", "gửi về Sở …")."""
    from assistant.extract.common import twin
    from assistant.extract.entities import match_bodies

    src, low = twin(question)
    for verb in re.finditer(r"\b(?:bao cao|gui)\s+(?:(?:cho|ve|len|toi|den)\s+)?", low):
        if match_bodies(src, low, verb.end()) and not re.match(r"(?:co quan|don vi|so|phong|ban) nao", low[verb.end():]):
            return True
    return False


# -- plans ---------------------------------------------------------------------------------------
def plans_named(text: str, plans: list[Plan]) -> list[str]:
    """Plans a user's text names (a file name, number, locality, issuer or topic): the best one,
    or the few that match equally well."""
    match = match_plans(text, plans)
    return match.sources if match.confident or match.several or _strong(match) else []


def _strong(match: PlanMatch) -> bool:
    """An unsure match that is still strong, among a few plans (two plans of one place)."""
    return bool(match.sources) and match.scores.get(match.sources[0], 0.0) >= 2.5 and len(match.sources) <= 3


def asked_years(question: str) -> list[str]:
    """Years the question asks about ("năm 2025", "đến 2030"), not those inside a document number
    ("Chỉ thị 09/2009/CT-UBND") or a date ("ngày 08/01/2025"): those name a document or a day."""
    bare = strip_spans(question, reference_spans(fold(question)))
    bare = re.sub(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*20\d\d\b", " ", bare)
    return re.findall(r"\b(20\d\d)\b", bare)


def locality_words(plans: list[Plan]) -> set[str]:
    """Folded words of the plans' place names ("long", "my", …)."""
    return {word for place in catalog(plans).by_place for word in place.split()}


def analyze(question: str, plans: list[Plan], evidence: dict[str, float] | None = None) -> QuestionInfo:
    folded = fold(apply_synonyms(question))
    match = match_plans(question, plans, evidence)
    slots = detect_slots(with_aliases(folded))
    compare = "compare" in slots or match.several
    slots = [s for s in slots if s != "compare"] or ["general"]
    if "report" in slots and len(slots) > 1 and recipient_given(question):
        slots.remove("report")  # "… gửi báo cáo cho UBND thị xã trước ngày nào?": only the date is asked
    # An unsure match restricts the question only when it is strong, to the few plans it names.
    sources = match.sources if (match.confident or match.several or _strong(match)) else []
    query = strip_spans(question, match.spans) if sources else question
    return QuestionInfo(
        text=question,
        folded=folded,
        slots=slots,
        english=looks_english(question),
        years=asked_years(question),
        sources=sources,
        plans=match,
        query=query,
        actor=acting_unit(question),
        compare=compare,
        asked=asked_slots(with_aliases(folded), slots),
        post=asked_post_english(folded) if looks_english(question) else asked_post(folded),
    )


def strip_localities(question: str, plans: list[Plan], sources: list[str]) -> str:
    """The question without the words that name its plans (kept for the evaluation's diagnosis)."""
    match = match_plans(question, [p for p in plans if not sources or p.source in sources])
    return strip_spans(question, match.spans)
