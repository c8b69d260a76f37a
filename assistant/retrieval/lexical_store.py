"""The BM25 index saved beside the plans, so opening a large index does not rebuild it.

Building BM25 over 165k clauses took ~8 s of a 12 s Engine open on the 1,000-plan benchmark;
loading the saved arrays (memory-mapped) takes a fraction of that. The saved index is only a
cache: it carries a fingerprint of the plan files it was built from (source, content hash, file
size and modification time, in load order), and an Engine whose plans differ builds BM25 in memory as before and saves the
new one. Saving happens only when no ingest holds the index lock, into a fresh folder that is
then renamed into place, so a reader sees either the old index, the new one, or none.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import tempfile
from pathlib import Path

from assistant.retrieval.lexical import LexicalIndex

FOLDER = "lexical"
FINGERPRINT_FILE = "fingerprint.json"
LOCK_NAME = ".ingest.lock"  # the Indexer's lock file: saving never overlaps an ingest
FORMAT = 1

log = logging.getLogger(__name__)


def fingerprint(plans: list[tuple[str, str, str]], params: dict) -> str:
    """Of (source, content hash, plan-file stamp) in load order, and the BM25 parameters."""
    payload = json.dumps({"format": FORMAT, "params": params, "plans": plans}, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load(index_dir: Path, expected: str) -> LexicalIndex | None:
    """The saved BM25 index if it was built from exactly these plans, else None."""
    folder = Path(index_dir) / FOLDER
    saved = _saved_fingerprint(folder)
    if saved.get("fingerprint") != expected:
        return None
    try:
        lexical = LexicalIndex.load(folder, size=int(saved["size"]))
    except Exception as error:  # a damaged cache is rebuilt, never fatal
        log.warning("%s: saved BM25 index unreadable (%s); rebuilding in memory", folder, error)
        return None
    # Read again: a save swapping the folder in while the arrays were opened could mix two indexes.
    return lexical if _saved_fingerprint(folder) == saved else None


def _saved_fingerprint(folder: Path) -> dict:
    try:
        data = json.loads((folder / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(index_dir: Path, fingerprint_: str, lexical: LexicalIndex) -> bool:
    """Save unless an ingest is running (or the folder is read-only); True when saved."""
    index_dir = Path(index_dir)
    try:
        with _no_ingest_running(index_dir):
            staged = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-new-", dir=index_dir))
            try:
                lexical.save(staged)
                (staged / FINGERPRINT_FILE).write_text(
                    json.dumps({"fingerprint": fingerprint_, "size": lexical.size}), encoding="utf-8")
                _swap_in(staged, index_dir / FOLDER)
            finally:
                shutil.rmtree(staged, ignore_errors=True)
        return True
    except (BlockingIOError, OSError, ImportError) as error:  # ImportError: no fcntl (not POSIX)
        log.info("BM25 index not saved in %s (%s)", index_dir, error)
        return False


@contextlib.contextmanager
def _no_ingest_running(index_dir: Path):
    import fcntl

    with open(index_dir / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while an ingest runs
        yield


def _swap_in(staged: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-old-", dir=target.parent))
        target.rename(old / FOLDER)
    staged.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in target.parent.glob(f".{FOLDER}-*"):  # from a run killed mid-swap
        shutil.rmtree(leftover, ignore_errors=True)
