"""Uploads read off the server process, under a time and memory budget; uploads a crash left behind.

`read_isolated` turns one uploaded file into a Plan in a worker process (multiprocessing
"forkserver": a clean process that imported the ingest code once, forked per file). The server
thread only waits for it, so questions keep their CPU share and their memory: a hostile file that
would take minutes or gigabytes is stopped at `ASSISTANT_INGEST_TIMEOUT` seconds (default 300) or
`ASSISTANT_INGEST_MAX_MB` of address space (default 4096) and refused with that reason. Per-page
OCR progress comes back from the worker over the same pipe. Tokenising and embedding the plan's
clauses then happen in the server (bounded by assistant.ingest.limits), under the write lock.

`recover_uploads` runs when the server starts: an upload lives in `uploads/.incoming/<id>/` until
its plan is in the index manifest, then moves into `uploads/`. A file left in `.incoming` whose
hash the manifest records finishes its move; one the manifest does not know (the server died
before indexing it) is deleted and reported. A file in `uploads/` that the index does not know
(an older version of the app crashed after storing it) is indexed now, or moved to
`uploads/.failed/` with its reason: nothing stays invisible and unremovable.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from assistant.documents import LoadError, Plan

log = logging.getLogger("ui.ingest")

TIMEOUT_VAR = "ASSISTANT_INGEST_TIMEOUT"
MEMORY_VAR = "ASSISTANT_INGEST_MAX_MB"
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 4096
INCOMING = ".incoming"
FAILED = ".failed"

PageCallback = Callable[[Path, int, int], None]


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip().replace(",", ".")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def time_budget() -> float:
    return _env_float(TIMEOUT_VAR, DEFAULT_TIMEOUT)


def memory_budget() -> int:
    return int(_env_float(MEMORY_VAR, DEFAULT_MEMORY_MB) * 1024 * 1024)


# -- reading in a worker process ----------------------------------------------------------------
_CONTEXT_LOCK = threading.Lock()
_CONTEXT: list = []


def _context():
    """The forkserver context, its server preloaded with the ingest code (started once)."""
    with _CONTEXT_LOCK:
        if not _CONTEXT:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["ui.ingest_queue", "assistant.ingest.pipeline"])
            _CONTEXT.append(context)
        return _CONTEXT[0]


def _worker(conn, path: str, max_bytes: int | None, cache_dir: str | None, memory: int) -> None:
    """In the worker: cap the address space, read the plan, send ("plan", Plan) or ("error", text)."""
    import resource

    from assistant.ingest.ocr import OcrOptions
    from assistant.ingest.pipeline import read_plan

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):  # a hard limit already lower: keep it
        pass

    def page(_path, done: int, pages: int) -> None:
        conn.send(("page", done, pages))

    try:
        ocr = OcrOptions(cache_dir=Path(cache_dir) if cache_dir else None, progress=page)
        plan = read_plan(Path(path), max_bytes=max_bytes, ocr=ocr)
        conn.send(("plan", plan))
    except LoadError as error:
        conn.send(("error", str(error)))
    except MemoryError:
        conn.send(("error", f"{path}: ingest memory budget exceeded ({memory // (1024 * 1024)} MB)"))
    except Exception as error:  # a reader bug must not take the server with it
        conn.send(("error", f"{path}: cannot read file ({type(error).__name__})"))
    finally:
        conn.close()


def read_isolated(path: Path, max_bytes: int | None = None, cache_dir: Path | None = None,
                  on_page: PageCallback | None = None, timeout: float | None = None) -> Plan:
    """read_plan(path) in a worker process; LoadError on a refused file, on the time budget
    (the worker is killed) or when the worker dies (its memory budget)."""
    budget = time_budget() if timeout is None else timeout
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(sender, str(path), max_bytes,
                                                    str(cache_dir) if cache_dir else None, memory_budget()),
                              name="assistant-ingest", daemon=True)
    process.start()
    sender.close()
    deadline = time.monotonic() + budget
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LoadError(f"{path}: ingest time budget exceeded ({budget:g} s)")
            if not receiver.poll(min(left, 0.5)):
                if not process.is_alive() and not receiver.poll(0):
                    raise LoadError(f"{path}: ingest memory budget exceeded or worker died "
                                    f"(exit code {process.exitcode})")
                continue
            try:
                message = receiver.recv()
            except EOFError:
                process.join(5)
                raise LoadError(f"{path}: ingest memory budget exceeded or worker died "
                                f"(exit code {process.exitcode})") from None
            if message[0] == "page":
                if on_page is not None:
                    on_page(path, message[1], message[2])
                continue
            if message[0] == "plan":
                return message[1]
            raise LoadError(message[1])
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


# -- files of an upload -------------------------------------------------------------------------
def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def incoming_dir(folder: Path) -> Path:
    """A fresh private folder for one upload inside `uploads/.incoming` (same file system as
    `uploads/`, so the final move is one rename)."""
    import tempfile

    root = Path(folder) / INCOMING
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root, prefix="u-"))


@dataclass
class UploadRecovery:
    completed: list[str] = field(default_factory=list)  # indexed before the crash: moved into place
    dropped: list[str] = field(default_factory=list)  # never indexed: deleted (the user saw no success)
    picked_up: list[str] = field(default_factory=list)  # stored but unindexed (older crash): indexed now
    failed: list[tuple[str, str]] = field(default_factory=list)  # could not be indexed: moved to .failed/

    def summary(self) -> str:
        """A Vietnamese line for the Documents tab (empty when nothing was found)."""
        parts = []
        if self.picked_up:
            parts.append(f"đã lập chỉ mục {len(self.picked_up)} tệp tải lên còn sót từ lần trước "
                         f"({', '.join(self.picked_up)})")
        if self.completed:
            parts.append(f"đã hoàn tất {len(self.completed)} tệp tải lên bị ngắt ({', '.join(self.completed)})")
        if self.dropped:
            parts.append(f"{len(self.dropped)} tệp tải lên bị ngắt trước khi lập chỉ mục đã được bỏ, hãy tải lên lại "
                         f"({', '.join(self.dropped)})")
        if self.failed:
            parts.append(f"{len(self.failed)} tệp tải lên không lập chỉ mục được, đã chuyển vào {FAILED}/ "
                         f"({', '.join(n for n, _ in self.failed)})")
        return "Khi khởi động: " + "; ".join(parts) + "." if parts else ""


def recover_uploads(holder, folder: Path, read: Callable[..., Plan] = read_isolated) -> UploadRecovery:
    """Reconcile `folder` with the index (see the module docstring); reloads the engine if the
    index changed. Call once at start, before uploads are taken."""
    from assistant.indexer import Indexer
    from assistant.ingest.loaders import SUPPORTED_SUFFIXES
    from assistant.ingest.ocr import cache_dir_for
    from assistant.ingest.pipeline import display_source

    folder = Path(folder)
    result = UploadRecovery()
    if not folder.is_dir():
        return result
    engine = holder.engine
    changed = False
    with holder.write_lock:
        indexer = Indexer(engine.index_dir, holder.embedder)
        if indexer.recover():  # a plan cut short between its vectors and its manifest entry
            changed = True
        manifest = _manifest(engine.index_dir)
        plans = manifest.get("plans", {})
        for staged in sorted((folder / INCOMING).glob("*/*")) if (folder / INCOMING).is_dir() else []:
            target = folder / staged.name
            entry = plans.get(display_source(target))
            if staged.is_file() and entry and entry.get("file_sha256") == file_sha256(staged):
                os.replace(staged, target)
                result.completed.append(staged.name)
            else:
                result.dropped.append(staged.name)
        shutil.rmtree(folder / INCOMING, ignore_errors=True)
        orphans = [p for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()
                   and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
                   and display_source(p) not in plans]
        for orphan in orphans:
            try:
                plan = read(orphan, cache_dir=cache_dir_for(engine.index_dir))
                plan = replace(plan, source=display_source(orphan))
                report = indexer.ingest_plans([plan], extra={"file_sha256": file_sha256(orphan)})
                if report.duplicates:
                    raise LoadError(f"{orphan}: duplicate of {Path(report.duplicates[0][1]).name}")
                changed = changed or report.changed
                result.picked_up.append(orphan.name)
            except LoadError as error:
                (folder / FAILED).mkdir(exist_ok=True)
                os.replace(orphan, folder / FAILED / orphan.name)
                result.failed.append((orphan.name, str(error).rsplit(": ", 1)[-1]))
        if changed:
            holder.reload()
    for name, reason in result.failed:
        log.warning("upload %s left by an earlier run could not be indexed (%s); moved to %s/", name, reason, FAILED)
    if result.summary():
        log.warning("%s", result.summary())
    return result


def _manifest(index_dir: Path) -> dict:
    from assistant.store import open_store

    return open_store(index_dir).manifest()
