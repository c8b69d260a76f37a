"""Plan metadata read from the clause tree: issuer, locality, number, date, basis documents,
signer, recipients.

A Vietnamese administrative document carries its metadata in fixed blocks whose position and
layout vary (a two-column header table, a markdown crawl, a PDF text layer that interleaves the
two columns, an OCR line that joins them; the signature after the Nơi nhận list or beside it; a
decision whose attached plan follows its signature). So each field is read from the shape of
its own block wherever the block sits: "Số: …/…" for the number, "<place>, ngày … tháng … năm …"
for the date, the upper-case lines above the national motto for the issuer, the signature titles
(TM./KT./TL., CHỦ TỊCH, GIÁM ĐỐC…) followed by a name for the signer.

Patterns run on the diacritic-folded text (so the OCR scan "Sb: 9g /KH-UBND … ngay 13 thang 02
nam 2025" is read like a typed plan) and values are cut from the source text at the same
offsets, which folding preserves for precomposed text. A field the document lacks stays empty.
"""
from __future__ import annotations

import re
from datetime import date

from assistant.documents import Clause, PlanMetadata
from assistant.text import FAMILY_NAMES, fold, has_diacritics, nfc

LEVELS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "huyện", "tỉnh", "đặc khu", "quận")
_LEVEL_FOLDED = {fold(level): level for level in LEVELS}
_LEVEL_PATTERN = "|".join(sorted((re.escape(fold(l)) for l in LEVELS), key=len, reverse=True))
# On the folded text: "so: 172/kh-ubnd", the scan's "sb: 9g /kh-ubnd", "so: 09/2009/ct-ubnd".
_NUMBER = re.compile(r"\b(?:s[o0b6e]|so hieu)\s*[:.]\s*(?P<num>[\w.\-]{0,12}\s*/\s*(?:\d{4}\s*/\s*)?[a-z0-9][\w&.\-]*)")
# Without a "Số:" line, one that opens with "Số 15/KH-UBND" (a crawl or a scan that lost the
# colon) is the number; not a "số 87/KH-UBND" inside a sentence, which cites another document,
# nor the "SỐ 1050/QĐ-SCT" of an issuer "ĐOÀN KIỂM TRA THEO QUYẾT ĐỊNH" above a "Số: 1105/KH-ĐKT".
_BARE_NUMBER = re.compile(r"^\W{0,4}so\s+(?P<num>\d{1,5}[a-z]?\s*/\s*(?:\d{4}\s*/\s*)?[a-z][\w&.\-]*)", re.MULTILINE)
_DATE_WORDS = re.compile(
    r"(?P<place>[^\n,]{2,40}),\s*ngay\s+(?P<d>\d{1,2}|\.{2,}|…)?\s*thang\s+(?P<m>\d{1,2}|\.{2,}|…)?\s*nam\s+(?P<y>\d{4})")
# "Mẫu Sơn, ngày 12/3/2026": the date line in figures.
_DATE_FIGURES = re.compile(r"(?P<place>[^\n,]{2,40}),\s*ngay\s+(?P<d>\d{1,2})\s*([/.-])\s*(?P<m>\d{1,2})\s*\3\s*(?P<y>\d{4})\b")


class _DateLine:
    """The place-date line, in words ("ngày 12 tháng 3 năm 2026") or in figures ("ngày 12/3/2026"):
    the earlier of the two in the text."""

    @staticmethod
    def finditer(folded: str):
        return sorted([*_DATE_WORDS.finditer(folded), *_DATE_FIGURES.finditer(folded)], key=lambda m: m.start())

    def search(self, folded: str):
        found = self.finditer(folded)
        return found[0] if found else None


_DATE_LINE = _DateLine()
_MOTTO = re.compile(r"cong hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc|-{3,}")
# Signature titles, upper case as written ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHÁNH VĂN
# PHÒNG", "TRƯỞNG ĐOÀN"); matched on the folded upper-case line.
_ROLE = (r"chu tich|giam doc|chanh van phong|truong doan|truong ban|bi thu|cuc truong|chi cuc truong"
         r"|thu truong|vien truong|hieu truong|tong giam doc|truong phong")
