"""The draft's locality, superior unit and province, checked against the administrative map
(assistant.admin) for the draft's date.

From 01/7/2025 local government has two tiers: the locality must be a current xã, phường or
đặc khu; its superior is the UBND of its province (unless the user names the province's UBND
explicitly, which must then be the same province); a unit of the abolished tier (huyện, quận,
thị xã, thị trấn, a merged commune or province) is refused with what it became. A draft dated
before the reform is checked against the map of its time, so old units stay valid there.
Messages are in Vietnamese: the CLI and the web form show them as they are."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.admin import ABOLISHED, COMMUNE, CURRENT, DISTRICT, PROVINCE, REFORM_DATE, REFORM_LABEL, resolve
from assistant.admin.model import AdminUnit, Resolution
from assistant.draft.model import DraftError, Unit

OLD_LOCAL_LEVELS = ("xã", "phường", "thị trấn", "thị xã", "huyện", "quận", "thành phố")


@dataclass(frozen=True)
class Places:
    locality: Unit
    parent: Unit | None
    province: Unit | None
    two_tier: bool  # the draft is dated on or after 01/7/2025
    parent_defaulted: bool = False  # the superior unit was not given: the province's UBND
    locality_unit: AdminUnit | None = None


def is_two_tier(day: date | None) -> bool:
    return (day or date.today()) >= REFORM_DATE


def _refuse(option: str, message: str) -> DraftError:
    return DraftError(option, message, vietnamese=True)


def _as_unit(unit: AdminUnit) -> Unit:
    return Unit(unit.level, unit.name)


def _province_unit(unit: AdminUnit) -> Unit:
    return Unit(unit.province_level, unit.province_name)


def _pick(found: Resolution, option: str, tiers: tuple[str, ...], two_tier: bool, what: str,
          province_hint: bool) -> AdminUnit:
    """The one unit of `tiers` the resolution designates, or a DraftError saying why not."""
    written = found.as_written or found.query
    if not found.province_found:
        raise _refuse("--province", found.message())
    if two_tier:
        units = [u for u in found.units if u.tier in tiers]
        if found.status == ABOLISHED or (not units and found.old_units and not found.units):
            raise _refuse(option, found.message())
        if not units and found.units:
            kinds = ", ".join(sorted({u.full for u in found.units}))
            raise _refuse(option, f"“{written}” là {kinds}, không phải {what}.")
    else:  # before the reform: the old map is the map of the draft's time
        units = [u for u in found.old_units if u.tier in tiers and "#" not in u.key] or \
            [u for u in found.units if u.tier in tiers]
    if not units:
        if found.status == ABOLISHED and found.old_units:
            raise _refuse(option, f"“{written}” không phải {what}.")
        raise _refuse(option, found.message())
    if len(units) > 1:
        names = ", ".join(u.short_label for u in units[:6])
        hint = " (thêm --province)" if not province_hint else ""
        raise _refuse(option, f"“{written}” có ở nhiều nơi: {names}; ghi rõ tỉnh/thành phố{hint}.")
    return units[0]


def check_places(locality: str, parent: str, province: str, day: date | None) -> Places:
    two_tier = is_two_tier(day)
    if not (locality or "").strip():
        raise DraftError("--locality", "missing; give the level and the name, e.g. \"phường Hòa An\"")
    province_unit: AdminUnit | None = None
    if province and province.strip():
        found = resolve(province)
        if not found.province_found:
            raise _refuse("--province", found.message())
        province_unit = _pick(found, "--province", (PROVINCE,), two_tier, "tỉnh/thành phố", True)
    locality_tiers = (COMMUNE,) if two_tier else (COMMUNE, DISTRICT)
    what = "xã, phường hay đặc khu" if two_tier else "xã, phường, thị trấn, thị xã, huyện, quận hay thành phố"
    scope = province_unit
    if scope is None and parent and parent.strip():  # "--parent tỉnh Tây Ninh" also says where to look
        named = resolve(parent)
        provinces = [u for u in (named.units if two_tier else named.units + named.old_units) if u.tier == PROVINCE]
        scope = provinces[0] if len(provinces) == 1 else None
    found = resolve(locality, province=scope.full if scope else None)
    if scope and found.status == "unknown":
        elsewhere = resolve(locality)
        if elsewhere.status != "unknown" and scope is province_unit:
            raise _refuse("--locality", f"không có “{found.as_written}” ở {scope.full}; {elsewhere.message()}")
        if elsewhere.status != "unknown":  # the parent's province only narrowed the search: say what is wrong below
            found, scope = elsewhere, None
    unit = _pick(found, "--locality", locality_tiers, two_tier, what, scope is not None)
    if two_tier and unit.level not in ("xã", "phường", "đặc khu"):
        raise _refuse("--locality", f"{unit.full} không còn từ {REFORM_LABEL}.")
    own_province = AdminUnit(unit.province_level, unit.province_name, PROVINCE, unit.current)
    if province_unit and province_unit.province_name != unit.province_name:
        raise _refuse("--province", f"{unit.full} thuộc {unit.province}, không thuộc {province_unit.full}.")
    province_unit = province_unit or own_province

    parent_unit: Unit | None = None
    defaulted = False
    if parent and parent.strip():
        found = resolve(parent, province=None)
        if two_tier:
            if found.status == ABOLISHED:
                raise _refuse("--parent", f"{found.message()[:-1]}; cấp trên của {unit.full} nay là UBND "
                                          f"{unit.province}.")
            chosen = _pick(found, "--parent", (PROVINCE,), True, f"cấp trên của {unit.full} (nay là UBND "
                                                                     f"{unit.province})", False) \
                if found.status == CURRENT else None
            if chosen is None:
                raise _refuse("--parent", found.message())
            if chosen.province_name != unit.province_name:
                raise _refuse("--parent", f"{unit.full} thuộc {unit.province}; cấp trên là UBND {unit.province}, "
                                          f"không phải {chosen.full}.")
            parent_unit = _as_unit(chosen)
        else:
            scope = unit.province_name
            found = resolve(parent, province=scope)
            chosen = _pick(found, "--parent", (PROVINCE, DISTRICT), False, "cấp trên (huyện, thị xã, thành phố, "
                                                                            "tỉnh)", True)
            parent_unit = _as_unit(chosen)
    elif two_tier:
        parent_unit, defaulted = _province_unit(unit), True
    return Places(_as_unit(unit), parent_unit, _as_unit(province_unit), two_tier, defaulted, unit)
