"""Build and update the index from files: idempotent, per-file, never losing what is indexed.

A file whose content hash is unchanged is skipped; a changed file replaces its clauses; a file
that fails to load is reported and leaves its previous version (if any) in place; a file whose
text is the same as an indexed plan's under another name is reported as a duplicate, not indexed.

Crash safety. Per plan the order is: journal (names the plan) → Chroma vectors → plan file →
manifest → journal cleared. Queries read only plans the manifest names and ignore other vectors,
so a run killed at any point leaves the previous index answering as before; the next run first
repairs what the journal names (drops the vectors and file of a plan that never reached the
manifest, or re-embeds a plan whose update was cut short) and sweeps stray files. One ingest at a
time per index folder: an advisory lock (`.ingest.lock`) makes a second writer (CLI while the web
app uploads) wait instead of interleaving manifest writes; with a Chroma server, the store's
writer lease does the same across machines (server_store.py).

Test hook: `ASSISTANT_TEST_SLOW_INGEST=<seconds>` sleeps after a plan's vectors are written and
before its plan file and manifest entry, printing "test-hook: <source>: vectors written" to
stderr — so tests can kill an ingest at the worst moment or overlap it with questions. Never
set it in production.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from assistant.documents import LoadError, Plan
from assistant.ingest.ocr import OcrOptions, PageProgress, cache_dir_for
from assistant.ingest.pipeline import REPO_ROOT, discover, display_source, in_scope, read_plan
from assistant.retrieval.dense import DenseIndex, vector_id
from assistant.retrieval.passages import clause_lexical_text, clause_passage  # noqa: F401 (also the API)
from assistant.retrieval.tokenize import document_tokens
from assistant.retrieval.vector_cache import FILE_NAME as VECTOR_CACHE_FILE
from assistant.retrieval.vector_cache import VectorCache, embed_passages_cached, embedder_identity
from assistant.store import INDEX_VERSION, open_store, plan_key


def _pipeline_fingerprint() -> str:
    """Hash of the code that turns a file into clauses and tokens: when it changes, an unchanged
    file must still be re-indexed, or its stored clause ids would disagree with the segmenter."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*(package / "ingest").glob("*.py"), package / "text.py", package / "retrieval" / "tokenize.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PIPELINE = _pipeline_fingerprint()
SLOW_INGEST_VAR = "ASSISTANT_TEST_SLOW_INGEST"
LOCK_NAME = ".ingest.lock"
PREFETCH_PLANS = 16  # plans read ahead so their new passages are embedded in one batch
PREFETCH_EMBED = True


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, indexed source with the same text)
    recovered: list[str] = field(default_factory=list)  # plans repaired after an interrupted run
    clauses: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


