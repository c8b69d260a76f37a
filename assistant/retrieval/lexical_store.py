"""The BM25 index saved beside the plans, so opening a large index does not rebuild it.

Building BM25 over 165k clauses took ~8 s of a 12 s Engine open on the 1,000-plan benchmark;
loading the saved arrays (memory-mapped) takes a fraction of that. The saved index is only a
cache: it lists the plan files it was built from (source, content hash, file size and modification
time, clause count, in row order). An Engine reads from it the rows of the plans whose files are
unchanged and scores the others with a small delta (lexical_delta.py); past a size of delta it
builds BM25 in memory as before and saves the new one. Saving happens only when no ingest holds the index lock, into a fresh folder that is
then renamed into place, so a reader sees either the old index, the new one, or none.

Beside BM25 the folder holds the clauses of the same plans, in the same row order, as columns
(columns.py): a reopen maps them instead of reading every plan file, and decodes a plan's
clauses only when a question reads them.
"""
from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.retrieval.columns import ClauseColumns
from assistant.retrieval.lexical import LexicalIndex

FOLDER = "lexical"
FINGERPRINT_FILE = "fingerprint.json"
LOCK_NAME = ".ingest.lock"  # the Indexer's lock file: saving never overlaps an ingest
FORMAT = 3  # 2: the plans covered, in row order, and the average clause length (for deltas); 3: clause columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedBase:
    """A saved BM25 index and, in row order, the plan files it was built from:
    (source, content hash, plan-file stamp, clause count)."""

    lexical: LexicalIndex
    plans: list[tuple[str, str, str, int]]
    fingerprint: dict = field(default_factory=dict, compare=False)  # as read from the folder
    columns: ClauseColumns | None = field(default=None, compare=False)  # the clauses of `plans`, mapped


def load(index_dir: Path, params: dict, previous: SavedBase | None = None) -> SavedBase | None:
    """The saved BM25 index with the plans it covers (whichever they are), or None when there is
    none, it was built with other parameters or another format, or it is unreadable.
    `previous`, a base loaded earlier from this folder, is returned as is while the folder still
    holds that very index (same fingerprint): a reopen then maps nothing again."""
    folder = Path(index_dir) / FOLDER
    saved = _saved_fingerprint(folder)
    if saved.get("format") != FORMAT or saved.get("params") != params:
        return None
    if previous is not None and previous.fingerprint == saved:
        return previous
    try:
        plans = [(str(s), str(h), str(st), int(n)) for s, h, st, n in saved["plans"]]
        if sum(n for *_, n in plans) != int(saved["size"]):
            return None
        lexical = LexicalIndex.load(folder, size=int(saved["size"]), avgdl=float(saved.get("avgdl", 0.0)))
        columns = ClauseColumns.open(folder)
        if [(h["source"], h["count"]) for h in columns.headers] != [(s, n) for s, _, _, n in plans]:
            return None
    except Exception as error:  # a damaged cache is rebuilt, never fatal
        log.warning("%s: saved BM25 index unreadable (%s); rebuilding in memory", folder, error)
        return None
    # Read again: a save swapping the folder in while the arrays were opened could mix two indexes.
    return SavedBase(lexical, plans, saved, columns) if _saved_fingerprint(folder) == saved else None


def _saved_fingerprint(folder: Path) -> dict:
    try:
        data = json.loads((folder / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(index_dir: Path, plans: list[tuple[str, str, str, int]], params: dict, lexical: LexicalIndex,
         documents: list) -> bool:
    """Save unless an ingest is running (or the folder is read-only); True when saved.
    `documents`: the Plan of each entry of `plans`, in the same order (their clauses go beside)."""
    index_dir = Path(index_dir)
    try:
        with _no_ingest_running(index_dir):
            staged = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-new-", dir=index_dir))
            try:
                lexical.save(staged)
                ClauseColumns.write(staged, documents)
                (staged / FINGERPRINT_FILE).write_text(json.dumps(
                    {"format": FORMAT, "params": params, "plans": [list(p) for p in plans],
                     "size": lexical.size, "avgdl": lexical.avgdl}, ensure_ascii=False), encoding="utf-8")
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
