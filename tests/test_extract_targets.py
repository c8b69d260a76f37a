"""Targets from the corpus: the Mường Lay appendix (one target per year column) and the bullets
under the MỤC TIÊU headings of every plan, with values as written and years from the headings."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.documents import Clause, Plan, PlanMetadata
from assistant.extract.cli import run_targets
from assistant.extract.targets import CONTRACT_FIELDS, Target, extract_targets
from assistant.ingest.pipeline import read_plan
from assistant.text import fold

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
YEARS = [("2022", "Thực hiện năm 2022"), ("2023", "Năm 2023"), ("2024", "Năm 2024"), ("2025", "Năm 2025"),
         ("2030", "Định hướng đến năm 2030")]


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {path.stem: read_plan(path) for path in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="module")
def targets(plans) -> dict[str, list[Target]]:
    return {name: extract_targets(plan) for name, plan in plans.items()}


def by_clause(found: list[Target], clause: str) -> list[tuple]:
    return [(t.indicator, t.comparator, t.value, t.unit, t.year, t.period_label) for t in found if t.clause == clause]


def row(found: list[Target], clause: str) -> list[tuple]:
    return [(t.year, t.period_label, t.comparator, t.value, t.unit) for t in found if t.clause == clause]


# -- Mường Lay appendix ------------------------------------------------------------------------------
def test_appendix_has_one_target_per_row_and_year_column(targets):
    rows = [t for t in targets["thi-xa-muong-lay"] if t.clause.startswith("PL.")]
    assert len({t.clause for t in rows}) == 21  # rows 1–20, with "16" numbered twice in the source
    assert len(rows) == 21 * 5  # Thực hiện 2022, Năm 2023, 2024, 2025, Định hướng 2030
    assert all((t.year, t.period_label) in YEARS for t in rows)


def test_appendix_mobile_broadband_speed(targets):
    found = targets["thi-xa-muong-lay"]
    assert row(found, "PL.I.4") == [(year, label, "", value, "Mbps") for (year, label), value
                                    in zip(YEARS, ["37,7", "42", "46", "50", "100"])]
    assert {t.indicator for t in found if t.clause == "PL.I.4"} == {
        "Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed)"}


def test_appendix_comparators_percent_cells_and_units(targets):
    found = targets["thi-xa-muong-lay"]
    assert row(found, "PL.I.2") == [(y, l, c, v, "%") for (y, l), (c, v)
                                    in zip(YEARS, [("", "65"), ("", "75"), ("", "80"), (">", "80"), ("", "100")])]
    assert row(found, "PL.I.16") == [(y, l, c, v, "%") for (y, l), (c, v)
                                     in zip(YEARS, [("", "20"), (">", "20"), (">", "30"), ("", "100"), ("", "100")])]
    assert row(found, "PL.I.11") == [(y, l, "", v, "thuê bao/100 dân") for (y, l), v
                                     in zip(YEARS, ["6", "6,5", "7", "12", "20"])]
    assert row(found, "PL.III.17") == [(y, l, ">", v, "%") for (y, l), v in zip(YEARS, ["50", "50", "60", "60", "95"])]
    assert row(found, "PL.III.18") == [(y, l, "", "Có", "Có/Không") for y, l in YEARS]
    assert {t.indicator for t in found if t.clause == "PL.II.16"} == {
        "Tỷ lệ hệ thống thông tin dùng chung cấp tỉnh có sử dụng dịch vụ điện toán đám mây"}


# -- bullets under MỤC TIÊU headings -----------------------------------------------------------------
def test_muong_lay_bullets_2025_and_2030(targets):
    found = [t for t in targets["thi-xa-muong-lay"] if not t.clause.startswith("PL.")]
    assert len(found) == 42
    assert by_clause(found, "II.1-5") == [("Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed)", "tối thiểu",
                                           "50", "Mbps", "2025", "Mục tiêu đến năm 2025")]
    assert by_clause(found, "II.1-1") == [("Số thuê bao băng rộng di động/100 dân", "", "100", "thuê bao/100 dân",
                                           "2025", "Mục tiêu đến năm 2025")]
    assert by_clause(found, "III.1-1") == [("Số thuê bao băng rộng di động/100 dân", "trên", "100",
                                            "thuê bao/100 dân", "2030", "Định hướng đến năm 2030")]
    # "… có điện thoại thông minh trên: 90%": the stray "trên" is the comparator
    assert by_clause(found, "III.1-3") == [("Tỷ lệ dân số trưởng thành có điện thoại thông minh", "trên", "90", "%",
                                            "2030", "Định hướng đến năm 2030")]
    assert by_clause(found, "III.2-2")[0][2:4] == ("01", "tài khoản")
    assert by_clause(found, "II.1-7") == []  # "Triển khai dịch vụ mạng di động 5G": no value


def test_phu_my_bullets(targets):
    found = targets["thi-tran-phu-my"]
    assert len(found) == 20 and {t.year for t in found} == {"2025"}
    assert by_clause(found, "II.1-4") == [("Tốc độ BRDD (tốc độ tải xuống theo i-Speed)", "đạt", "70", "Mbps",
                                           "2025", "Mục tiêu đến năm 2025")]
    assert by_clause(found, "II.2-4")[0][1:4] == ("đạt", "1", "Gbps")
    assert by_clause(found, "II.5-3")[0][2:4] == ("71,43", "%")
    # "Tỷ lệ dùng chung cột treo cáp: Giữa các DNVT đạt 15%; Liên ngành (…) đạt 100%": two targets
    assert [(t[0], t[2]) for t in by_clause(found, "II.2-7")] == [
        ("Tỷ lệ dùng chung cột treo cáp: Giữa các doanh nghiệp viễn thông (DNVT)", "15"),
        ("Tỷ lệ dùng chung cột treo cáp: Liên ngành (với giao thông, điện, nước chiếu sáng, xây dựng...)", "100")]


def test_tinh_thien_bullets(targets):
    found = targets["xa-tinh-thien"]
    assert len(found) == 9
    signature = "Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử"
    assert by_clause(found, "III.1-7") == [(signature, "trên", "30", "%", "2025", "Mục tiêu đến năm 2025")]
    assert by_clause(found, "III.2-5") == [(signature, "trên", "70", "%", "2030", "Mục tiêu đến năm 2030")]
    assert by_clause(found, "III.2-2")[0][2:5] == ("99", "%", "2030")
    assert by_clause(found, "III.1-5")[0][2:5] == ("01", "kết nối", "2025")
    # "Đảm bảo trên 90% cơ quan …" is a solution (V. GIẢI PHÁP), not a target
    assert not [t for t in found if t.clause.startswith("V.")]


def test_long_my_bullets_by_period(targets):
    found = targets["phuong-long-my"]
    assert len(found) == 12
    signature = "Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử"
    assert by_clause(found, "II.1.d-2") == [(signature, "trên", "50", "%", "2025-2026", "Giai đoạn 2025 – 2026")]
    assert by_clause(found, "II.2.d-2") == [("Tỷ lệ dân số trưởng thành trên địa bàn có chữ ký số hoặc chữ ký điện tử",
                                             "trên", "70", "%", "2030", "Mục tiêu đến năm 2030")]
    assert by_clause(found, "II.1.a-4")[0][1:5] == ("tối thiểu", "50", "%", "2025-2026")
    assert by_clause(found, "II.1.c-2")[0][1:5] == ("tối thiểu", "01", "thiết bị", "2026")  # "Phấn đấu đến năm 2026"
    assert by_clause(found, "II.2.c-2")[0][2:5] == ("02 đến 04", "kết nối", "2030")
    assert by_clause(found, "II.2.a-1")[0][:5] == (
        "người sử dụng có khả năng truy nhập cáp quang với tốc độ 1Gb/s trở lên", "", "100", "%", "2030")
    assert not [t for t in found if t.clause.startswith("III.")]  # NHIỆM VỤ, GIẢI PHÁP


def test_phu_son_ocr_bullets(targets):
    found = targets["phuong-phu-son-ocr"]
    assert len(found) == 8
    assert by_clause(found, "I.3.1-4") == [
        ("Ty 1& dan s6 truong thanh (tir 18 tudi tré 1én) co tai khoan dinh danh dién tu", "đạt", "80", "%", "2025",
         "Muc tiéu nam 2025")]
    assert by_clause(found, "I.3.1-5")[0][1:5] == ("trên", "50", "%", "2025")
    assert by_clause(found, "I.3.2-4")[0][1:6] == ("trên", "70", "%", "2030", "Muc tiéu dén nam 2030")
    assert by_clause(found, "I.3.1-3")[0][2:4] == ("01", "kết nối")  # OCR "két ndi"
    assert by_clause(found, "I.3.1-1")[0][2:4] == ("95", "%")


def test_json_fields_and_plan_without_targets(targets):
    target = targets["xa-tinh-thien"][0]
    assert list(target.to_json())[:len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    plan = Plan("t.txt", PlanMetadata(), [Clause("I", "section", "I. MỤC ĐÍCH", (), (0, 10)),
                                          Clause("I-1", "bullet", "Tăng 100% hiệu quả.", ("I. MỤC ĐÍCH",), (11, 30))])
    assert extract_targets(plan) == []


class StubEngine:
    def __init__(self, plans: dict[str, Plan]) -> None:
        self.plans = list(plans.values())

    def resolve_plan(self, name: str) -> list[str]:
        return [p.source for p in self.plans if fold(name).replace(" ", "-") in fold(p.source)]


def test_cli_targets(plans, capsys):
    engine = StubEngine(plans)
    assert run_targets(engine, SimpleNamespace(json=True, csv=False, plan="tinh thien")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 9 and all(list(r)[:len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS) for r in rows)
    assert run_targets(engine, SimpleNamespace(json=False, csv=True, plan="muong lay")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("source,clause,indicator,value,unit,year,text") and len(lines) == 1 + 147
    assert run_targets(engine, SimpleNamespace(json=False, csv=False, plan="atlantis")) == 1
    assert capsys.readouterr().err.strip() == "assistant: plan 'atlantis': not found"