_SIGNER_TITLE = re.compile(
    rf"\b(?:(?:tm|kt|tl|q|tuq)\s*\.\s*(?:uy ban nhan dan|ubnd|ban chi dao|doan kiem tra|{_ROLE})"
    rf"|(?:pho\s+)?(?:{_ROLE}))\b")
# Document kinds, by the title word of their header or the code in their number.
DOC_TYPES = {"ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị", "thong bao": "Thông báo",
             "cong van": "Công văn", "to trinh": "Tờ trình", "bao cao": "Báo cáo", "huong dan": "Hướng dẫn",
             "de an": "Đề án", "chuong trinh": "Chương trình", "nghi quyet": "Nghị quyết", "quy che": "Quy chế"}
_NUMBER_CODES = {"kh": "Kế hoạch", "qd": "Quyết định", "ct": "Chỉ thị", "tb": "Thông báo", "ttr": "Tờ trình",
                 "bc": "Báo cáo", "hd": "Hướng dẫn", "nq": "Nghị quyết", "da": "Đề án"}
# Head words of the bodies that issue documents.
_ISSUER_HEAD = re.compile(r"\b(?:uy ban nhan dan|ubnd|so|ban|doan|van phong|bo|hoi dong nhan dan|hdnd|cong an"
                          r"|trung tam|cuc|chi cuc|tong cuc|dang uy|dang bo|tinh uy|thanh uy)\b")
_URGENCY = re.compile(r"\b(hoa toc|thuong khan|khan)\b")
_TITLE_WORD = re.compile(r"\s+(?:KẾ HOẠCH|QUYẾT ĐỊNH|THÔNG BÁO|CHỈ THỊ|CÔNG VĂN|BÁO CÁO|TỜ TRÌNH|NGHỊ QUYẾT|HƯỚNG DẪN"
                         r"|CHƯƠNG TRÌNH|ĐỀ ÁN|GIẤY MỜI)\b")


def _source_slice(source: str, folded: str, match: re.Match[str], group: str) -> str:
    """The source text under a match on the folded text (same length when NFC precomposed)."""
    if len(source) == len(folded):
        return source[match.start(group):match.end(group)].strip()
    return match.group(group).strip()


