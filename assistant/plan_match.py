"""Which plans a question (or a user's plan filter) names.

Staff name a plan the way its header does: by number ("Kế hoạch 172/KH-UBND", "QĐ 2280", "Công
văn 4532"), by issuer or locality ("UBND tỉnh Đắk Lắk", "xã Tịnh Thiện", "TP.HCM"), by topic
("kế hoạch quan trắc thủy sản"), or by kind ("Chỉ thị … năm 2024"). Each plan gets a card of these
names, read once from its metadata; a question is scored against every card:

- a document number in the question that is a plan's own number decides on its own;
- a place name counts by how few plans share it ("Hà Nội" names two plans, "Tịnh Thiện" one);
- topic words count by their rarity among the cards' titles (IDF), so "Festival Thăng Long"
  outweighs "kế hoạch";
- the kind of document and the year break ties.

The result names the plans in scope, how sure the match is, whether the question names several
plans on purpose (two localities: a comparison), and the spans of the question that only name
the plan (they are left out of the retrieval query: kept, they pull the title lines up).
"""
from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import Plan
from assistant.text import fold

# Short forms of place names staff type; the admin-unit data knows the official ones.
PLACE_ALIASES = {"tp.hcm": "ho chi minh", "tphcm": "ho chi minh", "tp hcm": "ho chi minh", "hcm": "ho chi minh",
                 "sai gon": "ho chi minh", "hn": "ha noi", "tp.hn": "ha noi"}
_DOC_WORDS = {"ke hoach": "ke hoach", "kh": "ke hoach", "quyet dinh": "quyet dinh", "qd": "quyet dinh",
              "cong van": "cong van", "cv": "cong van", "chi thi": "chi thi", "ct": "chi thi",
              "thong bao": "thong bao", "tb": "thong bao", "to trinh": "to trinh", "van ban": "",
              "thong bao ket luan": "thong bao"}
_DOC_WORD = "|".join(sorted((re.escape(k) for k in _DOC_WORDS), key=len, reverse=True))
_NUMBER_REF = re.compile(rf"\b(?:(?:{_DOC_WORD})\s*(?:so\s*)?(?P<a>\d{{1,5}}[a-z]?)\b(?!\s*(?:/\s*)?(?:20\d\d|nam|thang|ngay)\b)"
                         rf"|(?P<b>\d{{1,5}}[a-z]?)\s*/\s*(?:\d{{4}}\s*/\s*)?[a-z]{{1,6}}\s*-\s*[a-z][a-z&]*(?:-[a-z&]+)*)")
# Words that never identify a plan (they are in every title or every question).
_GENERIC = frozenset("""ke hoach quyet dinh cong van chi thi thong bao ve viec tren dia ban cua va cac
    nam giai doan den theo trong tai so ban hanh thuc hien trien khai to chuc nhu sau cho voi nay
    ubnd uy ban nhan dan tinh thanh pho xa phuong huyen thi tran mot
    nhung nao gi ai la co khong duoc de tu khi phai""".split())
_PLACE_LEVEL = re.compile(r"^(?:tinh|thanh pho|tp\.?|xa|phuong|huyen|thi xa|thi tran|quan|dac khu)\s+")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def _padded(text: str) -> str:
    return " " + " ".join(_words(text)) + " "


def with_aliases(folded: str) -> str:
    """The folded question with short place forms spelled out ("tp.hcm" → "ho chi minh")."""
    for alias, name in PLACE_ALIASES.items():
        folded = re.sub(rf"(?<![\w.]){re.escape(alias)}(?![\w])", f" {name} ", folded)
    return folded


def _numeric(value: str) -> str:
    return value.lstrip("0") or value


def reference_spans(folded: str) -> list[tuple[int, int]]:
    """Spans of every document reference in a folded text ("cong van 4532/ubnd-kstthc", "qd 2853",
    "165/kh-ubnd"), whether or not an indexed plan carries the number (a scan may have lost it):
    they name a document, never the fact asked."""
    spans = []
    for match in _NUMBER_REF.finditer(folded):
        start, end = match.span()
        symbol = re.match(r"\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z&]*(?:-[a-z&]+)*", folded[end:])
        spans.append((start, end + (symbol.end() if symbol else 0)))
    return spans


