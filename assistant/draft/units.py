"""Level words, dates, numbers and signature titles as the drafting options give them (the
units themselves are checked against the administrative map in assistant/draft/places.py)."""
from __future__ import annotations

import re
from datetime import date

from assistant.draft.model import DraftError, Unit
from assistant.text import fold, nfc

# Level words, longest first so "thị xã" wins over "xã" and "thành phố" over nothing.
LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "tỉnh", "quận", "xã")
# Party committee of each level ("Thị ủy Mường Lay" → "Đảng ủy phường Hòa An").
PARTY_BODY = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "thị xã": "Thị ủy", "huyện": "Huyện ủy",
              "quận": "Quận ủy", "xã": "Đảng ủy xã", "phường": "Đảng ủy phường", "thị trấn": "Đảng ủy thị trấn"}


def split_unit(text: str) -> Unit | None:
    """"phường Hòa An" → Unit("phường", "Hòa An"); None without a level word. "UBND" is dropped."""
    text = re.sub(r"\s+", " ", nfc(text or "")).strip(" ,.;")
    text = re.sub(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", "", text, flags=re.IGNORECASE)
    folded = fold(text)
    for level in LEVELS:
        key = fold(level)
        if folded.startswith(key + " ") and len(folded) > len(key) + 1:
            return Unit(level, _title(text[len(level):].strip()))
    if folded.startswith("tp ") or folded.startswith("tp. "):
        return Unit("thành phố", _title(text.split(" ", 1)[1].lstrip(". ")))
    return None


def _title(name: str) -> str:
    """Capitalise each syllable of a place name as written by the user ("hòa an" → "Hòa An")."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


def parse_date(text: str) -> date | None:
    if not text or not text.strip():
        return None
    match = re.fullmatch(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*", text)
    if not match:
        raise DraftError("--date", f"{text.strip()!r} is not a date in the form dd/mm/yyyy")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DraftError("--date", f"{text.strip()} does not exist (ngày không tồn tại)") from None


def number_line(number: str) -> str:
    """"Số: 15/KH-UBND"; blank → "Số:       /KH-UBND" (the văn thư fills it at issue)."""
    number = (number or "").strip()
    if not number:
        return "Số:       /KH-UBND"
    if re.fullmatch(r"[\w.\-]+", number):
        return f"Số: {number}/KH-UBND"
    if re.fullmatch(r"[\w.\-]+/[\w\-.]+", number):
        return f"Số: {number}"
    raise DraftError("--number", f"{number!r} is not a document number (e.g. 15 or 15/KH-UBND)")


def place_date_line(place: str, day: date | None, year_hint: int) -> str:
    """Nghị định 30: a leading zero for days below 10 and for months 1 and 2."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year_hint}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def signature_titles(signer_title: str, template_title: str) -> list[str]:
    """The signature block for a collegial UBND: "TM. ỦY BAN NHÂN DÂN" then the signer's role."""
    wanted = fold(signer_title or template_title or "")
    if not signer_title and not template_title:
        wanted = "pho chu tich"
    deputy = "pho" in wanted.split() or "pho chu tich" in wanted or "kt." in wanted or "kt " in wanted
    if deputy:
        return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    if "chu tich" in wanted or not signer_title:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    raise DraftError("--signer-title", f"{signer_title!r}: expected \"Chủ tịch\" or \"Phó Chủ tịch\"")
