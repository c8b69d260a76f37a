"""The Debian programs some formats need (poppler, Tesseract, LibreOffice), found on PATH and run
with a time limit.

A missing program makes only the files that need it fail, with a LoadError naming the Debian
package to install; every other format keeps working. A run that exceeds its time limit is killed
with its whole process group (LibreOffice forks helpers that would otherwise outlive it).
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import LoadError


@dataclass(frozen=True)
class Program:
    command: str
    package: str  # Debian package that provides it
    needed_for: str


PDFTOPPM = Program("pdftoppm", "poppler-utils", "rendering scanned PDF pages for OCR")
TESSERACT = Program("tesseract", "tesseract-ocr", "OCR of scans and images")
SOFFICE = Program("soffice", "libreoffice-writer-nogui", "converting .doc/.odt/.rtf")
VIETNAMESE_OCR_PACKAGE = "tesseract-ocr-vie"


class ProgramTimeout(Exception):
    """The program ran past its time limit and was killed."""


def require(program: Program, path: Path) -> str:
    """Absolute path of the program, or LoadError("<path>: needs ... (Debian package ...)")."""
    found = shutil.which(program.command)
    if found is None:
        raise LoadError(f"{path}: {program.needed_for} needs the program '{program.command}', which is not "
                        f"installed (Debian package {program.package}; run `make setup` as root)")
    return found


def require_tesseract_language(path: Path, language: str) -> str:
    """The tesseract binary, after checking it has the language's trained data."""
    tesseract = require(TESSERACT, path)
    if language not in _languages(tesseract):
        raise LoadError(f"{path}: OCR needs Tesseract's '{language}' language data, which is not installed "
                        f"(Debian package {VIETNAMESE_OCR_PACKAGE}; run `make setup` as root)")
    return tesseract


@functools.lru_cache(maxsize=4)
def _languages(tesseract: str) -> frozenset[str]:
    try:
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = (listed.stdout + "\n" + listed.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


@functools.lru_cache(maxsize=4)
def version(command: str) -> str:
    """First line of `command --version` (part of cache keys: another engine reads differently)."""
    try:
        shown = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return ((shown.stdout or shown.stderr).strip().splitlines() or ["unknown"])[0]


def run(args: list[str], timeout: float, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run to completion in a new session; on timeout kill the whole group and raise ProgramTimeout."""
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ProgramTimeout(f"{Path(args[0]).name} did not finish within {timeout:g} s") from None
    except BaseException:  # KeyboardInterrupt while waiting: leave no orphan behind
        _kill_group(process)
        raise
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()
