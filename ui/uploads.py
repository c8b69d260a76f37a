"""Checks on uploaded files, with reasons in Vietnamese, and their safe storage.

A file is refused before anything in the index changes when its name is a path (`../`), its type
is not one of SUPPORTED_SUFFIXES (text, PDF, Word/OpenDocument/RTF, page images), it is empty, larger than the limit
(`ASSISTANT_UPLOAD_MAX_MB`, default 50) or binary behind a text extension, or the loader cannot
read it. Accepted files are stored under `uploads/` at the repository root (or
`ASSISTANT_UPLOAD_DIR`) with a sanitised name that can never leave that folder, and never over
another plan's file (`choose_target`: a "-2" name unless the user chose to update).
"""
from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Callable

from assistant.ingest.office import is_encrypted_ooxml
from assistant.ingest.pipeline import REPO_ROOT

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".doc", ".odt", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
DEFAULT_MAX_MB = 50.0
_MB = 1024 * 1024
_SNIFF = 64 * 1024
_TEXT_CONTROLS = "\t\n\r\x0b\x0c\x1a"
_MAX_STEM = 100


class UploadRejected(ValueError):
    """A file that will not be indexed; `reason` is the Vietnamese explanation shown in the page."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def upload_dir() -> Path:
    configured = os.environ.get("ASSISTANT_UPLOAD_DIR", "").strip()
    return Path(configured).expanduser().resolve() if configured else (REPO_ROOT / "uploads")


def max_upload_bytes() -> int:
    raw = os.environ.get("ASSISTANT_UPLOAD_MAX_MB", "").strip()
    try:
        megabytes = float(raw.replace(",", ".")) if raw else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int((megabytes if megabytes > 0 else DEFAULT_MAX_MB) * _MB)


def format_mb(size: int) -> str:
    value = f"{size / _MB:.1f}".replace(".", ",")
    return value[:-2] if value.endswith(",0") else value


# -- names ---------------------------------------------------------------------------------------
def safe_name(name: str) -> str:
    """The name a file is stored under: no folders, no `..`, only letters (Vietnamese included),
    digits, `-`, `_`, `.`, `(` and `)`; refuses a name that tries to climb out of the folder."""
    raw = unicodedata.normalize("NFC", str(name or ""))
    parts = [p for p in re.split(r"[\\/]+", raw)]
    if any(p.strip() == ".." for p in parts) or "../" in raw or "..\\" in raw:
        raise UploadRejected(name, "tên tệp chứa đường dẫn “../” — không được phép; hãy đổi tên tệp rồi tải lên lại")
    base = parts[-1] if parts else ""
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"\s+", "-", stem.strip())
    stem = re.sub(r"[^\w\-().]", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._-")[:_MAX_STEM] or "tai-len"
    suffix = re.sub(r"[^\w]", "", suffix).lower()
    return f"{stem}.{suffix}" if suffix else stem


# -- content -------------------------------------------------------------------------------------
def check_file(path: Path, name: str, max_bytes: int | None = None) -> str:
    """Validate one uploaded file (stored at `path`, named `name` by the user); return the safe
    name to store it under, or raise UploadRejected with the reason."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    stored = safe_name(name)
    suffix = Path(stored).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”" if suffix else "không có phần mở rộng"
        raise UploadRejected(name, f"định dạng {shown} không được hỗ trợ (chỉ nhận {', '.join(SUPPORTED_SUFFIXES)})")
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadRejected(name, "không đọc được tệp đã tải lên (tệp không còn trên máy chủ)") from None
    if size == 0:
        raise UploadRejected(name, "tệp trống (0 byte)")
    if size > max_bytes:
        raise UploadRejected(name, f"tệp quá lớn: {format_mb(size)} MB, giới hạn {format_mb(max_bytes)} MB")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
    if suffix in (".txt", ".md"):
        if _looks_binary(head):
            raise UploadRejected(name, "tệp nhị phân, không phải văn bản (có thể đã đổi đuôi tệp)")
        if not head.strip():
            raise UploadRejected(name, "tệp trống (chỉ có khoảng trắng)")
    elif suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        raise UploadRejected(name, "không phải tệp PDF hợp lệ (thiếu phần đầu %PDF)")
    elif suffix == ".docx" and is_encrypted_ooxml(path):
        raise UploadRejected(name, "tài liệu có mật khẩu; hãy bỏ mật khẩu, lưu lại rồi tải lên")
    elif suffix == ".docx" and not zipfile.is_zipfile(path):
        raise UploadRejected(name, "không phải tệp .docx hợp lệ (tệp Word cũ hãy tải lên với đuôi .doc)")
    return stored


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs; the loader reads it
        return False
    if b"\x00" in head:
        return True
    sample = head.decode("latin-1")
    controls = sum(1 for ch in sample if ord(ch) < 0x20 and ch not in _TEXT_CONTROLS)
    return controls > 0.05 * max(1, len(sample))


