"""Issue 15: drafting in the two-tier local government (since 01/7/2025).

Each corpus plan (2023–2025, reporting to UBND huyện / thị xã / thành phố thuộc tỉnh) is drafted
for a current ward of another province dated 20/03/2026: the superior body is the province's
UBND, no unit of the abolished tier is left unmarked (checked with the administrative map on
the .docx paragraphs and table cells), the period starts in 2026 and no old target is kept
unreviewed. Questions by a current name reach the plans of its predecessors."""
from __future__ import annotations

import re

import pytest
from docx import Document

from assistant.admin import ABOLISHED, current_successor_label, match_units, reform_links, resolve
from assistant.draft import DraftError, DraftRequest, build_draft, write_docx
from assistant.text import fold
from tests.conftest import PLAN_FILES
from tests.test_draft import OLD_NAMES, folded_tokens

NEW = dict(locality="phuong sa dec", date="20/03/2026", signer="Lê Văn Hai", index="/nonexistent-index")
NOTE = re.compile(r"\[CẦN XEM LẠI:[^\]]*\]")
ABOLISHED_WORDS = re.compile(r"\b(?:huyện|quận|thị xã|thị trấn|huyện ủy|thị ủy)\b", re.IGNORECASE)
ABOLISHED_FOLDED = re.compile(r"\b(?:huyen|thi xa|thi tran)\b")


