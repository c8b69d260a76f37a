"""Which plan a question names, when the number it gives is not one an indexed plan carries."""
from __future__ import annotations

from assistant.ingest.pipeline import read_plan
from assistant.plan_match import match_plans

# Two documents of one province, written for this test: a directive whose scan lost its number
# ("Số: 44" where the document is 11) and a decision on another topic that shares words with it.
DIRECTIVE = """ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN

Số: 44 /CT-UBND

CHỈ THỊ
Về việc tăng cường an toàn công trình cầu giao thông trong mùa mưa bão năm 2024

1. Chủ tịch UBND các xã rà soát các công trình cầu yếu, cầu tạm và báo cáo về Sở Xây dựng.
"""
DECISION = """ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN

Số: 1627/QĐ-UBND

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch kiểm kê tài sản kết cấu hạ tầng giao thông

Điều 1. Các xã báo cáo danh sách tài sản kết cấu hạ tầng giao thông cần sửa chữa về Sở Tài chính.
"""


def test_a_named_kind_of_document_outweighs_shared_words(tmp_path):
    (tmp_path / "chi-thi.txt").write_text(DIRECTIVE, encoding="utf-8")
    (tmp_path / "quyet-dinh.txt").write_text(DECISION, encoding="utf-8")
    plans = [read_plan(tmp_path / "chi-thi.txt"), read_plan(tmp_path / "quyet-dinh.txt")]
    # Most of the question's words are the decision's; "Chỉ thị" says which document it is.
    match = match_plans("Chỉ thị 11/CT-UBND của tỉnh Mẫu Sơn yêu cầu các xã báo cáo danh sách tài sản giao thông "
                        "cần sửa chữa về đâu?", plans)
    assert match.sources == [plans[0].source], match.scores
