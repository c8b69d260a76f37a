"""Draft → .docx in the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I), written atomically.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; body 14; header block
as a borderless two-column table (issuing body and number left; national title, motto and the
italic place-and-date line right); "KẾ HOẠCH" and the summary centred bold; Roman/number headings
bold; "Nơi nhận:" bold italic 12 with recipients 11; the signature block bold; page numbers from
page 2, centred in the top margin. Every run carries its font and size explicitly, so the file
looks the same in Word and LibreOffice and the tests can read the format back.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from assistant.draft.model import Draft, Segment, Table, TargetRow, review

FONT = "Times New Roman"
BODY_SIZE = 14
HEADER_SIZE = 13
MOTTO_SIZE = 13
NATIONAL_SIZE = 12
RECIPIENT_TITLE_SIZE = 12
RECIPIENT_SIZE = 11
SIGNATURE_SIZE = 14
TABLE_SIZE = 12
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_CM = (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
FIRST_LINE_INDENT = Cm(1.27)
HEADING_STYLES = {"heading1": ("KH Mục I", 0), "heading2": ("KH Mục 1", 1), "heading3": ("KH Mục 1.1", 2)}


# -- low-level helpers ---------------------------------------------------------------------------
def _set_fonts(rpr_parent) -> None:
    """All four font slots (ascii, hAnsi, cs, eastAsia): Vietnamese letters fall in hAnsi."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _run(paragraph, text: str, size: float, bold: bool = False, italic: bool = False, highlight: bool = False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    _set_fonts(run._r)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _segments(paragraph, segments: list[Segment], size: float, bold: bool = False, italic: bool = False) -> None:
    for s in segments:
        _run(paragraph, s.text, size, bold=bold, italic=italic or s.review, highlight=s.review or s.highlight)


def _format(paragraph, align=None, before: float = 0, after: float = 0, first_line=None, line: float = 1.0,
            keep_next: bool = False):
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    fmt.first_line_indent = first_line
    fmt.keep_with_next = keep_next
    return paragraph


def _rule(cell_or_doc, width_cm: float, column_cm: float) -> None:
    """A short horizontal line centred under a title (Nghị định 30: under the issuing body, the
    motto and the summary): an empty 1-pt paragraph with a top border, indented to the width."""
    paragraph = cell_or_doc.add_paragraph()
    side = max(0.0, (column_cm - width_cm) / 2)
    _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, before=3, after=0)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    _run(paragraph, "", 1)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)
    paragraph.paragraph_format.line_spacing = Pt(1)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _grid(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))


def _cell_paragraph(cell, first: bool):
    return cell.paragraphs[0] if first else cell.add_paragraph()


def _page_number_header(section) -> None:
    """Page numbers centred in the top margin, from page 2 (Nghị định 30)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER)
    run = _run(paragraph, "", HEADER_SIZE)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    for kind, (name, level) in HEADING_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.name = FONT
        style.font.size = Pt(BODY_SIZE)
        style.font.bold = True
        _set_fonts(style.element)
        style.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level))
        style.element.get_or_add_pPr().append(outline)


# -- document parts -------------------------------------------------------------------------------
def _header_block(document, draft: Draft) -> None:
    left_cm, right_cm = 6.3, TEXT_WIDTH_CM - 6.3
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, [left_cm, right_cm])
    left, right = table.cell(0, 0), table.cell(0, 1)
    for i, line in enumerate(draft.issuer):
        p = _format(_cell_paragraph(left, i == 0), WD_ALIGN_PARAGRAPH.CENTER)
        _run(p, line, HEADER_SIZE, bold=True)
    _rule(left, 2.2, left_cm)
    p = _format(_cell_paragraph(right, True), WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", NATIONAL_SIZE, bold=True)
    p = _format(right.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, "Độc lập - Tự do - Hạnh phúc", MOTTO_SIZE, bold=True)
    _rule(right, 6.0, right_cm)
    p = _format(_cell_paragraph(table.cell(1, 0), True), WD_ALIGN_PARAGRAPH.CENTER, before=6)
    _run(p, draft.number_line, HEADER_SIZE)
    p = _format(_cell_paragraph(table.cell(1, 1), True), WD_ALIGN_PARAGRAPH.CENTER, before=6)
    _run(p, draft.place_date, BODY_SIZE, italic=True)


def _title(document, draft: Draft) -> None:
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0, keep_next=True)
    _run(p, draft.doc_type, BODY_SIZE, bold=True)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=0, keep_next=True)
    _segments(p, draft.summary, BODY_SIZE, bold=True)
    _rule(document, 4.0, TEXT_WIDTH_CM)
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _body(document, draft: Draft) -> None:
    for block in draft.body:
        if block.kind in HEADING_STYLES:
            p = document.add_paragraph(style=HEADING_STYLES[block.kind][0])
            _format(p, WD_ALIGN_PARAGRAPH.JUSTIFY, before=6 if block.kind == "heading1" else 0, after=6,
                    first_line=FIRST_LINE_INDENT, keep_next=True)
            text = block.text
            long_item = len(text) > 120 and ":" in text[:100]
            if long_item:  # "2. Công chức VH-XH: Tuyên truyền …": the title bold, the duty plain
                head_len = text.index(":") + 1
                done = 0
                for s in block.segments:
                    cut = max(0, min(len(s.text), head_len - done))
                    if cut:
                        _run(p, s.text[:cut], BODY_SIZE, bold=True, italic=s.review, highlight=s.review or s.highlight)
                    if cut < len(s.text):
                        _run(p, s.text[cut:], BODY_SIZE, bold=False, italic=s.review,
                             highlight=s.review or s.highlight)
                    done += len(s.text)
                p.paragraph_format.keep_with_next = False
            else:
                _segments(p, block.segments, BODY_SIZE, bold=True)
            continue
        p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, first_line=FIRST_LINE_INDENT)
        if block.kind == "bullet":
            _run(p, "- ", BODY_SIZE)
        elif block.kind == "note":
            p.paragraph_format.keep_with_next = True
        _segments(p, block.segments, BODY_SIZE)


def _closing_block(document, draft: Draft) -> None:
    left_cm, right_cm = 7.2, TEXT_WIDTH_CM - 7.2
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [left_cm, right_cm])
    left, right = table.cell(0, 0), table.cell(0, 1)
    p = _format(_cell_paragraph(left, True), WD_ALIGN_PARAGRAPH.LEFT, before=6)
    _run(p, "Nơi nhận:", RECIPIENT_TITLE_SIZE, bold=True, italic=True)
    for line in draft.recipients:
        p = _format(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT)
        _segments(p, line, RECIPIENT_SIZE)
    for i, title in enumerate(draft.signature_titles):
        p = _format(_cell_paragraph(right, i == 0), WD_ALIGN_PARAGRAPH.CENTER, before=6 if i == 0 else 0)
        _run(p, title, SIGNATURE_SIZE, bold=True)
    for _ in range(4):
        _format(right.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER)
        _run(right.paragraphs[-1], "", SIGNATURE_SIZE)
    p = _format(right.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER)
    _segments(p, draft.signer, SIGNATURE_SIZE, bold=True)


def _page_break(document) -> None:
    p = _format(document.add_paragraph(), after=0)
    _run(p, "", BODY_SIZE).add_break(WD_BREAK.PAGE)


def _grid_table(document, header: list[str], rows: list[list[list[Segment]]], widths: list[float],
                group_rows: set[int] = frozenset()) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    _grid(table)
    _widths(table, widths)
    for j, name in enumerate(header):
        p = _format(table.cell(0, j).paragraphs[0], WD_ALIGN_PARAGRAPH.CENTER)
        _run(p, name, TABLE_SIZE, bold=True)
    for i, row in enumerate(rows, start=1):
        for j, cell in enumerate(row):
            p = _format(table.cell(i, j).paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT if j == 1 else WD_ALIGN_PARAGRAPH.CENTER)
            _segments(p, cell, TABLE_SIZE, bold=(i - 1) in group_rows)
    # Repeat the header row on each page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tbl_header = OxmlElement("w:tblHeader")
    tbl_header.set(qn("w:val"), "true")
    tr_pr.append(tbl_header)


def target_year(target: TargetRow) -> list[Segment]:
    """The year column: the year carried forward, or the template's year marked for review."""
    if target.year_certain:
        return [Segment(target.year)]
    return [Segment(target.year + " "), review("năm của kế hoạch mẫu")]


