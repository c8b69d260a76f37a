"""Turn a file into a LoadedDocument; every failure is a LoadError.

Text (.txt, .md) and DOCX are read here; PDF page by page in pdf.py (OCR where there is no usable
text layer), page images through OCR in images.py, .doc/.odt/.rtf converted to DOCX by LibreOffice
in office.py. `ocr` says where OCR text is cached and who hears about each page.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from assistant.documents import LoadedDocument, LoadError
from assistant.ingest import limits, office
from assistant.ingest.encodings import guess_decoding, looks_like_garbage
from assistant.ingest.images import IMAGE_SUFFIXES, load_image
from assistant.ingest.markdown import normalize_markdown
from assistant.ingest.ocr import OcrOptions
from assistant.ingest.pdf import load_pdf
from assistant.text import fold

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", *office.OFFICE_SUFFIXES, *IMAGE_SUFFIXES)
_MB = 1024 * 1024
_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
       "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_TEXT_BOXES = etree.XPath(".//w:txbxContent[not(ancestor::mc:Fallback)]", namespaces=_NS)
_PARAGRAPHS = etree.XPath(".//w:p", namespaces=_NS)
_TEXTS = etree.XPath(".//w:t", namespaces=_NS)
# A paragraph's own text in document order: the runs python-docx reads (w:r, w:hyperlink) and
# those it skips, inside tracked insertions (w:ins), content controls (w:sdt), smart tags and
# fields; not deleted text (w:del) nor the text boxes anchored in it (read on their own).
_OWN_PIECES = etree.XPath(".//w:t[not(ancestor::w:del) and not(ancestor::w:txbxContent)]"
                          " | .//w:tab[not(ancestor::w:tabs) and not(ancestor::w:txbxContent)]"
                          " | .//w:br[not(ancestor::w:txbxContent)] | .//w:cr[not(ancestor::w:txbxContent)]"
                          " | .//w:noBreakHyphen[not(ancestor::w:del) and not(ancestor::w:txbxContent)]",
                          namespaces=_NS)

_TEXT_CONTROLS = "\t\n\r\x0b\x0c\x1a"  # whitespace, plus the DOS end-of-file mark
_MAX_CONTROL_RATIO = 0.05
_BINARY_SAMPLE = 64 * 1024


def load(path: Path, max_bytes: int = 50 * _MB, ocr: OcrOptions | None = None) -> LoadedDocument:
    """Read one file; raise LoadError("<path>: <reason>") when it cannot be turned into text."""
    path = Path(path)
    suffix = path.suffix.lower()
    _check_file(path, suffix, max_bytes)
    if suffix == ".pdf":
        document = load_pdf(path, ocr)
    elif suffix in IMAGE_SUFFIXES:
        document = load_image(path, ocr)
    else:
        document = _LOADERS[suffix](path)
    limits.check_text(path, document.text)  # before segmenting and tokenising
    return document


def _check_file(path: Path, suffix: str, max_bytes: int) -> None:
    if not path.exists():
        raise LoadError(f"{path}: file not found")
    if path.is_dir():
        raise LoadError(f"{path}: is a directory, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(none)"
        raise LoadError(
            f"{path}: unsupported file type '{shown}' (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise LoadError(f"{path}: cannot read file ({error.strerror or error})") from error
    if size > max_bytes:
        raise LoadError(
            f"{path}: file too large ({size / _MB:.1f} MB > limit {max_bytes / _MB:.1f} MB)"
        )
    if size == 0:
        raise LoadError(f"{path}: empty file")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path}: cannot read file ({error.strerror or error})") from error


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _require_text(path: Path, text: str) -> None:
    if not text.strip():
        raise LoadError(f"{path}: empty file")


# --- plain text ----------------------------------------------------------------------------


def _load_text(path: Path) -> LoadedDocument:
    text, encoding = _decode(path, _read_bytes(path))
    text = _normalise_newlines(text)
    _require_text(path, text)
    return LoadedDocument(path, text, path.suffix.lower()[1:], page_starts=(), encoding=encoding)


def _load_markdown(path: Path) -> LoadedDocument:
    document = _load_text(path)
    return LoadedDocument(path, normalize_markdown(document.text), "md", encoding=document.encoding)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Unicode text and the name of the encoding it was read from; BOM removed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise LoadError(f"{path}: invalid UTF-16 text ({error.reason})") from error
        _reject_binary(path, text)
        _reject_nul(path, text.find("\x00"))
        return text, "utf-16"
    # Checked on the bytes before any guessing: a legacy decoder would make NULs "text".
    _reject_binary(path, data[:_BINARY_SAMPLE].decode("latin-1"))
    _reject_nul(path, data.find(b"\x00", _BINARY_SAMPLE))
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if has_bom else "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = guess_decoding(body)
    if decoded is None:
        raise LoadError(
            f"{path}: unrecognised text encoding (not UTF-8, UTF-16, cp1258, VNI or TCVN3)"
        )
    return decoded


def _reject_binary(path: Path, text: str) -> None:
    """NUL bytes or many control characters mean a binary file behind a text extension."""
    sample = text[:_BINARY_SAMPLE]
    controls = sum(1 for char in sample if ord(char) < 0x20 and char not in _TEXT_CONTROLS)
    if "\x00" in sample or controls > _MAX_CONTROL_RATIO * len(sample):
        raise LoadError(f"{path}: binary content, not text")


def _reject_nul(path: Path, offset: int) -> None:
    """A NUL anywhere (not only in the sniffed head) is no text: a binary tail glued to a plan."""
    if offset >= 0:
        raise LoadError(f"{path}: binary content, not text (NUL byte at offset {offset:,})")


# --- DOCX ----------------------------------------------------------------------------------


def _load_docx(path: Path) -> LoadedDocument:
    if office.is_encrypted_ooxml(path):
        raise LoadError(f"{path}: password-protected document (remove the password and save it again)")
    limits.check_zip(path)
    return LoadedDocument(path, _docx_text(path, path, "DOCX"), "docx")


def _load_office(path: Path) -> LoadedDocument:
    """.doc/.odt/.rtf: LibreOffice makes a .docx, read like any other (tables included)."""
    if path.suffix.lower() == ".odt":
        limits.check_zip(path)
    with office.converted_to_docx(path) as converted:
        limits.check_zip(converted)
        text = _docx_text(converted, path, f"{path.suffix.lower()[1:]} (converted by LibreOffice)")
    # LibreOffice imports any bytes it does not recognise as plain text: a damaged file comes back
    # as a page of CJK-looking noise rather than an error.
    if looks_like_garbage(text):
        raise LoadError(f"{path}: LibreOffice could not convert the file (it reads as noise: damaged file?)")
    return LoadedDocument(path, text, path.suffix.lower()[1:])


def _docx_text(source: Path, path: Path, kind: str) -> str:
    """Lines of the .docx at `source`; errors name `path`, the file the user gave."""
    try:
        document = docx.Document(str(source))
        units = [unit for block in _body_blocks(document) for unit in _block_units(block)]
    except Exception as error:  # zip, XML and package errors all mean a damaged file
        raise LoadError(f"{path}: not a readable {kind} ({type(error).__name__}: {error})") from error
    # A docx paragraph is a paragraph (no hard wraps): blank lines keep them apart for the
    # segmenter; the rows of one table stay on consecutive lines.
    text = _normalise_newlines("\n\n".join(units))
    _require_text(path, text)
    return text


def _body_blocks(document: DocxDocument) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in body order, including those inside content controls (w:sdt)."""
    body = document.element.body
    for element in body.xpath(
        "./w:p | ./w:tbl | ./w:sdt/w:sdtContent/w:p | ./w:sdt/w:sdtContent/w:tbl"
    ):
        is_table = element.tag.endswith("}tbl")
        yield Table(element, document) if is_table else Paragraph(element, document)


