"""Legacy Vietnamese 8-bit encodings (Windows-1258, TCVN3/ABC, VNI) and their detection.

TCVN3 and VNI are font encodings: the bytes are Windows-1252 text whose glyphs a special font
(.VnTime, VNI-Times) draws as Vietnamese letters. TCVN3 gives each lowercase toned letter its own
byte (only Ă Â Ê Ô Ơ Ư Đ have capitals; capital lines were drawn with an all-caps font). VNI writes
a base letter followed by one mark byte ("Vieät" = "Việt"). Windows-1258 uses combining tone marks.

Bytes that are not UTF-8 are decoded every way and the result that reads most like Vietnamese
syllables wins; decoded text is returned in NFC.
"""
from __future__ import annotations

import re
import unicodedata

# Byte -> letter for TCVN3 (TCVN 5712:1993 VN3); all other bytes keep their Windows-1252 meaning.
_TCVN3_LETTERS = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# VNI mark bytes (as Windows-1252 characters), lowercase form; capitals use the uppercase twin.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {
    "â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"
}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
# Letters VNI writes as one byte: ơ ư đ, ỉ ĩ ị ỵ (í and ì are the Windows-1252 letters themselves).
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _build_vni_table() -> dict[str, str]:
    """VNI sequence (Windows-1252 view) -> Unicode letter, lowercase and capital."""
    table: dict[str, str] = {}
    for base in "aeouy":
        for mark, tone in _VNI_TONES.items():
            if (base, mark) != ("y", "ï"):  # ỵ is the single byte "î"
                table[base + mark] = base + tone
    for base in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            table[base + mark] = base + "\u0302" + tone
    for mark, tone in _VNI_BREVE.items():
        table["a" + mark] = "a\u0306" + tone
    for horned, plain in (("ô", "o"), ("ö", "u")):
        for mark, tone in _VNI_TONES.items():
            table[horned + mark] = plain + "\u031b" + tone
    table.update(_VNI_SINGLE)
    table.update({key.upper(): value.upper() for key, value in table.items()})
    return {key: unicodedata.normalize("NFC", value) for key, value in table.items()}


_VNI_TABLE = _build_vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI_TABLE), key=len, reverse=True)))


def _windows_1252_chars() -> list[str]:
    """Byte -> character under Windows-1252, Latin-1 for the five bytes it leaves undefined."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return chars


_CP1252_TABLE = dict(enumerate(_windows_1252_chars()))
_TCVN3_TABLE = {**_CP1252_TABLE, **_TCVN3_LETTERS}


def decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def decode_vni(data: bytes) -> str:
    text = data.decode("latin-1").translate(_CP1252_TABLE)
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI_TABLE[m.group()], text))


def decode_tcvn3(data: bytes) -> str:
    lines = data.decode("latin-1").split("\n")
    return "\n".join(_restore_caps(line, line.translate(_TCVN3_TABLE)) for line in lines)


# TCVN3 bytes that tell case apart: A-Z and Ă..Đ are capitals, a-z and ă..đ are lowercase;
# toned letters are caseless because they only exist in lowercase.
_TCVN3_UPPER = re.compile(r"[A-Z\xa1-\xa7]")
_TCVN3_LOWER = re.compile(r"[a-z\xa8-\xae]")
_TCVN3_TONED = re.compile("[" + "".join(chr(b) for b in _TCVN3_LETTERS if b >= 0xB5) + "]")
_TCVN3_WORD = re.compile("[A-Za-z" + "".join(map(chr, _TCVN3_LETTERS)) + "]+")


def _restore_caps(raw: str, decoded: str) -> str:
    """Upper-case what was typed in capitals: "MôC §ÝCH" would otherwise decode as "MụC ĐíCH".

    A word is in capitals when it has a toned letter, a capital after its first letter and no
    lowercase letter; a line with such a word and no lowercase is all capitals ("X·" there is
    "XÃ"). A lone "Sè: 12/KH-UBND" stays "Số". Bytes map one to one, so spans carry over.
    """
    spans = [match.span() for match in _TCVN3_WORD.finditer(raw) if _is_caps_word(match.group())]
    if not spans:
        return decoded
    if not _TCVN3_LOWER.search(raw):
        return decoded.upper()
    parts, end = [], 0
    for start, stop in spans:
        parts += [decoded[end:start], decoded[start:stop].upper()]
        end = stop
    return "".join(parts) + decoded[end:]


def _is_caps_word(word: str) -> bool:
    has_inner_capital = _TCVN3_UPPER.search(word[1:]) is not None
    return has_inner_capital and bool(_TCVN3_TONED.search(word)) and not _TCVN3_LOWER.search(word)


def _encoder(decoded_by_sequence: dict[str, str]) -> dict[str, str]:
    return {letter: sequence for sequence, letter in decoded_by_sequence.items()}


_TCVN3_ENCODER = _encoder({chr(byte): letter for byte, letter in _TCVN3_LETTERS.items()})
_VNI_ENCODER = _encoder(_VNI_TABLE)


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes; toned capitals have no code, so they are written lowercase."""
    nfc = unicodedata.normalize("NFC", text)
    encoded = (_TCVN3_ENCODER.get(char) or _TCVN3_ENCODER.get(char.lower(), char) for char in nfc)
    return "".join(encoded).encode("cp1252")


