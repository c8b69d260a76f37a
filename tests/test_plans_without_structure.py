"""Plans a user may upload that have none of a plan's usual parts: no header, no numbering, only a
task table, a header in English. Each is ingested and answerable, and the metadata fields it lacks
stay empty: nothing is invented from the body."""
from __future__ import annotations

import pytest

from tests.conftest import run_cli

PLANS = {
    "khong-tieu-de.txt": (
        "1. Phòng Kinh tế chủ trì rà soát các hợp tác xã nông nghiệp, hoàn thành trước ngày 30/6/2026.\n"
        "2. Phòng Tài chính - Kế hoạch phối hợp bố trí kinh phí thực hiện.\n"
        "3. Các thôn báo cáo kết quả về UBND xã trước ngày 15/11/2026.\n"),
    "khong-danh-so.txt": (
        "Để bảo đảm an toàn thực phẩm trong dịp Tết, Ủy ban nhân dân xã yêu cầu các đơn vị thực hiện tốt các "
        "nội dung sau.\n\n"
        "Trạm Y tế xã chủ trì kiểm tra các cơ sở kinh doanh thực phẩm trên địa bàn, hoàn thành trước ngày "
        "20/01/2026.\n\n"
        "Công an xã phối hợp xử lý các trường hợp vi phạm.\n\n"
        "Trạm Y tế xã tổng hợp, báo cáo kết quả về Ủy ban nhân dân xã trước ngày 25/01/2026.\n"),
    "chi-co-bang.md": (
        "| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Cập nhật cơ sở dữ liệu hộ nghèo | Phòng Văn hóa - Xã hội | UBND các thôn | Tháng 3/2026 |\n"
        "| 2 | Tập huấn cán bộ giảm nghèo | Phòng Văn hóa - Xã hội | Hội Nông dân xã | Quý II/2026 |\n"
        "| 3 | Tổng kết công tác giảm nghèo | Văn phòng HĐND và UBND | Các đoàn thể | Tháng 12/2026 |\n"),
    "tieu-de-tieng-anh.txt": (
        "PEOPLE'S COMMITTEE OF BINH MINH COMMUNE\nNo.: 45/KH-UBND\nBinh Minh, 10 March 2026\n\n"
        "PLAN\nOn digital transformation in 2026\n\nI. TASKS\n"
        "1. Phòng Kinh tế chủ trì xây dựng cổng thông tin điện tử của xã, hoàn thành trước ngày 30/9/2026.\n"
        "2. Văn phòng HĐND và UBND báo cáo kết quả về Sở Khoa học và Công nghệ trước ngày 15/12/2026.\n"),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from assistant.engine import Engine

    folder = tmp_path_factory.mktemp("plans")
    for name, text in PLANS.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    run_cli("ingest", str(folder), "--index", str(index), "--quiet", check=True)
    return Engine.open(index)


def test_every_plan_is_ingested_and_lacks_what_it_does_not_write(engine):
    assert sorted(p.source.rsplit("/", 1)[-1] for p in engine.plans) == sorted(PLANS)
    for plan in engine.plans:
        meta = plan.metadata
        assert plan.clauses, plan.source
        # No signature block, no Vietnamese place-date line: no signer, no date, no locality.
        assert (meta.signer, meta.issue_date, meta.locality) == ("", "", ""), plan.source
        # A number only where one is written ("No.: 45/KH-UBND"), never made up.
        assert meta.number in ("", "45/KH-UBND") and (meta.number == "" or plan.source.endswith("anh.txt"))


@pytest.mark.parametrize("question, must", [
    ("Ai chủ trì rà soát các hợp tác xã nông nghiệp, trước ngày nào?", ["Phòng Kinh tế", "30/6/2026"]),
    ("Trạm Y tế xã báo cáo kết quả kiểm tra an toàn thực phẩm cho ai, trước ngày nào?",
     ["Ủy ban nhân dân xã", "25/01/2026"]),
    ("Ai chủ trì tập huấn cán bộ giảm nghèo và ai phối hợp?", ["Phòng Văn hóa - Xã hội", "Hội Nông dân xã"]),
    ("Cổng thông tin điện tử của xã Bình Minh do ai xây dựng, hoàn thành khi nào?", ["Phòng Kinh tế", "30/9/2026"]),
])
def test_each_plan_answers_from_its_body(engine, question, must):
    answer = engine.ask(question)
    assert answer.grounded, answer.answer
    assert all(m in answer.answer for m in must), answer.answer


def test_who_signed_is_not_found_where_no_one_signed(engine):
    answer = engine.ask("Kế hoạch rà soát hợp tác xã nông nghiệp do ai ký, ngày nào?")
    assert not answer.grounded
