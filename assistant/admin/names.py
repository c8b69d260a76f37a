"""Names of units as people write them: level words (and their abbreviations), the "UBND" in
front, and the matching key (no diacritics, no spaces or punctuation, no leading zeros).

"tinh thien" is either "tỉnh Thiện" or "Tịnh Thiện" once the diacritics are gone, so a typed
name is read in every way its words allow (`readings`) and the lookup keeps the reading the
map knows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import canonical, fold, has_diacritics, nfc

# Level words, longest first ("thị xã" before "xã").
LEVELS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "tỉnh", "quận", "xã")
PROVINCE_LEVELS = ("tỉnh", "thành phố")
COMMUNE_LEVELS = ("xã", "phường", "đặc khu")  # since 01/7/2025
OLD_COMMUNE_LEVELS = ("xã", "phường", "thị trấn")
DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")
# Abbreviations of level words: "TP.HCM", "TX. Hương Thủy", "TT Phú Mỹ", "Q.1", "P.2", "H. Sơn Tịnh".
ABBREVIATED = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "q": "quận", "p": "phường", "h": "huyện",
               "x": "xã"}
_SINGLE_LETTER = {"q", "p", "h", "x"}  # only with a dot: "P.2", never the letter alone
_BODY = re.compile(r"^(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\s+")
_KEY_DROP = re.compile(r"[^0-9a-z]+")
_LEADING_ZERO = re.compile(r"(?<![0-9])0+(?=[0-9])")
_CANON_LEVEL = {canonical(level).lower(): level for level in LEVELS}
_FOLDED_LEVEL = {fold(level): level for level in LEVELS}


_FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y\b")


def name_key(name: str) -> str:
    """The matching form of a name: "Phường 02" → "phuong2", "Bà Rịa - Vũng Tàu" → "bariavungtau";
    a final y after a consonant is an i ("Long Mĩ" = "Long Mỹ", "Lục Sĩ" = "Lục Sỹ")."""
    return _LEADING_ZERO.sub("", _KEY_DROP.sub("", _FINAL_Y.sub("i", fold(nfc(name)))))


def accent_key(name: str) -> str:
    """The accented matching form (one tone placement, no spaces or punctuation): tells
    "Tịnh" from "Tĩnh" when the person typed the diacritics."""
    text = canonical(nfc(name)).lower()
    text = re.sub(r"(?<=[bcdghklmnpqrstvx])([yýỳỷỹỵ])\b", lambda m: "iíìỉĩị"["yýỳỷỹỵ".index(m.group(1))], text)
    return _LEADING_ZERO.sub("", re.sub(r"[\W_]+", "", text))


def canonical_level(word: str) -> str | None:
    """"Thị Xã", "TX", "tp." → "thị xã", "thị xã", "thành phố"; None for anything else."""
    word = re.sub(r"\s+", " ", nfc(word or "")).strip(" .").lower()
    if not word:
        return None
    if word in _CANON_LEVEL:
        return _CANON_LEVEL[word]
    if word in ABBREVIATED:
        return ABBREVIATED[word]
    if not has_diacritics(word) and fold(word) in _FOLDED_LEVEL:
        return _FOLDED_LEVEL[fold(word)]
    return None


def tidy(text: str) -> str:
    """NFC, one space between words, no surrounding punctuation, no "UBND" in front."""
    text = re.sub(r"\s+", " ", nfc(text or "")).strip(" ,.;:")
    while True:
        match = _BODY.match(fold(text))
        if not match:
            return text
        text = text[match.end():].strip(" ,.;:")


@dataclass(frozen=True)
class Reading:
    level: str  # "" when the words carry no level word
    name: str


def readings(text: str) -> list[Reading]:
    """The ways a typed name can be read, the likeliest first.

    "xã Tịnh Thiện" → [("xã", "Tịnh Thiện")]; "Tịnh Thiện" → [("", "Tịnh Thiện")] (the
    accented "Tịnh" is not "tỉnh"); "tinh thien" → [("tỉnh", "thien"), ("", "tinh thien")];
    "TP.HCM" → [("thành phố", "HCM")].
    """
    text = tidy(text)
    if not text:
        return []
    out: list[Reading] = []
    abbreviation = re.match(r"^([A-Za-z]{1,2})\.\s*(\S.*)$", text) or re.match(r"^([A-Za-z]{2})\s+(\S.*)$", text)
    if abbreviation:
        word = abbreviation.group(1).lower()
        dotted = text[len(abbreviation.group(1)):].startswith(".")
        if word in ABBREVIATED and (dotted or word not in _SINGLE_LETTER):
            # "TP HCM" is an abbreviation; "tt" in lower case without a dot is too unusual to doubt.
            out.append(Reading(ABBREVIATED[word], abbreviation.group(2).strip(" ,.;:")))
    certain = bool(out)
    words = text.split(" ")
    for level in LEVELS:
        size = len(level.split(" "))
        if certain:
            break
        if len(words) <= size:
            continue
        head = " ".join(words[:size])
        if canonical(head).lower() == canonical(level).lower():
            out.append(Reading(level, " ".join(words[size:])))
            certain = True
        elif not has_diacritics(head) and fold(head) == fold(level):
            out.append(Reading(level, " ".join(words[size:])))  # "tinh thien" may also be a name
        else:
            continue
        break
    if not certain:
        out.append(Reading("", text))
    seen: list[Reading] = []
    for reading in out:
        if reading.name and reading not in seen:
            seen.append(reading)
    return seen


def title_name(name: str) -> str:
    """Capitalise each syllable of a name typed in lower case ("tan phu" → "Tan Phu")."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split())