_LOAD_REASONS = [
    ("empty file", "tệp trống (không có chữ)"),
    ("line too long", "có một dòng quá dài (hơn {line_chars} ký tự, không phải văn bản kế hoạch); hãy kiểm tra lại tệp"),
    ("clause too long", "có một đoạn quá dài (hơn {clause_chars} ký tự liền không xuống đoạn); hãy tách đoạn rồi tải lên lại"),
    ("text too long", "tệp có quá nhiều chữ (hơn {text_chars} ký tự); hãy tách tệp"),
    ("zip package too large", "tệp nén bên trong quá lớn khi giải nén (có thể là “bom zip”); không đọc"),
    ("too many pages", "tệp PDF quá nhiều trang (hơn {pdf_pages} trang); hãy tách tệp"),
    ("ingest time budget", "xử lý tệp quá thời gian cho phép ({budget} giây); tệp bất thường hoặc quá lớn"),
    ("ingest memory budget", "xử lý tệp cần quá nhiều bộ nhớ; tệp bất thường hoặc quá lớn"),
    ("binary content", "tệp nhị phân, không phải văn bản"),
    ("unsupported file type", f"định dạng không được hỗ trợ (chỉ nhận {', '.join(SUPPORTED_SUFFIXES)})"),
    ("file too large", "tệp quá lớn"),
    ("unrecognised text encoding", "không nhận ra bảng mã chữ (không phải UTF-8, UTF-16, Windows-1258, VNI hay TCVN3)"),
    ("invalid utf-16", "văn bản UTF-16 bị lỗi"),
    ("no text layer", "PDF không có chữ và không có ảnh trang (tệp trắng?)"),
    ("no text found by ocr", "nhận dạng chữ (OCR) không tìm thấy chữ nào (ảnh không có chữ, hoặc quá mờ)"),
    ("pages need ocr", "bản scan quá nhiều trang cần nhận dạng chữ (OCR); hãy tách tệp hoặc tăng ASSISTANT_OCR_MAX_PAGES"),
    ("password-protected", "tài liệu có mật khẩu; hãy bỏ mật khẩu, lưu lại rồi tải lên"),
    ("libreoffice did not finish", "LibreOffice chuyển đổi tệp quá lâu (tệp hỏng hoặc bất thường?)"),
    ("libreoffice could not convert", "LibreOffice không chuyển đổi được tệp (tệp hỏng hoặc không phải tài liệu Word/OpenDocument/RTF)"),
    ("not a readable image", "tệp ảnh bị hỏng hoặc không đọc được"),
    ("debian package", None),  # a missing program: the reason names the package (see below)
    ("ocr of page", "nhận dạng chữ (OCR) một trang bị lỗi"),
    ("rendering page", "không dựng được trang PDF để nhận dạng chữ"),
    ("encrypted pdf", "PDF có mật khẩu, không đọc được"),
    ("not a readable pdf", "tệp PDF bị hỏng hoặc không đọc được"),
    ("not a readable docx", "tệp .docx bị hỏng hoặc không đọc được"),
    ("cannot read file", "không đọc được tệp"),
    ("file not found", "không tìm thấy tệp đã tải lên"),
]


def load_error_reason(message: str, path: Path | None = None) -> str:
    """A loader error ("<path>: <reason>", English) as a Vietnamese reason, without the server path."""
    text = str(message)
    if path is not None and text.startswith(f"{path}: "):
        text = text[len(f"{path}: "):]
    lowered = text.lower()
    for needle, reason in _LOAD_REASONS:
        if needle in lowered:
            return _fill(reason) if reason else _missing_program_reason(text)
    return f"không đọc được tệp ({text.rsplit(': ', 1)[-1] if ': ' in text else text})"


def _fill(reason: str) -> str:
    """A reason naming the limit in force (numbers written the Vietnamese way, 100.000)."""
    if "{" not in reason:
        return reason
    from assistant.ingest.limits import Limits
    from ui.ingest_queue import time_budget

    values = {k: f"{v:,}".replace(",", ".") for k, v in Limits.from_env().__dict__.items()}
    return reason.format(budget=f"{time_budget():g}", **values)


def _missing_program_reason(text: str) -> str:
    package = re.search(r"Debian package ([\w.+-]+)", text)
    name = package.group(1) if package else "?"
    return (f"máy chủ chưa cài gói {name} cần cho định dạng này (quản trị chạy `make setup` với quyền root); "
            f"các định dạng khác vẫn dùng được")


# -- storage -------------------------------------------------------------------------------------
def destination(folder: Path, stored_name: str) -> Path:
    """Where a file goes: inside `folder`, never elsewhere (checked after resolving)."""
    folder = Path(folder).resolve()
    target = (folder / stored_name).resolve()
    if target.parent != folder or stored_name in ("", ".", ".."):
        raise UploadRejected(stored_name, "tên tệp không hợp lệ")
    return target


def with_counter(stored_name: str, number: int) -> str:
    """"ke-hoach.txt" → "ke-hoach-2.txt": the next free name for a different plan."""
    stem, dot, suffix = stored_name.rpartition(".")
    return f"{stem}-{number}.{suffix}" if dot else f"{stored_name}-{number}"


def choose_target(folder: Path, stored_name: str, sha256: str, indexed: dict[str, str], replace: bool,
                  source_of: Callable[[Path], str]) -> tuple[Path, str]:
    """Where an upload goes, and why: ("new" | "same" | "update"). `indexed`: source → text hash
    of the plans in the index. A name already holding another plan is never overwritten unless the
    user chose to update it (`replace`); the upload then gets the first free "-2", "-3" name. Two
    names that clean to the same ("Kế hoạch 2025.txt", "Kế-hoạch-2025.txt") are two plans."""
    target = destination(folder, stored_name)
    for number in range(2, 10_000):
        source = source_of(target)
        taken = target.exists() or target.is_symlink() or source in indexed
        if not taken:
            return target, "new"
        if indexed.get(source) == sha256:
            return target, "same"
        if replace and target.is_file() and not target.is_symlink():
            return target, "update"
        target = destination(folder, with_counter(stored_name, number))
    raise UploadRejected(stored_name, "quá nhiều tệp cùng tên trong kho tải lên")


def source_path(source: str) -> Path:
    """The file an index source names (relative to the repository root, or absolute)."""
    path = Path(source)
    return (path if path.is_absolute() else REPO_ROOT / path).resolve()


def is_uploaded(source: str, folder: Path | None = None) -> bool:
    folder = Path(folder or upload_dir()).resolve()
    return source_path(source).is_relative_to(folder)
