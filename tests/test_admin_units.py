"""The administrative map (assistant.admin) over the data of the pinned vietnamadminunits
wheel: current names from several provinces, typed without diacritics or level words; units
of the old map with their successors; unknown names with suggestions; mentions in sentences;
the relations a question or a plan's metadata uses across the reform of 01/7/2025."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.admin import (
    ABOLISHED, COMMUNE, CURRENT, DISTRICT, PROVINCE, UNKNOWN, atlas, current_successor_label, is_province_name,
    match_units, predecessors, province_of, related_place_names, resolve, successors,
)
from assistant.admin.atlas import data_dir


# -- the data ---------------------------------------------------------------------------------
def test_the_map_ships_inside_the_installed_wheel_and_has_the_official_counts():
    folder = data_dir()
    assert "site-packages" in str(folder) and (folder / "dataset.db").stat().st_size > 1_000_000
    data = atlas()
    provinces = [u for u in data.current if u.tier == PROVINCE]
    communes = [u for u in data.current if u.tier == COMMUNE]
    assert len(provinces) == 34 and len(communes) == 3321
    assert {u.level for u in communes} == {"xã", "phường", "đặc khu"}
    old = [u for u in data.units.values() if not u.current]
    assert len([u for u in old if u.tier == PROVINCE]) == 63
    assert {u.level for u in old if u.tier == DISTRICT} == {"huyện", "quận", "thị xã", "thành phố"}
    assert data.unmapped == 0  # every old commune of the mapping is in the old table
    assert data.source.startswith("vietnamadminunits ")


# -- current names ----------------------------------------------------------------------------
@pytest.mark.parametrize("typed, full, province", [
    ("xã Tịnh Khê", "xã Tịnh Khê", "tỉnh Quảng Ngãi"),
    ("xa tinh khe", "xã Tịnh Khê", "tỉnh Quảng Ngãi"),
    ("Tịnh Khê", "xã Tịnh Khê", "tỉnh Quảng Ngãi"),
    ("phuong long my", "phường Long Mỹ", "thành phố Cần Thơ"),
    ("phường Long Mĩ", "phường Long Mỹ", "thành phố Cần Thơ"),  # i/y spelling
    ("UBND phường Sa Đéc", "phường Sa Đéc", "tỉnh Đồng Tháp"),
    ("phường Mường Lay", "phường Mường Lay", "tỉnh Điện Biên"),
    ("đặc khu Phú Quốc", "đặc khu Phú Quốc", "tỉnh An Giang"),
    ("Phường Hà Giang 1", "phường Hà Giang 1", "tỉnh Tuyên Quang"),
    ("TP.HCM", "thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh"),
    ("HCM", "thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh"),
    ("Hồ Chí Minh", "thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh"),
    ("tỉnh Đắk Lắk", "tỉnh Đắk Lắk", "tỉnh Đắk Lắk"),
    ("dak lak", "tỉnh Đắk Lắk", "tỉnh Đắk Lắk"),
    ("Cần Thơ", "thành phố Cần Thơ", "thành phố Cần Thơ"),
    ("tỉnh Phú Thọ", "tỉnh Phú Thọ", "tỉnh Phú Thọ"),
])
def test_current_units_resolve_with_or_without_diacritics_and_level_word(typed, full, province):
    found = resolve(typed)
    assert found.status == CURRENT, found.message()
    assert found.unit is not None and found.unit.full == full and found.unit.province == province


def test_a_shared_name_is_ambiguous_until_a_province_narrows_it():
    found = resolve("Hòa An")
    assert found.status == CURRENT and found.ambiguous and found.unit is None
    assert {u.province_name for u in found.units} == {"Cao Bằng", "Tuyên Quang", "Cần Thơ"}
    assert "nhiều nơi" in found.message() and "Cao Bằng" in found.message()
    assert resolve("xã Hòa An", province="Cần Thơ").unit.province == "thành phố Cần Thơ"
    assert resolve("xa hoa an, can tho").unit.province == "thành phố Cần Thơ"
    # an old province narrows to its successor: Hậu Giang is part of Cần Thơ now
    assert resolve("Hòa An", province="tỉnh Hậu Giang").unit.province == "thành phố Cần Thơ"


def test_typed_marks_are_respected_when_given():
    assert resolve("tinh thien").status == ABOLISHED  # "tinh" is read as Tịnh, not tỉnh
    assert resolve("Tỉnh Đắk Lắk").unit.tier == PROVINCE


# -- the old map -------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, old_level, successor", [
    ("xã Tịnh Thiện", "xã", "xã Tịnh Khê"),  # DESIGN §6
    ("tinh thien", "xã", "xã Tịnh Khê"),
    ("thị trấn Phú Mỹ, An Giang", "thị trấn", "xã Phú Tân"),
    ("phường Phú Sơn, thị xã Bỉm Sơn, Thanh Hóa", "phường", "phường Quang Trung"),
    ("thị xã Mường Lay", "thị xã", "phường Mường Lay"),
    ("tỉnh Phú Yên", "tỉnh", "tỉnh Đắk Lắk"),
    ("tỉnh Hậu Giang", "tỉnh", "thành phố Cần Thơ"),
    ("huyện Sơn Tịnh", "huyện", "xã Sơn Tịnh"),
    ("thành phố Quảng Ngãi", "thành phố", "phường Cẩm Thành"),
    ("TX. Hương Thủy", "thị xã", "phường Hương Thủy"),
])
def test_units_of_the_old_map_are_abolished_with_their_successors(typed, old_level, successor):
    found = resolve(typed)
    assert found.status == ABOLISHED, found.message()
    assert found.old_units and found.old_units[0].level == old_level and not found.old_units[0].current
    assert successor in [s.full for s in found.successors]
    assert all(s.current for s in found.successors)
    assert "không còn từ 01/7/2025" in found.message() and successor in found.message()


def test_abolished_district_message_names_the_current_units_and_province():
    message = resolve("thị xã Hương Thủy").message()
    assert message.startswith("thị xã Hương Thủy (thành phố Huế) không còn từ 01/7/2025; nay thuộc thành phố Huế:")
    for ward in ("phường Hương Thủy", "phường Phú Bài", "phường Thanh Thủy"):
        assert ward in message


def test_an_old_name_shared_by_two_units_lists_each_with_its_successor():
    found = resolve("phường Phú Sơn", province="Thanh Hóa")
    assert found.status == ABOLISHED and len(found.old_units) == 2
    message = found.message()
    assert "thị xã Bỉm Sơn" in message and "phường Quang Trung" in message and "phường Hạc Thành" in message


def test_older_names_from_the_data_aliases_are_old_units_not_unknown():
    # Phú Thị was merged into xã Phú Sơn (Gia Lâm) before 2025; the data keeps the name as an alias.
    found = resolve("xã Phú Thị", province="Hà Nội")
    assert found.status == ABOLISHED and "tên cũ" in found.old_units[0].note
    assert found.successors and all(s.province_name == "Hà Nội" for s in found.successors)


# -- unknown names ------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, suggestion", [
    ("Tinh Thein", "xã Tịnh Khê"),  # a typo of an old name: the successor is suggested
    ("phường Long Mỵ Xyz", "phường Long Mỹ"),
    ("Thừa Thiên Huế", "thành phố Huế"),  # renamed before the data was taken; its current name
    ("xã Tịnh Khe Moi", "xã Tịnh Khê"),
])
def test_unknown_names_get_the_nearest_current_names(typed, suggestion):
    found = resolve(typed)
    assert found.status == UNKNOWN
    assert suggestion in [s.full for s in found.suggestions], [s.full for s in found.suggestions]
    assert all(s.current for s in found.suggestions)
    assert "không có" in found.message() and suggestion in found.message()


def test_unknown_province_is_said_so():
    found = resolve("xã Tịnh Khê", province="tỉnh Không Có")
    assert not found.province_found and "không có tỉnh/thành phố" in found.message()


# -- relations ---------------------------------------------------------------------------------
def test_predecessors_and_successors_are_inverse():
    tinh_khe = resolve("xã Tịnh Khê").unit
    olds = predecessors(tinh_khe)
    assert {u.full for u in olds} == {"xã Tịnh Kỳ", "xã Tịnh Thiện", "xã Tịnh Châu", "xã Tịnh Khê", "xã Tịnh Long"}
    assert all(not u.current and u.district == "thành phố Quảng Ngãi" for u in olds)
    for old in olds:
        assert tinh_khe in successors(old)
    assert successors(tinh_khe) == [tinh_khe]
    assert predecessors(olds[0]) == []
    dak_lak = resolve("tỉnh Đắk Lắk").unit
    assert {u.full for u in predecessors(dak_lak)} == {"tỉnh Đắk Lắk", "tỉnh Phú Yên"}


def test_province_of_old_and_current_units():
    assert province_of("xã Tịnh Thiện").full == "tỉnh Quảng Ngãi"
    assert province_of("tỉnh Hậu Giang").full == "thành phố Cần Thơ"
    assert province_of("huyện Phú Tân") is None  # two huyện Phú Tân (An Giang, Cà Mau)
    assert province_of("huyện Phú Tân", province="An Giang").full == "tỉnh An Giang"


def test_related_place_names_for_questions_across_the_reform():
    assert related_place_names("xã Tịnh Khê")[0] == "xã Tịnh Khê"
    assert "xã Tịnh Thiện" in related_place_names("xã Tịnh Khê")
    assert related_place_names("xa tinh thien") == ["xã Tịnh Thiện", "xã Tịnh Khê"]
    assert "tỉnh Phú Yên" in related_place_names("Đắk Lắk")
    assert related_place_names("xã Không Có Gì") == ["xã Không Có Gì"]


def test_current_successor_label_for_plan_metadata():
    assert current_successor_label("xã Tịnh Thiện", "Quảng Ngãi") == \
        "xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi)"
    assert current_successor_label("thị xã Mường Lay", "Điện Biên") == \
        "thị xã Mường Lay (nay thuộc tỉnh Điện Biên: phường Mường Lay)"
    assert current_successor_label("thị trấn Phú Mỹ", "An Giang") == \
        "thị trấn Phú Mỹ (nay thuộc xã Phú Tân, tỉnh An Giang)"
    assert current_successor_label("phường Long Mỹ", "Cần Thơ") == "phường Long Mỹ"  # a current unit
    assert current_successor_label("xã Không Có Gì") == "xã Không Có Gì"


# -- mentions in text ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("UBND phường Sa Đéc ban hành kế hoạch", [("phường Sa Đéc", CURRENT)]),
    ("Ủy ban nhân dân tỉnh Lâm Đồng", [("tỉnh Lâm Đồng", CURRENT)]),
    ("UBND thành phố Cần Thơ", [("thành phố Cần Thơ", CURRENT)]),
    ("UBND tỉnh ĐẮK LẮK Do đó", [("tỉnh Đắk Lắk", CURRENT)]),
    ("ỦY BAN NHÂN DÂN\nTHỊ XÃ MƯỜNG LAY", [("thị xã Mường Lay", ABOLISHED)]),
    ("báo cáo UBND huyện Phú Tân, tỉnh An Giang", [("huyện Phú Tân", ABOLISHED), ("tỉnh An Giang", CURRENT)]),
    ("TP.HCM và TP. Cần Thơ", [("thành phố Hồ Chí Minh", CURRENT), ("thành phố Cần Thơ", CURRENT)]),
    ("ke hoach cua xa tinh thien nam 2025", [("xã Tịnh Thiện", ABOLISHED)]),
    ("Kế hoạch số 69-KH/ĐU của Đảng ủy xã Tịnh Ấn Tây", [("xã Tịnh Ấn Tây", ABOLISHED)]),
    ("UBND xã Hoa Sen Tím phối hợp", [("xã Hoa Sen Tím", UNKNOWN)]),
    ("phát triển kinh tế - xã hội của tỉnh; các xã, phường", []),
    ("tính toán số liệu cấp tỉnh", []),
])
def test_mentions_are_level_word_plus_a_name_checked_against_the_map(text, expected):
    mentions = match_units(text)
    assert [(m.full, m.status) for m in mentions] == expected


def test_a_mention_keeps_its_span_and_the_text_as_written():
    text = "Căn cứ Kế hoạch của UBND tỉnh ĐẮK LẮK Do Sở chủ trì"
    (mention,) = match_units(text)
    assert text[mention.start:mention.end] == mention.text == "tỉnh ĐẮK LẮK"
    assert mention.resolution.unit.full == "tỉnh Đắk Lắk"


def test_the_province_named_in_the_text_narrows_a_shared_name():
    (district, _) = match_units("UBND huyện Phú Tân, tỉnh Cà Mau")
    assert district.status == ABOLISHED and {u.province_name for u in district.resolution.old_units} == {"Cà Mau"}


def test_is_province_name():
    assert is_province_name("Đắk Lắk") and is_province_name("tỉnh Đắk Lắk") and is_province_name("TP.HCM")
    assert is_province_name("Hậu Giang")  # a province of the old map is still a province name
    assert not is_province_name("Hòa An") and not is_province_name("xã Tịnh Khê")
    assert not is_province_name("Đắk Lắk Do")
