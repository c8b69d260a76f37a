"""The administrative map, read once from the data that ships inside the pinned
`vietnamadminunits` wheel (MIT licence): `data/dataset.db` holds the 34 provinces and 3,321
xã/phường/đặc khu since 01/7/2025 (table admin_units) and the 63 provinces, 696 districts
and 10,035 communes before it (admin_units_legacy); `data/converter_2025.json` maps every old
commune to the current one(s) it became. Nothing is downloaded: the files are located with
importlib (the package itself is never imported: its parsers load large tables and its
converter imports shapely/geopy at import time).

`atlas()` loads lazily and caches; the first call costs a few hundred milliseconds
(scripts/bench_admin.py prints the numbers)."""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.admin.model import COMMUNE, DISTRICT, PROVINCE, AdminUnit
from assistant.admin.names import name_key

PACKAGE = "vietnamadminunits"
# Prefixes of the dataset's keys ("thanhphohue", "huyenkyson"): the level they spell.
_KEY_PREFIXES = (("thanhpho", "thành phố"), ("thitran", "thị trấn"), ("thixa", "thị xã"), ("phuong", "phường"),
                 ("huyen", "huyện"), ("tinh", "tỉnh"), ("quan", "quận"), ("dackhu", "đặc khu"), ("xa", "xã"),
                 ("tp", "thành phố"), ("tx", "thị xã"), ("tt", "thị trấn"))


class AdminDataError(RuntimeError):
    """The map's data is missing or unreadable (the package is not installed)."""


@dataclass
class Atlas:
    units: dict[str, AdminUnit] = field(default_factory=dict)  # key → unit
    by_name: dict[str, list[AdminUnit]] = field(default_factory=dict)  # name_key(name) → units
    # Other names of a unit in the data (older names of merged communes, "hcm"): key → [(level or "", unit)].
    by_alias: dict[str, list[tuple[str, AdminUnit]]] = field(default_factory=dict)
    province_of: dict[str, str] = field(default_factory=dict)  # unit key → its province's key (same map)
    district_of: dict[str, str] = field(default_factory=dict)  # old commune key → old district key
    successors: dict[str, list[str]] = field(default_factory=dict)  # old key → current keys, likeliest first
    predecessors: dict[str, list[str]] = field(default_factory=dict)  # current key → old keys
    current: list[AdminUnit] = field(default_factory=list)
    source: str = ""  # "vietnamadminunits 1.0.4"
    unmapped: int = 0  # old keys of the mapping that the old table does not hold

    def unit(self, key: str) -> AdminUnit:
        return self.units[key]

    def province(self, unit: AdminUnit) -> AdminUnit | None:
        key = self.province_of.get(unit.key)
        return self.units.get(key) if key else None


_lock = threading.Lock()
_atlas: Atlas | None = None


def atlas() -> Atlas:
    """The map, loaded on first use (thread-safe) and kept for the life of the process."""
    global _atlas
    if _atlas is None:
        with _lock:
            if _atlas is None:
                _atlas = load(data_dir())
    return _atlas


def data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise AdminDataError(f"{PACKAGE} is not installed (run make setup): the list of administrative units "
                             "ships inside it")
    folder = Path(list(spec.submodule_search_locations)[0]) / "data"
    if not (folder / "dataset.db").is_file() or not (folder / "converter_2025.json").is_file():
        raise AdminDataError(f"{folder}: dataset.db or converter_2025.json missing from the {PACKAGE} package")
    return folder


def _version() -> str:
    try:
        return f"{PACKAGE} {importlib.metadata.version(PACKAGE)}"
    except importlib.metadata.PackageNotFoundError:
        return PACKAGE


def _short(name: str) -> str:
    """"Yên Viên (Thị trấn)" → "Yên Viên": the dataset tells same-named units apart by their
    level in brackets; the level is a field of its own here."""
    return re.sub(r"\s*\((?:thị trấn|xã|phường|thành phố|thị xã|huyện|quận)\)\s*$", "", name, flags=re.IGNORECASE)


def _split_province(full: str, short: str) -> tuple[str, str]:
    """"Thành phố Hồ Chí Minh", "Hồ Chí Minh" → ("thành phố", "Hồ Chí Minh")."""
    level = "thành phố" if full.lower().startswith("thành phố") else "tỉnh"
    return level, short


def _aliases(raw: str | None, own_key: str) -> list[tuple[str, str]]:
    """The dataset's alias list (JSON of keys such as "huyenkyson", "kyson") → [(level, name key)]."""
    if not raw:
        return []
    keys = json.loads(raw)
    out: list[tuple[str, str]] = []
    for key in keys:
        level, rest = "", key
        for prefix, word in _KEY_PREFIXES:
            # Short prefixes ("xa", "tp") only where the bare name is listed too: "xavanyen", "vanyen".
            if key.startswith(prefix) and len(key) > len(prefix) and (len(prefix) > 3 or key[len(prefix):] in keys):
                level, rest = word, key[len(prefix):]
                break
        if rest != own_key and (level, rest) not in out:
            out.append((level, rest))
    # A bare key that a prefixed one already covers adds nothing.
    return [(lvl, k) for lvl, k in out if lvl or not any(o[1] == k and o[0] for o in out)]


