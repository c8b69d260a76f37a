"""Markdown sources: tables made into the rows the segmenter reads.

Two table forms reach us:
- pipe tables (`| a | b |` lines with a `|---|` separator): each line is a row;
- the web-crawl form of HTML tables (the header block, the signature block and appendix tables of
  crawled plans): every cell is a run of lines ended by a line holding a lone `|`, and a row
  starts with such a line too, so a row boundary reads as two `|` lines in a row. Empty cells
  look the same as a boundary; a boundary is recognised when the row is full or the next cell
  opens a new row (an STT label such as "1", "2.5", "II", "A").

A table is then written back either as data rows (one line per row, cells joined by tabs, which
the segmenter reads as a table with its column headers) or, when it only lays out a page (two
columns at most and a few rows: the header block, the signature block), as its cells one after
another, each a paragraph, so "Số: 172/KH-UBND" and the place-date line become lines of the
preamble and the signature block lines of the closing. Offsets change; the result is the
document text from which clause spans are counted.
"""
from __future__ import annotations

import re

_LONE_PIPE = re.compile(r"^\s*\|\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ROW_LABEL = re.compile(r"^[*_\s]*(?:[IVXLC]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3}){0,3})[.)]?[*_\s]*$")
_EMPHASIS_ONLY = re.compile(r"^[*_\s]*$")
# A line break inside a pipe-table cell ("ỦY BAN NHÂN DÂN<br>TỈNH MẪU SƠN<br>Số: 15/KH-UBND"): the
# cell's lines, which the tag-stripping of clean_line would otherwise glue together.
_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
# Layout tables hold at most this many rows of at most two cells (header block: 2 x 2).
_LAYOUT_MAX_ROWS = 4


def normalize_markdown(text: str) -> str:
    """The markdown text with both table forms rewritten (see module docstring)."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _LONE_PIPE.match(line):
            end = _crawl_table_end(lines, i)
            rows = _crawl_rows(lines[i:end])
            out.extend(_write_table(rows))
            i = end
            continue
        if _PIPE_ROW.match(line) and i + 1 < len(lines) and _PIPE_SEPARATOR.match(lines[i + 1]):
            end = i
            rows = []
            while end < len(lines) and _PIPE_ROW.match(lines[end]):
                if not _PIPE_SEPARATOR.match(lines[end]):
                    rows.append([_BREAK.sub("\n", cell).strip() for cell in lines[end].strip().strip("|").split("|")])
                end += 1
            out.extend(_write_table(rows))
            i = end
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _crawl_table_end(lines: list[str], start: int) -> int:
    """Index after the crawl table opening at `start`: it runs until a blank line that follows a
    lone-pipe line (cells themselves hold no blank line), or the end."""
    i = start + 1
    last_pipe = start
    while i < len(lines):
        if _LONE_PIPE.match(lines[i]):
            last_pipe = i
        elif not lines[i].strip() and last_pipe == i - 1:
            break
        i += 1
    return last_pipe + 1


def _crawl_rows(block: list[str]) -> list[list[str]]:
    """Rows of cells (each cell a list of its lines) from a crawl table block."""
    segments: list[list[str]] = []
    current: list[str] | None = None
    for line in block:
        if _LONE_PIPE.match(line):
            if current is not None:
                segments.append(current)
            current = []
        elif current is not None:
            if line.strip() and not _EMPHASIS_ONLY.match(line):
                current.append(line)
    rows: list[list[list[str]]] = []
    row: list[list[str]] = []
    width = 0
    for index, segment in enumerate(segments):
        if segment:
            row.append(segment)
            continue
        following = segments[index + 1] if index + 1 < len(segments) else None
        opens_row = following is None or not following or _ROW_LABEL.match(" ".join(following))
        if not row:
            continue  # two boundaries in a row: nothing between them
        if not width or len(row) >= width or opens_row:
            rows.append(row)
            width = width or len(row)
            row = []
        else:
            row.append([])  # an empty cell inside the row
    if row:
        rows.append(row)
    joint = "\n" if _is_layout(rows) else " "  # layout cells keep their lines (the Nơi nhận list)
    return [[joint.join(part.strip() for part in cell) for cell in r] for r in rows]


def _is_layout(rows: list[list[list[str]]] | list[list[str]]) -> bool:
    return len(rows) <= _LAYOUT_MAX_ROWS and all(len(r) <= 2 for r in rows)


def _write_table(rows: list[list[str]]) -> list[str]:
    if not rows:
        return [""]
    if _is_layout(rows):
        out = [""]
        for row in rows:
            for cell in row:
                if cell.strip():
                    out.extend([*cell.split("\n"), ""])
        return out
    out = [""]
    for row in rows:
        cells = [re.sub(r"\s+", " ", cell).strip() for cell in row]
        if any(cells):
            # A row of one cell still needs a tab to read as a row.
            out.append("\t".join(cells if len(cells) > 1 else [*cells, ""]))
    out.append("")
    return out
