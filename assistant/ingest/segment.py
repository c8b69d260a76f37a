"""Segment a plan's text into a clause tree with stable, position-derived ids.

The hierarchy comes from the numbering of the genre (Chương, Roman sections and Điều, numbered
and decimal items, lettered items, bullets), never from markdown heading levels: the seeds use
`##` and `###` for the same rank. Scanned and crawled text has hard line wraps, stray page
numbers and item numbers on a line of their own ("**1." / "**Thành lập…"); those are joined and
dropped here so a clause is one sentence group as the author wrote it.

A file may hold more than one document: a Quyết định (Điều 1–3, its Nơi nhận and signature)
followed by the Kế hoạch it issues. After a closing, a title line of its own ("KẾ HOẠCH",
"QUY CHẾ"…) opens a new part whose ids carry the title's initials ("KH.II.3").

Ids: sections `V`, items `V.1`, decimal `IV.1.2`, letters `V.1.a`; Điều `D1`, Chương `Ch.II`;
bullets and paragraphs count under their heading (`V.1-2`, `V.1.b-2`); preamble `0-n`, closing
`Z-n`; appendix table rows `PL.I.7` (group I, row 7); an attached part `KH.I.1`, `KH.0-1`,
`KH.Z-1`. A duplicated label gets `_2` (`V.3_2`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents import Clause, LoadedDocument
from assistant.ingest.normalize import clean_cell, clean_line, ends_sentence, is_horizontal_rule
from assistant.text import NATIONAL_MOTTO, fold

_ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*[.)]\s*(?P<body>\S.*)$")
_DECIMAL = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,2})\.?\s+(?P<body>\S.*)$")
_NUMBER = re.compile(r"^(?P<label>\d{1,2})[.)](?!\d)\s*(?P<body>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<body>\S.*)$")
_BULLET = re.compile(r"^[-+•–—●▪*]\s*(?P<body>\S.*)$")
# Folded: "Chương II", "CHƯƠNG 2"; "Điều 1.", "ĐIỀU 2:".
_CHAPTER = re.compile(r"^chuong\s+(?P<label>[ivxlc]{1,6}|\d{1,2})\b\.?\s*(?P<body>.*)$")
_ARTICLE = re.compile(r"^dieu\s+(?P<label>\d{1,3})\s*[.:]\s*(?P<body>.*)$")
# A line holding only a list label: the crawl put the item's text on the next line.
_LONE_LABEL = re.compile(r"^(?:[IVXL]{1,6}\s*[.)]|\d{1,2}(?:\.\d{1,2}){0,2}\s*[.)]?|[a-zđ]\)|[-+•–—●▪])$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_TITLE_WORD = re.compile(r"^k[eé]\s*ho[a-z]ch$")  # "KẾ HOẠCH" stands alone even in a scan
# Title words of a document that can follow another in one file (the plan a decision issues).
_PART_TITLE = re.compile(r"^(?:ke hoach|quy che|quy dinh|de an|chuong trinh|huong dan|danh muc|phuong an)$")
_SIGNATURE_TITLE = re.compile(r"^(?:tm|kt|tl|q|tuq)\s*\.\s*\S")
_VALID_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROW_LABEL = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3}){0,3})[.)]?$")

# Rank in the hierarchy: a line closes every open heading of equal or lower rank.
_RANK = {"chapter": 0, "section": 1, "article": 1, "item": 2, "subitem": 3, "subsubitem": 4, "letter": 5}
_LEAF_RANK = 9


@dataclass
class _Block:
    """A logical line group: one heading, bullet, paragraph or table row after wrap joining."""

    kind: str  # chapter | section | article | item | subitem | subsubitem | letter | bullet | paragraph | table
    label: str
    start: int
    end: int
    parts: list[str] = field(default_factory=list)  # text pieces, joined once (linear in the lines)
    cells: list[str] = field(default_factory=list)
    breaks_after: bool = False  # markdown hard break ("  " at line end): never join what follows
    titled: bool = False  # the first line is a title word ("KẾ HOẠCH"): never join onto it
    length: int = 0  # characters in parts, kept as they are added

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    @property
    def last_part(self) -> str:
        return self.parts[-1] if self.parts else ""


def _classify(raw: str, cleaned: str) -> tuple[str, str, str]:
    """(kind, label, text) for one cleaned line."""
    if re.match(r"^\s*\*\s+\S", raw):  # markdown "* item" before emphasis stripping ate the star
        return "bullet", "", cleaned
    folded = fold(cleaned)
    if match := _CHAPTER.match(folded):
        if cleaned[:1].isupper():
            return "chapter", match["label"].upper(), cleaned
    if match := _ARTICLE.match(folded):
        if cleaned[:1].isupper():
            return "article", match["label"], cleaned
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


def _table_cells(raw: str) -> list[str] | None:
    """Cells of a table row (tab-separated, as the loaders write tables), else None."""
    stripped = raw.strip("\n\r ")
    if stripped.count("\t") < 2 and "\t" not in stripped.strip("\t"):
        return None
    return [clean_cell(cell) for cell in stripped.split("\t")]


def _blocks(text: str, blank_ends_paragraph: bool = False) -> list[_Block]:
    """Group source lines into blocks, joining hard wraps and dropping page numbers. Where the
    format marks paragraphs itself (docx, markdown), a blank line always ends one; in text from
    scans and PDFs a sentence may run on across it."""
    blocks: list[_Block] = []
    previous_blank = True
    pending_label: tuple[str, int] | None = None  # a lone "1." waiting for its text
    for raw, start, end in _lines(text):
        if not raw.strip() or is_horizontal_rule(raw):
            previous_blank = True
            continue
        cells = _table_cells(raw)
        if cells is not None:
            blocks.append(_Block("table", "", start, end, cells=cells))
            previous_blank = False
            pending_label = None
            continue
        cleaned = clean_line(raw)
        if not cleaned or _PAGE_NUMBER.match(cleaned):
            previous_blank = True  # a stray page number separates like a blank line
            continue
        if _LONE_LABEL.match(cleaned):
            pending_label = (cleaned, start)
            continue
        if pending_label is not None:
            label, start = pending_label
            cleaned, raw = f"{label} {cleaned}", f"{label} {raw.lstrip(' *_')}"
            pending_label = None
            previous_blank = True  # the label opens a new item whatever came before
        kind, label, body = _classify(raw, cleaned)
        last = blocks[-1] if blocks else None
        if last is not None and last.kind != "table" and not (previous_blank and blank_ends_paragraph) \
                and _continues(last, kind, body, previous_blank):
            piece = body if kind == "paragraph" else cleaned
            last.parts.append(piece)
            last.length += len(piece) + 1
            last.end = end
            last.breaks_after = raw.endswith("  ")
        else:
            blocks.append(_Block(kind, label, start, end, parts=[body], breaks_after=raw.endswith("  "),
                                 titled=bool(_TITLE_WORD.match(fold(body))), length=len(body)))
        previous_blank = False
    return blocks


_BASIS_OPENING = re.compile(r"^(?:can cu|theo de nghi|xet de nghi)\b")
_HEADER_PIECE = re.compile(r"^(?:doc lap\s*-\s*tu do|so\s*:)|^[^,]{2,40},\s*ngay\b.{0,30}\bnam\s+\d{4}\s*$")


def _upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _header_line(text: str) -> bool:
    """An upper-case line, the motto, "Số: …" or "Quảng Ngãi, ngày … năm 2025" (a "V/v …" subject
    may wrap onto the next lines: it is not one)."""
    folded = fold(text.strip())
    return _upper(text) or bool(NATIONAL_MOTTO.search(folded)) or bool(_HEADER_PIECE.search(folded))


def _continues(last: _Block, kind: str, body: str, after_blank: bool) -> bool:
    """Whether a line carries on the previous block rather than starting a new one. Looks only
    at the new line and the last piece of the block, so joining stays linear in the lines."""
    if last.breaks_after or last.titled or _TITLE_WORD.match(fold(body)):
        return False
    last_text = last.last_part
    # A document header as a PDF's text layer gives it, one piece per line: the issuer, the
    # motto, "Số: …", the place and date, the title word. Each is its own block (an upper-case
    # name may wrap onto the next upper-case line); so is each basis line ("Căn cứ …;").
    new_header, last_header = _header_line(body), _header_line(last_text)
    if (new_header or last_header) and not (_upper(body) and _upper(last_text)):
        return False
    if _BASIS_OPENING.match(fold(body)) and last_text.rstrip().endswith((";", ".", ":")):
        return False
    starts_lower = body[:1].islower()
    if not after_blank:
        # Wrapped line of a scan or a plain-text file: anything that is not a new list item,
        # and even a "2. …" that merely wraps a sentence that had not ended.
        if kind == "paragraph":
            return True
        return kind in {"item", "letter"} and not ends_sentence(last_text) and last.kind == "paragraph"
    # Across a blank line only a sentence cut in the middle continues ("…của thành\n\nphố;",
    # "…trạm trung chuyển\n\nInternet,…"): a long unfinished paragraph, or a lower-case start.
    unfinished = last.kind in {"paragraph", "bullet", "letter"} and not ends_sentence(last_text)
    return kind == "paragraph" and unfinished and (starts_lower or last.length >= 150)


class _Tree:
    """Assigns ids and heading paths while walking blocks in order."""

    def __init__(self, document: LoadedDocument) -> None:
        self.document = document
        self.clauses: list[Clause] = []
        self.stack: list[tuple[int, str, str]] = []  # (rank, id, heading text)
        self.part = ""  # "" for the first document of the file, "KH" for a plan it attaches
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

    def _in_part(self, clause_id: str) -> str:
        return f"{self.part}.{clause_id}" if self.part else clause_id

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
        self.root = root if root == "PL" else self._in_part(root)
        self.root_path = ()
        if heading is not None:
            clause_id = self._unique(self.root)
            self._emit(clause_id, kind, heading, (), block.start, block.end)
            self.root = clause_id
            self.root_path = (_path_label(heading),)

    def enter_part(self, title: str) -> None:
        """A further document in the same file: its ids carry the initials of its title word."""
        initials = "".join(word[0] for word in fold(title).split()).upper()
        self.part = self._unique(initials)
        self.stack.clear()
        self.root = self._in_part("0")
        self.root_path = ()

    def heading(self, block: _Block) -> None:
        rank = _RANK[block.kind]
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        parent_id, path = self._parent()
        if block.kind == "chapter":
            clause_id = self._in_part(f"Ch.{block.label}")
        elif block.kind == "article":
            clause_id = self._in_part(f"D{block.label}")
        elif block.kind == "section":
            clause_id = self._in_part(block.label) if self.root == self._in_part("0") else f"{self.root}.{block.label}"
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

    def paragraph(self, text: str, start: int, end: int, kind: str = "paragraph") -> None:
        parent_id, path = self._parent()
        n = self.leaf_counts.get(parent_id, 0) + 1
        self.leaf_counts[parent_id] = n
        self._emit(self._unique(f"{parent_id}-{n}"), kind, text, path, start, end)

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
    """Tables (the appendix of indicators, task tables, docx tables): one clause per row, with
    the column headers attached; page-break repeats of the header are skipped.

    The first row of a table names its columns unless it starts with a row label (1, 2.5, II):
    "STT | Nhiệm vụ | Đơn vị thực hiện | Đơn vị phối hợp | Thời gian | Sản phẩm". A row holding
    only a label and a title ("II | Phát triển hạ tầng") opens a group."""

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
        for index, row in enumerate(rows):
            cells = row.cells
            if self._is_header(cells, first=index == 0):
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
            if _ROW_LABEL.match(first) and not first.isdigit() and len(cells) > 1 and cells[1] \
                    and not any(cells[2:]) and (_VALID_ROMAN.match(first) or len(first) == 1):
                self._enter_group(first, cells[1], row)
            else:
                pending = row
        if pending is not None:
            self._emit_row(pending)

    def _is_header(self, cells: list[str], first: bool) -> bool:
        """Header rows start with "TT"/"STT", or are the first row of a table when it does not
        start with a row label; a second header line (empty leading cells, year labels under a
        spanning "Mục tiêu cụ thể") refines the column names. Repeats after a page break are
        recognised and skipped."""
        head = fold(cells[0]) if cells else ""
        if head in {"tt", "stt"} or (first and not self.headers and head and not _ROW_LABEL.match(cells[0])
                                      and len(cells) > 2 and all(len(c) <= 80 for c in cells)):
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
        prefix = self.group.rsplit(".", 1)[0] if self.group else self._prefix()
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
        numbered = re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){0,3}", number) is not None
        label = number if numbered else str(tree.leaf_counts.get(parent, 0) + 1)
        if not numbered:
            tree.leaf_counts[parent] = tree.leaf_counts.get(parent, 0) + 1
        clause_id = tree._unique(f"{parent}.{label}")
        # A row whose first cell is no label ("Sở Y tế | …") keeps that cell as its text.
        start = 1 if not number or _ROW_LABEL.match(number) else 0
        columns = tuple(
            (self.headers[i] if i < len(self.headers) and self.headers[i] else f"Cột {i + 1}", cell)
            for i, cell in enumerate(cells) if cell and i > start
        )
        indicator = cells[start] if len(cells) > start else ""
        text = f"{number}. {indicator}" if numbered else indicator
        if columns:
            text += " — " + "; ".join(f"{h}: {v}" for h, v in columns)
        tree._emit(clause_id, "row", text, path, row.start, row.end, columns)


def _part_title(blocks: list[_Block], start: int) -> str:
    """The title word of the document whose header starts at blocks[start] ("KẾ HOẠCH" a few
    lines down gives ids "KH.…"), else "Văn bản"."""
    for block in blocks[start + 1:start + 9]:
        if _PART_TITLE.match(fold(block.text)) and block.text.isupper():
            return block.text
    return "Văn bản"


def _region_of(block: _Block) -> str | None:
    folded = fold(block.text)
    if folded.startswith(("tren day la", "tren day ia")):
        return "closing"
    if re.match(r"^noi nh[a-z]n\b", folded):
        return "recipients"
    if folded.startswith("phu luc") and block.kind == "paragraph":
        return "appendix"
    if _SIGNATURE_TITLE.match(folded) and block.text.upper() == block.text and len(block.text) <= 80:
        return "signature"
    return None


def segment(document: LoadedDocument) -> list[Clause]:
    """Clause tree of one document, in document order."""
    tree = _Tree(document)
    blocks = _blocks(document.text, blank_ends_paragraph=document.format in {"docx", "md", "doc", "odt", "rtf"})
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
        folded = fold(block.text)
        if region in {"closing", "recipients"} and _PART_TITLE.match(folded) and block.text.isupper():
            region = "preamble"
            tree.enter_part(block.text)
            tree.leaf(block, "title")
        elif region in {"closing", "recipients"} and NATIONAL_MOTTO.search(folded):
            # A second document's header after the first one's signature or recipients (a letter
            # and the guidance issued with it): its own preamble, body and closing.
            region = "preamble"
            tree.enter_part(_part_title(blocks, i))
            tree.leaf(block, "paragraph")
        elif new_region == "closing" and region in {"body", "preamble"}:
            region = "closing"
            tree.enter_region("Z", None, block, "paragraph")
            tree.leaf(block, "paragraph")
        elif new_region == "recipients" and region != "recipients":
            region = "recipients"
            tree.enter_region("Z", None, block, "paragraph")
            tree.root_path = ("Nơi nhận",)
            tree.leaf(block, "paragraph")
        elif new_region == "signature" and region == "body":
            region = "closing"
            tree.enter_region("Z", None, block, "paragraph")
            tree.leaf(block, "paragraph")
        elif new_region == "appendix" and region in {"closing", "recipients", "body"}:
            region = "appendix"
            tree.enter_region("PL", block.text, block, "section")
        elif block.kind in {"section", "article", "chapter"} and region in {"preamble", "body"}:
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
    """'KẾ HOẠCH' (or the title word of another kind of document: QUYẾT ĐỊNH, CHỈ THỊ…) and
    the summary line(s) right after it."""
    folded = fold(block.text)
    plan_word = re.match(r"^k[eé]\s*ho[a-z]ch\b", folded)
    # Uppercase "KẾ HOẠCH" is a title anywhere in the preamble; a sentence "Kế hoạch …" only
    # before the body of a letter has begun ("Kính gửi", "Thực hiện …": then it is a body line).
    if plan_word and (block.text[:plan_word.end()].isupper() or not _body_begun(tree)):
        return True
    kind_word = re.match(r"^(?:quyet dinh|chi thi|thong bao|bao cao|to trinh|cong van|chuong trinh|de an|huong dan"
                         r"|quy che)\b", folded)
    if kind_word and block.text[:kind_word.end()].isupper() and not folded.startswith("quyet dinh:") \
            and (kind_word.end() == len(folded) or not tree.clauses or tree.clauses[-1].kind != "title"):
        return True
    # The summary lines after the title word: at most three, none a basis ("Căn cứ …;"), a
    # dated sentence or a paragraph that ends like one.
    titles = 0
    for clause in reversed(tree.clauses):
        if clause.kind != "title":
            break
        titles += 1
    if not titles or titles > 3 or len(block.text) > 600 or block.kind != "paragraph":
        return False
    if re.match(r"^(?:kinh gui|quyet dinh\s*:|can cu\b)", folded) or block.text.rstrip().endswith((";", ":")):
        return False
    if folded.startswith("thuc hien") and re.search(r"\bngay\s+\d|\d{1,2}/\d{1,2}/\d{4}", folded):
        return False
    return not (block.text.rstrip().endswith(".") and len(block.text) > 200) and not re.match(r"^ngay\s+\d", folded)


_BODY_OPENING = re.compile(r"^(?:kinh gui|can cu|thuc hien|giao|de nghi|yeu cau)\b")


def _body_begun(tree: _Tree) -> bool:
    """Whether a clause already emitted opens the body of a letter or directive (an address, a
    basis, 'Thực hiện …', an instruction): a later sentence-case line is body, not title."""
    return any(clause.kind != "title" and _BODY_OPENING.match(fold(clause.text)) for clause in tree.clauses)