def encode_vni(text: str) -> bytes:
    nfc = unicodedata.normalize("NFC", text)
    return "".join(_VNI_ENCODER.get(char, char) for char in nfc).encode("cp1252")


# --- detection -----------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = frozenset("aeiouy")
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ưu ươ yê iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu"
).split()
_CODAS = "ch|nh|ng|[ckmnpt]"  # k only for names like Đắk Lắk
_SYLLABLE = re.compile(
    f"(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:{_CODAS})?"
)
# Word boundaries: whitespace, digits, ASCII punctuation, typographic dashes/quotes/bullets.
_SEPARATORS = re.compile(r"[\s\d!-/:-@\[-`{-~\u2010-\u2027\u2030-\u205e]+")
_ABBREVIATION = re.compile(r"[A-ZĐ]+")  # HĐND, QĐ: not syllables, but not evidence either


def is_vietnamese_syllable(word: str) -> bool:
    """Onset + vowel cluster + coda, at most one tone mark, sitting on a vowel."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [i for i, char in enumerate(decomposed) if char in _TONES]
    if len(tones) > 1:
        return False
    if tones and decomposed[: tones[0]].rstrip("\u0302\u0306\u031b")[-1:] not in _VOWELS:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(toneless) is not None


def vietnamese_score(text: str) -> float:
    """Share of words with non-ASCII letters that are plausible Vietnamese syllables.

    Smoothed so that text with no such words scores 1 and ties go to the first candidate.
    """
    good = judged = 0
    for word in _SEPARATORS.split(text):
        if word.isascii() or _ABBREVIATION.fullmatch(word):
            continue
        judged += 1
        good += is_vietnamese_syllable(word)
    return (good + 1) / (judged + 1)


GARBAGE_SCORE = 0.6  # real Vietnamese text layers and OCR score ≥ 0.9; mis-mapped fonts ≤ 0.3
_MAX_CONTROL_SHARE = 0.005
_LAYOUT_CONTROLS = "\t\n\r\x0b\x0c"


def looks_like_garbage(text: str) -> bool:
    """Text nobody can read: most accented words are not Vietnamese syllables ("7ӌ1+" for "TỈNH"
    from a PDF font with a wrong ToUnicode map, bytes read as UTF-16), or control characters.
    Text without accented words (English, OCR that lost its diacritics) is not judged garbage."""
    if not text.strip():
        return False
    controls = sum(1 for char in text if ord(char) < 0x20 and char not in _LAYOUT_CONTROLS)
    return vietnamese_score(text) < GARBAGE_SCORE or controls > _MAX_CONTROL_SHARE * len(text)


def _decode_damaged_utf8(data: bytes) -> str:
    """UTF-8 with a few bad bytes (a stray pasted character, a cut copy) keeps its text."""
    return data.decode("utf-8", errors="replace")


# Order breaks ties: Windows-1258 is a real code page, VNI and TCVN3 are font hacks.
DECODERS = {
    "cp1258": decode_cp1258,
    "vni": decode_vni,
    "tcvn3": decode_tcvn3,
    "utf-8-replace": _decode_damaged_utf8,
}
MIN_SCORE = 0.8
_SAMPLE_BYTES = 256 * 1024


def _sample(data: bytes) -> bytes:
    """The lines that carry non-ASCII bytes, capped: scoring all of a large file is slow."""
    return b"\n".join(line for line in data.splitlines() if not line.isascii())[:_SAMPLE_BYTES]


def guess_decoding(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of the candidate that reads most like Vietnamese, None if none does.

    For bytes that are not valid UTF-8; U+FFFD counts against a candidate like any non-word.
    """
    sample = _sample(data)
    scores = {name: vietnamese_score(decode(sample)) for name, decode in DECODERS.items()}
    best = max(scores, key=scores.__getitem__)  # max keeps the first of equals
    return (DECODERS[best](data), best) if scores[best] >= MIN_SCORE else None
