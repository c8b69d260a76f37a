"""Names → units: `resolve` (status current / abolished / unknown, successors, suggestions),
the relations across the 2025 reform (`successors`, `predecessors`, `related_place_names`),
and the Vietnamese sentences that explain them."""
from __future__ import annotations

import difflib
from functools import lru_cache

from assistant.admin.atlas import Atlas, atlas
from assistant.admin.model import (
    ABOLISHED, COMMUNE, CURRENT, DISTRICT, PROVINCE, REFORM_LABEL, UNKNOWN, AdminUnit, Resolution,
)
from assistant.admin.names import PROVINCE_LEVELS, Reading, accent_key, name_key, readings, tidy, title_name
from assistant.text import has_diacritics

MAX_SUGGESTIONS = 5


# -- matching ---------------------------------------------------------------------------------
def _level_fits(unit: AdminUnit, level: str) -> bool:
    return not level or unit.level == level


def _candidates(data: Atlas, reading: Reading) -> list[AdminUnit]:
    """Units (current and old) whose name is the reading's name, at its level; older names
    (aliases of the data) as synthetic old units that point at the unit now holding them."""
    key = name_key(reading.name)
    if not key:
        return []
    found = [u for u in data.by_name.get(key, []) if _level_fits(u, reading.level)]
    if has_diacritics(reading.name):  # "Tịnh" is not "Tĩnh" when the person typed the marks
        exact = [u for u in found if accent_key(u.name) == accent_key(reading.name)]
        found = exact or found
    for alias_level, holder in data.by_alias.get(key, []):
        level = alias_level or holder.level
        if not _level_fits(AdminUnit(level, "", holder.tier, False), reading.level):
            continue
        if holder.current:  # "hcm", "hn": another name of the same current unit
            if holder not in found:
                found.append(holder)
            continue
        name = reading.name if has_diacritics(reading.name) else title_name(reading.name)
        found.append(AdminUnit(level, name, holder.tier, False, holder.province_level, holder.province_name,
                               holder.district, "", f"{holder.key}#{key}",
                               note=f"tên cũ, đã nhập vào {holder.full}"))
    return found


def _province_scope(data: Atlas, province: str) -> tuple[set[str], bool]:
    """Keys of the provinces (both maps) that `province` names, with their successors and
    predecessors, so "Hậu Giang" narrows to today's Cần Thơ and "Cần Thơ" to old Hậu Giang."""
    keys: set[str] = set()
    for reading in readings(province):
        level = reading.level if reading.level in PROVINCE_LEVELS else ""
        if reading.level and not level:
            continue
        for unit in _candidates(data, Reading(level, reading.name)):
            if unit.tier == PROVINCE and "#" not in unit.key:
                keys.add(unit.key)
        if keys:
            break
    for key in list(keys):
        keys.update(data.successors.get(key, []))
        keys.update(data.predecessors.get(key, []))
    return keys, bool(keys)


def _in_scope(data: Atlas, unit: AdminUnit, scope: set[str]) -> bool:
    base = unit.key.split("#")[0]
    return base in scope or data.province_of.get(base) in scope


def _successor_units(data: Atlas, unit: AdminUnit) -> list[AdminUnit]:
    if unit.current:
        return [unit]
    return [data.units[k] for k in data.successors.get(unit.key.split("#")[0], [])]


def _dedupe(units) -> tuple[AdminUnit, ...]:
    out: list[AdminUnit] = []
    for unit in units:
        if unit not in out:
            out.append(unit)
    return tuple(out)


def _hints(data: Atlas, parts: list[str]) -> tuple[str, str]:
    """"xã Tịnh Thiện, thành phố Quảng Ngãi, tỉnh Quảng Ngãi": the trailing parts are a
    district and a province that narrow the first."""
    province, district = "", ""
    for part in reversed(parts):
        if not province and _province_scope(data, part)[1]:
            province = part
        elif not district:
            district = part
    return province, district


