"""Segment a plan's text into a clause tree with stable, position-derived ids.

The hierarchy comes from the numbering of the genre (Roman sections, numbered and decimal
items, lettered items, bullets), never from markdown heading levels: the seeds use `##` and
`###` for the same rank. Scanned text has hard line wraps and stray page numbers; those are
joined and dropped here so a clause is one sentence group as the author wrote it.

Ids: sections `V`, items `V.1`, decimal `IV.1.2`, letters `V.1.a`; bullets and paragraphs
count under their heading (`V.1-2`, `V.1.b-2`); preamble `0-n`, closing `Z-n`; appendix table
rows `PL.I.7` (group I, row 7). A duplicated label gets `_2` (`V.3_2`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents import Clause, LoadedDocument
from assistant.ingest.normalize import clean_cell, clean_line, ends_sentence, is_horizontal_rule
from assistant.text import fold

_ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*[.)]\s*(?P<body>\S.*)$")
_DECIMAL = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,2})\.?\s+(?P<body>\S.*)$")
_NUMBER = re.compile(r"^(?P<label>\d{1,2})[.)](?!\d)\s*(?P<body>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<body>\S.*)$")
_BULLET = re.compile(r"^[-+•–—●▪*]\s*(?P<body>\S.*)$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_TITLE_WORD = re.compile(r"^k[eé]\s*ho[a-z]ch$")  # "KẾ HOẠCH" stands alone even in a scan
_VALID_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")

# Rank in the hierarchy: a line closes every open heading of equal or lower rank.
_RANK = {"section": 1, "item": 2, "subitem": 3, "subsubitem": 4, "letter": 5}
_LEAF_RANK = 9


@dataclass
class _Block:
    """A logical line group: one heading, bullet, paragraph or table row after wrap joining."""

    kind: str  # section | item | subitem | subsubitem | letter | bullet | paragraph | table
    label: str
    text: str  # cleaned, label included for headings, bullet marker removed
    start: int
    end: int
    cells: list[str] = field(default_factory=list)
    breaks_after: bool = False  # markdown hard break ("  " at line end): never join what follows


def _classify(raw: str, cleaned: str) -> tuple[str, str, str]:
    """(kind, label, text) for one cleaned line."""
    if re.match(r"^\s*\*\s+\S", raw):  # markdown "* item" before emphasis stripping ate the star
        return "bullet", "", cleaned
    if match := _ROMAN.match(cleaned):
        if _VALID_ROMAN.match(match["label"]) and len(match["body"]) <= 160:
            return "section", match["label"], cleaned
    if match := _DECIMAL.match(cleaned):
        depth = match["label"].count(".")
        return ("subitem" if depth == 1 else "subsubitem"), match["label"], cleaned
    if match := _NUMBER.match(cleaned):
        if int(match["label"]) <= 50:
            return "item", match["label"], cleaned
    if match := _LETTER.match(cleaned):
        return "letter", match["label"], cleaned
    if match := _BULLET.match(cleaned):
        return "bullet", "", match["body"]
    return "paragraph", "", cleaned


def _lines(text: str):
    offset = 0
    for raw in text.split("\n"):
        yield raw, offset, offset + len(raw)
        offset += len(raw) + 1


def _blocks(text: str) -> list[_Block]:
    """Group source lines into blocks, joining hard wraps and dropping page numbers."""
    blocks: list[_Block] = []
    previous_blank = True
    for raw, start, end in _lines(text):
        if not raw.strip() or is_horizontal_rule(raw):
            previous_blank = True
            continue
        if raw.count("\t") >= 2:
            blocks.append(_Block("table", "", "", start, end, cells=[clean_cell(c) for c in raw.split("\t")]))
            previous_blank = False
            continue
        cleaned = clean_line(raw)
        if not cleaned or _PAGE_NUMBER.match(cleaned):
            previous_blank = True  # a stray page number separates like a blank line
            continue
        kind, label, body = _classify(raw, cleaned)
        last = blocks[-1] if blocks else None
        if last is not None and last.kind != "table" and _continues(last, kind, body, previous_blank):
            last.text = f"{last.text} {body if kind == 'paragraph' else cleaned}"
            last.end = end
            last.breaks_after = raw.endswith("  ")
        else:
            blocks.append(_Block(kind, label, body, start, end, breaks_after=raw.endswith("  ")))
        previous_blank = False
    return blocks


def _continues(last: _Block, kind: str, body: str, after_blank: bool) -> bool:
    """Whether a line carries on the previous block rather than starting a new one."""
    if last.breaks_after or _TITLE_WORD.match(fold(body)) or _TITLE_WORD.match(fold(last.text)):
        return False
    starts_lower = body[:1].islower()
    if not after_blank:
        # Wrapped line of a scan or a plain-text file: anything that is not a new list item,
        # and even a "2. …" that merely wraps a sentence that had not ended.
        if kind == "paragraph":
            return True
        return kind in {"item", "letter"} and not ends_sentence(last.text) and last.kind == "paragraph"
    # Across a blank line only a sentence cut in the middle continues ("…của thành\n\nphố;",
    # "…trạm trung chuyển\n\nInternet,…"): a long unfinished paragraph, or a lower-case start.
    unfinished = last.kind in {"paragraph", "bullet", "letter"} and not ends_sentence(last.text)
    return kind == "paragraph" and unfinished and (starts_lower or len(last.text) >= 150)


class _Tree:
    """Assigns ids and heading paths while walking blocks in order."""

    def __init__(self, document: LoadedDocument) -> None:
        self.document = document
        self.clauses: list[Clause] = []
        self.stack: list[tuple[int, str, str]] = []  # (rank, id, heading text)
        self.root = "0"
        self.root_path: tuple[str, ...] = ()
        self.leaf_counts: dict[str, int] = {}
        self.used_ids: set[str] = set()

    # -- ids -------------------------------------------------------------------------------
    def _unique(self, clause_id: str) -> str:
        candidate, n = clause_id, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{clause_id}_{n}"
        self.used_ids.add(candidate)
        return candidate

    def _parent(self) -> tuple[str, tuple[str, ...]]:
        if self.stack:
            return self.stack[-1][1], (*self.root_path, *(h for _, _, h in self.stack))
        return self.root, self.root_path

    def _emit(self, clause_id: str, kind: str, text: str, path: tuple[str, ...], start: int, end: int,
              columns: tuple[tuple[str, str], ...] = ()) -> None:
        self.clauses.append(Clause(clause_id, kind, text, path, (start, end), self.document.page_at(start), columns))

    # -- structure -------------------------------------------------------------------------
    def enter_region(self, root: str, heading: str | None, block: _Block, kind: str) -> None:
        """Preamble, closing and appendix sit outside the numbered body."""
        self.stack.clear()
        self.root = root
        self.root_path = ()
        if heading is not None:
            clause_id = self._unique(root)
            self._emit(clause_id, kind, heading, (), block.start, block.end)
            self.root = clause_id
            self.root_path = (_path_label(heading),)

    def heading(self, block: _Block) -> None:
        rank = _RANK[block.kind]
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        parent_id, path = self._parent()
        if block.kind == "section":
            clause_id = block.label if self.root == "0" else f"{self.root}.{block.label}"
        elif block.kind in {"subitem", "subsubitem"}:
            # "1.2" under item "IV.1": the decimal label already holds the parent's number.
            section = next((cid for r, cid, _ in self.stack if r == _RANK["section"]), self.root)
            clause_id = f"{section}.{block.label}"
        else:
            clause_id = f"{parent_id}.{block.label}"
        clause_id = self._unique(clause_id)
        self._emit(clause_id, block.kind, block.text, path, block.start, block.end)
        self.stack.append((rank, clause_id, _path_label(block.text)))

    def leaf(self, block: _Block, kind: str | None = None) -> None:
        parent_id, path = self._parent()
        n = self.leaf_counts.get(parent_id, 0) + 1
        self.leaf_counts[parent_id] = n
        clause_id = self._unique(f"{parent_id}-{n}")
        self._emit(clause_id, kind or block.kind, block.text, path, block.start, block.end)

    def table(self, rows: list[_Block]) -> None:
        _TableReader(self).read(rows)


def _path_label(heading: str) -> str:
    """A heading as it appears in a path: "2. Công chức phụ trách VH-XH: Tuyên truyền …" keeps
    only the part naming the unit, since the rest is that unit's duty, not a heading."""
    head, sep, rest = heading.partition(":")
    if sep and rest.strip() and len(head) <= 90:
        return head.strip()
    return heading if len(heading) <= 200 else heading[:200].rstrip() + "…"


