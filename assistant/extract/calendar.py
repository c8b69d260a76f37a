"""Recurring reporting deadlines as an iCalendar file (one all-day VEVENT per obligation).

Output is reproducible: the start date is the first occurrence on or after a fixed reference
date (the plan's issue date, else 1 January of its first year, else 1 January 2026), DTSTAMP is
that reference, and UIDs hash source + clause + index, so re-exporting gives the same bytes.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar, Event, vRecur

from assistant.documents import Plan
from assistant.extract.obligations import Obligation

DEFAULT_REFERENCE = date(2026, 1, 1)
QUARTER_ENDS = (3, 6, 9, 12)
_REPORTING_ROLES = {"báo cáo", "gửi", "phản ánh", "phản hồi"}


def reference_date(plan: Plan) -> date:
    """The plan's own date: issue date when complete, else 1 January of its first year."""
    issued = plan.metadata.issue_date
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued or ""):
        return date.fromisoformat(issued)
    year = re.search(r"\b(19|20)\d{2}\b", issued or "") or re.search(r"\b(19|20)\d{2}\b", plan.metadata.period or "")
    return date(int(year.group(0)), 1, 1) if year else DEFAULT_REFERENCE


def _rule(obligation: Obligation) -> vRecur | None:
    """The RRULE of a normalised deadline, or None when the text gives no usable one."""
    if not obligation.deadline_valid or obligation.deadline_day is None:
        return None
    if obligation.recurrence == "yearly" and obligation.deadline_month:
        return vRecur(freq="YEARLY", bymonth=[obligation.deadline_month], bymonthday=[obligation.deadline_day])
    if obligation.recurrence == "quarterly" and obligation.deadline_month is None:
        return vRecur(freq="YEARLY", bymonth=list(QUARTER_ENDS), bymonthday=[obligation.deadline_day])
    return None


def _first_occurrence(rule: vRecur, start: date) -> date:
    months, day = [int(m) for m in rule["BYMONTH"]], int(rule["BYMONTHDAY"][0])
    for year in range(start.year, start.year + 2):
        for month in months:
            candidate = date(year, month, day)
            if candidate >= start:
                return candidate
    raise ValueError("no occurrence")  # unreachable: every month listed recurs yearly


def _summary(obligation: Obligation) -> str:
    kind = "Hạn báo cáo" if obligation.role in _REPORTING_ROLES else f"Hạn {obligation.role}"
    who = obligation.actor or "(không rõ đơn vị)"
    return f"{kind}: {who} → {obligation.recipient}" if obligation.recipient else f"{kind}: {who}"


def _description(obligation: Obligation) -> str:
    lines = [f"{obligation.deadline} ({obligation.frequency})" if obligation.frequency else obligation.deadline]
    if obligation.via:
        lines.append(f"Qua: {obligation.via}")
    lines += [f"Nguồn: {obligation.source} · khoản {obligation.clause}", obligation.text]
    return "\n".join(lines)


def obligations_to_ics(obligations: Iterable[Obligation],
                       reference: Mapping[str, date] | date | None = None) -> bytes:
    """iCalendar bytes with one event per obligation that has a normalised recurring deadline.

    `reference` is one date for all, or a date per plan source (see reference_date)."""
    calendar = Calendar()
    calendar.add("prodid", "-//assistant//Kế hoạch hạ tầng số//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Hạn báo cáo theo kế hoạch")
    index_in_clause: dict[tuple[str, str], int] = {}
    for obligation in obligations:
        key = (obligation.source, obligation.clause)
        index = index_in_clause[key] = index_in_clause.get(key, -1) + 1
        rule = _rule(obligation)
        if rule is None:
            continue
        start = (reference.get(obligation.source, DEFAULT_REFERENCE) if isinstance(reference, Mapping)
                 else reference or DEFAULT_REFERENCE)
        first = _first_occurrence(rule, start)
        uid = hashlib.sha1(f"{obligation.source}|{obligation.clause}|{index}".encode()).hexdigest()[:20]
        event = Event()
        event.add("uid", f"{uid}@assistant")
        event.add("dtstamp", datetime.combine(start, time(0), tzinfo=timezone.utc))
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(days=1))
        event.add("rrule", rule)
        event.add("summary", _summary(obligation))
        event.add("description", _description(obligation))
        calendar.add_component(event)
    return calendar.to_ical()


def count_events(ics: bytes) -> int:
    return sum(1 for _ in Calendar.from_ical(ics).walk("VEVENT"))