def resolve(name: str, level: str | None = None, province: str | None = None) -> Resolution:
    """What `name` is on the administrative map.

    Accepts a name with or without diacritics and with or without its level word ("xã Tịnh
    Thiện", "tinh thien", "TP.HCM", "Phường 2"); `level` ("xã", "thị xã") and `province`
    ("Quảng Ngãi", "tỉnh Hậu Giang") narrow the search. A name of the old map (huyện, quận,
    thị xã, thị trấn, a commune or province merged on 01/7/2025) is ABOLISHED with the current
    units it became; a name on neither map is UNKNOWN with the nearest current names.
    """
    data = atlas()
    query = tidy(name)
    parts = [p.strip() for p in query.split(",") if p.strip()]
    head = parts[0] if parts else ""
    province_hint, district_hint = _hints(data, parts[1:]) if len(parts) > 1 else ("", "")
    province = (province or "").strip() or province_hint
    wanted = (level or "").strip()
    if wanted:
        from assistant.admin.names import canonical_level

        wanted = canonical_level(wanted) or wanted
    scope, province_found = _province_scope(data, province) if province else (set(), True)

    options = readings(head)
    if wanted:
        options = [Reading(wanted, r.name) for r in options if not r.level or r.level == wanted] or \
            [Reading(wanted, head)]
    chosen: Reading | None = None
    matches: list[AdminUnit] = []
    for reading in options:
        found = _candidates(data, reading)
        if scope:
            found = [u for u in found if _in_scope(data, u, scope)]
        if district_hint:
            narrowed = [u for u in found if u.current or not u.district or
                        name_key(u.district.split(" ", 1)[-1]) in name_key(district_hint)]
            found = narrowed or found
        if found:
            chosen, matches = reading, found
            break
    reading = chosen or (options[0] if options else Reading("", head))
    current = _dedupe(u for u in matches if u.current)
    old = _dedupe(u for u in matches if not u.current)
    common = dict(query=query, level=reading.level, name=reading.name, province_query=province,
                  province_found=province_found)
    if current:
        # Provinces before communes; an old unit of the same name is kept for its history.
        current = tuple(sorted(current, key=lambda u: (u.tier != PROVINCE, u.province_name, u.name)))
        return Resolution(status=CURRENT, units=current, old_units=old, **common)
    if old:
        successors = _dedupe(s for u in old for s in _successor_units(data, u))
        return Resolution(status=ABOLISHED, old_units=old, successors=successors, **common)
    suggestions = _dedupe(u for r in options for u in suggest(r, scope))[:MAX_SUGGESTIONS]
    common.update(level=wanted, name=head if not wanted else reading.name)
    return Resolution(status=UNKNOWN, suggestions=suggestions, **common)


# -- suggestions ------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _suggestion_index(current: bool = True) -> tuple[list[str], dict[str, list[AdminUnit]]]:
    by_key: dict[str, list[AdminUnit]] = {}
    units = atlas().current if current else [u for u in atlas().units.values() if not u.current]
    for unit in units:
        by_key.setdefault(name_key(unit.name), []).append(unit)
    return list(by_key), by_key


def suggest(reading: Reading, scope: set[str] = frozenset(), limit: int = MAX_SUGGESTIONS) -> list[AdminUnit]:
    """The nearest current names: close spellings (difflib on the folded key), the successors
    of close old names ("Tinh Thein" ≈ old xã Tịnh Thiện → xã Tịnh Khê), then names that
    contain the typed one or are contained in it ("Thừa Thiên Huế" → thành phố Huế)."""
    data = atlas()
    key = name_key(reading.name)
    if not key:
        return []
    keys, by_key = _suggestion_index()

    def fits(unit: AdminUnit) -> bool:
        if scope and not _in_scope(data, unit, scope):
            return False
        if reading.level in PROVINCE_LEVELS:
            return unit.tier == PROVINCE or reading.level == "thành phố"
        return not reading.level or unit.tier == COMMUNE or reading.level not in ("huyện", "quận", "thị xã")

    old_keys, old_by_key = _suggestion_index(False)
    close = difflib.get_close_matches(key, keys, n=limit * 4, cutoff=0.75)
    close_old = difflib.get_close_matches(key, old_keys, n=limit, cutoff=0.85)
    contained = [k for k in keys if len(k) >= 3 and (k in key or (len(key) >= 4 and key in k))]
    contained.sort(key=lambda k: -difflib.SequenceMatcher(None, key, k).ratio())
    ranked: list[tuple[float, int, AdminUnit]] = []
    for k in close:
        ranked += [(difflib.SequenceMatcher(None, key, k).ratio(), 0, u) for u in by_key[k]]
    for k in close_old:
        ratio = difflib.SequenceMatcher(None, key, k).ratio()
        ranked += [(ratio, 1, s) for u in old_by_key[k] if _level_fits(u, reading.level)
                   for s in _successor_units(data, u)]
    ranked.sort(key=lambda r: (-r[0], r[1], r[2].tier != PROVINCE, r[2].level != reading.level))
    out: list[AdminUnit] = []
    for unit in [r[2] for r in ranked] + [u for k in contained for u in by_key[k]]:
        if fits(unit) and unit not in out:
            out.append(unit)
    return out[:limit]


# -- relations across the reform --------------------------------------------------------------
def successors(unit: AdminUnit) -> list[AdminUnit]:
    """The current units an old unit became (the likeliest first); a current unit is its own."""
    return list(_successor_units(atlas(), unit))


def predecessors(unit: AdminUnit) -> list[AdminUnit]:
    """The old units a current xã/phường/đặc khu (or province) was formed from, where the data
    maps them; [] for an old unit."""
    data = atlas()
    if not unit.current:
        return []
    return [data.units[k] for k in data.predecessors.get(unit.key, [])]


def province_of(name: str | AdminUnit, province: str | None = None) -> AdminUnit | None:
    """The current province of a unit (an old unit: the province its territory belongs to now)."""
    data = atlas()
    if isinstance(name, AdminUnit):
        units = [name]
    else:
        found = resolve(name, province=province)
        units = list(found.units) or list(found.old_units)
    provinces: list[AdminUnit] = []
    for unit in units:
        base = data.units.get(unit.key.split("#")[0], unit)
        own = base if base.tier == PROVINCE else data.province(base)
        if own is None:
            continue
        for target in _successor_units(data, own):
            if target not in provinces:
                provinces.append(target)
    return provinces[0] if len(provinces) == 1 else None