class _TableReader:
    """Tab-separated tables (the appendix of indicators, docx tables): one clause per row,
    with merged column headers attached; page-break repeats of the header are skipped."""

    def __init__(self, tree: _Tree) -> None:
        self.tree = tree
        self.headers: list[str] = []
        self.expect_subheader = False
        self.merged = False
        self.group: str | None = None
        self.group_path: tuple[str, ...] = ()

    def _prefix(self) -> str:
        parent_id, _ = self.tree._parent()
        return parent_id

    def read(self, rows: list[_Block]) -> None:
        pending: _Block | None = None
        for row in rows:
            cells = row.cells
            if self._is_header(cells):
                continue
            first = cells[0] if cells else ""
            if not first and len(cells) > 1 and not cells[1] and pending is not None:
                # A cell wrapped onto the next page ("Thuê bao/100" … "dân"): merge into the row.
                pending.cells = [f"{a} {b}".strip() if b else a for a, b in
                                 zip(pending.cells, cells + [""] * (len(pending.cells) - len(cells)))]
                pending.end = row.end
                continue
            if pending is not None:
                self._emit_row(pending)
                pending = None
            if _VALID_ROMAN.match(first) and first and len(cells) > 1 and not any(cells[2:]):
                self._enter_group(first, cells[1], row)
            else:
                pending = row
        if pending is not None:
            self._emit_row(pending)

    def _is_header(self, cells: list[str]) -> bool:
        """Header rows start with "TT"/"STT"; a second header line (empty leading cells, year
        labels under a spanning "Mục tiêu cụ thể") refines the column names. Repeats after a
        page break are recognised and skipped."""
        first = fold(cells[0]) if cells else ""
        if first in {"tt", "stt"}:
            self.expect_subheader = True
            if not self.headers:
                self.headers = list(cells)
            return True
        if self.expect_subheader and cells and not cells[0] and len(cells) > 1 and not cells[1] \
                and any(re.search(r"\bnam\b|dinh huong|muc tieu|giai doan", fold(c)) for c in cells):
            self.expect_subheader = False
            if not self.merged:
                self.headers = [
                    cells[i] if i < len(cells) and cells[i] else (self.headers[i] if i < len(self.headers) else "")
                    for i in range(max(len(self.headers), len(cells)))
                ]
                self.merged = True
            return True
        self.expect_subheader = False
        return False

    def _enter_group(self, label: str, title: str, row: _Block) -> None:
        prefix = self._prefix()
        tree = self.tree
        clause_id = tree._unique(f"{prefix}.{label}")
        _, path = tree._parent()
        tree._emit(clause_id, "section", f"{label}. {title}", path, row.start, row.end)
        self.group = clause_id
        self.group_path = (*path, f"{label}. {title}")

    def _emit_row(self, row: _Block) -> None:
        tree = self.tree
        cells = row.cells
        number = cells[0] if cells else ""
        _, base_path = tree._parent()
        path = self.group_path or base_path
        parent = self.group or self._prefix()
        label = number if re.fullmatch(r"\d{1,3}", number) else str(tree.leaf_counts.get(parent, 0) + 1)
        if not re.fullmatch(r"\d{1,3}", number):
            tree.leaf_counts[parent] = tree.leaf_counts.get(parent, 0) + 1
        clause_id = tree._unique(f"{parent}.{label}")
        columns = tuple(
            (self.headers[i] if i < len(self.headers) and self.headers[i] else f"Cột {i + 1}", cell)
            for i, cell in enumerate(cells) if cell and i > 1
        )
        indicator = cells[1] if len(cells) > 1 else ""
        text = f"{number}. {indicator}" if number else indicator
        if columns:
            text += " — " + "; ".join(f"{h}: {v}" for h, v in columns)
        tree._emit(clause_id, "row", text, path, row.start, row.end, columns)