def cells(document) -> list[str]:
    """Every paragraph and every table cell of the .docx (recipients and signature live in a table)."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            out.extend(cell.text for cell in row.cells)
    return out


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-tier")
    out = {}
    for name, path in PLAN_FILES.items():
        draft = build_draft(DraftRequest(template=str(path), **NEW))
        target = write_docx(draft, folder / f"{name}.docx")
        out[name] = (draft, Document(str(target)))
    return out


# -- the map decides the units ------------------------------------------------------------------
def test_locality_typed_without_marks_becomes_the_official_unit_and_its_province(drafted):
    draft, document = drafted["long_my"]
    assert draft.locality.full == "phường Sa Đéc"
    header = document.tables[0].cell(0, 0)
    assert [p.text for p in header.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG SA ĐÉC"]
    assert any("cấp trên: UBND tỉnh Đồng Tháp" in line for line in draft.reviews)


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_the_superior_body_is_the_provinces_ubnd(drafted, name):
    draft, document = drafted[name]
    assert "UBND tỉnh Đồng Tháp" in "\n".join(cells(document))  # the basis to cite: the province's plan
    text = "\n".join(NOTE.sub(" ", t) for t in cells(document))
    for m in re.finditer(r"báo cáo (?:Ủy ban nhân dân \(UBND\)|UBND|Ủy ban nhân dân) (\w+(?: \w+)?)", text):
        assert m.group(1).split()[0] in {"tỉnh", "phường"}, m.group(0)


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_no_unit_of_the_abolished_tier_is_left_unmarked(drafted, name):
    _, document = drafted[name]
    for text in cells(document):
        notes = fold(" ".join(NOTE.findall(text)))
        rest = NOTE.sub(" ", text)
        for mention in match_units(rest):
            if mention.status == ABOLISHED:
                assert fold(mention.name) in notes or fold(mention.text) in notes, (name, mention.text, text[:300])
        for word in ABOLISHED_WORDS.finditer(rest):
            assert f"«{fold(word.group(0))}»" in notes or fold(word.group(0)) in notes, (name, word.group(0), text[:300])
        if name == "phu_son":  # the scan lost its marks: its level words are folded
            for word in ABOLISHED_FOLDED.finditer(fold(rest)):
                assert word.group(0) in notes, (name, word.group(0), text[:300])


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_no_old_locality_is_left(drafted, name):
    _, document = drafted[name]
    text = folded_tokens("\n".join(NOTE.sub(" ", t) for t in cells(document)))
    for role in ("locality", "parent"):
        for old in OLD_NAMES[name][role]:
            if name == "long_my" or (name == "muong_lay" and role == "parent"):
                continue  # their superior (Cần Thơ, Điện Biên) is a province: replaced by Đồng Tháp, checked below
            assert folded_tokens(old) not in text, f"{name}: {role} {old!r} left"
    assert folded_tokens("Cần Thơ") not in text and folded_tokens("Điện Biên") not in text


def test_bodies_of_the_abolished_tier_become_review_notes_quoting_them(drafted):
    _, phu_my = drafted["phu_my"]
    text = "\n".join(cells(phu_my))
    assert "[CẦN XEM LẠI: «Phòng VH-TT huyện» không còn từ 01/7/2025; ghi cơ quan nay thay thế (sở, ngành của " \
           "tỉnh Đồng Tháp hoặc phòng chuyên môn của phường Sa Đéc)]" in text  # a recipient
    assert "«Công an huyện» không còn từ 01/7/2025" in text and "Công an tỉnh Đồng Tháp" in text
    assert "báo cáo Ủy ban nhân dân (UBND) tỉnh" in text  # the reporting line: certain
    _, tinh_thien = drafted["tinh_thien"]
    assert "«Phòng VH TT TP» không còn từ 01/7/2025" in "\n".join(cells(tinh_thien))  # thành phố thuộc tỉnh


def test_signature_block_and_recipients_hold_no_old_body(drafted):
    for name, (draft, _) in drafted.items():
        assert draft.signature_titles[0] == "TM. ỦY BAN NHÂN DÂN"
        for line in draft.recipients:
            plain = "".join(s.text for s in line if not s.review)
            assert not ABOLISHED_WORDS.search(plain), (name, plain)


# -- period and targets -------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_a_draft_dated_2026_has_a_period_starting_2026(drafted, name):
    draft, _ = drafted[name]
    assert draft.period.startswith("2026")
    summary = "".join(s.text for s in draft.summary if not s.review)
    assert all(int(y) >= 2026 for y in re.findall(r"\b20\d\d\b", summary)), summary


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_no_old_target_is_kept_unreviewed(drafted, name):
    draft, document = drafted[name]
    blocks = {b.clause: b for b in draft.body if b.clause}
    for target in draft.targets:
        assert target.year_certain or target.template_year == target.year
        if target.year_certain and target.year:
            assert int(re.findall(r"20\d\d", target.year)[0]) >= 2026, target
        block = blocks[target.clause]
        assert any(s.highlight for s in block.segments), block.text  # the old value is highlighted
    if draft.targets:
        table = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == ["TT", "Chỉ tiêu", "Giá trị"])
        for row in table.rows[1:]:
            value, year = row.cells[2], row.cells[4]
            assert value.paragraphs[0].runs[0].font.highlight_color is not None
            years = [int(y) for y in re.findall(r"20\d\d", year.text)]
            assert not years or years[0] >= 2026 or "CẦN XEM LẠI" in year.text, year.text


def test_template_period_phrases_are_carried_forward(drafted):
    phu_my, _ = drafted["phu_my"]
    assert "giai đoạn 2026 - 2030" in "".join(s.text for s in phu_my.summary)
    closing = "\n".join(b.text for b in phu_my.body)
    assert "giai đoạn 2026-2030" in closing and "2023-2025" not in closing
    assert "MỤC TIÊU ĐẾN NĂM 2030" in closing
    tinh_thien, _ = drafted["tinh_thien"]
    assert "".join(s.text for s in tinh_thien.summary).endswith("đến năm 2030")  # "2025 và định hướng 2030" folded
    body = "\n".join(b.text for b in tinh_thien.body)
    # a cited document keeps its own title and years
    assert "Kế hoạch số 20/KH-UBND ngày 23/01/2025" in body and "đến năm 2025 và định hướng đến năm 2030" in body
    muong_lay, _ = drafted["muong_lay"]
    assert muong_lay.appendix and any("CẦN XEM LẠI" in s.text for s in muong_lay.appendix.note)


def test_period_option_sets_the_period():
    draft = build_draft(DraftRequest(template=str(PLAN_FILES["phu_my"]), period="2026-2028", **NEW))
    assert draft.period == "2026 - 2028"
    assert "giai đoạn 2026 - 2028" in "".join(s.text for s in draft.summary)


# -- refused and accepted units ----------------------------------------------------------------
@pytest.mark.parametrize("changes, option, words", [
    (dict(parent="thị xã Hương Thủy"), "--parent", "nay thuộc thành phố Huế: phường Phú Bài"),
    (dict(parent="tỉnh An Giang"), "--parent", "thuộc tỉnh Đồng Tháp; cấp trên là UBND tỉnh Đồng Tháp"),
    (dict(locality="thi tran Phu My", province="An Giang"), "--locality", "nay thuộc xã Phú Tân, tỉnh An Giang"),
    (dict(locality="xã Tịnh Thiện"), "--locality", "nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi"),
    (dict(locality="phường Long Mĩ Xyz"), "--locality", "tên gần nhất: phường Long Mỹ (Cần Thơ)"),
    (dict(province="tỉnh Hậu Giang", locality="phường Vị Thanh"), "--province", "nay là thành phố Cần Thơ"),
    (dict(locality="Cần Thơ"), "--locality", "không phải xã, phường hay đặc khu"),
])
def test_units_off_the_current_map_are_refused_with_what_they_became(changes, option, words):
    with pytest.raises(DraftError) as error:
        build_draft(DraftRequest(template=str(PLAN_FILES["long_my"]), **{**NEW, **changes}))
    assert error.value.option == option and words in error.value.reason, error.value.reason
    assert error.value.vietnamese


def test_a_draft_dated_before_the_reform_keeps_the_old_units():
    draft = build_draft(DraftRequest(template=str(PLAN_FILES["phu_my"]), locality="xã Tịnh Thiện",
                                     parent="thành phố Quảng Ngãi", province="Quảng Ngãi", date="05/03/2025",
                                     index="/nonexistent-index"))
    assert draft.locality.full == "xã Tịnh Thiện"
    text = "\n".join(b.text for b in draft.body)
    assert "UBND thành phố" in text and "không còn từ 01/7/2025" not in text
    assert not draft.period.startswith("2026")


# -- questions and metadata across the reform --------------------------------------------------
def _successor_question(plan) -> str | None:
    found = resolve(plan.metadata.locality, province=plan.metadata.province or None)
    if found.status != ABOLISHED or not found.successors:
        return None
    unit = found.successors[-1] if len(found.old_units) > 1 else found.successors[0]
    return f"Kế hoạch hạ tầng số của {unit.full}, {unit.province} đặt mục tiêu gì?"


def test_a_question_by_a_current_name_reaches_the_predecessors_plan():
    from assistant.ingest.pipeline import read_plan
    from assistant.question import plans_named

    plans = [read_plan(path) for path in PLAN_FILES.values()]
    reached = 0
    for plan in plans:
        question = _successor_question(plan)
        if question is None:
            continue
        names = [n for link in reform_links(question) for n in link.names()]
        assert plan.source in plans_named(" ; ".join(names), plans), (plan.source, question, names)
        reached += 1
    assert reached >= 3  # Tịnh Thiện → Tịnh Khê, Phú Mỹ → Phú Tân, Mường Lay → phường Mường Lay, …


def test_metadata_label_shows_the_unit_as_written_with_its_successor():
    from assistant.ingest.pipeline import read_plan

    labels = {}
    for name, path in PLAN_FILES.items():
        meta = read_plan(path).metadata
        labels[name] = current_successor_label(meta.locality, meta.province)
    assert labels["tinh_thien"] == "xã Tịnh Thiện (nay thuộc xã Tịnh Khê, tỉnh Quảng Ngãi)"
    assert labels["phu_my"] == "thị trấn Phú Mỹ (nay thuộc xã Phú Tân, tỉnh An Giang)"
    assert labels["muong_lay"].startswith("thị xã Mường Lay (nay thuộc tỉnh Điện Biên: phường Mường Lay")
    assert labels["long_my"] == "phường Long Mỹ"  # a current ward
