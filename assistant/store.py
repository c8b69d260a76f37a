"""The index folder: one JSON file per plan (clauses, metadata, lexical tokens) plus a manifest,
and the dense vectors in Chroma under the same clause ids.

Layout of `index/`:
    manifest.json       {"version", "embed_model", "plans": {source: {"sha256", "key", "clauses"}}}
    plans/<key>.json    {"source", "sha256", "metadata", "clauses": [...], "tokens": [[...], ...]}
    chroma/             embedded Chroma store (or a Chroma server, see ASSISTANT_CHROMA_URL)
    lexical/            BM25 and the plans' clauses as memory-mapped columns, saved by the first
                        Engine open of these plan files (a cache, see retrieval/lexical_store.py
                        and retrieval/columns.py): a reopen reads them, not the plan files
    vector_cache.sqlite passage vectors by model and text (a cache, see retrieval/vector_cache.py)

Every file is written to a temporary name and renamed, and the manifest last, so an ingest
killed midway leaves the previous state readable and the next run redoes the interrupted plan.
Before a plan's vectors are touched, `journal.json` names it (and whether it is being indexed or
removed); it is cleared once the manifest agrees. A journal left by a killed run tells the next
run exactly which plan to clean up or put back in line (see `Indexer.recover`).

With ASSISTANT_CHROMA_URL set, `open_store` gives a server_store.ServerStore instead (same
interface): plans, manifest and journal live in the Chroma server and the folder keeps caches only.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Mapping

from assistant.documents import Clause, Plan, PlanMetadata

INDEX_VERSION = 1


class IndexError_(Exception):
    """The index folder is missing or unreadable; the message says which and what to do."""


def plan_key(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def clause_to_dict(clause: Clause) -> dict:
    return asdict(clause)


def clause_from_dict(data: dict) -> Clause:
    return Clause(
        id=data["id"], kind=data["kind"], text=data["text"], path=tuple(data["path"]),
        span=tuple(data["span"]), page=data.get("page"),
        columns=tuple(tuple(pair) for pair in data.get("columns", ())),
    )


def plan_payload(plan: Plan, tokens: list[list[str]]) -> dict:
    """What a store keeps of one plan (a plan file, or a server record's parts)."""
    return {
        "source": plan.source,
        "sha256": plan.sha256,
        "metadata": asdict(plan.metadata),
        "clauses": [clause_to_dict(c) for c in plan.clauses],
        "tokens": tokens,
        "ocr_pages": list(plan.ocr_pages),
    }


def plan_from_payload(data: dict) -> tuple[Plan, list[list[str]]]:
    plan = Plan(
        source=data["source"],
        metadata=PlanMetadata(**data["metadata"]),
        clauses=[clause_from_dict(c) for c in data["clauses"]],
        sha256=data["sha256"],
        ocr_pages=tuple(data.get("ocr_pages", ())),
    )
    return plan, data["tokens"]


def open_store(index_dir: Path):
    """The store of an index: this folder, or the Chroma server when ASSISTANT_CHROMA_URL is set
    (then the folder holds only caches rebuilt from the server)."""
    from assistant.retrieval.dense import CHROMA_URL_VAR

    if os.environ.get(CHROMA_URL_VAR, "").strip():
        from assistant.server_store import ServerStore

        return ServerStore(index_dir)
    return PlanStore(index_dir)


class PlanStore:
    """Plans and their lexical tokens on disk, keyed by source path."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.manifest_path = self.index_dir / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def manifest(self) -> dict:
        if not self.exists():
            return {"version": INDEX_VERSION, "embed_model": "", "plans": {}}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexError_(f"{self.manifest_path}: index manifest unreadable ({error}); "
                              f"rebuild with 'assistant ingest --rebuild'") from error
        if not isinstance(data, dict) or "plans" not in data:
            raise IndexError_(f"{self.manifest_path}: not an index manifest; rebuild with 'assistant ingest --rebuild'")
        return data

    def write_manifest(self, manifest: dict) -> None:
        _write_json(self.manifest_path, manifest)

    def revision(self) -> str:
        """Changes whenever the manifest is rewritten (its size and modification time)."""
        try:
            info = self.manifest_path.stat()
        except OSError:
            return ""
        return f"{info.st_size}:{info.st_mtime_ns}"

    def writer(self, progress=None):
        """One machine, one folder: the Indexer's file lock is all the exclusion needed."""
        return contextlib.nullcontext()

    # -- journal: the one plan whose vectors / files may disagree with the manifest ----------------
    @property
    def journal_path(self) -> Path:
        return self.index_dir / "journal.json"

    def journal(self) -> dict | None:
        try:
            data = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # cannot happen with atomic writes; treat as "nothing pending"
            return None
        return data if isinstance(data, dict) and isinstance(data.get("source"), str) else None

    def write_journal(self, op: str, source: str) -> None:
        _write_json(self.journal_path, {"op": op, "source": source})

    def clear_journal(self) -> None:
        self.journal_path.unlink(missing_ok=True)

    def sweep(self, manifest: dict) -> list[Path]:
        """Delete plan files the manifest does not name and temporary files left by a killed
        write; return what was deleted. Call only while holding the ingest lock."""
        keys = {entry.get("key") or plan_key(source) for source, entry in manifest["plans"].items()}
        deleted = []
        folder = self.index_dir / "plans"
        candidates = [*folder.glob("*.json"), *folder.glob(".tmp-*"), *self.index_dir.glob(".tmp-*")] \
            if self.index_dir.is_dir() else []
        for path in sorted(set(candidates)):
            if path.name.startswith(".tmp-") or path.stem not in keys:
                path.unlink(missing_ok=True)
                deleted.append(path)
        return deleted

    def plan_sha(self, source: str) -> str | None:
        """The content hash of the stored plan file, or None when there is none."""
        try:
            return json.loads(self._plan_path(source).read_text(encoding="utf-8")).get("sha256")
        except (OSError, ValueError):
            return None

    def _plan_path(self, source: str) -> Path:
        return self.index_dir / "plans" / f"{plan_key(source)}.json"

    def put(self, plan: Plan, tokens: list[list[str]]) -> None:
        _write_json(self._plan_path(plan.source), plan_payload(plan, tokens))

    def remove(self, source: str) -> None:
        self._plan_path(source).unlink(missing_ok=True)

    def load(self, source: str) -> tuple[Plan, list[list[str]]]:
        path = self._plan_path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexError_(f"{path}: indexed plan unreadable ({error}); rebuild with 'assistant ingest --rebuild'") from error
        return plan_from_payload(data)

    def load_all(self) -> list[tuple[Plan, list[list[str]]]]:
        return [self.load(source) for source in sorted(self.manifest()["plans"])]

    def load_stamped(self, wanted: Callable[[str, str], bool], each: Callable[[str, str, Plan, list], None]
                     ) -> list[tuple[str, str]]:
        """Every plan the manifest names as (source, stamp), in source order; the stamp (size and
        modification time of its file) is taken before the file is read, so a file rewritten
        later (even with the same text) never matches it. Only the plans for which
        `wanted(source, stamp)` is true are read, each handed to `each(source, stamp, plan,
        tokens)` as soon as it is parsed: the caller keeps what it needs, not every plan at once."""
        stamped = []
        for source in sorted(self.manifest()["plans"]):
            stamp = self.stamp(source)
            stamped.append((source, stamp))
            if not stamp or wanted(source, stamp):
                each(source, stamp, *self.load(source))
        return stamped

    def load_all_stamped(self, held: Mapping[tuple[str, str], tuple[Plan, list[list[str]] | None]] | None = None
                         ) -> tuple[list[tuple[Plan, list[list[str]] | None]], list[str]]:
        """load_all, plus each plan file's stamp (see load_stamped). `held` maps (source,
        stamp) to a plan already loaded from that very file: reused instead of read again."""
        return _all_stamped(self, held or {})

    def stamp(self, source: str) -> str:
        """The plan file's size and modification time ('' when it cannot be read)."""
        try:
            info = self._plan_path(source).stat()
        except OSError:
            return ""
        return f"{info.st_size}:{info.st_mtime_ns}"


def _all_stamped(store, held: Mapping) -> tuple[list, list[str]]:
    fresh: dict[str, tuple] = {}
    stamped = store.load_stamped(lambda source, stamp: held.get((source, stamp)) is None,
                                 lambda source, stamp, plan, tokens: fresh.__setitem__(source, (plan, tokens)))
    return ([fresh[source] if source in fresh else held[(source, stamp)] for source, stamp in stamped],
            [stamp for _, stamp in stamped])
