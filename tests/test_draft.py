"""Drafting a new ward plan from each corpus plan (issue 7): names replaced, structure kept,
review notes where nothing can be filled safely, the Nghị định 30 layout read back from the
.docx, and bad input refused without leaving a file behind."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from assistant.draft import DraftError, DraftRequest, build_draft, to_markdown, write_docx
from assistant.text import fold
from tests.conftest import PLAN_FILES, run_cli

REQUEST = dict(locality="phường Hòa Thành", parent="tỉnh Tây Ninh", province="Tây Ninh",
               based_on="Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND tỉnh Tây Ninh", number="15",
               date="05/03/2026", signer="Trần Thị Bình", signer_title="Phó Chủ tịch")
# The template's own names, as they appear in the file (the OCR scan also misreads them).
OLD_NAMES = {
    "phu_my": {"locality": ["Phú Mỹ"], "parent": ["Phú Tân"], "signer": ["Lý Minh Châu"]},
    "tinh_thien": {"locality": ["Tịnh Thiện"], "parent": ["Quảng Ngãi"], "signer": ["Đào Duy Phúc"]},
    "muong_lay": {"locality": ["Mường Lay"], "parent": ["Điện Biên"], "signer": ["Chui Văn Thành"]},
    "phu_son": {"locality": ["Phu Son", "Pha Son", "Phii Son"], "parent": ["Bim Son", "Thanh Hoa"],
                "signer": ["Nguyén Xuin LAm"]},
    "long_my": {"locality": ["Long Mỹ"], "parent": ["Cần Thơ"], "signer": ["Nguyễn Văn Chì"]},
}
HEADING_STYLES = {"KH Mục I", "KH Mục 1", "KH Mục 1.1"}


def folded_tokens(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """name → (plan, draft, path of the .docx, the .docx read back)."""
    from assistant.ingest.pipeline import read_plan

    folder = tmp_path_factory.mktemp("drafts")
    out = {}
    for name, path in PLAN_FILES.items():
        plan = read_plan(path)
        draft = build_draft(DraftRequest(template=str(path), **REQUEST))
        target = write_docx(draft, folder / f"{name}.docx")
        out[name] = (plan, draft, target, Document(str(target)))
    return out


# -- names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_no_trace_of_the_old_names(drafted, name):
    _, _, _, document = drafted[name]
    text = folded_tokens(docx_text(document))
    for role, olds in OLD_NAMES[name].items():
        for old in olds:
            assert folded_tokens(old) not in text, f"{name}: {role} {old!r} left in the draft"


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_new_names_stand_where_the_old_ones_stood(drafted, name):
    plan, draft, _, document = drafted[name]
    old = [folded_tokens(o) for o in OLD_NAMES[name]["locality"]]
    blocks = {b.clause: b.text for b in draft.body if b.clause}
    changed = 0
    for clause in plan.clauses:
        if clause.id in blocks and any(o in folded_tokens(clause.text) for o in old):
            assert "Hòa Thành" in blocks[clause.id], f"{name} {clause.id}: {blocks[clause.id][:200]}"
            changed += 1
    assert changed >= 1
    text = docx_text(document)
    assert "PHƯỜNG HÒA THÀNH" in text and "Hòa Thành, ngày 05 tháng 3 năm 2026" in text
    assert "Số: 15/KH-UBND" in text
    assert "Trần Thị Bình" in text
    assert "Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND tỉnh Tây Ninh" in text
    if any(o in folded_tokens(plan.metadata.title) for o in old):
        assert "Hòa Thành" in "".join(s.text for s in draft.summary)


def test_level_words_follow_the_new_level(drafted):
    text = docx_text(drafted["tinh_thien"][3])
    assert "Công chức Tài chính – Kế toán phường" in text
    assert not re.search(r"\bUBND xã\b", text)
    assert "xã hội" in text  # "xã" of "xã hội" is not a level word
    for name, level in (("phu_my", "thị trấn"), ("muong_lay", "thị xã")):
        body = "\n".join(b.text for b in drafted[name][1].body)
        assert level not in body, f"{name}: {level!r} left"
    muong_lay = docx_text(drafted["muong_lay"][3])
    assert "Thị ủy" not in muong_lay and "Đảng ủy phường Hòa Thành" in muong_lay


def test_party_and_superior_units_by_level(drafted):
    text = docx_text(drafted["tinh_thien"][3])
    assert "Tỉnh ủy Tây Ninh" in text  # was "Thành ủy Quảng Ngãi"
    assert "UBND tỉnh Tây Ninh" in text


# -- structure ------------------------------------------------------------------------------------
def _label(text: str) -> str:
    m = re.match(r"^\s*([IVXLC]+\.|\d+(?:\.\d+)*\.?)", text)
    return m.group(1).rstrip(".") if m else text[:12]


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_heading_structure_equals_the_templates(drafted, name):
    plan, _, _, document = drafted[name]
    expected = [_label(c.text) for c in plan.clauses
                if c.kind in {"section", "item", "subitem", "subsubitem"} and not c.id.startswith("PL")]
    got = [_label(p.text) for p in document.paragraphs if p.style.name in HEADING_STYLES]
    assert got == expected
    for p in document.paragraphs:
        if p.style.name in HEADING_STYLES:
            assert p.runs[0].font.bold, p.text


# -- review notes ---------------------------------------------------------------------------------
def test_targets_become_a_table_and_values_are_marked(drafted):
    _, draft, _, document = drafted["phu_my"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT" and len(t.columns) == 5)
    assert [c.text for c in table.rows[0].cells] == ["TT", "Chỉ tiêu", "Giá trị", "Đơn vị", "Năm"]
    assert len(table.rows) == len(draft.targets) + 1 >= 10
    values = [row.cells[2] for row in table.rows[1:]]
    assert all(cell.paragraphs[0].runs[0].font.highlight_color is not None for cell in values)
    # In the body, the value of "Số thuê bao BRDD/100 dân đạt 75%" is highlighted, with a note.
    body = [p for p in document.paragraphs if "BRDD/100 dân" in p.text]
    assert any(r.font.highlight_color is not None and "75" in r.text for p in body for r in p.runs)
    assert "CẦN XEM LẠI: các giá trị chỉ tiêu" in docx_text(document)


def test_appendix_rows_are_kept_as_an_editable_table(drafted):
    _, draft, _, document = drafted["muong_lay"]
    assert draft.appendix is not None
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Các chỉ tiêu")
    assert len(table.rows) == len(draft.appendix.rows) + 1
    text = docx_text(document)
    assert "(Kèm theo Kế hoạch số: 15/KH-UBND ngày 05 tháng 3 năm 2026 của UBND phường Hòa Thành)" in text


def test_units_other_places_and_old_references_are_marked(drafted):
    tinh_thien = docx_text(drafted["tinh_thien"][3])
    assert "«xã Tịnh Ấn Tây»" in tinh_thien  # another commune named in the template
    assert "kế hoạch mẫu thay thế một kế hoạch cũ" in tinh_thien
    assert "số, ngày của văn bản dẫn chiếu" in tinh_thien  # "Kế hoạch số 20/KH-UBND … của UBND tỉnh Tây Ninh"
    phu_my = docx_text(drafted["phu_my"][3])
    assert "«Phòng Văn hoá – Thông tin»" in phu_my
    ocr = docx_text(drafted["phu_son"][3])
    assert "bản quét (OCR)" in ocr


def test_what_is_not_given_is_marked_not_kept(tmp_path):
    draft = build_draft(DraftRequest(template=str(PLAN_FILES["tinh_thien"]), locality="phường Hòa Thành, Tây Ninh",
                                     date="05/03/2024"))  # before the reform: no default superior
    text = "\n".join(b.text for b in draft.body)
    assert "[CẦN XEM LẠI: số, ngày, trích yếu kế hoạch của cấp trên" in text
    assert "[CẦN XEM LẠI: tên đơn vị cấp trên" in text
    assert "CẦN XEM LẠI" in "".join(s.text for s in draft.signer)
    assert draft.number_line == "Số:       /KH-UBND"
    assert folded_tokens("Quảng Ngãi") not in folded_tokens(text)
    assert folded_tokens("Đào Duy Phúc") not in folded_tokens(text)


def test_signature_titles():
    chair = build_draft(DraftRequest(template=str(PLAN_FILES["long_my"]), locality="xã Tân Phú", province="Đồng Nai",
                                     signer_title="Chủ tịch"))
    assert chair.signature_titles == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert chair.issuer == ["ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ"]
    body = "\n".join(b.text for b in chair.body)
    assert "phường" not in body.replace("xã, phường", "")  # phường → xã


# -- format (Nghị định 30/2020/NĐ-CP) -------------------------------------------------------------
def _runs(paragraphs):
    return [r for p in paragraphs for r in p.runs if r.text.strip()]


@pytest.mark.parametrize("name", list(PLAN_FILES))
def test_decree_format(drafted, name):
    _, draft, _, document = drafted[name]
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    def within(value, low, high):  # Word stores margins in twips: allow the rounding (< 0.02 mm)
        return Mm(low - 0.02) <= value <= Mm(high + 0.02)

    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)

    every_run = _runs(document.paragraphs) + [r for t in document.tables for row in t.rows for c in row.cells
                                               for r in _runs(c.paragraphs)]
    assert every_run and all(r.font.name == "Times New Roman" for r in every_run)

    header = document.tables[0]
    issuer = header.cell(0, 0)
    assert [p.text for p in issuer.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG HÒA THÀNH"]
    assert all(r.font.bold and Pt(12) <= r.font.size <= Pt(13) for r in _runs(issuer.paragraphs))
    right = [p for p in header.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in right] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.font.bold for r in _runs(right))
    assert Pt(12) <= right[0].runs[0].font.size <= Pt(13) and Pt(13) <= right[1].runs[0].font.size <= Pt(14)
    number = header.cell(1, 0).paragraphs[0]
    assert number.text == "Số: 15/KH-UBND" and number.runs[0].font.size == Pt(13)
    place = header.cell(1, 1).paragraphs[0]
    assert place.text.startswith("Hòa Thành, ngày") and all(r.font.italic for r in place.runs)
    assert Pt(13) <= place.runs[0].font.size <= Pt(14)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for c in (issuer, header.cell(0, 1)) for p in c.paragraphs)

    title = next(p for p in document.paragraphs if p.text == "KẾ HOẠCH")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.bold
    elements = [p._p for p in document.paragraphs]
    summary = document.paragraphs[elements.index(title._p) + 1]
    assert summary.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.font.bold for r in _runs([summary]))

    body = [p for p in document.paragraphs[elements.index(summary._p) + 2:]
            if p.text.strip() and p.style.name not in HEADING_STYLES]
    body = body[:len([b for b in draft.body if not b.kind.startswith("heading")])]
    assert body and all(Pt(13) <= r.font.size <= Pt(14) for r in _runs(body))
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in body)

    closing = next(t for t in document.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    left = [p for p in closing.cell(0, 0).paragraphs if p.text]
    head = left[0].runs[0]
    assert head.font.bold and head.font.italic and head.font.size == Pt(12)
    recipients = left[1:]
    assert all(r.font.size == Pt(11) for r in _runs(recipients))
    assert all(p.text.startswith("- ") for p in recipients)
    assert all(p.text.endswith(";") for p in recipients[:-1])
    assert recipients[-1].text.startswith("- Lưu: VT")
    sign = [p for p in closing.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in sign] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Bình"]
    assert all(r.font.bold and Pt(13) <= r.font.size <= Pt(14) for r in _runs(sign))
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in sign)


def test_markdown_preview_matches_the_draft(drafted):
    _, draft, _, _ = drafted["long_my"]
    text = to_markdown(draft)
    assert "**PHƯỜNG HÒA THÀNH**" in text and "***Nơi nhận:***" in text and "**Trần Thị Bình**" in text
    assert folded_tokens("Long Mỹ") not in folded_tokens(text.split("-->", 1)[1])


def test_auto_picks_the_most_similar_plan():
    draft = build_draft(DraftRequest(template="auto", locality="phường Ninh Kiều", parent="thành phố Cần Thơ",
                                     index="/nonexistent-index"))
    assert draft.template.endswith("phuong-long-my.txt")
    assert "cùng cấp phường" in draft.why and "Cần Thơ" in draft.why
    commune = build_draft(DraftRequest(template="auto", locality="xã Tân Phú", province="Đồng Nai",
                                       index="/nonexistent-index"))
    assert commune.template.endswith("xa-tinh-thien.txt") and "cùng cấp xã" in commune.why


def test_template_by_name():
    draft = build_draft(DraftRequest(template="thi-xa-muong-lay", locality="phường Hòa Thành, Tây Ninh",
                                     index="/nonexistent-index"))
    assert draft.template.endswith("thi-xa-muong-lay.txt")


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, request_kwargs, reason", [
    ("--template", dict(template="no-such-plan"), "no plan"),
    ("--locality", dict(locality="Hòa Thành"), "có ở nhiều nơi"),
    ("--locality", dict(locality="xã Tịnh Thiện"), "không còn từ 01/7/2025; nay thuộc xã Tịnh Khê"),
    ("--parent", dict(parent="thị xã Hương Thủy"), "thị xã Hương Thủy (thành phố Huế) không còn từ 01/7/2025"),
    ("--period", dict(period="2030-2026"), "two years in order"),
    ("--date", dict(date="31/02/2026"), "does not exist"),
    ("--date", dict(date="2026-03-05x"), "dd/mm/yyyy"),
])
def test_library_refuses_bad_input(field, request_kwargs, reason):
    kwargs = dict(template=str(PLAN_FILES["long_my"]), locality="phường Hòa Thành, Tây Ninh", index="/nonexistent-index")
    kwargs.update(request_kwargs)
    with pytest.raises(DraftError) as error:
        build_draft(DraftRequest(**kwargs))
    assert error.value.option == field and reason in error.value.reason


@pytest.mark.parametrize("args, option, reason", [
    (["--template", "khong-co-ke-hoach-nay"], "--template", "no plan"),
    (["--locality", "Hòa Thành"], "--locality", "có ở nhiều nơi"),
    (["--parent", "thị xã Hương Thủy"], "--parent", "không còn từ 01/7/2025; nay thuộc thành phố Huế"),
    (["--locality", "phường Hoa Sen Tím"], "--locality", "không có “phường Hoa Sen Tím”"),
    (["--date", "31/02/2026"], "--date", "does not exist"),
])
def test_cli_bad_input_leaves_nothing(tmp_path, args, option, reason):
    out = tmp_path / "draft.docx"
    base = {"--template": "corpus/phuong-long-my.txt", "--locality": "phường Hòa Thành, Tây Ninh"}
    base.update(dict(zip(args[::2], args[1::2])))
    argv = ["draft", *[x for kv in base.items() for x in kv], "--out", str(out), "--index", str(tmp_path / "none")]
    result = run_cli(*argv)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and reason in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_the_draft(tmp_path):
    out = tmp_path / "draft.docx"
    result = run_cli("draft", "--template", "auto", "--locality", "ninh kieu", "--parent", "thành phố Cần Thơ",
                     "--date", "05/03/2026", "--signer", "Trần Thị Bình", "--out", str(out), "--markdown",
                     "--index", str(tmp_path / "none"))
    assert result.returncode == 0, result.stderr
    assert "phuong-long-my.txt" in result.stderr and "cùng cấp phường" in result.stderr
    assert "**PHƯỜNG NINH KIỀU**" in result.stdout  # the official spelling, from a name typed without marks
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == ["draft.docx"]
    assert "PHƯỜNG NINH KIỀU" in docx_text(Document(str(out)))


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import docx.document

    draft = build_draft(DraftRequest(template=str(PLAN_FILES["long_my"]), locality="phường Hòa Thành, Tây Ninh"))

    def broken_save(self, path):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OSError):
        write_docx(draft, tmp_path / "draft.docx")
    assert list(tmp_path.iterdir()) == []
