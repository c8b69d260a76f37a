"""The index folder: one JSON file per plan (clauses, metadata, lexical tokens) plus a manifest,
and the dense vectors in Chroma under the same clause ids.

Layout of `index/`:
    manifest.json       {"version", "embed_model", "plans": {source: {"sha256", "key", "clauses"}}}
    plans/<key>.json    {"source", "sha256", "metadata", "clauses": [...], "tokens": [[...], ...]}
    chroma/             embedded Chroma store (or a Chroma server, see ASSISTANT_CHROMA_URL)

Every file is written to a temporary name and renamed, and the manifest last, so an ingest
killed midway leaves the previous state readable and the next run redoes the interrupted plan.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

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

    def _plan_path(self, source: str) -> Path:
        return self.index_dir / "plans" / f"{plan_key(source)}.json"

    def put(self, plan: Plan, tokens: list[list[str]]) -> None:
        _write_json(self._plan_path(plan.source), {
            "source": plan.source,
            "sha256": plan.sha256,
            "metadata": asdict(plan.metadata),
            "clauses": [clause_to_dict(c) for c in plan.clauses],
            "tokens": tokens,
        })

    def remove(self, source: str) -> None:
        self._plan_path(source).unlink(missing_ok=True)

    def load(self, source: str) -> tuple[Plan, list[list[str]]]:
        path = self._plan_path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexError_(f"{path}: indexed plan unreadable ({error}); rebuild with 'assistant ingest --rebuild'") from error
        plan = Plan(
            source=data["source"],
            metadata=PlanMetadata(**data["metadata"]),
            clauses=[clause_from_dict(c) for c in data["clauses"]],
            sha256=data["sha256"],
        )
        return plan, data["tokens"]

    def load_all(self) -> list[tuple[Plan, list[list[str]]]]:
        return [self.load(source) for source in sorted(self.manifest()["plans"])]