def _targets(document, draft: Draft) -> None:
    if not draft.targets:
        return
    _page_break(document)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _run(p, "BẢNG CHỈ TIÊU", BODY_SIZE, bold=True)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _run(p, f"(Kèm theo Kế hoạch {draft.number_line.replace('Số: ', 'số ')} của UBND {draft.locality.full})",
         BODY_SIZE, italic=True)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    _run(p, "[CẦN XEM LẠI: giá trị lấy từ kế hoạch mẫu; sửa cột Giá trị, Đơn vị, Năm theo thực tế]", TABLE_SIZE,
         italic=True, highlight=True)
    rows = [[[Segment(str(n))], [Segment(t.indicator)], [Segment(t.value, highlight=True)], [Segment(t.unit)],
             target_year(t)] for n, t in enumerate(draft.targets, start=1)]
    _grid_table(document, ["TT", "Chỉ tiêu", "Giá trị", "Đơn vị", "Năm"], rows, [1.0, 8.7, 2.0, 2.8, 2.0])


def _appendix(document, draft: Draft) -> None:
    table: Table | None = draft.appendix
    if table is None:
        return
    _page_break(document)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _run(p, "PHỤ LỤC", BODY_SIZE, bold=True)
    p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _segments(p, table.title, BODY_SIZE, bold=True)
    if table.subtitle:
        p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER, after=6)
        _segments(p, table.subtitle, BODY_SIZE, italic=True)
    if table.note:
        p = _format(document.add_paragraph(), WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
        _segments(p, table.note, TABLE_SIZE)
    extra = len(table.header) - 2
    unit = 2.0 if extra > 1 and table.header[2].lower().startswith("đơn vị") else 0.0
    rest = TEXT_WIDTH_CM - 1.0 - 6.0 - unit
    values = [rest / max(1, extra - (1 if unit else 0))] * (extra - (1 if unit else 0))
    _grid_table(document, table.header, table.rows, [1.0, 6.0] + ([unit] if unit else []) + values, table.group_rows)


def build_document(draft: Draft):
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.start_type = WD_SECTION_START.NEW_PAGE
    _page_number_header(section)
    # python-docx's template starts with one empty paragraph only when asked for; the body starts
    # with the header table.
    _header_block(document, draft)
    _title(document, draft)
    _body(document, draft)
    _closing_block(document, draft)
    _targets(document, draft)
    _appendix(document, draft)
    core = document.core_properties
    core.title = f"Kế hoạch {draft.locality.full} (dự thảo)"
    core.comments = f"Dự thảo từ kế hoạch mẫu {draft.template}"
    return document


def write_docx(draft: Draft, out: Path) -> Path:
    """Build, then save to a temporary file beside `out` and rename it: a failure never leaves a
    half-written file at `out`."""
    out = Path(out)
    document = build_document(draft)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or Path("."))
    os.close(handle)
    try:
        document.save(tmp_name)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out
