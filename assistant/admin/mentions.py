"""Units named in a sentence: a level word followed by a name the map knows.

"UBND tỉnh ĐẮK LẮK Do …" names tỉnh Đắk Lắk: after the level word the longest run of words
that is a unit of that level (on either map) is the name, so the words that follow are not
swallowed. In typed text the level word must carry its marks ("tỉnh", not "tính"); in a text
without diacritics (a scan, a casual question) the folded form counts. A capitalised name the
map does not know is reported as an UNKNOWN mention; lower-case words after a level word
("cấp xã", "xã hội") are not a name."""
from __future__ import annotations

import re

from assistant.admin.atlas import atlas
from assistant.admin.lookup import _candidates, resolve
from assistant.admin.model import PROVINCE, UNKNOWN, Mention, Resolution
from assistant.admin.names import LEVELS, Reading, readings, tidy
from assistant.text import canonical, diacritic_ratio, fold, has_diacritics

_TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_NAME_GAP = re.compile(r"[ \t]+|[ \t]*[-–][ \t]*")
_LEVEL_PARTS = [(level, [canonical(p).lower() for p in level.split()], [fold(p) for p in level.split()])
                for level in LEVELS]
# "TT." is left out: in plans it is "Thường trực" ("TT. ĐU, HĐND") far more often than thị trấn.
_ABBREVIATIONS = {"TP": "thành phố", "Tp": "thành phố", "TX": "thị xã", "Tx": "thị xã"}
# "xã hội" (society) is a word, not the commune "Hội" ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "kinh tế - xã hội").
_NOT_A_NAME = {("xã", "hoi")}
MAX_NAME_WORDS = 6


def _level_at(tokens: list[re.Match], i: int, folded_text: bool) -> tuple[str, int, bool] | None:
    """(level, number of tokens, abbreviated) for a level word starting at token i."""
    for level, accented, folded in _LEVEL_PARTS:
        window = tokens[i:i + len(accented)]
        if len(window) < len(accented):
            continue
        words = [t.group(0) for t in window]
        if len(window) > 1 and any(window[k + 1].start() - window[k].end() != 1 for k in range(len(window) - 1)):
            continue
        if all(canonical(w).lower() == a for w, a in zip(words, accented)):
            return level, len(window), False
        if folded_text and all(not has_diacritics(w) and fold(w) == f for w, f in zip(words, folded)):
            return level, len(window), False
    word = tokens[i].group(0)
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word], 1, True
    return None


def _name_tokens(text: str, tokens: list[re.Match], start: int, after: int, mixed_case: bool,
                 abbreviated: bool) -> list[re.Match]:
    out: list[re.Match] = []
    previous_end = after
    for k in range(start, min(len(tokens), start + MAX_NAME_WORDS)):
        token = tokens[k]
        gap = text[previous_end:token.start()]
        if not _NAME_GAP.fullmatch(gap) and not (abbreviated and not out and gap in {".", ". "}):
            break
        word = token.group(0)
        if mixed_case and not (word[:1].isupper() or word[:1].isdigit()):
            break
        out.append(token)
        previous_end = token.end()
    return out


def _official_name(units, written: str) -> str:
    names = {u.name for u in units if "#" not in u.key}
    current = [u.name for u in units if u.current]
    if current:
        return current[0]
    return names.pop() if len(names) == 1 else written


def match_units(text: str, province: str | None = None) -> list[Mention]:
    """Every unit named in `text` with a level word ("UBND phường Sa Đéc", "Ủy ban nhân dân
    tỉnh Lâm Đồng", "TP.HCM"), checked against the map; a name shared by several units is
    narrowed by `province` or, failing it, by the one province the text itself names."""
    data = atlas()
    tokens = list(_TOKEN.finditer(text or ""))
    folded_text = diacritic_ratio(text or "") < 0.2
    letters = [c for c in text or "" if c.isalpha()]
    mixed_case = any(c.isupper() for c in letters) and any(c.islower() for c in letters)
    spans: list[tuple[int, int, str, str, list]] = []  # (start, end, level, name as written, units)
    i = 0
    while i < len(tokens):
        found = _level_at(tokens, i, folded_text)
        if not found:
            i += 1
            continue
        level, size, abbreviated = found
        if i + size < len(tokens) and (level, fold(tokens[i + size].group(0))) in _NOT_A_NAME:
            i += size + 1
            continue
        words = _name_tokens(text, tokens, i + size, tokens[i + size - 1].end(), mixed_case, abbreviated)
        best = None
        for n in range(len(words), 0, -1):
            written = text[words[0].start():words[n - 1].end()]
            units = _candidates(data, Reading(level, written))
            if units:
                best = (n, written, units)
                break
        if best:
            n, written, units = best
            spans.append((tokens[i].start(), words[n - 1].end(), level, written, units))
            i += size + n
            continue
        if words and mixed_case and not folded_text and not abbreviated and words[0].group(0)[:1].isupper():
            run = [words[0]]
            upper = words[0].group(0).isupper() and len(words[0].group(0)) > 1
            for w in words[1:]:
                if upper != (w.group(0).isupper() and len(w.group(0)) > 1):
                    break
                run.append(w)
            written = text[run[0].start():run[-1].end()]
            spans.append((tokens[i].start(), run[-1].end(), level, written, []))
            i += size + len(run)
            continue
        i += size

    context = (province or "").strip()
    if not context:
        provinces = {u.key for *_, units in spans for u in units if u.tier == PROVINCE and "#" not in u.key}
        named = {atlas().successors.get(k, [k])[0] if not k.startswith("2025:") else k for k in provinces}
        if len(named) == 1:
            context = data.units[named.pop()].full
    mentions: list[Mention] = []
    for start, end, level, written, units in spans:
        if units:
            resolution = resolve(f"{level} {written}")
            if context and (resolution.ambiguous or len({u.key for u in resolution.old_units}) > 1):
                narrowed = resolve(f"{level} {written}", province=context)
                if narrowed.status != UNKNOWN:
                    resolution = narrowed
            name = _official_name(list(resolution.units) + list(resolution.old_units) or units, written)
        else:
            resolution = Resolution(query=f"{level} {written}", status=UNKNOWN, level=level, name=written)
            name = written
        mentions.append(Mention(start, end, text[start:end], level, name, resolution))
    return mentions


def is_province_name(text: str) -> bool:
    """"Đắk Lắk", "tỉnh Đắk Lắk", "TP.HCM", "Hậu Giang" (an old province) → True; "Hòa An" → False."""
    data = atlas()
    for reading in readings(tidy(text)):
        if reading.level and reading.level not in ("tỉnh", "thành phố"):
            continue
        units = _candidates(data, reading)
        if any(u.tier == PROVINCE and "#" not in u.key for u in units):
            return True
    return False
