"""Plan metadata read from the clause tree: locality, number, date, basis documents, signer.

Patterns run on the diacritic-folded text (so the OCR scan "Sb: 9g /KH-UBND … ngay 13 thang 02
nam 2025" is read like a typed plan) and values are cut from the source text at the same
offsets, which folding preserves for precomposed text.
"""
from __future__ import annotations

import re
from datetime import date

from assistant.documents import Clause, PlanMetadata
from assistant.text import fold, nfc

LEVELS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "huyện", "tỉnh")
_LEVEL_FOLDED = {fold(level): level for level in LEVELS}
_LEVEL_PATTERN = "|".join(sorted((re.escape(fold(l)) for l in LEVELS), key=len, reverse=True))
# A place name: capitalised syllables ("Long Mỹ", "Tịnh Thiện", OCR "Phu Son").
_NAME = r"(?:[A-Z][\w]*(?:\s+[A-Z][\w]*){0,3})"
_NUMBER = re.compile(r"\bs[o0b6e]\s*:\s*(?P<num>[\w.\-]*\s*/\s*KH-UBND)", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"(?P<place>[^\n,]{2,40}),\s*ngay\s+(?P<d>\d{1,2}|\.{2,}|…)?\s*thang\s+(?P<m>\d{1,2}|\.{2,}|…)?\s*nam\s+(?P<y>\d{4})")
_SIGNER_TITLE_SOURCE = re.compile(
    r"TM\.\s*(?:ỦY|UỶ|UY) BAN NHÂN DÂN|TM\.\s*UBND|KT\.\s*CH[ỦU] T[ỊI]CH|(?:PH[ÓO]\s+)?CH[ỦU] T[ỊI]CH")


def _source_slice(source: str, folded: str, match: re.Match[str], group: str) -> str:
    """The source text under a match on the folded text (same length when NFC precomposed)."""
    if len(source) == len(folded):
        return source[match.start(group):match.end(group)].strip()
    return match.group(group).strip()


def _complete_date(day: str | None, month: str | None, year: str) -> str:
    if day and month and day.isdigit() and month.isdigit():
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            pass
    return year


_STOP_WORDS = {"den", "giai", "thoi", "xay", "ban", "ve", "va", "the", "nam", "dinh", "trien"}


def _capitalised_after(text: str, end: int) -> str:
    """Capitalised words right after offset `end` ("Long Mỹ", "Phu Son"): a place name."""
    words: list[str] = []
    for match in re.finditer(r"\S+", text[end:end + 60]):
        word = match.group(0).strip(",.;:()")
        if not word[:1].isupper() or fold(word) in _STOP_WORDS:
            break
        words.append(word)
        if match.group(0)[-1:] in ",.;:)":
            break
    return " ".join(words[:4])


def _names_after(text: str, pattern: str) -> list[tuple[str, str]]:
    """(level as written, name) for each `pattern` hit whose group 'level' is followed by a name.
    Runs on the folded text; NFC text and its fold have equal length, so offsets carry over."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    found = []
    for match in re.finditer(pattern, folded):
        name = _capitalised_after(text, match.end("level"))
        if name:
            found.append((match["level"], name))
    return found


def _locality(text: str) -> tuple[str, str, str]:
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
            return name
    return ""


def extract_metadata(clauses: list[Clause]) -> PlanMetadata:
    meta = PlanMetadata()
    head = [c for c in clauses if c.id.startswith("0")]
    closing = [c for c in clauses if c.id.startswith("Z")]
    head_text = nfc("\n".join(c.text for c in head))
    head_folded = fold(head_text)
    all_text = nfc("\n".join(c.text for c in clauses))

    if match := _NUMBER.search(head_folded):
        meta.number = re.sub(r"\s+", " ", _source_slice(head_text, head_folded, match, "num"))  # as written
    if match := _DATE_LINE.search(head_folded):
        place = _source_slice(head_text, head_folded, match, "place")
        meta.place = re.sub(r"^.*\b(?:phuc|Phúc)\b", "", place).strip(" ,-") if "hanh" in fold(place) else place
        meta.place = meta.place.split("/KH-UBND")[-1].strip() or place
        meta.issue_date = _complete_date(match["d"], match["m"], match["y"])

    titles = [c.text for c in clauses if c.kind == "title" and fold(c.text).strip() != "ke hoach"]
    if not titles and len(head) > 1:
        titles = [c.text for c in head if re.match(r"^(phat trien|trien khai)", fold(c.text))][:1]
    meta.title = " ".join(titles)
    if period := re.search(r"(20\d\d)\s*[-–]\s*(20\d\d)", meta.title):
        meta.period = f"{period[1]}-{period[2]}"
    elif years := re.findall(r"\b(20\d\d)\b", meta.title):
        meta.period = f"{meta.issue_date[:4]}-{max(years)}" if meta.issue_date[:4].isdigit() else max(years)

    meta.parent_documents = [c.text for c in head if re.match(r"^(can cu|thuc hien)\b", fold(c.text))]
    meta.locality, meta.level, meta.locality_name = _locality(all_text)
    meta.parent_unit = _parent_unit(meta.parent_documents)
    meta.province = _province(all_text)
    meta.replaces = [c.text for c in clauses if "thay the" in fold(c.text) and "ke hoach so" in fold(c.text)]

    titles_seen = []
    for clause in closing:
        # Upper-case title lines; in a scan the title shares a line with "Nơi nhận:".
        for match in _SIGNER_TITLE_SOURCE.finditer(clause.text):
            titles_seen.append(re.sub(r"\s+", " ", match.group(0)).strip())
    meta.signer_title = " / ".join(titles_seen)
    signature = [c for c in closing if c.kind != "bullet" and not fold(c.text).startswith(("noi nh", "tren day"))
                 and not _SIGNER_TITLE_SOURCE.search(c.text)]
    if signature:
        meta.signer = signature[-1].text
    meta.recipients = [c.text.rstrip(";,.") for c in closing if c.kind == "bullet"]
    return meta
