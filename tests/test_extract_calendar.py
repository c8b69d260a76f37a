"""Reporting deadlines as iCalendar: events parse back, recur as the plans say, are titled
"[<locality>] <actor> báo cáo <recipient>", carry their clause and a reminder, are stable, nothing
is scheduled where the text gives no valid date, and a real calendar client (Debian's khal, with
its own older icalendar parser) imports them."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from assistant.documents import Plan
from assistant.extract.calendar import obligations_to_ics, plan_localities, reference_date
from assistant.extract.cli import run_obligations
from assistant.extract.obligations import Obligation, extract_obligations
from assistant.ingest.pipeline import read_plan

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {path.stem: read_plan(path) for path in sorted(CORPUS.glob("*.txt"))}


def export(plans: dict[str, Plan], remind_days: int = 7) -> bytes:
    obligations = [o for plan in plans.values() for o in extract_obligations(plan)]
    return obligations_to_ics(obligations, {plan.source: reference_date(plan) for plan in plans.values()},
                              plan_localities(plans.values()), remind_days=remind_days)


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def rule(event) -> tuple:
    recur = event["rrule"]
    return (recur["FREQ"][0], tuple(int(m) for m in recur["BYMONTH"]), tuple(recur["BYMONTHDAY"]))


def test_corpus_deadlines_become_recurring_events(plans):
    found = {(str(e["summary"]), rule(e), e.decoded("dtstart")) for e in events(export(plans))}
    assert found == {
        ("[thị xã Mường Lay] Phòng Văn hóa và Thông tin thị xã báo cáo UBND thị xã", ("YEARLY", (12,), (10,)),
         date(2023, 12, 10)),
        ("[thị xã Mường Lay] các doanh nghiệp viễn thông trên địa bàn thị xã gửi UBND thị xã",
         ("YEARLY", (12,), (10,)), date(2023, 12, 10)),
        ("[xã Tịnh Thiện] Công chức Văn hóa – Xã hội xã báo cáo UBND thành phố", ("YEARLY", (12,), (10,)),
         date(2025, 12, 10)),
        ("[phường Long Mỹ] Phòng Văn hóa - Xã hội báo cáo Sở Khoa học và Công nghệ và UBND thành phố",
         ("YEARLY", (12,), (15,)), date(2025, 12, 15)),
        ("[phường Long Mỹ] các đơn vị báo cáo Phòng Văn hóa – Xã hội", ("YEARLY", (12,), (10,)), date(2025, 12, 10)),
        ("[phường Long Mỹ] Các doanh nghiệp tham gia phát triển hạ tầng số của phường báo cáo phòng Văn hóa – Xã hội",
         ("YEARLY", (3, 6, 9, 12), (10,)), date(2025, 3, 10)),
        ("[phường Long Mỹ] Các doanh nghiệp tham gia phát triển hạ tầng số của phường báo cáo phòng Văn hóa – Xã hội",
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
    assert "Kế hoạch: xã Tịnh Thiện — xa-tinh-thien.txt, điều khoản VII.1.a" in description
    assert "báo cáo UBND thành phố (qua Phòng Văn hóa và Thông tin thành phố)" in description  # the clause
    assert "corpus/" not in description  # a file name, never a server path


def test_every_event_has_a_reminder_days_before(plans):
    for days in (7, 3):
        for event in events(export(plans, remind_days=days)):
            [alarm] = event.walk("VALARM")
            assert str(alarm["action"]) == "DISPLAY"
            assert alarm.decoded("trigger") == timedelta(days=-days)  # relative to the start
            assert str(event["summary"]) in str(alarm["description"])
    assert all(not e.walk("VALARM") for e in events(export(plans, remind_days=0)))
    with pytest.raises(ValueError):
        export(plans, remind_days=-1)


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


class _Engine:
    def __init__(self, plans):
        self.plans = list(plans.values())

    def resolve_plan(self, name):
        return [p.source for p in self.plans if name in p.source]


def test_cli_writes_ics(plans, tmp_path, capsys):
    target = tmp_path / "han-bao-cao.ics"
    args = SimpleNamespace(json=False, csv=False, plan="long-my", actor=None, ics=str(target), remind_days=3)
    assert run_obligations(_Engine(plans), args) == 0
    assert capsys.readouterr().out.strip() == f"wrote 4 events to {target}"
    found = events(target.read_bytes())
    assert len(found) == 4 and all(str(e["summary"]).startswith("[phường Long Mỹ] ") for e in found)
    assert {e.walk("VALARM")[0].decoded("trigger") for e in found} == {timedelta(days=-3)}


def test_cli_writes_no_empty_calendar(plans, tmp_path, capsys):
    target = tmp_path / "khong-co.ics"
    args = SimpleNamespace(json=False, csv=False, plan="phu-my", actor=None, ics=str(target), remind_days=7)
    assert run_obligations(_Engine(plans), args) == 1
    assert "no obligation in the selection has a recurring deadline" in capsys.readouterr().err
    assert not target.exists()
    args.plan, args.remind_days = "long-my", 500
    assert run_obligations(_Engine(plans), args) == 1 and "--remind-days" in capsys.readouterr().err


# -- a real calendar client ----------------------------------------------------------------------
KHAL = Path("/usr/bin/khal")


@pytest.fixture(scope="module")
def khal() -> Path:
    if not KHAL.exists():
        setup = Path(__file__).with_name("debian_setup.sh")
        try:
            subprocess.run(["bash", str(setup), str(KHAL), "khal"], check=False, timeout=600, capture_output=True)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.skip(f"could not run {setup.name}: {error}")
    if not KHAL.exists():
        pytest.skip("khal is not installed and tests/debian_setup.sh could not install it "
                    "(apt-get install -y khal)")
    return KHAL


def test_khal_imports_the_calendar_with_titles_recurrences_and_alarms(plans, tmp_path, khal):
    """khal (a real calendar client, its own icalendar parser) imports every event and expands
    the recurrences; its alarm symbol shows the reminders were read."""
    folder = tmp_path / "cal"
    folder.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(f"[calendars]\n[[plans]]\npath = {folder}\ntype = calendar\n[locale]\n"
                      "timeformat = %H:%M\ndateformat = %d/%m/%Y\nlongdateformat = %d/%m/%Y\n"
                      "datetimeformat = %d/%m/%Y %H:%M\nlongdatetimeformat = %d/%m/%Y %H:%M\n"
                      "[default]\ndefault_calendar = plans\n", encoding="utf-8")
    ics = tmp_path / "lich.ics"
    ics.write_bytes(export(plans))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> str:
        done = subprocess.run([str(khal), "-c", str(config), *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("import", "--batch", "-a", "plans", str(ics))
    assert len(list(folder.glob("*.ics"))) == len(events(ics.read_bytes()))
    listed = run("list", "--format", "{start-date}|{alarm-symbol}|{title}", "01/01/2026", "31/12/2026")
    rows = [line.split("|") for line in listed.splitlines() if line.count("|") == 2]
    quarterly = "[phường Long Mỹ] Các doanh nghiệp tham gia phát triển hạ tầng số của phường báo cáo phòng Văn hóa – Xã hội"
    assert {d for d, _, t in rows if t == quarterly} == {"10/03/2026", "10/06/2026", "10/09/2026", "10/12/2026"}
    assert ("10/12/2026", "[xã Tịnh Thiện] Công chức Văn hóa – Xã hội xã báo cáo UBND thành phố") in {
        (d, t) for d, _, t in rows}
    assert rows and all(alarm.strip() for _, alarm, _ in rows)  # every occurrence has its reminder