def _region_of(block: _Block) -> str | None:
    folded = fold(block.text)
    if folded.startswith(("tren day la", "tren day ia")):
        return "closing"
    if re.match(r"^noi nh[a-z]n\b", folded):
        return "recipients"
    if folded.startswith("phu luc"):
        return "appendix"
    return None


def segment(document: LoadedDocument) -> list[Clause]:
    """Clause tree of one document, in document order."""
    tree = _Tree(document)
    blocks = _blocks(document.text)
    region = "preamble"
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "table":
            rows = []
            while i < len(blocks) and blocks[i].kind == "table":
                rows.append(blocks[i])
                i += 1
            tree.table(rows)
            continue
        new_region = _region_of(block)
        if new_region == "closing" and region in {"body", "preamble"}:
            region = "closing"
            tree.enter_region("Z", None, block, "paragraph")
            tree.leaf(block, "paragraph")
        elif new_region == "recipients" and region != "recipients":
            region = "recipients"
            tree.enter_region("Z", None, block, "paragraph")
            tree.root_path = ("Nơi nhận",)
            tree.leaf(block, "paragraph")
        elif new_region == "appendix" and region in {"closing", "recipients", "body"}:
            region = "appendix"
            tree.enter_region("PL", block.text, block, "section")
        elif block.kind == "section" and region in {"preamble", "body"}:
            region = "body"
            tree.heading(block)
        elif block.kind in _RANK and region in {"body", "appendix"}:
            tree.heading(block)
        elif region == "recipients" and block.kind != "bullet":
            tree.root_path = ()  # the signature block after the recipients list
            tree.leaf(block, "paragraph")
        elif region == "preamble":
            tree.leaf(block, "title" if _is_title(block, tree) else block.kind)
        else:
            tree.leaf(block)
        i += 1
    return tree.clauses


def _is_title(block: _Block, tree: _Tree) -> bool:
    """'KẾ HOẠCH' and the summary line(s) right after it."""
    folded = fold(block.text)
    if re.match(r"^k[eé]\s*ho[a-z]ch\b", folded):
        return True
    previous = tree.clauses[-1] if tree.clauses else None
    return bool(previous and previous.kind == "title" and not folded.startswith(("can cu", "thuc hien")))
