"""Questions across the 2025 reform: a question that names a current xã also concerns the
plans of the communes it was formed from, and one that names an old unit the plans of what it
became. The question analysis (assistant/question.py) calls `reform_links` and matches plans
on `ReformLink.names()`; the answer can say which unit a plan is about with `label()`.

    links = reform_links("Mục tiêu hạ tầng số của xã Tịnh Khê là gì?")
    links[0].names()      # ["xã Tịnh Khê", "xã Tịnh Kỳ", "xã Tịnh Thiện", …]
    links[0].label(old)   # "xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi)"
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.admin.lookup import predecessors, successors
from assistant.admin.mentions import match_units
from assistant.admin.model import ABOLISHED, CURRENT, PROVINCE, REFORM_LABEL, AdminUnit, Mention


@dataclass(frozen=True)
class ReformLink:
    mention: Mention  # the unit as the question names it
    units: tuple[AdminUnit, ...]  # what the mention resolves to (current, or old units)
    related: tuple[AdminUnit, ...]  # their predecessors (a current name) or successors (an old name)

    def names(self) -> list[str]:
        """Level-and-name forms to look plans up by, the question's own unit first."""
        out: list[str] = []
        for unit in (*self.units, *self.related):
            if unit.full not in out:
                out.append(unit.full)
        return out

    def label(self, unit: AdminUnit) -> str:
        """How to name a related unit in an answer: "xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh
        Quảng Ngãi)" for an old commune reached from its successor; "xã Tịnh Khê (từ 01/7/2025,
        gồm xã Tịnh Thiện …)" is not attempted: a current unit is named as it is."""
        if unit.current:
            return unit.full
        after = [s for s in successors(unit)]
        if not after:
            return f"{unit.full} (không còn từ {REFORM_LABEL})"
        merged = len(predecessors(after[0])) > 1
        if unit.tier == PROVINCE:
            if [s.full for s in after] == [unit.full]:
                return unit.full
            return f"{unit.full} ({'nay thuộc' if merged else 'nay là'} {after[0].full})"
        now = ", ".join(f"{s.full}, {s.province}" for s in after[:3])
        return f"{unit.full} ({'nay thuộc' if merged or len(after) > 1 else 'nay là'} {now})"


def reform_links(question: str) -> list[ReformLink]:
    """The units a question names with a level word, each with the units on the other side of
    the reform (empty when the data maps none, or the name is unknown)."""
    links: list[ReformLink] = []
    for mention in match_units(question):
        found = mention.resolution
        if found.status == CURRENT:
            units = found.units
            related = tuple(p for u in units for p in predecessors(u))
        elif found.status == ABOLISHED:
            units = found.old_units
            related = tuple(s for u in units for s in successors(u))
        else:
            continue
        if related:
            links.append(ReformLink(mention, tuple(units), tuple(dict.fromkeys(related))))
    return links