class Indexer:
    def __init__(self, index_dir: Path, embedder_factory: Callable[[], object]) -> None:
        self.store = open_store(index_dir)
        self.index_dir = Path(index_dir)
        self._embedder_factory = embedder_factory
        self._embedder = None
        self._dense: DenseIndex | None = None
        self._cache: VectorCache | None = None
        self._lock_depth = 0
        self._ocr = OcrOptions(cache_dir=cache_dir_for(self.index_dir))

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        return self._embedder

    def load_models(self) -> None:
        """Load the embedding model and underthesea's word segmenter now rather than on the first
        plan (the benchmarks, so that clauses/s measures ingest alone)."""
        _ = self.embedder
        document_tokens("Kế hoạch phát triển hạ tầng số")

    @property
    def vector_cache(self) -> VectorCache:
        if self._cache is None:
            self._cache = VectorCache(self.index_dir / VECTOR_CACHE_FILE)
        return self._cache

    @property
    def dense(self) -> DenseIndex:
        if self._dense is None:
            self._dense = DenseIndex(self.index_dir)
        return self._dense

    def ingest(self, paths: list[Path], prune: bool = False, progress: Callable[[str], None] | None = None,
               max_bytes: int | None = None, page_progress: PageProgress | None = None) -> IngestReport:
        """`page_progress(file, pages done, pages)` hears about each OCR'd page; OCR text is cached
        in the index folder (ocr.cache_dir_for), so a re-ingest never reads a page twice."""
        self._ocr = OcrOptions(cache_dir=cache_dir_for(self.index_dir), progress=page_progress)
        with self._locked(progress):
            return self._ingest(paths, prune, progress, max_bytes)

    def _ingest(self, paths, prune, progress, max_bytes) -> IngestReport:
        report = IngestReport()
        manifest = self.store.manifest()
        manifest["version"] = INDEX_VERSION
        report.recovered = self._recover(manifest, progress)
        files = discover(paths)
        seen: set[str] = set()
        for number, path, plan in self._read_ahead(files, manifest, max_bytes):
            source = display_source(path)
            seen.add(source)
            if progress:
                progress(f"[{number}/{len(files)}] {source}")
            if isinstance(plan, LoadError):
                report.failed.append((source, str(plan)))
                continue
            self._apply(report, manifest, source, plan, seen)
        if prune:
            for source in sorted(s for s in set(manifest["plans"]) - seen if in_scope(s, paths)):
                self._remove(source, manifest)
                report.removed.append(source)
        if not self.store.exists():
            self.store.write_manifest(manifest)
        return report

    def ingest_plans(self, plans: list[Plan], extra: dict | None = None) -> IngestReport:
        """Index plans already read (the web app reads an upload in a worker process, under a time
        and memory budget, and names it by where its file will be kept: `plan.source`). `extra`
        goes into each manifest entry (the upload's file hash, so a restart can tell whether the
        upload reached the index)."""
        with self._locked(None):
            report = IngestReport()
            manifest = self.store.manifest()
            manifest["version"] = INDEX_VERSION
            report.recovered = self._recover(manifest, None)
            seen: set[str] = set()
            for plan in plans:
                seen.add(plan.source)
                self._apply(report, manifest, plan.source, plan, seen, extra)
            return report

    def _apply(self, report: IngestReport, manifest: dict, source: str, plan: Plan, seen: set[str],
               extra: dict | None = None) -> None:
        """One read plan into the index: unchanged, a duplicate of another, or added/updated."""
        known = manifest["plans"].get(source)
        if known and known.get("sha256") == plan.sha256 and known.get("pipeline") == PIPELINE:
            report.unchanged.append(source)
            if extra and any(known.get(k) != v for k, v in extra.items()):
                known.update(extra)
                self.store.write_manifest(manifest)
            return
        twin = None if known and known.get("sha256") == plan.sha256 else _twin(manifest, source, plan.sha256, seen)
        if twin:
            report.duplicates.append((source, twin))
            if known:  # its old text is gone from the file, and the new text is indexed as `twin`
                self._remove(source, manifest)
                report.removed.append(source)
            return
        self.store.write_journal("index", source)
        self._index_plan(plan)
        manifest["plans"][source] = {"sha256": plan.sha256, "pipeline": PIPELINE, "key": plan_key(source),
                                     "clauses": len(plan.clauses), "locality": plan.metadata.locality, **(extra or {})}
        manifest["embed_model"] = embedder_identity(self.embedder)
        self.store.write_manifest(manifest)  # after each plan: a crash loses at most one
        self.store.clear_journal()
        (report.updated if known else report.added).append(source)
        report.clauses += len(plan.clauses)

    def _read_ahead(self, files: list[Path], manifest: dict, max_bytes):
        """(number, path, Plan or LoadError) for each file, read PREFETCH_PLANS at a time; the
        passages of a group's new or changed plans not yet in the vector cache are embedded in one
        batch first (longer batches keep the model busy; repeated passages are embedded once).
        Only the cache is written here: per-plan order and crash safety stay in `_ingest`."""
        for start in range(0, len(files), PREFETCH_PLANS):
            group = []
            for number, path in enumerate(files[start:start + PREFETCH_PLANS], start=start + 1):
                try:
                    group.append((number, path, read_plan(path, max_bytes=max_bytes, ocr=self._ocr)))
                except LoadError as error:
                    group.append((number, path, error))
            passages = []
            for _, path, plan in group:
                if isinstance(plan, LoadError):
                    continue
                known = manifest["plans"].get(display_source(path))
                if known and known.get("sha256") == plan.sha256 and known.get("pipeline") == PIPELINE:
                    continue
                passages.extend(clause_passage(c.path, c.text) for c in plan.clauses)
            if passages and PREFETCH_EMBED:
                embed_passages_cached(self.embedder, self.vector_cache, passages)
            yield from group

    def remove(self, source: str, manifest: dict | None = None) -> bool:
        with self._locked(None):
            manifest = manifest or self.store.manifest()
            self._recover(manifest, None)
            return self._remove(source, manifest)

    def _remove(self, source: str, manifest: dict) -> bool:
        """Manifest first (queries stop seeing the plan), then its vectors and file."""
        if source not in manifest["plans"]:
            return False
        self.store.write_journal("remove", source)
        del manifest["plans"][source]
        self.store.write_manifest(manifest)
        self.dense.remove_plan(source)
        self.store.remove(source)
        self.store.clear_journal()
        return True

    def clear(self, progress: Callable[[str], None] | None = None) -> None:
        """Empty a Chroma server's plans, manifest and vectors (`ingest --rebuild`; the folder
        itself is emptied by the CLI). Nothing to do for a folder store."""
        clear = getattr(self.store, "clear", None)
        if clear is not None:
            with self._locked(progress):
                clear()
            self._dense = None  # its collection was dropped with the rest

    def recover(self) -> list[str]:
        """Repair what an interrupted run left (also done at the start of every ingest)."""
        with self._locked(None):
            manifest = self.store.manifest()
            return self._recover(manifest, None)

    def _recover(self, manifest: dict, progress: Callable[[str], None] | None) -> list[str]:
        entry = self.store.journal()
        repaired: list[str] = []
        if entry is not None:
            source, op = entry["source"], entry.get("op")
            if progress:
                progress(f"repairing {source} after an interrupted run")
            if op == "index" and source in manifest["plans"] and self.store.plan_sha(source):
                # An update cut short: the stored plan file is what queries read; give it its
                # vectors back and make the manifest agree with it.
                plan, _ = self.store.load(source)
                self._write_vectors(plan)
                known = manifest["plans"][source]
                if known.get("sha256") != plan.sha256:
                    known.update(sha256=plan.sha256, pipeline=PIPELINE, clauses=len(plan.clauses),
                                 locality=plan.metadata.locality)
                    self.store.write_manifest(manifest)
            else:  # a new plan that never reached the manifest, or a removal cut short
                if manifest["plans"].pop(source, None) is not None:
                    self.store.write_manifest(manifest)
                self.dense.remove_plan(source)
                self.store.remove(source)
            self.store.clear_journal()
            repaired.append(source)
        self.store.sweep(manifest)
        return repaired

    @contextlib.contextmanager
    def _locked(self, progress: Callable[[str], None] | None):
        """One writer per index folder (re-entrant within this Indexer)."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        try:
            import fcntl
        except ImportError:  # not POSIX: in-process locks (the web app's write lock) only
            fcntl = None
        self.index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.index_dir / LOCK_NAME, "a+")
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if progress:
                        progress(f"waiting for another ingest into {self.index_dir} to finish")
                    fcntl.flock(handle, fcntl.LOCK_EX)
            self._lock_depth = 1
            try:
                with self.store.writer(progress):  # across instances of a Chroma server: its lease
                    yield
            finally:
                self._lock_depth = 0
        finally:
            handle.close()  # releases the lock

    def _index_plan(self, plan: Plan) -> None:
        tokens = [document_tokens(clause_lexical_text(c.path, c.text)) for c in plan.clauses]
        self._write_vectors(plan)
        _test_hook(plan.source)
        self.store.put(plan, tokens)

    def _write_vectors(self, plan: Plan) -> None:
        vectors = embed_passages_cached(self.embedder, self.vector_cache,
                                        [clause_passage(c.path, c.text) for c in plan.clauses])
        key = plan_key(plan.source)
        self.dense.replace_plan(plan.source, [vector_id(key, c.id) for c in plan.clauses], vectors)


def _twin(manifest: dict, source: str, sha256: str, seen: set[str]) -> str | None:
    """An indexed plan with the same text under another name, whose file is still there (a plan
    whose file was deleted does not block the copy that replaces it)."""
    for other, entry in sorted(manifest["plans"].items()):
        if other != source and entry.get("sha256") == sha256 and (other in seen or _source_exists(other)):
            return other
    return None


def _source_exists(source: str) -> bool:
    path = Path(source)
    return (path if path.is_absolute() else REPO_ROOT / path).is_file()


def _test_hook(source: str) -> None:
    delay = os.environ.get(SLOW_INGEST_VAR, "").strip()
    if delay:
        print(f"test-hook: {source}: vectors written", file=sys.stderr, flush=True)
        time.sleep(float(delay))

