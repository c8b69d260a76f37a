"""OCR of page images with Tesseract's Vietnamese model, cached by the file's content hash.

Engine: the `tesseract` program (Debian tesseract-ocr + tesseract-ocr-vie), called directly rather
than through pytesseract or ocrmypdf. pytesseract is itself a thin wrapper that writes temporary
files and calls the same program, but hides its process, so a stuck page could not be killed on a
time limit; ocrmypdf rebuilds a whole PDF (Ghostscript, a text layer we would read back) when only
the text of some pages is needed. One subprocess per page also gives the per-page progress.

Pages of PDFs are rendered by poppler's `pdftoppm` at 300 dpi in grey: measured on the real scans
and on generated pages (`scripts/bench_ocr.py`), 200 dpi loses diacritics on small print and
400 dpi is slower without being better. Images are converted to 8-bit grey PNG by Pillow first
(CMYK JPEGs, 16-bit or multi-page TIFFs, alpha channels all reach Tesseract in one form).

Cache: one JSON file per source file, named by the sha256 of its bytes, holding the text of each
OCR'd page and a fingerprint of the engine (program versions, language, dpi, page mode). It lives in
`<index>/ocr-cache/` (the indexer and the web upload pass the folder down) or in
`$ASSISTANT_CACHE_DIR/ocr/` when that is set; a re-ingest, a renamed copy or the second read of an
upload never OCRs again. Pages are saved as they are read, so an interrupted OCR resumes.

Limit: at most `ASSISTANT_OCR_MAX_PAGES` pages (default 100) are OCR'd per file; a longer scan is
refused before any page is read.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import LoadError
from assistant.ingest import external

LANGUAGE = "vie"
DPI = 300
PAGE_MODE = 3  # Tesseract --psm 3: automatic page segmentation (columns, headers), no OSD
PAGE_TIMEOUT = 180.0  # seconds for one page (a 300-dpi A4 page takes 2-5 s on one core)
RENDER_TIMEOUT = 120.0
DEFAULT_MAX_PAGES = 100
MAX_PAGES_VAR = "ASSISTANT_OCR_MAX_PAGES"
CACHE_VAR = "ASSISTANT_CACHE_DIR"
_PREPARATION = "grey-png-1"  # bump when the image preparation changes: cached text is then stale

PageProgress = Callable[[Path, int, int], None]  # (file, pages done, pages to OCR)


@dataclass(frozen=True)
class OcrOptions:
    """What ingestion passes down to the loaders: where OCR text is cached, whom to tell per page."""

    cache_dir: Path | None = None
    progress: PageProgress | None = None


def cache_dir_for(index_dir: Path | None) -> Path | None:
    """`$ASSISTANT_CACHE_DIR/ocr` when set, else `<index>/ocr-cache` (None: no index, no cache)."""
    configured = os.environ.get(CACHE_VAR, "").strip()
    if configured:
        return Path(configured).expanduser() / "ocr"
    return Path(index_dir) / "ocr-cache" if index_dir is not None else None


def max_pages() -> int:
    raw = os.environ.get(MAX_PAGES_VAR, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_MAX_PAGES
    except ValueError:
        value = DEFAULT_MAX_PAGES
    return value if value > 0 else DEFAULT_MAX_PAGES


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OcrCache:
    """Page texts of one source file, keyed by its sha256 and the engine fingerprint."""

    def __init__(self, folder: Path | None, sha256: str, engine: str) -> None:
        self._file = Path(folder) / f"{sha256}.json" if folder is not None else None
        self._engine = engine
        self.pages: dict[int, str] = {}
        if self._file is not None:
            try:
                stored = json.loads(self._file.read_text(encoding="utf-8"))
                if stored.get("engine") == engine:
                    self.pages = {int(number): text for number, text in stored.get("pages", {}).items()}
            except (OSError, ValueError, AttributeError):
                self.pages = {}  # missing or damaged: OCR again

    def put(self, page: int, text: str) -> None:
        self.pages[page] = text
        if self._file is None:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._file.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"engine": self._engine, "pages": {str(n): t for n, t in sorted(self.pages.items())}},
                          handle, ensure_ascii=False)
            os.replace(tmp, self._file)
        except OSError:
            pass  # a read-only or full disk costs a later re-OCR, not this ingest


def engine_fingerprint(tesseract: str, renderer: str) -> str:
    """`renderer` names what made the page images (the pdftoppm version, or the image preparation)."""
    parts = [external.version(tesseract), LANGUAGE, str(DPI), str(PAGE_MODE), _PREPARATION, renderer]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def ocr_pages(path: Path, pages: list[int], render: Callable[[int, Path], Path], options: OcrOptions | None,
              renderer: str, dpi: int = DPI) -> dict[int, str]:
    """Text of each page in `pages` (1-based): from the cache, else rendered by `render(page, folder)`
    to an image file and read by Tesseract. Raises LoadError (missing program, page limit, failure)."""
    options = options or OcrOptions()
    tesseract = external.require_tesseract_language(path, LANGUAGE)
    cache = OcrCache(options.cache_dir, file_sha256(path), engine_fingerprint(tesseract, renderer))
    todo = [page for page in pages if page not in cache.pages]
    limit = max_pages()
    if len(todo) > limit:
        raise LoadError(f"{path}: {len(todo)} pages need OCR, more than the limit of {limit} pages "
                        f"({MAX_PAGES_VAR}); split the scan or raise the limit")
    done = len(pages) - len(todo)
    if options.progress and pages:
        options.progress(path, done, len(pages))
    with tempfile.TemporaryDirectory(prefix="assistant-ocr-") as folder:
        for page in todo:
            image = render(page, Path(folder))
            cache.put(page, read_image(path, tesseract, image, page, dpi))
            image.unlink(missing_ok=True)
            done += 1
            if options.progress:
                options.progress(path, done, len(pages))
    return {page: cache.pages[page] for page in pages}


def read_image(path: Path, tesseract: str, image: Path, page: int, dpi: int = DPI) -> str:
    """Tesseract's text for one prepared image; `path` and `page` only name the failure."""
    args = [tesseract, str(image), "stdout", "-l", LANGUAGE, "--psm", str(PAGE_MODE), "--dpi", str(dpi)]
    try:
        result = external.run(args, PAGE_TIMEOUT, env={"OMP_THREAD_LIMIT": "1"})
    except external.ProgramTimeout as error:
        raise LoadError(f"{path}: OCR of page {page} stopped ({error})") from None
    if result.returncode != 0:
        detail = _last_line(result.stderr)
        raise LoadError(f"{path}: OCR of page {page} failed (tesseract: {detail})")
    return clean_ocr_text(result.stdout.decode("utf-8", errors="replace"))


def render_pdf_page(path: Path, pdftoppm: str, page: int, folder: Path) -> Path:
    """Page `page` of the PDF as a grey PNG at DPI (annotations, such as stamped form fields, drawn)."""
    prefix = folder / f"page-{page}"
    args = [pdftoppm, "-f", str(page), "-l", str(page), "-r", str(DPI), "-gray", "-png", "-singlefile",
            str(path), str(prefix)]
    try:
        result = external.run(args, RENDER_TIMEOUT)
    except external.ProgramTimeout as error:
        raise LoadError(f"{path}: rendering page {page} for OCR stopped ({error})") from None
    image = prefix.with_suffix(".png")
    if result.returncode != 0 or not image.is_file():
        raise LoadError(f"{path}: cannot render page {page} for OCR (pdftoppm: {_last_line(result.stderr)})")
    return image


_SPACES = re.compile(r"[ \t]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_ocr_text(text: str) -> str:
    """NFC (the model emits some decomposed marks), no form feeds, no trailing spaces, at most one
    blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\x0c", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"
