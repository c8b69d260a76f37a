"""Responsibilities extracted from the five corpus plans: every reporting line each plan states,
with actor, recipient, via, deadline and frequency exactly as the text says, plus the chủ trì /
phối hợp / tham mưu duties of the Tổ chức thực hiện sections."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.documents import Clause, Plan, PlanMetadata
from assistant.extract.cli import run_obligations
from assistant.extract.obligations import CONTRACT_FIELDS, extract_obligations
from assistant.ingest.pipeline import read_plan
from assistant.text import fold

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REPORTING = {"báo cáo", "gửi", "phản ánh", "phản hồi"}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {path.stem: read_plan(path) for path in sorted(CORPUS.glob("*.txt"))}


def reporting_lines(plan: Plan) -> list[tuple]:
    return [(o.clause, o.actor, o.role, o.recipient, o.via, o.deadline, o.frequency, o.recurrence,
             o.deadline_day, o.deadline_month)
            for o in extract_obligations(plan) if o.role in REPORTING]


def test_long_my_reporting_lines(plans):
    office = "Phòng Văn hóa - Xã hội"
    businesses = "Các doanh nghiệp tham gia phát triển hạ tầng số của phường"
    assert reporting_lines(plans["phuong-long-my"]) == [
        ("V.1-7", office, "báo cáo", "Sở Khoa học và Công nghệ và UBND thành phố", "", "trước ngày 15/12",
         "định kỳ năm", "yearly", 15, 12),
        ("V.1-7", office, "báo cáo", "UBND phường", "", "", "kịp thời", "adhoc", None, None),
        # units: yearly before 10/12 OR ad hoc — two lines from one sentence
        ("V.6-1", "các đơn vị", "báo cáo", "Phòng Văn hóa – Xã hội", "", "trước ngày 10 tháng 12",
         "định kỳ hàng năm", "yearly", 10, 12),
        ("V.6-1", "các đơn vị", "báo cáo", "Phòng Văn hóa – Xã hội", "", "", "đột xuất", "adhoc", None, None),
        # businesses: quarterly before the 10th of the quarter's last month AND yearly before 10/12
        ("V.6-2", businesses, "báo cáo", "phòng Văn hóa – Xã hội", "", "trước ngày 10 tháng cuối quý",
         "định kỳ hàng quý", "quarterly", 10, None),
        ("V.6-2", businesses, "báo cáo", "phòng Văn hóa – Xã hội", "", "trước ngày 10 tháng 12 hàng năm",
         "định kỳ hàng năm", "yearly", 10, 12),
        # difficulties go to the Phòng, which reports on to UBND phường
        ("V.6-3", "các cơ quan, đơn vị, các khu vực", "phản ánh", "Phòng Văn hóa - Xã hội", "", "", "", "",
         None, None),
        ("V.6-3", office, "báo cáo", "UBND phường", "", "", "", "", None, None),
    ]


def test_tinh_thien_reporting_lines(plans):
    assert reporting_lines(plans["xa-tinh-thien"]) == [
        ("VII.1.a", "Công chức Văn hóa – Xã hội xã", "báo cáo", "UBND thành phố",
         "Phòng Văn hóa và Thông tin thành phố", "trước ngày 10/12", "định kỳ hàng năm", "yearly", 10, 12),
        ("VII.4.a", "Công chức Địa chính – Xây dựng xã", "báo cáo", "UBND thành phố", "", "", "", "", None, None),
        ("Z-1", "các cán bộ, công chức xã và các doanh nghiệp viễn thông", "phản hồi", "UBND xã",
         "bộ phận Văn hóa – Xã hội xã", "", "", "", None, None),
    ]
    follow_up = [o for o in extract_obligations(plans["xa-tinh-thien"]) if o.clause == "Z-1" and o.role == "tham mưu"]
    assert [(o.actor, o.recipient) for o in follow_up] == [("bộ phận Văn hóa – Xã hội xã", "UBND xã")]


def test_muong_lay_reporting_lines(plans):
    office = "Phòng Văn hóa và Thông tin thị xã"
    assert reporting_lines(plans["thi-xa-muong-lay"]) == [
        ("V.1-1", office, "báo cáo", "UBND thị xã", "", "trước ngày 10 tháng 12 hằng năm", "định kỳ hàng năm",
         "yearly", 10, 12),
        ("V.1-1", office, "báo cáo", "UBND thị xã", "", "", "kịp thời", "adhoc", None, None),
        # the actor is the sentence's subject, not the heading "5. Các doanh nghiệp tham gia …"
        ("V.5-1", "các doanh nghiệp viễn thông trên địa bàn thị xã", "gửi", "UBND thị xã",
         "Phòng Văn hóa và Thông tin", "trước ngày 10 tháng 12 hằng năm", "hằng năm", "yearly", 10, 12),
    ]


def test_phu_my_reports_yearly_without_a_date(plans):
    """"định kỳ hàng năm báo cáo Ủy ban nhân dân (UBND) huyện": no date is given, none is invented."""
    assert reporting_lines(plans["thi-tran-phu-my"]) == [
        ("V.1-6", "Công chức Văn hoá – Xã hội", "báo cáo", "UBND huyện", "", "", "định kỳ hàng năm", "yearly",
         None, None),
        ("V.1-8", "Công chức Văn hoá – Xã hội", "báo cáo", "", "", "", "kịp thời", "adhoc", None, None),
    ]


def test_phu_son_ocr_reporting_line(plans):
    """The OCR scan has no diacritics and misreads ("bao cdo" for "báo cáo"); values stay as written."""
    assert reporting_lines(plans["phuong-phu-son-ocr"]) == [
        ("IV.1-3", "Cong chire Vian phong - thong ke", "báo cáo", "UBND Thi xa", "", "", "", "", None, None),
    ]


def duties(plan: Plan, clause: str) -> list[tuple[str, str, str]]:
    return [(o.actor, o.role, o.recipient) for o in extract_obligations(plan) if o.clause == clause]


def test_lead_coordinate_advise_duties(plans):
    assert duties(plans["xa-tinh-thien"], "VII.3-1") == [("Công chức Tài chính – Kế toán xã", "chủ trì", "")]
    assert duties(plans["xa-tinh-thien"], "VII.1.b")[0] == ("Công chức Văn hóa – Xã hội xã", "tham mưu",
                                                            "lãnh đạo UBND xã")
    assert duties(plans["thi-xa-muong-lay"], "V.1-1")[:2] == [
        ("Phòng Văn hóa và Thông tin thị xã", "chủ trì", ""), ("Phòng Văn hóa và Thông tin thị xã", "đầu mối", "")]
    assert duties(plans["thi-xa-muong-lay"], "V.2-1") == [("Phòng Tài chính - Kế hoạch thị xã", "tham mưu", "")]
    assert duties(plans["thi-xa-muong-lay"], "V.7-6") == [
        ("Các cơ quan, ban ngành, đoàn thể thị xã; UBND các xã, phường", "phối hợp", "")]
    assert duties(plans["phuong-long-my"], "V.1-1") == [("Phòng Văn hóa - Xã hội", "đầu mối", "UBND phường")]
    assert duties(plans["phuong-long-my"], "V.3-1") == [("Phòng Kinh tế, Hạ tầng và Đô thị", "tham mưu", "UBND phường")]
    assert duties(plans["phuong-long-my"], "V.4-1")[0][0] == "MTTQVN và ngành, đoàn thể phường"  # "Đề nghị" dropped
    assert duties(plans["thi-tran-phu-my"], "V.1-1") == [("Công chức Văn hoá – Xã hội", "chủ trì", "")]
    assert duties(plans["thi-tran-phu-my"], "V.2-2")[0] == ("Cán bộ Quản lý trật tự- Đô thị", "phối hợp", "")


def test_ocr_heading_with_colon_names_the_actor(plans):
    plan = plans["phuong-phu-son-ocr"]
    assert duties(plan, "IV.3") == [("Cong chire Tai chinh - ké toan", "phối hợp", ""),
                                    ("Cong chire Tai chinh - ké toan", "chủ trì", "UBND phuong")]
    assert duties(plan, "IV.2") == [("Cong chirc phu trach VH-XH", "thực hiện", "")]
    assert duties(plan, "IV.1-1") == [("Cong chire Vian phong - thong ke", "chủ trì", "")]
    assert duties(plan, "IV.1-2") == [("Cong chire Vian phong - thong ke", "phối hợp", "")]


def test_every_lead_clause_of_the_assigning_section_is_extracted(plans):
    """Each clause of Tổ chức thực hiện that opens with "Chủ trì" yields a chủ trì or report record."""
    for plan in plans.values():
        roles: dict[str, set[str]] = {}
        for o in extract_obligations(plan):
            roles.setdefault(o.clause, set()).add(o.role)
        leads = [c.id for c in plan.clauses
                 if any("to chuc thuc hien" in fold(h) for h in c.path)
                 and re.sub(r"^[a-z]\)\s*", "", fold(c.text)).startswith("chu tri")]
        assert leads, plan.source
        for clause_id in leads:
            assert roles.get(clause_id, set()) & {"chủ trì", "báo cáo"}, (plan.source, clause_id)


def test_records_keep_clause_text_and_document_order(plans):
    plan = plans["thi-xa-muong-lay"]
    found = extract_obligations(plan)
    order = {c.id: i for i, c in enumerate(plan.clauses)}
    assert [order[o.clause] for o in found] == sorted(order[o.clause] for o in found)
    texts = {c.id: c.text for c in plan.clauses}
    assert all(o.text == texts[o.clause] and o.source == plan.source for o in found)
    assert list(found[0].to_json())[:len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)


def _plan(*clauses: Clause) -> Plan:
    return Plan("test/ke-hoach.txt", PlanMetadata(), list(clauses))


def test_malformed_deadline_is_kept_as_written_and_flagged():
    section, item = "V. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa - Xã hội"
    plan = _plan(Clause("V", "section", section, (), (0, 20)),
                 Clause("V.1", "item", item, (section,), (21, 45)),
                 Clause("V.1-1", "bullet", "Định kỳ hằng năm báo cáo UBND quận trước ngày 31/2.", (section, item),
                        (46, 100)))
    [obligation] = extract_obligations(plan)
    assert (obligation.actor, obligation.role, obligation.recipient) == ("Phòng Văn hóa - Xã hội", "báo cáo", "UBND quận")
    assert obligation.deadline == "trước ngày 31/2"
    assert obligation.deadline_valid is False
    assert (obligation.deadline_day, obligation.deadline_month) == (None, None)
    assert (obligation.frequency, obligation.recurrence) == ("định kỳ hằng năm", "yearly")


def test_plan_without_assignments_yields_nothing():
    plan = _plan(Clause("I", "section", "I. MỤC ĐÍCH, YÊU CẦU", (), (0, 20)),
                 Clause("I-1", "paragraph", "Thực hiện nghiêm túc chế độ báo cáo, theo dõi tiến độ.",
                        ("I. MỤC ĐÍCH, YÊU CẦU",), (21, 80)))
    assert extract_obligations(plan) == []
    assert extract_obligations(_plan()) == []


def test_same_line_without_diacritics():
    section, item = "V. TO CHUC THUC HIEN", "1. Cong chuc Van hoa - Xa hoi"
    plan = _plan(Clause("V", "section", section, (), (0, 20)),
                 Clause("V.1", "item", item, (section,), (21, 45)),
                 Clause("V.1-1", "bullet", "Dinh ky hang nam truoc ngay 10/12, bao cao UBND thanh pho "
                        "(qua Phong Van hoa va Thong tin thanh pho) ve ket qua thuc hien.", (section, item), (46, 160)))
    [o] = extract_obligations(plan)
    assert (o.actor, o.role, o.recipient, o.via, o.deadline, o.frequency, o.recurrence, o.deadline_day,
            o.deadline_month) == ("Cong chuc Van hoa - Xa hoi", "báo cáo", "UBND thanh pho",
                                  "Phong Van hoa va Thong tin thanh pho", "truoc ngay 10/12", "dinh ky hang nam",
                                  "yearly", 10, 12)


# -- command line --------------------------------------------------------------------------------
class StubEngine:
    """What run_obligations needs from Engine: plans, and resolve_plan by name."""

    def __init__(self, plans: dict[str, Plan]) -> None:
        self.plans = list(plans.values())

    def resolve_plan(self, name: str) -> list[str]:
        return [p.source for p in self.plans if fold(name).replace(" ", "-") in fold(p.source)]


def args(**given) -> SimpleNamespace:
    return SimpleNamespace(**{"json": False, "csv": False, "plan": None, "actor": None, "ics": None, **given})


def test_cli_json_lines_in_contract_order(plans, capsys):
    assert run_obligations(StubEngine(plans), args(json=True, plan="muong lay")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(list(row)[:len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS) for row in rows)
    assert {row["source"] for row in rows} == {plans["thi-xa-muong-lay"].source}


def test_cli_actor_filter_ignores_case_and_diacritics(plans, capsys):
    assert run_obligations(StubEngine(plans), args(json=True, actor="PHONG VAN HOA VA THONG TIN")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and {row["actor"] for row in rows} == {"Phòng Văn hóa và Thông tin thị xã"}


def test_cli_csv_has_header(plans, capsys):
    import csv
    import io

    assert run_obligations(StubEngine(plans), args(csv=True, plan="tinh thien")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["actor"] == "Công chức Văn hóa – Xã hội xã"
    assert any(row["deadline"] == "trước ngày 10/12" for row in rows)


def test_cli_unknown_plan(plans, capsys):
    assert run_obligations(StubEngine(plans), args(plan="hà nội")) == 1
    assert capsys.readouterr().err.strip() == "assistant: plan 'hà nội': not found"


def test_cli_table_is_readable(plans, capsys):
    assert run_obligations(StubEngine(plans), args(plan="phu my")) == 0
    out = capsys.readouterr().out
    assert "UBND huyện" in out and "định kỳ hàng năm" in out


@pytest.mark.parametrize("text, name", [
    ("UBND thị xã kết quả thực hiện", "UBND thị xã"),
    ("UBND Thi xa vé tién do", "UBND Thi xa"),  # OCR, no diacritics
    ("Ủy ban nhân dân (UBND) huyện về việc triển khai", "UBND huyện"),
    ("Sở Khoa học và Công nghệ và UBND thành phố theo quy định", "Sở Khoa học và Công nghệ và UBND thành phố"),
    ("Phòng Văn hóa – Xã hội để tổng hợp", "Phòng Văn hóa – Xã hội"),
    ("bộ phận Văn hóa – Xã hội xã) để tổng hợp", "bộ phận Văn hóa – Xã hội xã"),
    ("Phòng Quản lý Đô thị thị xã tổ chức", "Phòng Quản lý Đô thị thị xã"),
    ("Chủ tịch UBND tỉnh Điện Biên.", "Chủ tịch UBND tỉnh Điện Biên"),
    ("Văn phòng HĐND và UBND huyện trước ngày 5/12", "Văn phòng HĐND và UBND huyện"),
    ("số liệu thống kê", ""),
])
def test_body_names(text, name):
    from assistant.extract.common import twin
    from assistant.extract.entities import body_text, match_bodies

    src, low = twin(text)
    assert body_text(src, match_bodies(src, low, 0)) == name


def test_bodies_outside_the_so_phong_tree_are_bodies_only_when_capitalised():
    from assistant.extract.entities import bodies_named

    text = ("Giao Thanh tra tỉnh chủ trì, phối hợp Ngân hàng Chính sách xã hội tỉnh, Liên đoàn Lao động "
            "tỉnh và Hội Nông dân xã; tổ chức hội nghị sơ kết, thanh tra việc chi trả")
    assert bodies_named(text) == ["Thanh tra tỉnh", "Ngân hàng Chính sách", "Liên đoàn Lao động tỉnh",
                                  "Hội Nông dân xã"]
