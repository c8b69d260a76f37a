"""File → Plan: load, segment, read metadata. The one entry point ingestion and tools call."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from assistant.documents import LoadedDocument, Plan
from assistant.ingest import limits
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, load
from assistant.ingest.metadata import extract_metadata
from assistant.ingest.ocr import OcrOptions
from assistant.ingest.segment import segment

REPO_ROOT = Path(__file__).resolve().parents[2]


def display_source(path: Path) -> str:
    """Path relative to the repository root, or as given when outside it (DESIGN §3)."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def plan_from_document(document: LoadedDocument, source: str | None = None) -> Plan:
    clauses = segment(document)
    limits.check_clauses(document.path, clauses)  # before anything is tokenised or embedded
    digest = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    metadata = extract_metadata(clauses)
    metadata.from_ocr = bool(document.ocr_pages)  # the web app marks scan-derived plans
    return Plan(source or display_source(document.path), metadata, clauses, digest, ocr_pages=document.ocr_pages)


def read_plan(path: Path, max_bytes: int | None = None, ocr: OcrOptions | None = None) -> Plan:
    """`ocr`: where OCR text is cached and who hears of each page (ocr.OcrOptions)."""
    document = load(path, ocr=ocr) if max_bytes is None else load(path, max_bytes=max_bytes, ocr=ocr)
    return plan_from_document(document)


def discover(paths: list[Path]) -> list[Path]:
    """Files named directly, plus supported files found under folders, in a stable order.
    A file named directly is returned whatever its suffix, so the loader can say why it is
    refused; files inside folders are filtered by suffix. Inside a folder, hidden entries (an
    upload still being written sits in `uploads/.incoming/`) and links that lead outside the
    folder (`link -> /etc/passwd`) are skipped: a folder ingest reads only that folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if _inside(p, path)))
        else:
            found.append(path)
    return found


def _inside(file: Path, folder: Path) -> bool:
    relative = file.relative_to(folder)
    if any(part.startswith(".") for part in relative.parts) or file.suffix.lower() not in SUPPORTED_SUFFIXES:
        return False
    try:
        return file.is_file() and file.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def in_scope(source: str, paths: list[Path]) -> bool:
    """Whether an indexed source came from one of `paths` (a folder holds what is under it, a
    file only itself): `ingest corpus --prune` may drop only such plans, never the web uploads
    or plans ingested from other folders."""
    target = Path(source) if Path(source).is_absolute() else REPO_ROOT / source
    target = target.resolve()
    for path in paths:
        given = Path(path).resolve()
        if target == given or (path.is_dir() and target.is_relative_to(given)):
            return True
    return False
