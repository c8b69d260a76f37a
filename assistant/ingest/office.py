"""Word 97–2003 (.doc), OpenDocument (.odt) and RTF files → .docx through LibreOffice.

`soffice --headless --convert-to docx` runs with a private profile made for this one conversion
(`-env:UserInstallation`): with a shared profile a second soffice hands its job to the first one
and exits, and a profile left locked by a killed run would block the next. The conversion has a
time limit (`ASSISTANT_OFFICE_TIMEOUT` seconds, default 120); on timeout the whole process group
is killed. Files protected by a password are recognised before LibreOffice is started (it would
only say "source file could not be loaded"). The .docx is then read by the DOCX loader.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import olefile

from assistant.documents import LoadError
from assistant.ingest import external

OFFICE_SUFFIXES = (".doc", ".odt", ".rtf")
TIMEOUT_VAR = "ASSISTANT_OFFICE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
_F_ENCRYPTED = 0x0100  # FIB flag word (offset 10 of the WordDocument stream): fEncrypted
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def timeout() -> float:
    raw = os.environ.get(TIMEOUT_VAR, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        value = DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


@contextmanager
def converted_to_docx(path: Path) -> Iterator[Path]:
    """A temporary .docx made from `path`; deleted when the block ends."""
    if password_protected(path):
        raise LoadError(f"{path}: password-protected document (remove the password and save it again)")
    soffice = external.require(external.SOFFICE, path)
    work = Path(tempfile.mkdtemp(prefix="assistant-office-"))
    try:
        # A plain ASCII name: LibreOffice derives the output name from it, and a name starting
        # with "-" or holding odd characters must not reach its command line.
        source = work / f"source{path.suffix.lower()}"
        shutil.copyfile(path, source)
        args = [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source)]
        limit = timeout()
        try:
            result = external.run(args, limit, env={"HOME": str(work)}, cwd=work)
        except external.ProgramTimeout:
            raise LoadError(f"{path}: LibreOffice did not finish converting the file within {limit:g} s "
                            f"(damaged or unusual file?)") from None
        target = work / "out" / "source.docx"
        if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = _message(result.stdout + b"\n" + result.stderr)
            raise LoadError(f"{path}: LibreOffice could not convert the file ({detail})")
        yield target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def password_protected(path: Path) -> bool:
    """Encrypted Word 97–2003 binary, encrypted OOXML (an OLE container holding EncryptionInfo,
    whatever its extension) or an encrypted OpenDocument package."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        if head == _OLE_MAGIC:
            with olefile.OleFileIO(str(path)) as container:
                if container.exists("EncryptionInfo"):
                    return True
                if container.exists("WordDocument"):
                    fib = container.openstream("WordDocument").read(12)
                    return len(fib) == 12 and bool(int.from_bytes(fib[10:12], "little") & _F_ENCRYPTED)
            return False
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                names = package.namelist()
                if "META-INF/manifest.xml" in names:
                    return b"encryption-data" in package.read("META-INF/manifest.xml")
    except Exception:  # damaged container: LibreOffice will say it cannot read it
        return False
    return False


def is_encrypted_ooxml(path: Path) -> bool:
    """A .docx saved with a password is an OLE container, not a zip package."""
    try:
        with open(path, "rb") as handle:
            if handle.read(8) != _OLE_MAGIC:
                return False
        with olefile.OleFileIO(str(path)) as container:
            return container.exists("EncryptionInfo") or container.exists("EncryptedPackage")
    except Exception:
        return False


def _message(output: bytes) -> str:
    lines = [line.strip() for line in output.decode("utf-8", errors="replace").splitlines()
             if line.strip() and "javaldx" not in line]  # a warning on every run without Java
    return lines[-1][:200] if lines else "no output file"
