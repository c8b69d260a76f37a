"""The administrative map of Vietnam, before and since the two-tier reform of 01/7/2025.

    found = resolve("tinh thien")                     # Resolution: status, units, successors, suggestions
    found.status, found.message()                     # "abolished", "xã Tịnh Thiện (…) không còn từ 01/7/2025; nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi."
    successors(found.old_units[0])                    # [AdminUnit(xã Tịnh Khê)]
    predecessors(resolve("xã Tịnh Khê").unit)         # the five old communes it was formed from
    match_units("UBND tỉnh ĐẮK LẮK Do …")              # [Mention(tỉnh Đắk Lắk)]
    related_place_names("xã Tịnh Khê")                # for questions across the reform
    reform_links("Mục tiêu của xã Tịnh Khê?")         # the same, from a question's own words
    current_successor_label("xã Tịnh Thiện", "Quảng Ngãi")  # "xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi)"

Data: the pinned `vietnamadminunits` wheel (see assistant/admin/atlas.py), loaded on first use.
"""
from __future__ import annotations

from assistant.admin.atlas import AdminDataError, atlas
from assistant.admin.lookup import (
    current_successor_label, predecessors, province_of, related_place_names, related_units, resolve, successors,
    suggest,
)
from assistant.admin.mentions import is_province_name, match_units
from assistant.admin.questions import ReformLink, reform_links
from assistant.admin.model import (
    ABOLISHED, COMMUNE, CURRENT, DISTRICT, PROVINCE, REFORM_DATE, REFORM_LABEL, UNKNOWN, AdminUnit, Mention, Resolution,
)

__all__ = ["ABOLISHED", "COMMUNE", "CURRENT", "DISTRICT", "PROVINCE", "REFORM_DATE", "REFORM_LABEL", "UNKNOWN",
           "AdminDataError", "AdminUnit", "Mention", "Resolution", "atlas", "current_successor_label",
           "is_province_name", "match_units", "predecessors", "province_of", "ReformLink", "reform_links",
           "related_place_names", "related_units", "resolve", "successors", "suggest"]
