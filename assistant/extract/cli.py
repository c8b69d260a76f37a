"""`assistant obligations` and `assistant targets`: list extracted records as a table, JSON lines
(DESIGN §3 fields first) or CSV; obligations can also be written as an iCalendar file."""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.documents import Plan
from assistant.extract.calendar import (DEFAULT_REMIND_DAYS, MAX_REMIND_DAYS, count_events, obligations_to_ics,
                                       plan_localities, reference_date)
from assistant.extract.obligations import Obligation, extract_obligations
from assistant.extract.targets import Target, extract_targets
from assistant.text import fold

OBLIGATION_COLUMNS = ("source", "clause", "actor", "role", "action", "recipient", "via", "deadline", "frequency", "text",
                      "deadline_day", "deadline_month", "recurrence", "deadline_valid")
TARGET_COLUMNS = ("source", "clause", "indicator", "value", "unit", "year", "text", "comparator", "period_label")


def _fail(message: str) -> int:
    print(f"assistant: {message}", file=sys.stderr)
    return 1


def _plans(engine, name: str | None) -> list[Plan] | None:
    """Plans in the engine's order, restricted to `name` when given; None when it matches none."""
    if not name:
        return list(engine.plans)
    wanted = set(engine.resolve_plan(name))
    plans = [plan for plan in engine.plans if plan.source in wanted]
    return plans or None


def _emit(rows: list[dict], columns: tuple[str, ...], args, table: Callable[[dict], str]) -> None:
    if getattr(args, "json", False):
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif getattr(args, "csv", False):
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            print(table(row))
        if not rows:
            print("(không có)")


def _cell(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return (text[:width - 1] + "…") if len(text) > width else text.ljust(width)


def _obligation_line(row: dict) -> str:
    when = " ".join(part for part in (row["frequency"], row["deadline"]) if part) or "—"
    to = row["recipient"] + (f" (qua {row['via']})" if row["via"] else "")
    return (f"{_cell(Path(row['source']).name, 26)} {_cell(row['clause'], 9)} {_cell(row['actor'], 36)} "
            f"{_cell(row['role'], 10)} {_cell(to or '—', 40)} {when}")


def _target_line(row: dict) -> str:
    value = " ".join(part for part in (row["comparator"], row["value"], row["unit"]) if part)
    return (f"{_cell(Path(row['source']).name, 26)} {_cell(row['clause'], 10)} {_cell(row['year'] or '—', 10)} "
            f"{_cell(value, 22)} {row['indicator']}")


def run_obligations(engine, args) -> int:
    plans = _plans(engine, getattr(args, "plan", None))
    if plans is None:
        return _fail(f"plan '{args.plan}': not found")
    found: list[Obligation] = [o for plan in plans for o in extract_obligations(plan)]
    actor = getattr(args, "actor", None)
    if actor:
        needle = fold(actor).strip()
        found = [o for o in found if needle in fold(o.actor)]
    ics = getattr(args, "ics", None)
    if ics:
        remind = getattr(args, "remind_days", DEFAULT_REMIND_DAYS)
        remind = DEFAULT_REMIND_DAYS if remind is None else remind
        if not 0 <= remind <= MAX_REMIND_DAYS:
            return _fail(f"--remind-days: {remind} is not between 0 and {MAX_REMIND_DAYS}")
        data = obligations_to_ics(found, {plan.source: reference_date(plan) for plan in plans},
                                  plan_localities(plans), remind_days=remind)
        if count_events(data) == 0:  # no empty calendar: nothing in the selection has a usable deadline
            return _fail(f"{ics}: not written: no obligation in the selection has a recurring deadline")
        try:
            Path(ics).write_bytes(data)
        except OSError as error:
            return _fail(f"{ics}: {error.strerror or error}")
        message = f"wrote {count_events(data)} events to {ics}"
        quiet = getattr(args, "json", False) or getattr(args, "csv", False)
        print(message, file=sys.stderr if quiet else sys.stdout)
        if not quiet:
            return 0
    _emit([o.to_json() for o in found], OBLIGATION_COLUMNS, args, _obligation_line)
    return 0


def run_targets(engine, args) -> int:
    plans = _plans(engine, getattr(args, "plan", None))
    if plans is None:
        return _fail(f"plan '{args.plan}': not found")
    found: Iterable[Target] = [t for plan in plans for t in extract_targets(plan)]
    _emit([t.to_json() for t in found], TARGET_COLUMNS, args, _target_line)
    return 0
