"""Build and update the index from files: idempotent, per-file, never losing what is indexed.

A file whose content hash is unchanged is skipped; a changed file replaces its clauses; a file
that fails to load is reported and leaves its previous version (if any) in place.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from assistant.documents import LoadError, Plan
from assistant.ingest.pipeline import discover, display_source, read_plan
from assistant.retrieval.dense import DenseIndex, vector_id
from assistant.retrieval.tokenize import document_tokens
from assistant.store import INDEX_VERSION, PlanStore, plan_key


def _pipeline_fingerprint() -> str:
    """Hash of the code that turns a file into clauses and tokens: when it changes, an unchanged
    file must still be re-indexed, or its stored clause ids would disagree with the segmenter."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*(package / "ingest").glob("*.py"), package / "text.py", package / "retrieval" / "tokenize.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PIPELINE = _pipeline_fingerprint()


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    clauses: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def clause_passage(path: tuple[str, ...], text: str) -> str:
    """What the dense model reads: the nearest headings (where the actor is named) and the text."""
    return " / ".join((*path[-2:], text))


def clause_lexical_text(path: tuple[str, ...], text: str) -> str:
    return " / ".join((*path, text))


class Indexer:
    def __init__(self, index_dir: Path, embedder_factory: Callable[[], object]) -> None:
        self.store = PlanStore(index_dir)
        self.index_dir = Path(index_dir)
        self._embedder_factory = embedder_factory
        self._embedder = None
        self._dense: DenseIndex | None = None

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        return self._embedder

    @property
    def dense(self) -> DenseIndex:
        if self._dense is None:
            self._dense = DenseIndex(self.index_dir)
        return self._dense

    def ingest(self, paths: list[Path], prune: bool = False, progress: Callable[[str], None] | None = None,
               max_bytes: int | None = None) -> IngestReport:
        report = IngestReport()
        manifest = self.store.manifest()
        manifest["version"] = INDEX_VERSION
        files = discover(paths)
        seen: set[str] = set()
        for number, path in enumerate(files, start=1):
            source = display_source(path)
            seen.add(source)
            if progress:
                progress(f"[{number}/{len(files)}] {source}")
            try:
                plan = read_plan(path, max_bytes=max_bytes)
            except LoadError as error:
                report.failed.append((source, str(error)))
                continue
            known = manifest["plans"].get(source)
            if known and known.get("sha256") == plan.sha256 and known.get("pipeline") == PIPELINE:
                report.unchanged.append(source)
                continue
            self._index_plan(plan)
            manifest["plans"][source] = {"sha256": plan.sha256, "pipeline": PIPELINE, "key": plan_key(source),
                                         "clauses": len(plan.clauses), "locality": plan.metadata.locality}
            manifest["embed_model"] = str(getattr(self.embedder, "path", ""))
            self.store.write_manifest(manifest)  # after each plan: a crash loses at most one
            (report.updated if known else report.added).append(source)
            report.clauses += len(plan.clauses)
        if prune:
            for source in sorted(set(manifest["plans"]) - seen):
                self.remove(source, manifest)
                report.removed.append(source)
        if not self.store.exists():
            self.store.write_manifest(manifest)
        return report

    def remove(self, source: str, manifest: dict | None = None) -> bool:
        manifest = manifest or self.store.manifest()
        if source not in manifest["plans"]:
            return False
        self.dense.remove_plan(source)
        del manifest["plans"][source]
        self.store.write_manifest(manifest)
        self.store.remove(source)
        return True

    def _index_plan(self, plan: Plan) -> None:
        tokens = [document_tokens(clause_lexical_text(c.path, c.text)) for c in plan.clauses]
        vectors = self.embedder.embed_passages([clause_passage(c.path, c.text) for c in plan.clauses])
        key = plan_key(plan.source)
        self.dense.replace_plan(plan.source, [vector_id(key, c.id) for c in plan.clauses], vectors)
        self.store.put(plan, tokens)


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
