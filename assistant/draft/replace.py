"""Substitutions on clause text: the template's locality, superior unit, province and signer
become the new ones; level words follow the new level; what cannot be filled safely gets a
"[CẦN XEM LẠI: …]" note.

Names are matched on diacritic-folded tokens (so "Hoá"/"Hóa", NFD files and "phuong Phu Son"
all match); for an OCR template a token may also differ by one character ("Pha Son",
"Phii Son", "thi x4"). Level words are matched on their accented form in typed text ("tỉnh" is
not "tính") and, in a scan, only where the context says it is a unit ("UBND phuong", "trên địa
bàn phuong", "… phuong.").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.admin import REFORM_LABEL
from assistant.draft.model import Segment, Unit, review
from assistant.draft.period import YearShift
from assistant.draft.units import PARTY_BODY
from assistant.text import canonical, fold

_TOKEN = re.compile(r"\w+", re.UNICODE)
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "3": "a", "4": "a", "6": "o", "8": "b"})


def ocr_key(token: str) -> str:
    key = fold(token).translate(_OCR_DIGITS)
    return key.replace("ii", "u")


def _distance_le_1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


@dataclass(frozen=True)
class Tok:
    start: int
    end: int
    text: str
    key: str  # folded (OCR-normalised in a scan)
    canon: str  # accented, canonical tone placement, lower case


def tokenize(text: str, ocr: bool) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        t = m.group(0)
        out.append(Tok(m.start(), m.end(), t, ocr_key(t) if ocr else fold(t), canonical(t).lower()))
    return out


def match_case(old: str, new: str) -> str:
    """Give `new` the case pattern of `old`: "THỊ XÃ" → "PHƯỜNG", "Thị xã" → "Phường"."""
    letters = [c for c in old if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


@dataclass
class Role:
    """One old name and what it becomes."""

    role: str  # "locality" | "parent" | "province" | "signer"
    old: Unit
    new: Unit | None  # None: not given, a review note takes its place
    missing_note: str = ""
    name_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.name_keys = tuple(fold(t) for t in _TOKEN.findall(self.old.name))


@dataclass
class Edit:
    start: int
    end: int
    segments: list[Segment]
    kind: str  # "name" | "level" | "number" | "review" | "highlight"
    role: str = ""


_LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "tỉnh", "quận", "xã")
_PARTY = {"tinh uy": "tỉnh", "thanh uy": "thành phố", "thi uy": "thị xã", "huyen uy": "huyện", "quan uy": "quận"}
_OCR_LEVEL_CONTEXT = {"ubnd", "ban", "toan", "cua", "ctia", "cta", "cila", "cia", "an", "hdnd", "uy", "trong", "tai",
                      "pho", "vi", "cap"}
_UNIT_START = re.compile(r"\b(?:Phòng|Trung tâm)\s+(?=[A-ZĐ])")
# Bodies that belong to a level (their owner word ends them): "Phòng VH-TT huyện", "Công an huyện".
_BODY_START = re.compile(r"\b(?:Phòng|Trung tâm|Công an|Văn phòng|VP|Ban Chỉ đạo|BCĐ|Đài [Tt]ruyền thanh|Chi cục|"
                         r"Kho bạc|Bảo hiểm xã hội|Hạt Kiểm lâm|Đội)\s+")
_UNIT_WORD = re.compile(r"[\w&]+(?:-[\w&]+)*")
_UNIT_STOP = {"về", "trong", "để", "có", "các", "tổ", "thực", "phối", "hướng", "lập", "tháo", "khắc", "theo", "tham",
              "chủ", "trên", "của", "với", "cho", "tại", "được", "đề", "và", "thuộc", "quản", "báo", "gửi", "xử", "kiểm"}
_UNIT_OWNER = {"tỉnh", "huyện", "thị xã", "thành phố", "phường", "xã", "thị trấn", "TP", "quận"}
_UNIT_PATTERNS = [
    re.compile(r"\b(?:Đài truyền thanh|Cổng thông tin điện tử|Cổng TTĐT|Công TTĐT|Trang thông tin điện tử|"
               r"Ban Chỉ đạo|BCĐ|BCD)\b[^,;.()]{0,40}?(?=[,;.()]|\s+(?:và|có|trong|về|để|nhằm|thực hiện)\b|$)"),
    re.compile(r"\b(?:UBND|Ủy ban nhân dân) các (?:xã|phường|thị trấn)(?:,\s*(?:xã|phường|thị trấn))*"),
]
_PLACE = re.compile(r"\b(xã|phường|thị trấn|thị xã|huyện|tỉnh|thành phố|quận|thôn|ấp|khóm|khu phố)[ ]"
                    r"((?:\w+)(?:[ ]\w+){0,3})")
_ABOLISHED_WORDS = re.compile(r"\b(?:[Hh]uyện(?: ủy| uỷ)?|HUYỆN|[Qq]uận(?: ủy| uỷ)?|QUẬN|[Tt]hị [Xx]ã|THỊ XÃ|[Tt]hị ủy|"
                              r"[Tt]hị uỷ|[Tt]hị [Tt]rấn|THỊ TRẤN)\b")
_ABOLISHED_OCR = re.compile(r"\b(?:huyen|thi xa|thi tran)\b")
# Runs on the folded text (same offsets for NFC text), so the scan's "Nghi quyet s0 06-NQ/TU" counts.
_DOC_REF = re.compile(r"(?:ke hoach|quyet dinh|nghi quyet|chuong trinh(?: hanh dong)?|cong van|chi thi|thong bao)"
                      r"\s+s\w{0,2}:?\s*[\w.\-]+\s*/\s*[\w\-./&]+")


@dataclass
class Substituter:
    roles: list[Role]
    new_locality: Unit
    old_level: str  # template locality level
    parent_old_level: str = ""
    parent_new_level: str = ""
    ocr: bool = False
    self_number: str = ""  # the template's own number ("2855/KH-UBND")
    new_number: str = ""  # "15/KH-UBND" or "…/KH-UBND"
    new_date_words: str = ""  # "ngày 05 tháng 3 năm 2026"
    known_places: set[str] = field(default_factory=set)  # folded names that need no review
    years: YearShift | None = None  # the template's period → the new one
    # Since 01/7/2025: level words of the template's abolished superior tier ("huyện") whose
    # bodies ("Phòng VH-TT huyện") have no certain successor, and who may now take their place.
    abolished_levels: tuple[str, ...] = ()
    successor_bodies: str = ""  # "sở, ngành của tỉnh Đồng Tháp hoặc phòng chuyên môn của phường Sa Đéc"
    successor_police: str = ""  # "Công an tỉnh Đồng Tháp hoặc Công an phường Sa Đéc"
    two_tier: bool = False  # the draft is dated on or after 01/7/2025

    # -- matching helpers ---------------------------------------------------------------------
    def _tok_eq(self, tok: Tok, key: str) -> bool:
        if tok.key == key:
            return True
        if self.ocr and len(key) >= 3 and tok.key[:1] == key[:1]:
            key = ocr_key(key)
            if len(key) <= 4 and len(tok.key) != len(key):  # "song" is not "son", "ha" not "hoa"
                return False
            return _distance_le_1(tok.key, key)
        return False

    def _level_at(self, toks: list[Tok], end: int, text: str) -> tuple[int, str] | None:
        """A level word ending right before token index `end`: (first token index, level)."""
        for level in _LEVEL_WORDS:
            parts = level.split()
            i = end - len(parts)
            if i < 0:
                continue
            window = toks[i:end]
            if self.ocr:
                ok = all(self._tok_eq(t, fold(p)) if len(fold(p)) >= 3 else t.key == fold(p) or
                         (fold(p) == "xa" and t.key in {"xa", "x", "xe"}) for t, p in zip(window, parts))
            else:
                ok = all(t.canon == canonical(p) for t, p in zip(window, parts))
            if ok and not re.search(r"[^\s]", text[window[0].end:window[-1].start] if len(window) > 1 else ""):
                return i, level
        return None

    def _party_at(self, toks: list[Tok], end: int) -> tuple[int, str] | None:
        if end >= 2:
            pair = f"{toks[end - 2].key} {toks[end - 1].key}"
            if pair in _PARTY or pair == "dang uy":
                return end - 2, pair
        return None

    # -- the rewrite --------------------------------------------------------------------------
    def rewrite(self, text: str, highlights: list[tuple[int, int]] = (), notes: bool = True) -> list[Segment]:
        toks = tokenize(text, self.ocr)
        edits: list[Edit] = []

        def free(start: int, end: int) -> bool:
            return all(end <= e.start or start >= e.end for e in edits if e.end > e.start) or start == end

        self._abolished_bodies(text, edits, free)
        self._names(text, toks, edits, free)
        self._self_reference(text, edits, free)
        self._levels(text, toks, edits, free)
        self._abolished_words(text, edits, free)
        self._years(text, edits, free)
        for start, end in highlights:
            if free(start, end):
                edits.append(Edit(start, end, [Segment(text[start:end], highlight=True)], "highlight"))
        if notes:
            self._review_notes(text, edits)
        return _apply(text, edits)

    def plain(self, text: str) -> str:
        return "".join(s.text for s in self.rewrite(text, notes=False))

    def _names(self, text: str, toks: list[Tok], edits: list[Edit], free) -> None:
        for role in self.roles:
            n = len(role.name_keys)
            if not n:
                continue
            i = 0
            while i + n <= len(toks):
                window = toks[i:i + n]
                if not all(self._tok_eq(t, k) for t, k in zip(window, role.name_keys)) or \
                        (self.ocr and n > 1 and not any(t.key == k for t, k in zip(window, role.name_keys))):
                    i += 1
                    continue
                start, end = window[0].start, window[-1].end
                if not free(start, end):
                    i += n
                    continue
                found_level = self._level_at(toks, i, text)
                level_text = ""
                first = i
                if found_level:
                    first, level_text = found_level
                party = self._party_at(toks, first)
                actual = self._resolve_role(role, level_text, party)
                replacement = self._name_replacement(actual, text[toks[first].start:toks[i].start] if found_level else "",
                                                     bool(found_level), party, text, toks)
                if party:
                    first = party[0]
                edits.append(Edit(toks[first].start, end, replacement, "name", actual.role))
                i += n

    def _resolve_role(self, role: Role, level: str, party: tuple[int, str] | None) -> Role:
        """Parent and province may share a name (thành phố / tỉnh Quảng Ngãi): the level decides."""
        same = [r for r in self.roles if r.name_keys == role.name_keys]
        if len(same) < 2:
            return role
        wanted = level or (_PARTY.get(party[1], "") if party else "")
        for r in same:
            if wanted and canonical(r.old.level) == canonical(wanted):
                return r
        return next((r for r in same if r.role == "parent"), role)

    def _name_replacement(self, role: Role, level_text: str, has_level: bool, party, text: str,
                          toks: list[Tok]) -> list[Segment]:
        if role.new is None:
            return [review(role.missing_note)]
        if role.role == "signer":
            return [Segment(role.new.name)]
        if party:
            body = PARTY_BODY.get(role.new.level, "Đảng ủy")
            return [Segment(f"{body} {role.new.name}" if body.startswith(("Tỉnh", "Thành", "Thị", "Huyện", "Quận"))
                            else f"{body} {role.new.name}")]
        if has_level:
            return [Segment(f"{match_case(level_text.strip(), role.new.level)} {role.new.name}")]
        return [Segment(role.new.name)]

    def _abolished_bodies(self, text: str, edits: list[Edit], free) -> None:
        """"Phòng Văn hoá – Thông tin huyện", "Công an huyện", "Phòng VH TT TP" of a superior
        unit abolished on 01/7/2025: no certain successor (which Sở? the ward's own office?),
        so the body is replaced by a review note that quotes it."""
        if not self.abolished_levels:
            return
        owners = {fold(level) for level in self.abolished_levels}
        if "thanh pho" in owners:
            owners.add("tp")
        parent = next((r for r in self.roles if r.role == "parent"), None)
        for m in _BODY_START.finditer(text):
            name = _unit_name(text, m.start(), m.end())
            end = m.start() + len(name)
            owner = next((o for o in owners if fold(name).endswith(" " + o)), None)
            if owner is None:
                continue
            after = re.match(r"\s+((?:[A-ZĐ]\w*)(?:\s+[A-ZĐ]\w*){0,3})", text[end:])
            if after and parent and tuple(fold(w) for w in _TOKEN.findall(after.group(1))[:len(parent.name_keys)]) \
                    == parent.name_keys:
                words = _TOKEN.findall(after.group(1))[:len(parent.name_keys)]
                end += text[end:].index(words[-1]) + len(words[-1])
            if not free(m.start(), end):
                continue
            original = re.sub(r"\s+", " ", text[m.start():end])
            instead = self.successor_police if fold(original).startswith("cong an") else self.successor_bodies
            edits.append(Edit(m.start(), end, [review(f"«{original}» không còn từ {REFORM_LABEL}; ghi cơ quan "
                                                      f"nay thay thế ({instead})")], "abolished"))

    def _abolished_words(self, text: str, edits: list[Edit], free) -> None:
        """Since 01/7/2025, a level word of the abolished tier left in the text ("trên toàn
        huyện", "Huyện ủy", "thị trấn" of another unit) gets a note: no certain replacement."""
        if not self.two_tier:
            return
        pattern = _ABOLISHED_OCR if self.ocr else _ABOLISHED_WORDS
        source = fold(text) if self.ocr else text
        if len(source) != len(text):
            return
        for m in pattern.finditer(source):
            if not free(m.start(), m.end()):
                continue
            following = text[m.end():m.end() + 2]
            if re.match(r" [A-ZĐ]", following):
                continue  # "huyện Sơn Tịnh": a named unit, noted as another place
            word = re.sub(r"\s+", " ", text[m.start():m.end()])
            edits.append(Edit(m.end(), m.end(), [Segment(" "), review(f"«{word}»: cấp huyện, thị trấn không còn từ "
                                                                      f"{REFORM_LABEL}; sửa hoặc bỏ")], "review"))
            edits.append(Edit(m.start(), m.end(), [Segment(text[m.start():m.end()])], "abolished"))

    def _years(self, text: str, edits: list[Edit], free) -> None:
        """The template's period carried forward, except inside a cited document ("Quyết định
        số 1132/QĐ-TTg … Chiến lược hạ tầng số đến năm 2025"): its title keeps its years."""
        if not self.years:
            return
        folded = fold(text)
        cited = [(m.start(), _sentence_end(text, m.end())) for m in _DOC_REF.finditer(folded)] \
            if len(folded) == len(text) else []
        for e in self.years.edits(text):
            if any(a <= e.start < b for a, b in cited):
                continue
            if e.review:
                edits.append(Edit(e.start, e.start, [Segment(" "), review(e.review)], "review"))
            elif free(e.start, e.end):
                edits.append(Edit(e.start, e.end, [Segment(e.replacement)] if e.replacement else [], "year"))

    def _self_reference(self, text: str, edits: list[Edit], free) -> None:
        """"Kế hoạch số: 2855/KH-UBND ngày 20 tháng 11 năm 2023" (the appendix of the template)."""
        if not self.self_number or not re.search(r"\d", self.self_number):
            return
        number = re.escape(self.self_number).replace(r"\ ", r"\s*")
        pattern = re.compile(rf"{number}(?P<date>,?\s*ngày\s+\d{{1,2}}\s*(?:tháng\s+\d{{1,2}}\s*năm\s+\d{{4}}|/\d{{1,2}}/\d{{4}}))?",
                             re.IGNORECASE)
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                new = self.new_number + (f" {self.new_date_words}" if m.group("date") else "")
                edits.append(Edit(m.start(), m.end(), [Segment(new)], "number"))

    def _levels(self, text: str, toks: list[Tok], edits: list[Edit], free) -> None:
        changes = []
        if self.old_level and canonical(self.old_level) != canonical(self.new_locality.level):
            changes.append((self.old_level, self.new_locality.level))
        if self.parent_old_level and self.parent_new_level and \
                canonical(self.parent_old_level) != canonical(self.parent_new_level):
            changes.append((self.parent_old_level, self.parent_new_level))
        for old, new in changes:
            parts = old.split()
            for i in range(len(toks) - len(parts) + 1):
                window = toks[i:i + len(parts)]
                if self.ocr:
                    ok = all((t.key == fold(p)) or (len(fold(p)) >= 4 and self._tok_eq(t, fold(p))) or
                             (fold(p) == "xa" and t.key in {"xa", "x"}) for t, p in zip(window, parts))
                else:
                    ok = all(t.canon == canonical(p) for t, p in zip(window, parts))
                start, end = window[0].start, window[-1].end
                if not ok or not free(start, end) or not self._standalone(text, toks, i, len(parts), old):
                    continue
                edits.append(Edit(start, end, [Segment(match_case(text[start:end], new))], "level"))
            # "Thị ủy" of the template locality, "Huyện ủy"/"Thành ủy" of its superior unit.
            party_old = {v: k for k, v in _PARTY.items()}.get(old)
            if party_old:
                for i in range(len(toks) - 1):
                    if f"{toks[i].key} {toks[i + 1].key}" == party_old and free(toks[i].start, toks[i + 1].end):
                        new_body = PARTY_BODY.get(new, "Đảng ủy")
                        edits.append(Edit(toks[i].start, toks[i + 1].end,
                                          [Segment(match_case(toks[i].text, new_body))], "level"))
            if fold(old) == "thanh pho":  # "UBND TP", "Phòng VH TT TP"
                for t in toks:
                    if t.text == "TP" and free(t.start, t.end):
                        edits.append(Edit(t.start, t.end, [Segment(new)], "level"))

    def _standalone(self, text: str, toks: list[Tok], i: int, n: int, level: str) -> bool:
        """A level word that names the unit itself, not "cấp xã", "xã hội", "các xã, phường"."""
        prev = toks[i - 1].key if i > 0 else ""
        nxt = toks[i + n].key if i + n < len(toks) else ""
        between_next = text[toks[i + n - 1].end:toks[i + n].start] if nxt else ""
        between_prev = text[toks[i - 1].end:toks[i].start] if prev else ""
        if prev in {"cap", "cac", "moi", "nhung"}:
            return False
        if nxt and between_next == " " and toks[i + n].text[:1].isupper() and not self.ocr:
            return False  # "xã Tịnh Ấn Tây": another place, flagged for review, not renamed
        levels_folded = {fold(l).split()[-1] for l in _LEVEL_WORDS}
        if (nxt in levels_folded and "," in between_next) or (prev in levels_folded and "," in between_prev):
            return False
        if fold(level) == "xa":
            if nxt == "hoi" or prev in {"thi", "tht"}:
                return False
        if self.ocr:
            return prev in _OCR_LEVEL_CONTEXT or not nxt or bool(re.match(r"\s*[.,;:)]", between_next))
        return True

    def _review_notes(self, text: str, edits: list[Edit]) -> None:
        notes: list[str] = []
        units = []
        for m in _UNIT_START.finditer(text):
            if any(e.kind == "abolished" and e.start <= m.start() < e.end for e in edits):
                continue  # already replaced by a note
            name = _unit_name(text, m.start(), m.end())
            name = self.plain(name)
            if name and name not in units:
                units.append(name)
        for pattern in _UNIT_PATTERNS:
            for m in pattern.finditer(text):
                name = re.sub(r"\s+", " ", m.group(0)).strip(" ,;.-–")
                name = self.plain(name)
                if name and name not in units:
                    units.append(name)
        if units:
            notes.append(f"đơn vị {', '.join('«' + u + '»' for u in units)} có ở "
                         f"{self.new_locality.full} không? Sửa tên hoặc bỏ")
        others = []
        for m in _PLACE.finditer(text):
            words = []
            for word in m.group(2).split():
                if not word[:1].isupper():
                    break
                words.append(word)
            if not words:
                continue
            name = " ".join(words)
            key = fold(name)
            if any(key.startswith(k) or k.startswith(key) for k in self.known_places if k):
                continue
            if not any(e.start <= m.start(2) < e.end for e in edits):
                others.append(f"{m.group(1)} {name}")
        if others:
            notes.append(f"địa danh/đơn vị khác {', '.join('«' + o + '»' for o in dict.fromkeys(others))}")
        refs = []
        folded = fold(text)
        for m in _DOC_REF.finditer(folded if len(folded) == len(text) else ""):
            end = _sentence_end(text, m.end())
            if self.self_number and fold(self.self_number.replace(" ", "")) in fold(m.group(0).replace(" ", "")):
                continue
            if any(e.kind == "name" and e.role in {"parent", "province", "locality"} and m.start() <= e.start < end
                   for e in edits):
                refs.append(end)
        for end in dict.fromkeys(refs):
            edits.append(Edit(end, end, [Segment(" "), review("số, ngày của văn bản dẫn chiếu (lấy từ kế hoạch mẫu)")],
                              "review"))
        if notes:
            end = len(text.rstrip())
            edits.append(Edit(end, end, [Segment(" "), review("; ".join(notes))], "review"))


def _sentence_end(text: str, start: int) -> int:
    m = re.compile(r"[;]|\.(?=\s|$)").search(text, start)
    return m.start() if m else len(text.rstrip())


def _apply(text: str, edits: list[Edit]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end > e.start, e.end)):
        if e.start < pos:
            continue
        if e.start > pos:
            out.append(Segment(text[pos:e.start]))
        out.extend(e.segments)
        pos = max(pos, e.end)
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return _merge(out)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for s in segments:
        if not s.text:
            continue
        if merged and not s.review and not s.highlight and not merged[-1].review and not merged[-1].highlight:
            merged[-1] = Segment(merged[-1].text + s.text)
        else:
            merged.append(s)
    return merged


def _unit_name(text: str, start: int, pos: int) -> str:
    """"Phòng Văn hóa và Thông tin thị xã", "Phòng VH-TT huyện", "Trung tâm Văn hóa - Truyền thanh":
    capitalised syllables, one lower-case syllable after each ("Văn hóa"), "và"/dashes between
    parts, and an owning level word at the end."""
    end = pos
    last_cap = False
    while True:
        gap = re.match(r"\s*(?:[–-]\s*)?", text[end:])
        at = end + gap.end()
        m = _UNIT_WORD.match(text, at)
        if not m or "\n" in gap.group(0):
            break
        word = m.group(0)
        nxt = re.match(r"\s*(\w+)", text[m.end():])
        two = f"{word} {nxt.group(1)}" if nxt else word
        if word[:1].isupper():
            end, last_cap = m.end(), True
        elif two in _UNIT_OWNER and two != word:
            end = m.end() + nxt.end()
            break
        elif word in _UNIT_OWNER:
            end = m.end()
            break
        elif word == "và" and re.match(r"\s+[A-ZĐ]", text[m.end():]):
            end, last_cap = m.end(), False
        elif last_cap and word not in _UNIT_STOP and "-" not in gap.group(0) and "–" not in gap.group(0):
            end, last_cap = m.end(), False
        else:
            break
    return text[start:end]
