"""Page images (.png, .jpg, .jpeg, .tif, .tiff) → LoadedDocument through OCR, one page per frame."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.documents import LoadedDocument, LoadError
from assistant.ingest import ocr

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
PAGE_SEPARATOR = "\n\n"
_MIN_DPI, _MAX_DPI = 70, 1200


def load_image(path: Path, options: ocr.OcrOptions | None = None) -> LoadedDocument:
    frames, dpi = _inspect(path)

    def render(page: int, folder: Path) -> Path:
        return _prepare_frame(path, page, folder)

    # Tesseract is told the resolution: a scan saved without one would be read as 70 dpi.
    texts = ocr.ocr_pages(path, list(range(1, frames + 1)), render, options, renderer=f"pillow-dpi-{dpi}",
                          dpi=dpi)
    pages = [texts[page] for page in range(1, frames + 1)]
    if not any(page.strip() for page in pages):
        raise LoadError(f"{path}: no text found by OCR (an image without writing, or too blurred to read)")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    return LoadedDocument(path, PAGE_SEPARATOR.join(pages), path.suffix.lower()[1:], page_starts=tuple(starts),
                          ocr_pages=tuple(range(1, frames + 1)))


def _inspect(path: Path) -> tuple[int, int]:
    """(frame count, dpi to tell Tesseract), after Pillow has checked the file really is an image."""
    try:
        with Image.open(path) as image:
            image.verify()  # a truncated or damaged file fails here, before any OCR
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            dpi = image.info.get("dpi", (0, 0))[0]
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise LoadError(f"{path}: not a readable image ({_reason(error)})") from error
    except Exception as error:  # Pillow signals damage with OSError, SyntaxError, ValueError...
        raise LoadError(f"{path}: not a readable image ({type(error).__name__}: {error})") from error
    try:
        dpi = int(round(float(dpi)))
    except (TypeError, ValueError):
        dpi = 0
    return frames, dpi if _MIN_DPI <= dpi <= _MAX_DPI else ocr.DPI


def _prepare_frame(path: Path, page: int, folder: Path) -> Path:
    """Frame `page` (1-based) as an 8-bit grey PNG, turned upright by its EXIF orientation."""
    target = folder / f"page-{page}.png"
    try:
        with Image.open(path) as image:
            image.seek(page - 1)
            frame = ImageOps.exif_transpose(image)
            if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                frame = _flatten(frame)
            frame.convert("L").save(target)
    except Exception as error:
        raise LoadError(f"{path}: not a readable image (page {page}: {type(error).__name__}: {error})") from error
    return target


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent areas become white paper, not black (Tesseract ignores alpha)."""
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba)


def _reason(error: Exception) -> str:
    if isinstance(error, Image.DecompressionBombError):
        return "too many pixels for a page image"
    return "unknown or damaged image format"
