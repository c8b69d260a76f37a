"""Typed records of the administrative map: a unit (of the map since 01/7/2025 or of the old
map), the resolution of a name typed by a person or written in a plan, and a mention found in
a sentence."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Since this day local government has two tiers: 34 tỉnh/thành phố and 3,321 xã/phường/đặc khu.
REFORM_DATE = date(2025, 7, 1)
REFORM_LABEL = "01/7/2025"

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
CURRENT, ABOLISHED, UNKNOWN = "current", "abolished", "unknown"


@dataclass(frozen=True)
class AdminUnit:
    """One administrative unit. `current` units belong to the map in force since 01/7/2025;
    the others to the 63-province map before it (huyện, quận, thị xã, thị trấn, old communes)."""

    level: str  # "tỉnh" | "thành phố" | "xã" | "phường" | "đặc khu" | old: "huyện" | "quận" | "thị xã" | "thị trấn"
    name: str  # "Tịnh Khê", "Hồ Chí Minh", "Hà Giang 1"
    tier: str  # PROVINCE | DISTRICT | COMMUNE
    current: bool
    province_level: str = ""  # level of the unit's province ("tỉnh", "thành phố"); itself for a province
    province_name: str = ""  # "Quảng Ngãi"
    district: str = ""  # old communes: their district as written in the data ("thành phố Quảng Ngãi")
    code: str = ""  # code as the dataset gives it
    key: str = ""  # unique id inside the dataset
    note: str = field(default="", compare=False)  # "tên cũ, đã nhập vào xã Phú Sơn" for an older name

    @property
    def full(self) -> str:
        """Level and name: "xã Tịnh Khê", "thành phố Hồ Chí Minh"."""
        return f"{self.level} {self.name}"

    @property
    def province(self) -> str:
        """"tỉnh Quảng Ngãi" (the province itself for a province)."""
        return f"{self.province_level} {self.province_name}".strip()

    @property
    def label(self) -> str:
        """The unit with what locates it: "xã Tịnh Thiện, thành phố Quảng Ngãi, tỉnh Quảng Ngãi"."""
        if self.tier == PROVINCE:
            return self.full
        parts = [self.full]
        if self.district:
            parts.append(self.district)
        parts.append(self.province)
        return ", ".join(parts)

    @property
    def short_label(self) -> str:
        """"xã Hòa An (Cao Bằng)": enough to tell same-named units apart in a list."""
        return self.full if self.tier == PROVINCE else f"{self.full} ({self.province_name})"


@dataclass(frozen=True)
class Resolution:
    """What a name is on the administrative map.

    status CURRENT: `units` are the units of that name today (several when the name is shared
    and no province narrowed it). ABOLISHED: the name is a unit of the old map only; `old_units`
    are those units and `successors` the current units that took over their territory (where
    the data maps them). UNKNOWN: no unit of that name; `suggestions` are the nearest current names.
    """

    query: str
    status: str
    level: str = ""  # level word given (typed or as an argument), "" when none
    name: str = ""  # the name part of the query as given
    units: tuple[AdminUnit, ...] = ()
    old_units: tuple[AdminUnit, ...] = ()
    successors: tuple[AdminUnit, ...] = ()
    suggestions: tuple[AdminUnit, ...] = ()
    province_query: str = ""  # the province that narrowed the search, as given
    province_found: bool = True  # False: that province is not on either map

    @property
    def unit(self) -> AdminUnit | None:
        """The current unit when the name designates exactly one."""
        return self.units[0] if len(self.units) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.units) > 1

    @property
    def as_written(self) -> str:
        return f"{self.level} {self.name}".strip() if self.level else self.name

    def message(self) -> str:
        """One Vietnamese sentence for a person: what the name is, or why it is refused."""
        from assistant.admin.lookup import describe

        return describe(self)


@dataclass(frozen=True)
class Mention:
    """A unit named in a sentence ("UBND phường Sa Đéc"): its span, the words as written and
    their resolution on the map."""

    start: int
    end: int
    text: str  # as written: "tỉnh ĐẮK LẮK"
    level: str  # canonical level word: "tỉnh"
    name: str  # the official name when known ("Đắk Lắk"), else the words as written
    resolution: Resolution

    @property
    def status(self) -> str:
        return self.resolution.status

    @property
    def full(self) -> str:
        return f"{self.level} {self.name}"
