"""Question analysis: which plans it names, what kind of fact it asks for, which year, which
language. Everything here reads the question and the plans' metadata, never a fixed list of
known questions."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import Plan
from assistant.text import apply_synonyms, fold, looks_english

# Intent → folded cue patterns (Vietnamese, unaccented, and English). Order matters: the first
# matching intent wins, so the specific ones come before the general ones.
INTENT_CUES: list[tuple[str, str]] = [
    ("contact", r"\bso dien thoai\b|\bdien thoai lien he\b|\bemail\b|\be-mail\b|\bthu dien tu\b|\bdia chi (?:tru so|lien he|email|website|web)\b|\bwebsite\b|\bfax\b|\bphone number\b|\baddress\b"),
    ("basis", r"\b(?:thuc hien|can cu|trien khai)\s+(?:theo\s+)?(?:ke hoach|quyet dinh|nghi quyet)\s+so\b|\bimplements?\b.*\bplan\b"),
    ("compare", r"\bso sanh\b|\bcompare\b|\bcac ke hoach\b|\bke hoach nao\b|\bwhich plans?\b|\bmoi ke hoach\b|\bnhung ke hoach\b|\bplans? (?:that|which)\b|\bcac phuong\b|\bcac xa\b"),
    ("signer", r"\bai ky\b|\bnguoi ky\b|\bky ke hoach\b|\bky ban hanh\b|\bwho signed\b|\bsigner\b|\bsigned\b"),
    ("replaces", r"\bthay the\b|\breplace"),
    ("number", r"\bso hieu\b|\bso ky hieu\b|\bke hoach so (?:may|bao nhieu)\b|\bso may\b|\bdocument number\b|\bnumber of the plan\b|\bplan number\b"),
    ("issue_date", r"\b(?:de|ky|lap) ngay\b|\bngay (?:may|bao nhieu)\b.*\b(?:ke hoach|ky|ban hanh)\b|\bban hanh ngay\b|\bngay ban hanh\b|\bban hanh (?:vao |luc )?(?:ngay|khi) nao\b|\bngay nao\b.*\b(?:ban hanh|ky)\b|\bky ngay\b|\bwhen was\b.*\b(?:issued|signed)\b|\bissue date\b|\bdated\b"),
    ("recipients", r"\bnoi nhan\b|\bgui den nhung\b|\b(?:duoc gui|co gui|gui cho|gui toi)\b|\brecipients?\b|\bsent to\b"),
    ("basis", r"\bcan cu\b|\bthuc hien ke hoach (?:so|nao)\b|\bdua tren\b|\bvan ban nao\b|\bbased on\b|\bbasis\b|\bimplements?\b|\bparent plan\b"),
    ("funding", r"\bkinh phi\b|\bngan sach\b|\bnguon von\b|\bbao nhieu (?:tien|dong)\b|\btong (?:muc )?dau tu\b|\bbudget\b|\bfunding\b|\bfunds?\b|\bcost\b|\bmoney\b"),
    ("report", r"\bbao cao\b|\bgui (?:ve|ke hoach|bao cao)\b|\breport"),
    ("deadline", r"\bbao lau\b|\bmay lan\b|\bhow often\b|\btruoc ngay\b|\bthoi han\b|\bhan chot\b|\bkhi nao\b|\bngay nao\b|\bdeadline\b|\bby when\b|\bwhen\b"),
    ("lead", r"\bchu tri\b|\bdau moi\b|\bphu trach\b|\bchiu trach nhiem chinh\b|\bwho leads?\b|\bin charge\b|\blead agency\b|\bresponsible\b"),
    ("coordinate", r"\bphoi hop\b|\bcoordinat|\bcooperat"),
    ("target", r"\bmuc tieu\b|\bchi tieu\b|\bbao nhieu\b|\bty le\b|\btoc do\b|\bdat\b.*\b(?:nam|%)\b|\btarget|\bgoal|\bhow (?:many|much|fast)\b|\bpercent|\brate\b|\bspeed\b"),
    ("duties", r"\bviec gi\b|\bnhiem vu\b|\btrach nhiem\b|\blam gi\b|\bcong viec\b|\bduties\b|\bduty\b|\btasks?\b|\bwhat (?:must|should|does)\b"),
]


@dataclass
class QuestionInfo:
    text: str
    folded: str
    intent: str
    english: bool
    years: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # plans the question names


DEADLINE_CUE = r"\bbao lau\b|\bhow often\b|\btruoc ngay\b|\bthoi han\b|\bhan chot\b|\bkhi nao\b|\bngay nao\b|\bdeadline\b|\bby when\b|\bwhen\b"


def asks_deadline(folded: str) -> bool:
    return re.search(DEADLINE_CUE, folded) is not None


def detect_intent(folded: str) -> str:
    for intent, pattern in INTENT_CUES:
        if re.search(pattern, folded):
            # "Báo cáo … được gửi qua phòng nào" asks about a report, not the plan's recipients.
            if intent == "recipients" and re.search(r"\bbao cao\b", folded):
                return "report"
            return intent
    return "general"


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", fold(text)).strip() + " "


@dataclass(frozen=True)
class _PlanNames:
    """The forms of a plan's names that questions are matched against, computed once per plan."""
    file_names: frozenset[str]  # source, file name, stem
    locality: str  # " long my " (folded, padded words) or ""
    locality_words: frozenset[str]  # {"long", "my"}
    wider: tuple[str, ...]  # superior unit and province, same form