# A digital signature's stamp on a scan: "Thời gian ký: 11/09/2024 19:14:21".
_STAMP = re.compile(r"thoi gian ky\s*:?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_MONTH_YEAR = re.compile(r"\bthang\s+(\d{1,2})\s+nam\s+(\d{4})")


def _stamped_date(head_folded: str, written: str) -> str:
    """The signing day of the digital signature's stamp, where the date line's day was lost (a scan
    reads "ngày/1} tháng 9 năm 2024"): taken only when the month and year the date line still
    shows agree with it."""
    stamp = _STAMP.search(head_folded)
    if not stamp:
        return ""
    day, month, year = stamp.groups()
    shown = _MONTH_YEAR.search(head_folded[stamp.end():]) or _MONTH_YEAR.search(head_folded)
    if shown and (int(shown[1]), shown[2]) != (int(month), year):
        return ""
    if written[:4].isdigit() and written[:4] != year:
        return ""
    complete = _complete_date(day, month, year)
    return complete if len(complete) == 10 else ""


def _complete_date(day: str | None, month: str | None, year: str) -> str:
    if day and month and day.isdigit() and month.isdigit():
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            pass
    return year


_STOP_WORDS = {"den", "giai", "thoi", "xay", "ban", "ve", "va", "the", "nam", "dinh", "trien"}
_STOP_MARKED = {"đến", "thời", "xây", "ban", "về", "và", "thể", "năm", "triển"}
# Words that follow a name in running text; compared with their diacritics ("Căn cứ", not "Cần Thơ").
_STOP_ACCENTED = {"căn", "do", "số", "thực", "kinh", "kế", "quyết", "theo", "tại", "công", "trong", "về", "và"}


def _capitalised_after(text: str, end: int) -> str:
    """Capitalised words right after offset `end` ("Long Mỹ", "Phu Son"): a place name."""
    words: list[str] = []
    # Written with marks, a stop word is known by them: "Nam" of "Hà Nam" is no "năm", "Đình" of
    # "Ba Đình" no "định", "Thế" of "Yên Thế" no "thể"; typed without, only the folded list can tell.
    marked = has_diacritics(text[end:end + 60])
    for match in re.finditer(r"\S+", text[end:end + 60]):
        word = match.group(0).strip(",.;:()")
        stop = word.lower() in _STOP_MARKED if marked else fold(word) in _STOP_WORDS
        if not word[:1].isupper() and not word[:1].isdigit() or stop or word.lower() in _STOP_ACCENTED:
            break
        if word.isupper() and len(word) > 1 and words and not words[-1].isupper():
            break  # "Mường Lay KẾ HOẠCH": the next block, not the name
        words.append(word)
        if match.group(0)[-1:] in ",.;:)":
            break
    return " ".join(words[:4])


def place_case(name: str) -> str:
    """"QUẢNG NGÃI" → "Quảng Ngãi": place names capitalise every syllable."""
    if not name.isupper():
        return name
    return " ".join(word[:1] + word[1:].lower() for word in name.split())


def _names_after(text: str, pattern: str) -> list[tuple[str, str]]:
    """(level as written, name) for each `pattern` hit whose group 'level' is followed by a name.
    Runs on the folded text; NFC text and its fold have equal length, so offsets carry over."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    found = []
    for match in re.finditer(pattern, folded):
        name = _capitalised_after(text, match.end("level"))
        if name and not (name.isdigit() and match["level"] not in {"phuong", "xa"}):
            found.append((match["level"], place_case(name)))
    return found


def _locality_from_text(text: str) -> tuple[str, str, str]:
    """(locality, level, name) from the plan's own naming of itself: "UBND phường Long Mỹ
    xây dựng Kế hoạch", "trên địa bàn thị xã Mường Lay", "hạ tầng số xã Tịnh Thiện"."""
    patterns = [
        rf"(?:uy ban nhan dan|ubnd)\s+(?P<level>{_LEVEL_PATTERN})\b(?=[^\n]{{0,30}}(?:xay dung|ban hanh))",
        rf"tren dia ban\s+(?P<level>{_LEVEL_PATTERN})\b",
        rf"ha tang so\s+(?P<level>{_LEVEL_PATTERN})\b",
        rf"^(?P<level>{_LEVEL_PATTERN})\b",
    ]
    for pattern in patterns:
        for level, name in _names_after(text, pattern):
            return f"{_LEVEL_FOLDED[level]} {name}", _LEVEL_FOLDED[level], name
    return "", "", ""


def _unit_in(line: str) -> tuple[str, str] | None:
    """(level, name) of the administrative unit an issuer line names: "ỦY BAN NHÂN DÂN TỈNH
    QUẢNG NGÃI" → ("tỉnh", "Quảng Ngãi"), "UBND PHƯỜNG SA ĐÉC" → ("phường", "Sa Đéc")."""
    hits = _names_after(nfc(line), rf"\b(?P<level>{_LEVEL_PATTERN})\b")
    return (_LEVEL_FOLDED[hits[0][0]], hits[0][1]) if hits else None


def _parent_unit(basis: list[str]) -> str:
    """The superior unit whose plan this one implements: "UBND thành phố Cần Thơ"."""
    for sentence in basis:
        hits = _names_after(nfc(sentence), rf"cua\s+(?:ubnd|uy ban nhan dan)\s+(?P<level>{_LEVEL_PATTERN})\b")
        if hits:
            level, name = hits[0]
            return f"UBND {_LEVEL_FOLDED[level]} {name}"
    return ""


def _province(text: str) -> str:
    # Lower-case "tỉnh" only: the folded "tinh" is also the name "Tịnh Thiện".
    for match in re.finditer(r"\b(?:tỉnh|tinh)\s", text):
        if name := _capitalised_after(text, match.end() - 1):
            if not name.isdigit():
                return place_case(name)
    return ""


# -- the header block ----------------------------------------------------------------------------
def _header_clauses(clauses: list[Clause]) -> list[Clause]:
    """The clauses of the header block: the preamble up to the title word. A docx whose header
    table python-docx reads last has it at the end: then the clauses around the national motto."""
    head = []
    for clause in clauses:
        if not clause.id.startswith("0-") or clause.kind == "title" or re.match(r"^kinh gui\b", fold(clause.text)):
            break
        head.append(clause)
        if _DATE_LINE.search(fold(clause.text)) and len(head) >= 2:
            break  # the place-date line closes the header block
    if any(_MOTTO.search(fold(c.text)) or _NUMBER.search(c.text) for c in head):
        return head
    for index, clause in enumerate(clauses):
        if _MOTTO.search(fold(clause.text)) and not clause.id.startswith("KH"):
            return [*head, *clauses[max(0, index - 3):index + 4]]
    return head


def _issuer_lines(header: list[Clause]) -> list[str]:
    """Upper-case text of the header block, motto, number and date removed, consecutive lines
    joined: "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", or "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG" (an issuer
    under its parent, split later)."""
    groups: list[list[str]] = [[]]
    for clause in header:
        text = nfc(clause.text)
        folded = fold(text)
        if len(folded) != len(text):
            groups.append([])
            continue
        cuts = sorted([m.span() for m in _MOTTO.finditer(folded)] + [m.span() for m in _NUMBER.finditer(folded)]
                      + [m.span() for m in _BARE_NUMBER.finditer(folded)]
                      + [m.span() for m in _DATE_LINE.finditer(folded)])
        pieces, last = [], 0
        for a, b in cuts:
            pieces.append(text[last:a])
            last = max(last, b)
        pieces.append(text[last:])
        if not "".join(pieces).strip(" -–.,*"):
            continue  # a motto or number line between two issuer lines (two columns read in turn)
        found = False
        for piece in pieces:
            for candidate in _upper_runs(piece):
                if len(candidate) >= 3 and not _URGENCY.fullmatch(fold(candidate)):
                    groups[-1].append(candidate)
                    found = True
        if not found:
            groups.append([])
    lines = [" ".join(group) for group in groups if group]
    return [line for line in lines if _ISSUER_HEAD.search(fold(line))]


def _upper_runs(piece: str) -> list[str]:
    """Upper-case runs of a header piece that can name a body. A run inside a sentence ("Công ty
    TNHH MTV Đầu tư": a lower-case word before it) is an acronym, and a run followed by an e-mail
    address is the stamp of a digital signature ("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC ttcbth@…"): neither
    is the issuer. A text layer may hold the whole header as one line, so every run is looked at."""
    words = piece.split()
    runs, current, start = [], [], 0
    for index, word in enumerate([*words, ""]):
        if word and (word.isupper() or (current and re.fullmatch(r"[\d/.\-A-ZĐ]+", word))):
            if not current:
                start = index
            current.append(word)
            continue
        if current:
            before = words[start - 1] if start else ""
            inside_sentence = bool(re.search(r"[a-zà-ỹ]", before)) and "@" not in before
            stamp = "@" in word
            if not inside_sentence and not stamp:
                runs.append(" ".join(current).strip(" -–.,"))
            current = []
    return runs


_BODY_HEADS = r"(?<!\w)(?:uy ban nhan dan|ubnd|so|doan|van phong|cong an|ban chi dao|trung tam|dang bo|dang uy|bo)(?=\s|$)"
_BODY_HEADS_MARKED = (r"(?<!\w)(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|sở|đoàn|văn phòng|công an|ban chỉ đạo|ban"
                      r"|trung tâm|đảng bộ|đảng ủy|đảng uỷ|bộ)(?=\s|$)")


def _split_issuers(lines: list[str]) -> list[str]:
    """Separate bodies run together ("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG", "SỞ CÔNG THƯƠNG ĐOÀN
    KIỂM TRA …"): each head word of a body opens a new one."""
    out = []
    for line in lines:
        folded = fold(line)
        # With its marks a head word is known from its look-alikes: "SỞ" from the "SỐ" of "CHUYỂN
        # ĐỔI SỐ", "BỘ" from "BỒ", "BỐ"; typed without, only the folded form can tell.
        marked = has_diacritics(line)
        heads = _BODY_HEADS_MARKED if marked else _BODY_HEADS
        starts = [m.start() for m in re.finditer(heads, nfc(line).lower() if marked else folded)
                  # "XÃ ĐOÀN KẾT": after a level word, the place's name
                  if not re.search(rf"\b(?:{_LEVEL_PATTERN})\s+$", folded[:m.start()])]
        bounds = [*starts, len(line)] if starts and starts[0] == 0 else [0, *starts, len(line)]
        out += [line[a:b].strip() for a, b in zip(bounds, bounds[1:]) if line[a:b].strip()]
    bodies = []
    for body in out:
        # The title after the issuer ("… SA ĐÉC QUYẾT ĐỊNH") and a list ("VPUB: CVP, PCVP") are not
        # part of a body's name; a part that opens with no body word ("PCT") names none.
        body = _TITLE_WORD.split(body, maxsplit=1)[0]
        body = re.split(r"[:;]", body, maxsplit=1)[0].strip(" -–.,")
        if body and re.match(_ISSUER_HEAD.pattern, fold(body)) and body not in bodies:
            bodies.append(body)
    # "UBND VPUB" (a council and an abbreviation, a scan's list read into the header) names no
    # place; when another body does, it is dropped.
    placed = [b for b in bodies if not re.match(r"(?:uy ban nhan dan|ubnd)\b", fold(b)) or _unit_in(b)]
    return placed or bodies


def _recase(name: str, text: str) -> str:
    """An upper-case body name as the document writes it elsewhere in mixed case ("SỞ CÔNG
    THƯƠNG" → "Sở Công Thương"), else with its level and place name recased ("UBND tỉnh Quảng
    Ngãi")."""
    if not name.isupper():
        return name
    folded_name = fold(name)
    folded_text = fold(text)
    if len(folded_text) == len(text):
        for match in re.finditer(re.escape(folded_name), folded_text):
            written = text[match.start():match.end()]
            if not written.isupper():
                return written[:1].upper() + written[1:]
    name = re.sub(r"^(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND)\b", "UBND", name)
    unit = _unit_in(name)
    head = name.split()[0]
    rest = name[len(head):].strip()
    if unit:
        level_at = fold(rest).find(fold(unit[0]))
        before = rest[:level_at].strip().lower() if level_at > 0 else ""
        rest = " ".join(p for p in (before, unit[0], unit[1]) if p)
    elif rest:
        rest = rest[:1] + rest[1:].lower()
    head = head if head == "UBND" else head[:1] + head[1:].lower()
    return f"{head} {rest}".strip()


def _doc_type(clauses: list[Clause], number: str, head_text: str) -> str:
    for clause in clauses:
        if clause.kind == "title" or clause.id.startswith("0-"):
            word = fold(clause.text).strip(" .:")
            for key, name in DOC_TYPES.items():
                if word == key or (word.startswith(key + " ") and clause.text[:len(key)].isupper()):
                    return name
        if not clause.id.startswith("0-"):
            break
    code = re.search(r"/\s*(?:\d{4}\s*/\s*)?([a-z]+)\s*-", fold(number))
    if code and code.group(1) in _NUMBER_CODES:
        return _NUMBER_CODES[code.group(1)]
    if number or re.search(r"\bv\s*/\s*v\b", fold(head_text)):
        return "Công văn"
    return ""


def _subject(header: list[Clause], clauses: list[Clause]) -> str:
    """The trích yếu of a công văn: the "V/v …" line(s), or a short line "Về việc …" before the
    address ("Kính gửi") or the body begins."""
    for clause in [*header, *clauses[:20]]:
        match = re.search(r"\bv\s*/\s*v\b", fold(clause.text))
        if match:
            return clause.text[match.start():].strip()
    for clause in clauses[:20]:
        folded = fold(clause.text)
        if re.match(r"^(?:kinh gui|can cu|thuc hien|[ivx]+\.\s)", folded) or not clause.id.startswith("0-"):
            break
        if folded.startswith("ve viec ") and len(clause.text) <= 300:
            return clause.text.strip()
    return ""


# -- the signature block -------------------------------------------------------------------------
# 2–5 words, each capitalised, whatever its initial's marks ("Nguyễn Thị Ánh", "Âu Văn Út").
_NAME = re.compile(r"^(?:(?=[^\W\d_])\w+\s+){1,4}(?=[^\W\d_])\w+$")


def _is_person_name(text: str) -> bool:
    """"Trần Thị Diệu Thúy", "Nguyễn Văn Chì", OCR "Nguyén Xuin LAm": 2–5 capitalised words.
    A name may begin as a body does ("Đoàn Thị Hậu", not "Đoàn Thanh niên") when its middle
    name is Văn or Thị."""
    text = text.strip(" .*")
    if not _NAME.match(text) or not all(w[:1].isupper() for w in text.split()) or _SIGNER_TITLE.search(fold(text)):
        return False
    words = text.split()
    if _ISSUER_HEAD.match(fold(text)) and not (fold(words[0]).lower() in _FOLDED_FAMILY
                                               and fold(words[1]).lower() in {"van", "thi"}):
        return False
    return not (text.isupper() and len(words) > 5)


def _edits_within_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _mended_name(text: str) -> str:
    """A signer's name whose family name a scan misread by one letter ("Âguyên Hoàng Giang" →
    "Nguyễn Hoàng Giang"): the other syllables capitalised as written, the family name the one
    known name one letter away (folded). "" when no single such name fits."""
    words = text.strip(" .*").split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return ""
    family = fold(words[0]).lower()
    if family in {fold(n) for n in FAMILY_NAMES}:
        return ""
    near = {n for n in FAMILY_NAMES if _edits_within_one(family, fold(n))}
    if len(near) != 1:
        return ""
    rest = " ".join(words[1:])
    if not _is_person_name(f"Nguyễn {rest}"):  # the rest must read as a name
        return ""
    return f"{next(iter(near)).capitalize()} {rest}"


_FOLDED_FAMILY = {fold(n).lower() for n in FAMILY_NAMES}
# What a published copy prints where the signature was: "(Đã ký)", "[daky]", "(Ký, ghi rõ họ tên)".
_SIGNED_MARK = re.compile(r"^\s*(?:[(\[]\s*(?:đã\s*)?(?:ký|daky|signed)\b[^)\]]*[)\]]|đã\s+ký\b:?)\s*", re.IGNORECASE)


def _unmarked(text: str) -> str:
    return _SIGNED_MARK.sub("", text).strip(" .*")


def _column_tail_name(text: str) -> str:
    """The signer's name at the end of a line where a PDF or a scan ran the recipients' column
    into the signature's ("- Lưu: VT, KT. Nguyễn Văn An"): the piece after the last
    punctuation, when it reads as a name with a Vietnamese family name."""
    tail = _unmarked(re.split(r"[;,.:)]", text)[-1])
    words = tail.split()
    return tail if words and fold(words[0]).lower() in _FOLDED_FAMILY and _is_person_name(tail) else ""


def _signature(closing: list[Clause]) -> tuple[str, str]:
    """(signer, signer titles "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") of a closing region: the titles as
    written, and the name that follows them (in the same clause or the next)."""
    titles: list[str] = []
    name = ""
    previous_had_titles = False
    for clause in closing:
        text = nfc(clause.text)
        folded = fold(text)
        found = [m for m in _SIGNER_TITLE.finditer(folded) if text[m.start():m.end()].isupper()] \
            if len(folded) == len(text) else []
        if found:
            written = [re.sub(r"\s+", " ", text[m.start():m.end()]).strip() for m in found]
            # Title lines of one block follow each other; a later block starts afresh.
            titles = [*titles, *written] if previous_had_titles and not name else written
            tail = _unmarked(text[found[-1].end():])
            name = tail if _is_person_name(tail) else ""
            previous_had_titles = True
            continue
        previous_had_titles = False
        if titles and not name:
            bare = _unmarked(text)
            if _is_person_name(bare) and clause.kind != "bullet":
                name = bare
            else:
                name = _column_tail_name(text)
    return name, " / ".join(titles)


def _signer_title_fallback(closing: list[Clause]) -> str:
    titles = []
    for clause in closing:
        for match in re.finditer(r"TM\.\s*(?:ỦY|UỶ|UY) BAN NHÂN DÂN|TM\.\s*UBND|KT\.\s*CH[ỦU] T[ỊI]CH"
                                 r"|(?:PH[ÓO]\s+)?CH[ỦU] T[ỊI]CH", clause.text):
            titles.append(re.sub(r"\s+", " ", match.group(0)).strip())
    return " / ".join(titles)


def _is_authority_line(text: str) -> bool:
    """The upper-case line under a decision's title that names who decides ("CHỦ TỊCH ỦY BAN
    NHÂN DÂN TỈNH …", "GIÁM ĐỐC SỞ Y TẾ"): no part of its title."""
    folded = fold(text).strip(" .:")
    return nfc(text).isupper() and bool(_SIGNER_TITLE.match(folded) or _ISSUER_HEAD.match(folded))


def _region(clauses: list[Clause], prefix: str) -> list[Clause]:
    return [c for c in clauses if c.id.startswith(prefix)]


# -- the whole ------------------------------------------------------------------------------------
def extract_metadata(clauses: list[Clause]) -> PlanMetadata:
    meta = PlanMetadata()
    head = [c for c in clauses if c.id.startswith("0")]
    closing = _region(clauses, "Z")
    header = _header_clauses(clauses)
    head_text = nfc("\n".join(c.text for c in header or head))
    head_folded = fold(head_text)
    all_text = nfc("\n".join(c.text for c in clauses))

    for pattern in (_NUMBER, _BARE_NUMBER):
        for text in (head_text, nfc("\n".join(c.text for c in head))):
            if match := pattern.search(fold(text)):
                meta.number = re.sub(r"\s+", " ", _source_slice(text, fold(text), match, "num")).strip(" .")  # as written
                break
        if meta.number:
            break
    date_source = head_folded if _DATE_LINE.search(head_folded) else fold(nfc("\n".join(c.text for c in head)))
    if match := _DATE_LINE.search(date_source):
        source = head_text if date_source == head_folded else nfc("\n".join(c.text for c in head))
        place = _source_slice(source, date_source, match, "place")
        if motto := list(re.finditer(r"\bphu\w*c\b|\bnam\b", fold(place))):
            place = place[motto[-1].end():].strip(" ,-") if "hanh" in fold(place) else place
        if number := _NUMBER.search(fold(place)):
            place = place[number.end():].strip(" ,-") or place
        place = re.sub(r"^.*?\b(?:[A-ZĐ]{2,}\s+)+(?=[A-ZĐ][a-zà-ỹ])", "", place).strip() or place
        meta.place = place.split("/KH-UBND")[-1].strip() or place
        meta.issue_date = _complete_date(match["d"], match["m"], match["y"])

    if len(meta.issue_date) != 10:
        meta.issue_date = _stamped_date(fold(nfc("\n".join(c.text for c in head))), meta.issue_date) or meta.issue_date

    titles = [c.text for c in clauses if c.kind == "title" and c.id.startswith("0-")
              and fold(c.text).strip(" .:") not in DOC_TYPES and not _is_authority_line(c.text)]
    if not titles and len(head) > 1:
        titles = [c.text for c in head if re.match(r"^(phat trien|trien khai)", fold(c.text))][:1]
    meta.title = " ".join(titles)
    attached = [c.text for c in clauses if c.kind == "title" and "." in c.id and c.id.split(".")[0].isalpha()
                and fold(c.text).strip(" .:") not in DOC_TYPES]
    if not attached:
        # A further document with no title word ("Về việc hướng dẫn …" under its header): its subject.
        attached = [c.text for c in clauses if "." in c.id and c.id.split(".")[0].isalpha()
                    and c.id.split(".", 1)[1].startswith("0-") and re.match(r"^(?:ve viec|v\s*/\s*v)\b", fold(c.text))
                    and len(c.text) <= 300]
    meta.attached_title = " ".join(attached[:3])
    period_source = meta.title or meta.attached_title
    if period := re.search(r"(20\d\d)\s*[-–]\s*(20\d\d)", period_source):
        meta.period = f"{period[1]}-{period[2]}"
    elif years := re.findall(r"\b(20\d\d)\b", period_source):
        meta.period = f"{meta.issue_date[:4]}-{max(years)}" if meta.issue_date[:4].isdigit() else max(years)

    meta.parent_documents = [c.text for c in head if re.match(r"^(can cu|thuc hien|theo de nghi)\b", fold(c.text))]
    meta.doc_type = _doc_type(clauses, meta.number, head_text)
    meta.subject = _subject(header, clauses)
    if urgency := _URGENCY.search(head_folded):
        written = head_text[urgency.start():urgency.end()] if len(head_text) == len(head_folded) else ""
        meta.urgency = written if written.isupper() else ""

    issuers = _split_issuers(_issuer_lines(header))
    if issuers:
        meta.issuer = _recase(issuers[-1] if len(issuers) <= 2 else issuers[0], all_text)
        if len(issuers) >= 2:
            meta.issuer, meta.issuer_parent = _recase(issuers[1], all_text), _recase(issuers[0], all_text)
    # Locality and level: the unit of the issuing body ("UBND TỈNH QUẢNG NGÃI"), or of its parent
    # ("UBND TỈNH LÀO CAI" above "SỞ CÔNG THƯƠNG"), else how the plan names its own area.
    unit = next((u for u in map(_unit_in, [meta.issuer, meta.issuer_parent]) if u), None)
    if unit:
        meta.level, meta.locality_name = unit
        meta.locality = f"{unit[0]} {unit[1]}"
    else:
        meta.locality, meta.level, meta.locality_name = _locality_from_text(all_text)
    meta.parent_unit = _parent_unit(meta.parent_documents)
    # A commune's province is the one its text names; a tỉnh (or a city whose UBND heads the
    # header with no parent line) is its own.
    meta.province = meta.locality_name if meta.level == "tỉnh" or _is_province_city(meta) else \
        "" if meta.level == "thành phố" and issuers else _province(all_text)
    meta.replaces = [c.text for c in clauses if "thay the" in fold(c.text) and "ke hoach so" in fold(c.text)]

    meta.signer, meta.signer_title = _signature(closing)
    if not meta.signer_title:
        meta.signer_title = _signer_title_fallback(closing)
    if not meta.signer:
        signature = [c for c in closing if c.kind != "bullet" and not fold(c.text).startswith(("noi nh", "tren day"))
                     and not _SIGNER_TITLE.search(fold(c.text))]
        if signature and _is_person_name(signature[-1].text):
            meta.signer = signature[-1].text
        elif signature and (mended := _mended_name(signature[-1].text)):
            meta.signer, meta.signer_as_written = mended, signature[-1].text.strip(" .*")
    if meta.signer and not meta.signer_as_written and not re.match(r"[A-ZĐ]", meta.signer) \
            and (mended := _mended_name(meta.signer)):
        # A family name with a marked initial that no family name has: a scan's "Âguyên Hoàng
        # Giang" (an unknown one with a plain initial, "Chui Văn Thành", is as written).
        meta.signer, meta.signer_as_written = mended, meta.signer
    meta.recipients = _recipients(closing)
    meta.addressees = _addressees(clauses)
    return meta


def _is_province_city(meta: PlanMetadata) -> bool:
    """A city under the central government (Hà Nội, Cần Thơ…) is a province; the map says which."""
    if meta.level != "thành phố" or not meta.locality_name:
        return False
    try:
        from assistant.admin import is_province_name

        return is_province_name(meta.locality_name)
    except Exception:  # the map's data missing: leave the province unset rather than guess
        return False


def _recipients(closing: list[Clause]) -> list[str]:
    """The "Nơi nhận:" list: the bullets after it (all closing bullets when the scan lost it)."""
    start = next((i for i, c in enumerate(closing) if re.match(r"^noi nh\w*n\b", fold(c.text))), None)
    bullets = closing[start + 1:] if start is not None else closing
    return [c.text.rstrip(";,.") for c in bullets if c.kind == "bullet" and len(c.text) <= 200]


def _addressees(clauses: list[Clause]) -> list[str]:
    """"Kính gửi: – Sở Giao thông vận tải; – Sở Nông nghiệp …" of a công văn."""
    for index, clause in enumerate(clauses[:40]):
        match = re.search(r"\bkinh gui\s*:?", fold(clause.text))
        if not match:
            continue
        rest = clause.text[match.end():].strip(" :-")
        names = [n.strip(" -–;.,") for n in re.split(r";|\s[-–]\s", rest) if n.strip(" -–;.,")]
        for follower in clauses[index + 1:index + 12]:
            if follower.kind != "bullet":
                break
            names.append(follower.text.strip(" -–;.,"))
        return names
    return []
