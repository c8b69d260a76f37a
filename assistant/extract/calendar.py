"""Recurring reporting deadlines as an iCalendar file (one all-day VEVENT per obligation).

Each event is titled "[<locality>] <actor> báo cáo <recipient>", carries the clause it comes
from in its description, and a reminder (VALARM, DISPLAY) `remind_days` days before (default 7;
0 for none). Output is reproducible: the start date is the first occurrence on or after a fixed
reference date (the plan's issue date, else 1 January of its first year, else 1 January 2026),
DTSTAMP is that reference, and UIDs hash source + clause + index, so re-exporting gives the same
bytes.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from icalendar import Alarm, Calendar, Event, vRecur

from assistant.documents import Plan
from assistant.extract.obligations import Obligation

DEFAULT_REFERENCE = date(2026, 1, 1)
DEFAULT_REMIND_DAYS = 7
MAX_REMIND_DAYS = 90
QUARTER_ENDS = (3, 6, 9, 12)
_REPORTING_ROLES = {"báo cáo", "gửi", "phản ánh", "phản hồi"}


def reference_date(plan: Plan) -> date:
    """The plan's own date: issue date when complete, else 1 January of its first year."""
    issued = plan.metadata.issue_date
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued or ""):
        return date.fromisoformat(issued)
    year = re.search(r"\b(19|20)\d{2}\b", issued or "") or re.search(r"\b(19|20)\d{2}\b", plan.metadata.period or "")
    return date(int(year.group(0)), 1, 1) if year else DEFAULT_REFERENCE


def plan_localities(plans: Iterable[Plan]) -> dict[str, str]:
    """source → the locality an event title names ("phường Long Mỹ"); the file name when the
    plan's metadata gives none."""
    return {plan.source: plan.metadata.locality or Path(plan.source).stem for plan in plans}


def _rule(obligation: Obligation) -> vRecur | None:
    """The RRULE of a normalised deadline, or None when the text gives no usable one."""
    if not obligation.deadline_valid or obligation.deadline_day is None:
        return None
    if obligation.recurrence == "yearly" and obligation.deadline_month:
        return vRecur(freq="YEARLY", bymonth=[obligation.deadline_month], bymonthday=[obligation.deadline_day])
    if obligation.recurrence == "quarterly" and obligation.deadline_month is None:
        return vRecur(freq="YEARLY", bymonth=list(QUARTER_ENDS), bymonthday=[obligation.deadline_day])
    return None


def has_deadline(obligation: Obligation) -> bool:
    """True when the obligation becomes an event (a valid recurring date)."""
    return _rule(obligation) is not None


def _first_occurrence(rule: vRecur, start: date) -> date:
    months, day = [int(m) for m in rule["BYMONTH"]], int(rule["BYMONTHDAY"][0])
    for year in range(start.year, start.year + 2):
        for month in months:
            candidate = date(year, month, day)
            if candidate >= start:
                return candidate
    raise ValueError("no occurrence")  # unreachable: every month listed recurs yearly


def _summary(obligation: Obligation, locality: str) -> str:
    """"[phường Long Mỹ] Phòng Văn hóa - Xã hội báo cáo Sở Khoa học và Công nghệ"."""
    who = obligation.actor or "(không rõ đơn vị)"
    verb = obligation.role if obligation.role in _REPORTING_ROLES else f"hạn {obligation.role}"
    title = f"{who} {verb} {obligation.recipient}" if obligation.recipient else f"{who} {verb}"
    return f"[{locality}] {title}" if locality else title


def _description(obligation: Obligation, locality: str) -> str:
    when = f"{obligation.deadline} ({obligation.frequency})" if obligation.frequency else obligation.deadline
    lines = [f"Thời hạn: {when}"]
    if obligation.via:
        lines.append(f"Qua: {obligation.via}")
    plan = f"{locality} — " if locality else ""
    lines += [f"Kế hoạch: {plan}{Path(obligation.source).name}, điều khoản {obligation.clause}",
              f"Nguyên văn: {obligation.text}"]
    return "\n".join(lines)


def _alarm(days: int, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Còn {days} ngày: {summary}")
    alarm.add("trigger", timedelta(days=-days))  # relative to DTSTART (RFC 5545 §3.8.6.3)
    return alarm


def obligations_to_ics(obligations: Iterable[Obligation],
                       reference: Mapping[str, date] | date | None = None,
                       localities: Mapping[str, str] | None = None,
                       remind_days: int = DEFAULT_REMIND_DAYS) -> bytes:
    """iCalendar bytes with one event per obligation that has a normalised recurring deadline.

    `reference` is one date for all, or a date per plan source (see reference_date);
    `localities` names each source's locality for the titles (see plan_localities);
    `remind_days` puts a reminder that many days before each deadline (0: no reminder)."""
    if not 0 <= int(remind_days) <= MAX_REMIND_DAYS:
        raise ValueError(f"remind_days must be between 0 and {MAX_REMIND_DAYS}, not {remind_days}")
    localities = localities or {}
    calendar = Calendar()
    calendar.add("prodid", "-//assistant//Kế hoạch hạ tầng số//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
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
        locality = localities.get(obligation.source, "")
        uid = hashlib.sha1(f"{obligation.source}|{obligation.clause}|{index}".encode()).hexdigest()[:20]
        event = Event()
        event.add("uid", f"{uid}@assistant")
        event.add("dtstamp", datetime.combine(start, time(0), tzinfo=timezone.utc))
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(days=1))
        event.add("rrule", rule)
        summary = _summary(obligation, locality)
        event.add("summary", summary)
        event.add("description", _description(obligation, locality))
        if remind_days:
            event.add_component(_alarm(int(remind_days), summary))
        calendar.add_component(event)
    return calendar.to_ical()


def count_events(ics: bytes) -> int:
    return sum(1 for _ in Calendar.from_ical(ics).walk("VEVENT"))