_NAMES: dict[tuple[str, str], _PlanNames] = {}


def _names_of(plan: Plan) -> _PlanNames:
    key = (plan.source, plan.sha256)
    names = _NAMES.get(key)
    if names is None:
        meta = plan.metadata
        parent = re.sub(r"^(?:UBND\s+)?(?:thành phố|thị xã|huyện|tỉnh|quận)\s+", "", meta.parent_unit)
        names = _NAMES[key] = _PlanNames(
            file_names=frozenset({plan.source, Path(plan.source).name, Path(plan.source).stem}),
            locality=_words(meta.locality_name) if meta.locality_name else "",
            locality_words=frozenset(fold(meta.locality_name).split()),
            wider=tuple(_words(name) for name in (parent, meta.province) if name and len(fold(name)) > 3))
    return names


def locality_words(plans: list[Plan]) -> set[str]:
    """Folded words of the plans' locality names ("long", "my", …)."""
    return set().union(*(_names_of(plan).locality_words for plan in plans))


def plans_named(text: str, plans: list[Plan]) -> list[str]:
    """Plans whose locality the text names ("xã Tịnh Thiện", "phuong phu son", "Mường Lay"),
    or whose file name or source path it gives. When no locality matches, the superior unit or
    province ("Cần Thơ", "Điện Biên") is tried."""
    words = _words(text)
    names = [(plan, _names_of(plan)) for plan in plans]
    exact = [p.source for p, n in names if text.strip() in n.file_names]
    if exact:
        return exact
    named = [p.source for p, n in names if n.locality and n.locality in words]
    if named:
        return named
    return [p.source for p, n in names if any(name in words for name in n.wider)]


def analyze(question: str, plans: list[Plan]) -> QuestionInfo:
    folded = fold(apply_synonyms(question))
    return QuestionInfo(
        text=question,
        folded=folded,
        intent=detect_intent(folded),
        english=looks_english(question),
        years=re.findall(r"\b(20\d\d)\b", question),
        sources=plans_named(question, plans),
    )


def strip_localities(question: str, plans: list[Plan], sources: list[str]) -> str:
    """The question without the names (and level words) of the plans it is restricted to."""
    if not sources:
        return question
    folded = fold(question)
    if len(folded) != len(question):
        return question
    spans = []
    for plan in plans:
        meta = plan.metadata
        if plan.source not in sources or not meta.locality_name:
            continue
        level = "|".join(re.escape(fold(l)) for l in ("thi tran", "thi xa", "thanh pho", "phuong", "xa", "huyen"))
        pattern = rf"(?:\b(?:{level})\s+)?\b{re.escape(fold(meta.locality_name))}\b"
        spans += [m.span() for m in re.finditer(pattern, folded)]
    for start, end in sorted(spans, reverse=True):
        question = question[:start] + question[end:]
    return re.sub(r"\s+", " ", question).strip(" ,:;") or question
