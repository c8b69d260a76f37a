"""Typed records passed between pipeline stages (load → segment → enrich → index)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class LoadError(Exception):
    """A file that cannot be turned into text; the message names the file and the reason."""


@dataclass(frozen=True)
class LoadedDocument:
    """Decoded text of one file, before any normalisation.

    `page_starts[i]` is the character offset where page i+1 begins (empty when the format has
    no pages), so a clause's page is found from its span without re-reading the file.
    `ocr_pages` lists the pages (1-based) whose text was read by OCR rather than from a text
    layer: all pages of an image or a scan, some of a mixed PDF, none otherwise.
    """

    path: Path
    text: str
    format: str  # "txt", "md", "pdf", "docx", "doc", "odt", "rtf", "png", "jpg", "jpeg", "tif", "tiff"
    page_starts: tuple[int, ...] = ()
    encoding: str = "utf-8"
    ocr_pages: tuple[int, ...] = ()

    @property
    def from_ocr(self) -> bool:
        return bool(self.ocr_pages)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start <= offset:
                page = number
            else:
                break
        return page


@dataclass(frozen=True)
class Clause:
    """One unit of retrieval and citation: a heading, paragraph, bullet or table row."""

    id: str  # stable, from position: "V.1.a", "V.1.b-2", "PL.I.7"
    kind: str  # "section" | "item" | "subitem" | "letter" | "bullet" | "paragraph" | "row" | "title"
    text: str  # as in the source (markdown stripped, wraps joined), for display and quoting
    path: tuple[str, ...]  # heading texts above this clause, outermost first
    span: tuple[int, int]  # character offsets in LoadedDocument.text
    page: int | None = None
    columns: tuple[tuple[str, str], ...] = ()  # table rows: (column header, cell)

    @property
    def context(self) -> str:
        """Heading path plus text: what matching sees, since the actor often lives in a heading."""
        return " / ".join((*self.path, self.text))


@dataclass
class PlanMetadata:
    locality: str = ""  # "phường Long Mỹ"
    level: str = ""  # xã | phường | thị trấn | thị xã | huyện | tỉnh | thành phố
    locality_name: str = ""  # "Long Mỹ"
    province: str = ""
    parent_unit: str = ""  # "UBND thành phố Cần Thơ"
    number: str = ""  # "2855/KH-UBND", or "/KH-UBND" when left blank
    issue_date: str = ""  # ISO date when complete, else as written
    place: str = ""  # place name of the date line
    title: str = ""
    period: str = ""  # "2025-2030"
    parent_documents: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    signer: str = ""
    signer_title: str = ""
    signer_as_written: str = ""  # the name as a scan reads it, when its family name was mended
    recipients: list[str] = field(default_factory=list)
    doc_type: str = ""  # "Kế hoạch", "Quyết định", "Công văn", "Chỉ thị", "Thông báo"…
    issuer: str = ""  # "UBND tỉnh Quảng Ngãi", "Sở Công Thương" (as the header block names it)
    issuer_parent: str = ""  # the line above the issuer in the header: "UBND tỉnh Lào Cai"
    subject: str = ""  # trích yếu of a công văn ("V/v …")
    urgency: str = ""  # "HỎA TỐC", "KHẨN" stamped in the header
    addressees: list[str] = field(default_factory=list)  # "Kính gửi: …"
    attached_title: str = ""  # the plan a decision issues, when the file holds it too
    from_ocr: bool = False  # text read from a scan by OCR (may hold misread letters and numbers)


@dataclass
class Plan:
    source: str  # path relative to the repository root (or as given outside it)
    metadata: PlanMetadata
    clauses: list[Clause]
    sha256: str = ""
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR (LoadedDocument.ocr_pages)