def load(folder: Path) -> Atlas:
    result = Atlas(source=_version())
    uri = f"file:{folder / 'dataset.db'}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as db:
        current_rows = db.execute(
            "SELECT provinceKey, province, provinceShort, provinceCode, provinceKeywords, wardKey, ward, wardShort, "
            "wardType, wardCode FROM admin_units ORDER BY provinceCode, wardCode").fetchall()
        old_rows = db.execute(
            "SELECT provinceKey, province, provinceShort, provinceCode, provinceKeywords, districtKey, districtShort, "
            "districtType, districtCode, districtAlias, wardKey, wardShort, wardType, wardCode, wardAlias "
            "FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode").fetchall()
    with open(folder / "converter_2025.json", encoding="utf-8") as handle:
        mapping = json.load(handle)

    def add(unit: AdminUnit, aliases: list[tuple[str, str]] = ()) -> None:
        result.units[unit.key] = unit
        result.by_name.setdefault(name_key(unit.name), []).append(unit)
        for level, alias in aliases:
            result.by_alias.setdefault(alias, []).append((level, unit))
        if unit.current:
            result.current.append(unit)

    # -- the map since 01/7/2025 ------------------------------------------------------------
    for p_key, p_full, p_short, p_code, p_words, w_key, ward, w_short, w_type, w_code in current_rows:
        province_key = f"2025:{p_key}"
        level, name = _split_province(p_full, p_short)
        if province_key not in result.units:
            add(AdminUnit(level, name, PROVINCE, True, level, name, code=p_code, key=province_key),
                _aliases(p_words, name_key(name)))
        key = f"2025:{p_key}/{w_key}"
        w_short = _short(w_short)
        add(AdminUnit(w_type.lower(), w_short, COMMUNE, True, level, name, code=w_code or "", key=key))
        result.province_of[key] = province_key

    # -- the map before it -------------------------------------------------------------------
    for (p_key, p_full, p_short, p_code, p_words, d_key, d_short, d_type, d_code, d_alias, w_key, w_short, w_type,
         w_code, w_alias) in old_rows:
        province_key = f"old:{p_key}"
        level, name = _split_province(p_full, p_short)
        if province_key not in result.units:
            add(AdminUnit(level, name, PROVINCE, False, level, name, code=p_code, key=province_key),
                _aliases(p_words, name_key(name)))
        district_key = f"old:{p_key}_{d_key}"
        d_short = _short(d_short)
        district = f"{d_type.lower()} {d_short}"
        if district_key not in result.units:
            add(AdminUnit(d_type.lower(), d_short, DISTRICT, False, level, name, code=d_code or "", key=district_key),
                _aliases(d_alias, name_key(d_short)))
            result.province_of[district_key] = province_key
        if not w_key:  # island districts without communes (Lý Sơn, Côn Đảo, …)
            continue
        key = f"old:{p_key}_{d_key}_{w_key}"
        w_short = _short(w_short)
        add(AdminUnit(w_type.lower(), w_short, COMMUNE, False, level, name, district, w_code or "", key),
            _aliases(w_alias, name_key(w_short)))
        result.province_of[key] = province_key
        result.district_of[key] = district_key

    _link(result, mapping)
    return result


def _link(result: Atlas, mapping: dict) -> None:
    """Successors and predecessors from the converter's tables."""
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}

    def edge(old: str, new: str, first: bool = False) -> None:
        if old not in result.units and not old.endswith("_"):
            result.unmapped += 1
            return
        if new not in result.units:
            return
        targets = succ.setdefault(old, [])
        if new not in targets:
            targets.insert(0, new) if first else targets.append(new)
        sources = pred.setdefault(new, [])
        if old not in sources:
            sources.append(old)

    for new_province, old_provinces in mapping["DICT_PROVINCE"].items():
        for old_province in old_provinces:
            edge(f"old:{old_province}", f"2025:{new_province}")
    for new_province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                if old.endswith("_"):  # "tinhquangngai_huyenlyson_": an island district → đặc khu
                    edge(f"old:{old[:-1]}", f"2025:{new_province}/{new_ward}")
                else:
                    edge(f"old:{old}", f"2025:{new_province}/{new_ward}")
    for new_province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in sorted(parts, key=lambda p: not p.get("isDefaultNewWard")):
                edge(f"old:{old}", f"2025:{new_province}/{part['newWardKey']}", first=bool(part.get("isDefaultNewWard")))

    # A district became whatever its communes became: the ward that took most of them first.
    by_district: dict[str, Counter] = {}
    for old, district in result.district_of.items():
        for new in succ.get(old, []):
            by_district.setdefault(district, Counter())[new] += 1
    for district, counts in by_district.items():
        own = succ.get(district, [])
        ranked = [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], result.units[kv[0]].name))]
        succ[district] = own + [k for k in ranked if k not in own]
    result.successors = succ
    result.predecessors = pred