def _kind_of_reference(folded: str, match: re.Match[str]) -> str:
    """The kind of document a number reference names: the word before it ("chỉ thị 11") or the
    code after its slash ("11/ct-ubnd"), folded like a card's doc_type ("chi thi"); "" if none."""
    text = match.group(0)
    code = re.search(r"/\s*(?:\d{4}\s*/\s*)?([a-z]{1,6})\s*-", text)
    if code:
        return _DOC_WORDS.get(code.group(1), "")
    word = re.match(rf"(?:{_DOC_WORD})", text)
    return _DOC_WORDS.get(word.group(0), "") if word else ""


def _kinds_agree(doc_type: str, kind: str) -> bool:
    """A plan is often issued attached to a decision: "Kế hoạch 1627" and "QĐ 1627" name one file."""
    attached = {"ke hoach", "quyet dinh"}
    return not doc_type or doc_type == kind or {doc_type, kind} <= attached


@dataclass(frozen=True)
class PlanCard:
    source: str
    file_names: frozenset[str]
    numbers: frozenset[str]  # "172", "1627": the plan's own number (leading zeros dropped)
    doc_type: str  # folded: "ke hoach"
    places: tuple[str, ...]  # padded folded: " quang ngai "
    topic: tuple[str, ...]  # folded words of the title, attached plan, subject and issuer, in order
    year: str


def card_of(plan: Plan) -> PlanCard:
    meta = plan.metadata
    number = re.match(r"\s*(\d{1,5}[a-z]?)", fold(meta.number))
    places = []
    for name in (meta.locality_name, meta.province, meta.place):
        name = _PLACE_LEVEL.sub("", fold(name).strip())
        if len(name) > 2 and not name.isdigit():
            places.append(_padded(name))
    for body in (meta.issuer, meta.issuer_parent):
        unit = re.search(r"\b(?:tinh|thanh pho|xa|phuong|huyen|thi xa|thi tran|dac khu)\s+(.+)$", fold(body))
        if unit:
            places.append(_padded(unit.group(1)))
    topic = _words(" ".join((meta.title, meta.attached_title, meta.subject, meta.issuer)))
    return PlanCard(
        source=plan.source,
        file_names=frozenset({plan.source, Path(plan.source).name, Path(plan.source).stem}),
        numbers=frozenset({_numeric(number.group(1))} if number else ()),
        doc_type=fold(meta.doc_type),
        places=tuple(dict.fromkeys(p for p in places if p.strip())),
        topic=tuple(topic),
        year=meta.issue_date[:4] if meta.issue_date[:4].isdigit() else "",
    )


_CARDS: dict[tuple[str, str], PlanCard] = {}


def cards(plans: list[Plan]) -> list[PlanCard]:
    out = []
    for plan in plans:
        key = (plan.source, plan.sha256)
        if key not in _CARDS:
            _CARDS[key] = card_of(plan)
        out.append(_CARDS[key])
    return out


@dataclass
class PlanMatch:
    sources: list[str] = field(default_factory=list)  # plans in scope, best first ([] = all)
    confident: bool = False
    several: bool = False  # several plans named on purpose (two localities, two numbers)
    spans: list[tuple[int, int]] = field(default_factory=list)  # question spans that only name the plan
    scores: dict[str, float] = field(default_factory=dict)