def _block_units(block: Paragraph | Table) -> list[str]:
    """What a body block contributes, as units the text keeps apart with blank lines: a
    paragraph (and the paragraphs of text boxes anchored in it, which python-docx does not
    read: trích yếu lines often sit in one), or a table: its rows, one per line."""
    if isinstance(block, Paragraph):
        # Tabs inside a paragraph lay out two columns (the header block of .doc files):
        # each column is a line of its own, never a table row.
        columns = [part for part in re.split(r"\t+", _paragraph_text(block)) if part.strip()]
        return [line for line in [*columns, *_text_box_lines(block)] if line.strip()]
    rows = _table_rows(block, repeat_down=False)
    if _is_layout_table(rows):
        # The header block or the signature block laid out in a table: each paragraph of each
        # cell is a paragraph of the document, not a table row (a cell merged down, once).
        return [line for row in rows for cell in row for line in cell.split("\n") if line.strip()]
    rows = _table_rows(block)
    return ["\n".join("\t".join(cell.replace("\n", " ") for cell in row) for row in rows)]


_PIECE_TEXT = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def _paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's own text (see _OWN_PIECES), tabs and line breaks kept."""
    def text_of(piece) -> str:
        name = etree.QName(piece).localname
        return (piece.text or "") if name == "t" else _PIECE_TEXT[name]

    return "".join(text_of(piece) for piece in _OWN_PIECES(paragraph._p))


