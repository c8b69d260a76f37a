"""Bounds on what one input may make the ingest do, checked before the costly step.

Every stage after loading is linear in the text, but "linear" still means gigabytes when a
hostile file is large in the wrong place: one 5 MB line tokenised at once, a 3 MB .docx whose
`document.xml` inflates to 1 GB, a block of lines that joins into one megabyte clause. These
checks refuse such input with a LoadError naming the file and the reason, before memory grows.

The limits sit far above what real plans need (measured on the 25 public plans and the corpus:
longest line 1.5 k characters, longest clause 1.6 k, longest text 0.1 M, largest unzipped
.docx 0.6 MB) and can be raised through the environment for an unusual archive.
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import LoadError

_MB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(float(raw)) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    line_chars: int = 100_000  # one line of decoded text
    clause_chars: int = 50_000  # one clause after wrap joining (what is tokenised and embedded at once)
    text_chars: int = 10_000_000  # the whole decoded text of one file
    zip_bytes: int = 100 * _MB  # .docx/.xlsx/.odt: all members together, uncompressed
    zip_member_bytes: int = 64 * _MB  # one member, uncompressed
    zip_members: int = 5_000  # members of one package
    pdf_pages: int = 2_000

    @classmethod
    def from_env(cls) -> "Limits":
        base = cls()
        return cls(
            line_chars=_env_int("ASSISTANT_MAX_LINE_CHARS", base.line_chars),
            clause_chars=_env_int("ASSISTANT_MAX_CLAUSE_CHARS", base.clause_chars),
            text_chars=_env_int("ASSISTANT_MAX_TEXT_CHARS", base.text_chars),
            zip_bytes=_env_int("ASSISTANT_ZIP_MAX_MB", base.zip_bytes // _MB) * _MB,
            zip_member_bytes=min(base.zip_member_bytes, _env_int("ASSISTANT_ZIP_MAX_MB", base.zip_bytes // _MB) * _MB),
            zip_members=_env_int("ASSISTANT_ZIP_MAX_MEMBERS", base.zip_members),
            pdf_pages=_env_int("ASSISTANT_MAX_PDF_PAGES", base.pdf_pages),
        )


def check_text(path: Path, text: str, limits: Limits | None = None) -> None:
    """Whole text and longest line, in one pass over the line breaks (no list of lines kept)."""
    limits = limits or Limits.from_env()
    if len(text) > limits.text_chars:
        raise LoadError(f"{path}: text too long ({len(text):,} characters > limit {limits.text_chars:,})")
    start, number = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > limits.line_chars:
            raise LoadError(f"{path}: line too long (line {number}: {end - start:,} characters > limit "
                            f"{limits.line_chars:,}; not the text of a plan)")
        start, number = end + 1, number + 1


def check_clauses(path: Path | str, clauses, limits: Limits | None = None) -> None:
    limits = limits or Limits.from_env()
    for clause in clauses:
        if len(clause.text) > limits.clause_chars:
            raise LoadError(f"{path}: clause too long (clause {clause.id}: {len(clause.text):,} characters > limit "
                            f"{limits.clause_chars:,}; lines with no paragraph break?)")


def check_zip(path: Path, limits: Limits | None = None) -> None:
    """A zip package (.docx, .xlsx, .odt) judged by its central directory, before any member is
    inflated. Python's zipfile stops a member at its declared size (and fails its CRC), so a
    directory that lies about sizes cannot inflate more than it declares."""
    limits = limits or Limits.from_env()
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: the format's own loader says why it cannot read it
    if len(members) > limits.zip_members:
        raise LoadError(f"{path}: zip package too large ({len(members):,} members > limit {limits.zip_members:,})")
    total = 0
    for member in members:
        if member.file_size > limits.zip_member_bytes:
            raise LoadError(f"{path}: zip package too large (member {member.filename} inflates to "
                            f"{member.file_size / _MB:,.0f} MB > limit {limits.zip_member_bytes / _MB:,.0f} MB)")
        total += member.file_size
    if total > limits.zip_bytes:
        raise LoadError(f"{path}: zip package too large (inflates to {total / _MB:,.0f} MB > limit "
                        f"{limits.zip_bytes / _MB:,.0f} MB)")