def _topic_idf(all_cards: list[PlanCard]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for card in all_cards:
        for word in set(card.topic) - _GENERIC:
            counts[word] = counts.get(word, 0) + 1
    n = len(all_cards)
    # Squared: a word only one title has must outweigh several that half the titles share.
    return {w: math.log(1 + n / c) ** 2 for w, c in counts.items()}


@dataclass(frozen=True)
class Catalog:
    """The cards of one set of plans, indexed by what a question can name (file name, number,
    place, topic word and pair, kind, year), so matching a question costs what it names, not a
    pass over every card (a province keeps thousands of plans)."""
    cards: list[PlanCard]
    by_file_name: dict[str, list[str]]
    by_number: dict[str, list[PlanCard]]
    by_place: dict[str, list[str]]  # in the order of the cards that first name each place
    by_word: dict[str, list[str]]
    by_pair: dict[tuple[str, str], list[str]]
    by_doc_type: dict[str, list[str]]
    by_year: dict[str, list[str]]
    idf: dict[str, float]


def _index_cards(all_cards: list[PlanCard]) -> Catalog:
    def grouped(keys_of) -> dict:
        groups: dict = {}
        for card in all_cards:
            for key in keys_of(card):
                groups.setdefault(key, []).append(card.source)
        return groups

    by_number: dict[str, list[PlanCard]] = {}
    for card in all_cards:
        for number in card.numbers:
            by_number.setdefault(number, []).append(card)
    return Catalog(
        cards=all_cards,
        by_file_name=grouped(lambda c: c.file_names),
        by_number=by_number,
        by_place=grouped(lambda c: c.places),
        by_word=grouped(lambda c: set(c.topic) - _GENERIC),
        by_pair=grouped(lambda c: {p for p in zip(c.topic, c.topic[1:]) if not set(p) <= _GENERIC}),
        by_doc_type=grouped(lambda c: (c.doc_type,) if c.doc_type else ()),
        by_year=grouped(lambda c: (c.year,) if c.year else ()),
        idf=_topic_idf(all_cards),
    )


_CATALOGS: OrderedDict[tuple[tuple[str, str], ...], Catalog] = OrderedDict()
_CATALOGS_KEPT = 8  # the whole index, and the few subsets a question is scoped to


def catalog(plans: list[Plan]) -> Catalog:
    """The catalog of these plans, built once per set of plan versions."""
    key = tuple((plan.source, plan.sha256) for plan in plans)
    if key in _CATALOGS:
        _CATALOGS.move_to_end(key)
    else:
        _CATALOGS[key] = _index_cards(cards(plans))
        if len(_CATALOGS) > _CATALOGS_KEPT:
            _CATALOGS.popitem(last=False)
    return _CATALOGS[key]


def match_plans(question: str, plans: list[Plan], evidence: dict[str, float] | None = None) -> PlanMatch:
    """The plans a question names (see module docstring). `evidence` is each plan's share of
    the clauses that match the question best (0–1): the body of a plan names its topic too."""
    book = catalog(plans)
    text = question.strip()
    exact = book.by_file_name.get(text)
    if exact:
        return PlanMatch(list(exact), True)
    folded = fold(text)
    aliased = with_aliases(folded)
    padded = _padded(aliased) + _reform_names(text)
    scores = {c.source: 0.0 for c in book.cards}
    spans: list[tuple[int, int]] = []

    # 1. Document numbers: the plan's own number decides.
    numbered: dict[str, list[str]] = {}
    kinds_named: set[str] = set()
    for match in _NUMBER_REF.finditer(folded):
        value = _numeric(match.group("a") or match.group("b"))
        owner_cards = book.by_number.get(value, [])
        kind = _kind_of_reference(folded, match)
        if kind:
            kinds_named.add(kind)
            # "Chỉ thị 11" or "11/CT-UBND": a Thông báo also numbered 11 is another document (when
            # the plans' kinds are known; a plan whose kind was not read keeps the number).
            owner_cards = [c for c in owner_cards if _kinds_agree(c.doc_type, kind)]
        if owner_cards:
            numbered[value] = [c.source for c in owner_cards]
            spans.append(match.span())
    # 2. Places, weighted by how few plans share them.
    place_groups = {place: owners for place, owners in book.by_place.items() if place in padded}
    for place, owners in place_groups.items():
        for source in owners:
            scores[source] += 2.0 / len(owners)
    # 3. Topic words, by rarity among the plans' titles.
    idf = book.idf
    question_words = _words(aliased)
    asked = set(question_words) - _GENERIC
    asked_pairs = set(zip(question_words, question_words[1:]))
    overlap: dict[str, float] = {}
    for word in asked:
        for source in book.by_word.get(word, ()):
            overlap[source] = overlap.get(source, 0.0) + idf.get(word, 0.0)
    pair_bonus: dict[str, float] = {}
    for a, b in asked_pairs:
        # A shared pair of words ("de an", "cao toc") counts its rarer word again.
        for source in book.by_pair.get((a, b), ()):
            pair_bonus[source] = pair_bonus.get(source, 0.0) + max(idf.get(a, 0.0), idf.get(b, 0.0), 0.5)
    raw = {source: overlap.get(source, 0.0) + pair_bonus.get(source, 0.0) / 2
           for source in overlap.keys() | pair_bonus.keys()}
    # 4. Kind of document and year.
    for doc_type, owners in book.by_doc_type.items():
        if re.search(rf"\b{doc_type}\b", folded):
            for source in owners:
                scores[source] += 0.5
        if kinds_named and not any(_kinds_agree(doc_type, k) for k in kinds_named):
            # "Chỉ thị 11/CT-UBND …" whose number the scan lost: a Quyết định is another document.
            for source in owners:
                scores[source] -= 1.5
    for year, owners in book.by_year.items():
        if re.search(rf"\b(?:nam|ngay[^,]*?)\s*{year}\b|/{year}\b", folded):
            for source in owners:
                scores[source] += 0.3

    top_raw = max(raw.values(), default=0.0)
    for source, value in raw.items():
        scores[source] += 4.0 * value / max(top_raw, 12.0)
    for source, share in (evidence or {}).items():
        if source in scores:
            scores[source] += 2.0 * share

    if numbered:
        owners = list(dict.fromkeys(s for group in numbered.values() for s in group))
        owners.sort(key=lambda s: -scores[s])
        several = len(numbered) > 1 and len(owners) > 1
        if not several and _clear(owners, scores):
            owners = owners[:1]
        return PlanMatch(owners, True, several, spans, scores)

    ranked = sorted(scores, key=lambda s: -scores[s])
    if not ranked or scores[ranked[0]] < 1.5:
        return PlanMatch([], False, False, [], scores)
    # Two place names, each naming its own plans: the question compares them.
    distinct = {p: owners for p, owners in place_groups.items()
                if not any(p != q and p.strip() in q for q in place_groups)}
    groups = [set(o) for o in distinct.values()]
    disjoint = all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1:])
    joined = re.search(r"\b(?:va|voi|hoac|and|or|versus|so sanh)\b", folded) is not None
    if len(distinct) >= 2 and disjoint and joined:
        # Each place keeps its best plan (by the rest of the question), or all of them.
        named = []
        for owners in distinct.values():
            owners = sorted(owners, key=lambda s: -scores[s])
            named += owners[:1] if _clear(owners, scores) else owners
        return PlanMatch(list(dict.fromkeys(named)), True, True, _place_spans(padded, folded, distinct), scores)
    best = scores[ranked[0]]
    close = [s for s in ranked if scores[s] >= best - 1.0 and scores[s] >= 1.0]
    confident = len(close) == 1 and best >= 2.0
    return PlanMatch(close[:8], confident, False, _place_spans(padded, folded, place_groups), scores)


