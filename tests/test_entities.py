"""Names of bodies as sentences write them."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, bodies", [
    ("Sở Văn hóa, Thể thao và Du lịch là cơ quan đầu mối.", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Phòng Văn hóa, Khoa học và Thông tin báo cáo UBND xã.", ["Phòng Văn hóa, Khoa học và Thông tin", "UBND xã"]),
    # a list of bodies stays a list
    ("Sở Y tế, Sở Tài chính và UBND các xã phối hợp.", ["Sở Y tế", "Sở Tài chính", "UBND các xã"]),
    ("Giao Sở Nội vụ, Văn phòng UBND tỉnh và Sở Tư pháp.", ["Sở Nội vụ", "Văn phòng UBND tỉnh", "Sở Tư pháp"]),
])
def test_a_comma_inside_a_name_does_not_cut_it(text, bodies):
    from assistant.extract.entities import bodies_named

    assert bodies_named(text) == bodies
