"""Reporting deadlines as iCalendar: events parse back, recur as the plans say, are stable,
and nothing is scheduled where the text gives no valid date."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from assistant.documents import Plan
from assistant.extract.calendar import obligations_to_ics, reference_date
from assistant.extract.cli import run_obligations
from assistant.extract.obligations import Obligation, extract_obligations
from assistant.ingest.pipeline import read_plan

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {path.stem: read_plan(path) for path in sorted(CORPUS.glob("*.txt"))}


def export(plans: dict[str, Plan]) -> bytes:
    obligations = [o for plan in plans.values() for o in extract_obligations(plan)]
    return obligations_to_ics(obligations, {plan.source: reference_date(plan) for plan in plans.values()})


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def rule(event) -> tuple:
    recur = event["rrule"]
    return (recur["FREQ"][0], tuple(int(m) for m in recur["BYMONTH"]), tuple(recur["BYMONTHDAY"]))


def test_corpus_deadlines_become_recurring_events(plans):
    found = {(str(e["summary"]), rule(e), e.decoded("dtstart")) for e in events(export(plans))}
    assert found == {
        ("Hạn báo cáo: Phòng Văn hóa và Thông tin thị xã → UBND thị xã", ("YEARLY", (12,), (10,)), date(2023, 12, 10)),
        ("Hạn báo cáo: các doanh nghiệp viễn thông trên địa bàn thị xã → UBND thị xã", ("YEARLY", (12,), (10,)),
         date(2023, 12, 10)),
        ("Hạn báo cáo: Công chức Văn hóa – Xã hội xã → UBND thành phố", ("YEARLY", (12,), (10,)), date(2025, 12, 10)),
        ("Hạn báo cáo: Phòng Văn hóa - Xã hội → Sở Khoa học và Công nghệ và UBND thành phố", ("YEARLY", (12,), (15,)),
         date(2025, 12, 15)),
        ("Hạn báo cáo: các đơn vị → Phòng Văn hóa – Xã hội", ("YEARLY", (12,), (10,)), date(2025, 12, 10)),
        ("Hạn báo cáo: Các doanh nghiệp tham gia phát triển hạ tầng số của phường → phòng Văn hóa – Xã hội",
         ("YEARLY", (3, 6, 9, 12), (10,)), date(2025, 3, 10)),
        ("Hạn báo cáo: Các doanh nghiệp tham gia phát triển hạ tầng số của phường → phòng Văn hóa – Xã hội",
         ("YEARLY", (12,), (10,)), date(2025, 12, 10)),
    }


def test_events_are_all_day_cite_their_clause_and_are_stable(plans):
    ics = export(plans)
    assert ics == export(plans)  # same bytes twice: fixed DTSTAMP, hashed UIDs
    found = events(ics)
    assert len({str(e["uid"]) for e in found}) == len(found)
    for event in found:
        start = event.decoded("dtstart")
        assert isinstance(start, date) and not isinstance(start, datetime)  # all-day
    tinh_thien = next(e for e in found if "Công chức Văn hóa – Xã hội xã" in str(e["summary"]))
    description = str(tinh_thien["description"])
    assert "corpus/xa-tinh-thien.txt" in description and "VII.1.a" in description
    assert "báo cáo UBND thành phố (qua Phòng Văn hóa và Thông tin thành phố)" in description


def test_no_event_without_a_valid_normalised_deadline(plans):
    assert events(export({"p": plans["thi-tran-phu-my"]})) == []  # yearly, but no date in the text
    assert events(export({"p": plans["phuong-phu-son-ocr"]})) == []
    malformed = Obligation("t.txt", "V.1-1", "Phòng A", "báo cáo", "…", "UBND quận", deadline="trước ngày 31/2",
                           recurrence="yearly", frequency="hằng năm", deadline_valid=False, text="…")
    assert events(obligations_to_ics([malformed])) == []


def test_reference_year_defaults_to_2026():
    obligation = Obligation("t.txt", "V.1-1", "Phòng A", "báo cáo", "…", "UBND quận", deadline="trước ngày 10/12",
                            deadline_day=10, deadline_month=12, recurrence="yearly", frequency="hằng năm", text="…")
    [event] = events(obligations_to_ics([obligation]))
    assert event.decoded("dtstart") == date(2026, 12, 10)


def test_cli_writes_ics(plans, tmp_path, capsys):
    class Engine:
        def __init__(self):
            self.plans = list(plans.values())

        def resolve_plan(self, name):
            return [p.source for p in self.plans if name in p.source]

    target = tmp_path / "han-bao-cao.ics"
    code = run_obligations(Engine(), SimpleNamespace(json=False, csv=False, plan="long-my", actor=None, ics=str(target)))
    assert code == 0
    assert capsys.readouterr().out.strip() == f"wrote 4 events to {target}"
    assert len(events(target.read_bytes())) == 4