def related_units(name: str, province: str | None = None) -> list[AdminUnit]:
    """The units a question naming `name` may be about across the reform: a current unit and
    the old units it was formed from; an old unit and the current units it became."""
    found = resolve(name, province=province)
    out: list[AdminUnit] = []
    for unit in found.units:
        out.append(unit)
        out.extend(predecessors(unit))
    for unit in found.old_units:
        out.append(unit)
        out.extend(successors(unit))
    return list(_dedupe(out))


def related_place_names(name: str, province: str | None = None) -> list[str]:
    """"xã Tịnh Khê" → ["xã Tịnh Khê", "xã Tịnh Kỳ", "xã Tịnh Thiện", …]; "xã Tịnh Thiện" →
    ["xã Tịnh Thiện", "xã Tịnh Khê"]: the name itself (as the map spells it) first, then its
    predecessors or successors. A name on neither map is returned as given."""
    units = related_units(name, province)
    if not units:
        return [tidy(name)] if tidy(name) else []
    out: list[str] = []
    for unit in units:
        if unit.full not in out:
            out.append(unit.full)
    return out


def current_successor_label(locality: str, province: str = "") -> str:
    """A plan's unit as written, with what it is now: "xã Tịnh Thiện (nay thuộc xã Tịnh Khê,
    tỉnh Quảng Ngãi)", "thị xã Mường Lay (nay thuộc tỉnh Điện Biên: phường Mường Lay, …)".
    A current unit or a name the map does not know is returned as written."""
    written = tidy(locality)
    if not written:
        return ""
    found = resolve(written, province=province or None)
    if found.status != ABOLISHED or not found.successors or len(found.old_units) != 1:
        return written
    return f"{written} ({_now(found.old_units[0], list(found.successors))})"


# -- sentences --------------------------------------------------------------------------------
def _names(units, limit: int = MAX_SUGGESTIONS, with_province: bool = True) -> str:
    units = list(units)
    shown = [u.short_label if with_province else u.full for u in units[:limit]]
    more = f" và {len(units) - limit} đơn vị khác" if len(units) > limit else ""
    return ", ".join(shown) + more


def _now(old: AdminUnit, successors_: list[AdminUnit]) -> str:
    """"nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi" / "nay là tỉnh Đắk Lắk" / "nay thuộc thành phố
    Huế: phường Hương Thủy, phường Phú Bài, phường Thanh Thủy"."""
    data = atlas()
    if old.tier == PROVINCE:
        return f"nay là {_names(successors_, with_province=False)}" if len(successors_) == 1 else \
            f"nay thuộc {_names(successors_, with_province=False)}"
    provinces = _dedupe(p for s in successors_ for p in [data.province(s)] if p)
    if old.tier == DISTRICT or len(successors_) > 1:
        where = " và ".join(p.full for p in provinces)
        return f"nay thuộc {where}: {_names(successors_, with_province=False)}" if where else \
            f"nay thuộc {_names(successors_)}"
    unit = successors_[0]
    merged = len(data.predecessors.get(unit.key, [])) > 1
    return f"{'nay thuộc' if merged else 'nay là'} {unit.full}, {unit.province}"


def _where(old: AdminUnit) -> str:
    return f" ({', '.join(p for p in (old.district, old.province) if p)})" if old.tier != PROVINCE else ""


def describe(found: Resolution) -> str:
    """One sentence for a person, in Vietnamese."""
    written = found.as_written or found.query
    if not found.province_found:
        return f"không có tỉnh/thành phố “{found.province_query}” trong danh mục đơn vị hành chính."
    if found.status == CURRENT:
        if found.ambiguous:
            return f"“{written}” có ở nhiều nơi: {_names(found.units)}; ghi rõ tỉnh/thành phố."
        return found.units[0].label
    if found.status == ABOLISHED:
        olds = [u for u in found.old_units]
        if len(olds) > 3:
            return (f"{olds[0].full} không còn từ {REFORM_LABEL} (trước đó có ở {len(olds)} nơi); ghi rõ "
                    f"tỉnh/thành phố để biết đơn vị hiện nay.")
        parts = []
        for old in olds:
            note = f", {old.note}" if old.note else ""
            after = successors(old)
            parts.append((f"{old.full}{_where(old)}{note}", _now(old, after) if after else ""))
        if len(parts) == 1:
            unit, now = parts[0]
            return f"{unit} không còn từ {REFORM_LABEL}" + (f"; {now}." if now else ".")
        return (f"{olds[0].full} không còn từ {REFORM_LABEL}; trước đó có ở {len(olds)} nơi: "
                + "; ".join(f"{unit} {now}".strip() for unit, now in parts) + ".")
    if found.suggestions:
        return (f"không có “{written}” trong danh mục đơn vị hành chính; tên gần nhất: "
                f"{_names(found.suggestions)}.")
    return f"không có “{written}” trong danh mục đơn vị hành chính."