def _text_box_lines(paragraph: Paragraph) -> list[str]:
    """Paragraphs of the text boxes in a paragraph; a box drawn twice (DrawingML and its VML
    fallback) is read once."""
    lines: list[str] = []
    for box in _TEXT_BOXES(paragraph._p):
        # One box holds one block of text (a trích yếu wrapped over two lines): one paragraph.
        text = " ".join(" ".join("".join(t.text or "" for t in _TEXTS(p)).split()) for p in _PARAGRAPHS(box)).strip()
        if text and text not in lines:
            lines.append(text)
    return lines


def _is_layout_table(rows: list[list[str]]) -> bool:
    """Two columns at most, and a few rows or the header or signature block's own words: a page
    layout, not a table of data."""
    if not all(sum(1 for cell in row if cell.strip()) <= 2 for row in rows):
        return False
    text = fold(" ".join(cell for row in rows for cell in row))
    return len(rows) <= 4 or (len(rows) <= 8 and re.search(r"cong hoa xa hoi|noi nhan|doc lap", text) is not None)


def _table_rows(table: Table, repeat_down: bool = True) -> list[list[str]]:
    """Cell texts on the layout grid. A cell merged across appears once, its other slots empty;
    a cell merged down is every row's it spans.

    python-docx repeats a merged cell in every grid slot it spans (across and down). Across, the
    repeats would duplicate headers like "Mục tiêu cụ thể" and group rows: blanking them keeps
    columns aligned, as in the tab-separated appendix tables of the corpus. Down, the cell holds
    each row's value ("Sở Văn hóa, Thể thao và Du lịch" leading two tasks): the second task has
    that lead too. A header of two rows ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp") is
    read as one (see _joined_header).
    """
    rows: list[list[str]] = []
    across: list[list[bool]] = []
    above: list[object] = []  # the w:tc element in each grid slot of the previous row
    for row in table.rows:
        cells: list[_Cell | None] = [None] * row.grid_cols_before + list(row.cells)
        slots = [cell._tc if cell is not None else None for cell in cells]
        texts, spans = [], []
        # A header cell merged down over the header's second row ("TT") stays once.
        repeat = repeat_down and len(rows) >= 2
        for column, (cell, slot) in enumerate(zip(cells, slots)):
            spans_left = cell is not None and column > 0 and slots[column - 1] is slot
            spans_down = column < len(above) and above[column] is slot
            texts.append("" if cell is None or spans_left or (spans_down and not repeat) else
                         rows[-1][column] if spans_down else _cell_text(cell))
            spans.append(spans_left)
        rows.append(texts)
        across.append(spans)
        above = slots
    return _joined_header(rows, across) if repeat_down else rows


def _joined_header(rows: list[list[str]], across: list[list[bool]]) -> list[list[str]]:
    """A header whose first row spans a label across columns that the second row names
    ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"): one header row, each column named by its
    own label ("Chủ trì", "Phối hợp") or, where the second row is empty (a cell merged down:
    "TT", "Nội dung"), by the first row's. Year columns ("Mục tiêu" over "Năm 2024" | "Năm
    2025") are left to the segmenter, which reads them as the years of a target table."""
    if len(rows) < 3 or not any(across[0]) or len(rows[1]) != len(rows[0]):
        return rows
    first = list(rows[0])
    for column in range(1, len(first)):
        if across[0][column]:
            first[column] = first[column - 1]  # the spanning label, over each of its columns
    second = rows[1]
    own = [c for c, text in enumerate(second) if text.strip()]
    # Labels, not a data row: short, no figures.
    if not own or any(len(text) > 40 or re.search(r"\d", text) for text in second if text.strip()):
        return rows
    joined = [second[c] if c in own else first[c] for c in range(len(first))]
    return [joined, *rows[2:]]


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs and nested tables, one per line (tabs inside become spaces)."""
    parts = []
    for block in cell.iter_inner_content():
        parts.extend(_block_units(block))
    return "\n".join(re.sub(r"[\t\r]+", " ", part).strip() for part in parts if part.strip())


_LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".txt": _load_text,
    ".md": _load_markdown,
    ".docx": _load_docx,
    **{suffix: _load_office for suffix in office.OFFICE_SUFFIXES},
}
