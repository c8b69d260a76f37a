"""PDF → LoadedDocument, page by page: the text layer where it is usable, OCR where it is not.

pypdf parses the file (and so detects damage and encryption) and reads each page's text layer,
with the values of form-field widgets put back in their place (pdf_forms). A page is OCR'd
(ocr.py, rendered by pdftoppm) when
- it has almost no text but draws an image: a scanned page, or
- its text is not plausible Vietnamese: a font with a wrong ToUnicode map extracts "7ӌ1+" for
  "TỈNH". Measured by the share of accented words that are valid Vietnamese syllables
  (encodings.looks_like_garbage: real text layers score ≥ 0.99, such garbage ≤ 0.3) and by
  control characters, which no real text layer has. The OCR text replaces the layer only if it scores
  higher, so a plan in another language is not thrown away for a Vietnamese misreading.
Pages without text or images (blank pages) stay empty.
"""
from __future__ import annotations

from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from assistant.ingest import limits
from assistant.documents import LoadedDocument, LoadError
from assistant.ingest import external, ocr
from assistant.ingest.encodings import looks_like_garbage as text_layer_is_garbage
from assistant.ingest.encodings import vietnamese_score
from assistant.ingest.pdf_forms import page_text_with_fields

PAGE_SEPARATOR = "\n\n"
MIN_LETTERS = 25  # fewer letters than this on a page with an image: a scan (perhaps with a stamp)


def load_pdf(path: Path, options: ocr.OcrOptions | None = None) -> LoadedDocument:
    layers, needs_ocr = _read_layers(path)
    pages = list(layers)
    ocr_pages: list[int] = []
    if needs_ocr:
        pdftoppm = external.require(external.PDFTOPPM, path)
        texts = ocr.ocr_pages(path, needs_ocr, lambda page, folder: ocr.render_pdf_page(path, pdftoppm, page, folder),
                              options, renderer=external.version(pdftoppm))
        for page, text in texts.items():
            layer = layers[page - 1]
            if _letters(layer) < MIN_LETTERS or vietnamese_score(text) > vietnamese_score(layer):
                pages[page - 1] = text
                ocr_pages.append(page)
    if not any(page.strip() for page in pages):
        if needs_ocr:
            raise LoadError(f"{path}: no text found by OCR (blank or unreadable scan)")
        raise LoadError(f"{path}: no text layer and no page images (blank PDF?)")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    return LoadedDocument(path, PAGE_SEPARATOR.join(pages), "pdf", page_starts=tuple(starts),
                          ocr_pages=tuple(sorted(ocr_pages)))


def _read_layers(path: Path) -> tuple[list[str], list[int]]:
    """(text of each page, 1-based pages to OCR)."""
    # pypdf signals damage with many exception types (its own, ValueError, KeyError, zlib...),
    # and this is untrusted input, so any failure while parsing means "not readable".
    try:
        reader = pypdf.PdfReader(path)
        _unlock(path, reader)
        pages = len(reader.pages)
        if pages > limits.Limits.from_env().pdf_pages:
            raise LoadError(f"{path}: too many pages ({pages:,} > limit {limits.Limits.from_env().pdf_pages:,})")
        layers, needs_ocr = [], []
        for number, page in enumerate(reader.pages, start=1):
            own = _normalise_newlines(page.extract_text() or "")
            scanned = _letters(own) < MIN_LETTERS and _draws_image(page)
            if scanned or text_layer_is_garbage(own):
                needs_ocr.append(number)
                layers.append(own)
            else:
                text, _ = page_text_with_fields(page)
                layers.append(_normalise_newlines(text))
        return layers, needs_ocr
    except LoadError:
        raise
    except (DependencyError, FileNotDecryptedError) as error:
        raise LoadError(f"{path}: encrypted PDF ({error})") from error
    except Exception as error:
        raise LoadError(f"{path}: not a readable PDF ({type(error).__name__}: {error})") from error


def _unlock(path: Path, reader: pypdf.PdfReader) -> None:
    """Open PDFs protected only by an owner password; refuse those that need a user password."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise LoadError(f"{path}: encrypted PDF")


def _draws_image(page: pypdf.PageObject) -> bool:
    try:
        return len(page.images) > 0
    except Exception:  # cannot tell: a text-less page is more likely a scan than blank
        return True


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