_LEVEL_WORD = re.compile(r"\b(?:xa|phuong|thi tran|thi xa|huyen|quan|dac khu)\s+[a-z0-9]")


def _reform_names(question: str) -> str:
    """Names of the units on the other side of the 2025 reform from those the question names
    (the old communes of a current xã, the new xã of an old one), padded for matching."""
    if not _LEVEL_WORD.search(fold(question)):
        return ""
    try:
        from assistant.admin import reform_links

        links = reform_links(question)
    except Exception:  # no map data: match on the names as written
        return ""
    names = [_PLACE_LEVEL.sub("", fold(name)) for link in links for name in link.names()[1:]]
    return "".join(_padded(name) for name in names if name)


def _clear(owners: list[str], scores: dict[str, float]) -> bool:
    return len(owners) == 1 or scores[owners[0]] >= scores[owners[1]] + 1.0


def _place_spans(padded: str, folded: str, places: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Spans of the folded question where the matched place names (with their level word) are."""
    spans = []
    for place in places:
        words = place.split()
        pattern = (r"(?:\b(?:tinh|thanh pho|tp\.?|xa|phuong|huyen|thi xa|thi tran|quan|dac khu)\s+)?\b"
                   + r"\W+".join(map(re.escape, words)) + r"\b")
        spans += [m.span() for m in re.finditer(pattern, folded)]
    return spans


def strip_spans(question: str, spans: list[tuple[int, int]]) -> str:
    """The question without the given spans (folded offsets equal source offsets for NFC text)."""
    if not spans or len(fold(question)) != len(question):
        return question
    for start, end in sorted(spans, reverse=True):
        question = question[:start] + " " + question[end:]
    return re.sub(r"\s+", " ", question).strip(" ,:;") or question
