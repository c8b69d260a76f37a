"""The library API that the CLI, the web app, the evaluation and the benchmarks call.

    engine = Engine.open(Path("index"))          # loads the index and (lazily) the model
    answer = engine.ask("Ai báo cáo UBND thị xã, trước ngày nào?")
"""
from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from pathlib import Path

from assistant.answers import Answer, Citation, QuestionError, check_question  # noqa: F401 (the API)
from assistant.documents import Clause, Plan
from assistant.retrieval.dense import DenseIndex
from assistant.retrieval import lexical_delta, lexical_store
from assistant.retrieval.columns import ClauseColumns, clause_count
from assistant.retrieval.hybrid import ClauseCorpus, FusionSettings, Hit, HybridRetriever
from assistant.retrieval.lexical import LexicalIndex
from assistant.store import IndexError_, PlanStore, open_store

DEFAULT_INDEX = Path(os.environ.get("ASSISTANT_INDEX", "index"))


@contextlib.contextmanager
def _gc_paused():
    """Collection paused while an open parses plan files and builds BM25 from their token lists
    (hundreds of thousands of objects, each full collection would walk them all again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _interned(tokens: list[list[str]]) -> list[list[str]]:
    """Token lists whose strings are shared: a token occurs ~50 times per 1,000 clauses, and
    parsed JSON gives every occurrence its own string object."""
    intern = sys.intern
    return [[intern(token) for token in clause] for clause in tokens]


class Engine:
    def __init__(self, index_dir: Path, embedder=None, settings: FusionSettings | None = None,
                 use_dense: bool = True, save_lexical: bool = True, previous: "Engine | None" = None) -> None:
        self.index_dir = Path(index_dir)
        store = open_store(self.index_dir)
        # Read before the plans: a change committed while they load shows as a newer revision.
        self.revision = store.revision()
        self._store = store
        if not store.exists():
            where = self.index_dir if isinstance(store, PlanStore) else store.where
            raise IndexError_(f"{where}: no index here; build it with 'assistant ingest' (or 'make run')")
        # A reopen after an upload (`previous`: the engine open on this folder until now) takes
        # the plans whose files are unchanged from it, and its BM25 base while the saved one is
        # the same: only new or changed plan files are read and parsed.
        if previous is not None and Path(previous.index_dir).resolve() != self.index_dir.resolve():
            previous = None
        held = previous._held if previous is not None else {}
        with _gc_paused():
            self._load(store, held, previous, save_lexical)
        self._embedder = embedder
        self._query_vectors: dict[str, object] = {}
        self._query_lock = threading.Lock()
        self._query_encoder = None  # QueryEncoder, or False when the model folder needs torch
        self.use_dense = use_dense
        self._embed_model = str(store.manifest().get("embed_model") or "")
        self.dense = DenseIndex(self.index_dir, local=self._cached_vectors) if use_dense else None
        self.retriever = HybridRetriever(self.corpus, self.dense, self, settings)

    @classmethod
    def open(cls, index_dir: Path | None = None, **kwargs) -> "Engine":
        return cls(index_dir or DEFAULT_INDEX, **kwargs)

    def index_changed(self) -> bool:
        """Whether the index was committed to since this engine read it (another instance's
        upload, with a Chroma server): one small read, for a poller to decide to reopen."""
        return self._store.revision() != self.revision

    @property
    def shared(self) -> bool:
        """True when the plans live in a Chroma server other app instances also write."""
        return not isinstance(self._store, PlanStore)

    def _load(self, store: PlanStore, held: dict, previous: "Engine | None", save_lexical: bool) -> None:
        # BM25 and the clause columns saved by an earlier open (lexical_store.py): the plans whose
        # files are unchanged since are served from them, their files not read. Plans added or
        # changed since are read and scored by a small delta (lexical_delta.py); past a size of
        # change, or with no saved base, BM25 is built here from every plan's tokens and saved.
        base = lexical_store.load(self.index_dir, LexicalIndex.PARAMS, previous._base if previous else None)
        in_base = {(source, stamp): n for n, (source, _, stamp, _) in enumerate(base.plans)} if base else {}
        fresh: dict[tuple[str, str], tuple[Plan, list | None]] = {}  # by (source, stamp)

        def wanted(source: str, stamp: str) -> bool:
            kept = held.get((source, stamp))
            return (source, stamp) not in in_base and (kept is None or kept[1] is None)

        def keep(source: str, stamp: str, plan: Plan, tokens: list) -> None:
            # Held as columns from the start: a first open never has every plan's objects at once.
            fresh[(source, stamp)] = (ClauseColumns.build([plan]).plans[0], _interned(tokens))

        stamped = store.load_stamped(wanted, keep)
        self.plans_read = len(fresh)
        plans, tokens, current = [], [], []
        for source, stamp in stamped:
            if (source, stamp) in fresh:
                plan, plan_tokens = fresh[(source, stamp)]
            elif (source, stamp) in in_base:
                plan, plan_tokens = base.columns.plans[in_base[(source, stamp)]], None
            else:
                plan, plan_tokens = held[(source, stamp)]
            plans.append(plan)
            tokens.append(plan_tokens)
            current.append((source, plan.sha256, stamp, clause_count(plan)))
        lexical = lexical_delta.assemble(base, current, tokens)
        if lexical is None:  # a full build: every plan's tokens
            self._read_tokens(store, plans, tokens)
            base = None
        corpus = ClauseCorpus(list(zip(plans, tokens)), lexical=lexical)
        if lexical is None and save_lexical and lexical_store.save(
                self.index_dir, current, LexicalIndex.PARAMS, corpus.lexical, plans):
            saved = lexical_store.load(self.index_dir, LexicalIndex.PARAMS)
            if saved is not None and saved.plans == current:
                # Served from the saved files from now on: the arrays just built and the clauses
                # read are dropped, the mapped ones take their place.
                base, plans = saved, saved.columns.plans
                tokens = [None] * len(plans)
                corpus = ClauseCorpus([(plan, None) for plan in plans], lexical=saved.lexical)
        self.corpus = corpus
        # Kept for the next reopen: the plans the base does not cover (with the tokens of the
        # delta's plans, from which it builds the delta again). With no base, every plan, tokens
        # not kept (read again from the files if the next open has to build BM25).
        self._base = base
        covered = set(base.plans) if base is not None else set()
        self._held = {(entry[0], entry[2]): (plan, plan_tokens if base is not None else None)
                      for entry, plan, plan_tokens in zip(current, plans, tokens)
                      if entry[2] and entry not in covered}

    def _read_tokens(self, store: PlanStore, plans: list[Plan], tokens: list) -> None:
        """Fill in the tokens not held, read from the plans' files (a plan rewritten since it was
        stamped comes with its own clauses: they go with its tokens)."""
        lacking = {plan.source: i for i, (plan, plan_tokens) in enumerate(zip(plans, tokens)) if plan_tokens is None}
        if not lacking:
            return

        def keep(source: str, stamp: str, plan: Plan, plan_tokens: list) -> None:
            i = lacking[source]
            tokens[i] = _interned(plan_tokens)
            if plan.sha256 != plans[i].sha256:
                plans[i] = ClauseColumns.build([plan]).plans[0]

        store.load_stamped(lambda source, stamp: source in lacking, keep)

    # The retriever asks the engine for query vectors so the model loads only when first needed;
    # recent ones are kept because a comparison retrieves the same question once per compared plan.
    # The web app asks from several threads: the cache is touched under a lock, the model outside it.
    def embed_queries(self, texts: list[str]):
        import numpy as np

        with self._query_lock:
            vectors = {t: self._query_vectors.get(t) for t in texts}
        missing = [t for t, vector in vectors.items() if vector is None]
        if missing:
            fresh = dict(zip(missing, self._query_model().embed_queries(missing)))
            vectors.update(fresh)
            with self._query_lock:
                for text, vector in fresh.items():
                    if len(self._query_vectors) >= 256:
                        self._query_vectors.pop(next(iter(self._query_vectors)))
                    self._query_vectors[text] = vector
        return np.stack([vectors[t] for t in texts])

    def _cached_vectors(self, ids: list[str]) -> dict:
        """Vectors of these clauses from the passage-vector cache the ingest filled (same model,
        same passage text: the rows Chroma holds), without opening Chroma. Ids it lacks (the cache
        was deleted, or another instance ingested them into a Chroma server) are left to Chroma."""
        from assistant.retrieval.passages import clause_passage
        from assistant.retrieval.vector_cache import FILE_NAME, VectorCache, passage_key

        path = self.index_dir / FILE_NAME
        if not self._embed_model or not path.is_file():
            return {}
        keys = {}
        for vid in ids:
            position = self.corpus.position.get(vid)
            if position is not None:
                clause = self.corpus.entries[position][1]
                keys[vid] = passage_key(self._embed_model, clause_passage(clause.path, clause.text))
        try:
            cache = VectorCache(path)
            try:
                rows = cache.get_many(list(keys.values()))
            finally:
                cache.close()
        except Exception:  # sqlite3.Error and kin: a cache problem is never an answer problem
            return {}
        return {vid: rows[key] for vid, key in keys.items() if key in rows}

    def _query_model(self):
        """The model given or already loaded, else the numpy query encoder (no torch import: a
        cold `assistant ask` answers seconds sooner), else the full model. Both give the same
        rows (cosine ≥ 0.9999 to float32 sentence-transformers)."""
        if self._embedder is not None:
            return self._embedder
        if self._query_encoder is None:
            from assistant.retrieval.embedder import model_path
            from assistant.retrieval.query_encoder import QueryEncoder, supports

            with self._query_lock:
                if self._query_encoder is None:
                    self._query_encoder = (QueryEncoder(cache_dir=self.index_dir) if supports(model_path())
                                           else False)
        return self._query_encoder or self.embedder

    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.retrieval.embedder import Embedder

            self._embedder = Embedder()
        return self._embedder

    @property
    def plans(self) -> list[Plan]:
        return self.corpus.plans

    def plan(self, source: str) -> Plan | None:
        return self.corpus.plan(source)

    def clause(self, source: str, clause_id: str) -> Clause | None:
        plan = self.plan(source)
        return next((c for c in plan.clauses if c.id == clause_id), None) if plan else None

    def resolve_plan(self, name: str) -> list[str]:
        """Sources matching a user's plan name: a path, a file name, a number, a locality or a topic."""
        from assistant.question import plans_named

        return plans_named(name, self.plans)

    def plan_evidence(self, question: str, depth: int = 30) -> dict[str, float]:
        """Each plan's share of the lexical score of the clauses that match the question best:
        the body of a plan names its topic even when its title does not."""
        ranking = self.retriever.lexical_ranking(question)[:depth]
        total = sum(score for _, score in ranking) or 1.0
        shares: dict[str, float] = {}
        for position, score in ranking:
            source = self.corpus.source_at(position)
            shares[source] = shares.get(source, 0.0) + score / total
        return shares

    def retrieve(self, question: str, k: int = 10, sources: list[str] | None = None,
                 lexical_question: str | None = None) -> list[Hit]:
        return self.retriever.retrieve(question, k=k, sources=sources, lexical_question=lexical_question)

    def ask(self, question: str, plan: str | None = None) -> Answer:
        from assistant.answering import compose

        text = check_question(question)
        return compose(self, text, plan=plan)

    def prepare_first_question(self) -> None:
        """Write the query tokenizer's vocabulary cache into the index folder (opening the engine
        has already saved BM25): `assistant ingest` calls it so that the first `assistant ask`
        after an ingest costs what every later one does (~1 s less)."""
        self._query_model()

    def warm_up(self) -> None:
        """Load what the first questions would otherwise pay for (the query model, underthesea's
        segmenter, the map of administrative units: ~1.2 s the first time a question names a
        level such as "thị xã") by asking one question through every stage."""
        from assistant.retrieval.tokenize import query_tokens

        self.embed_queries(["khởi động"])
        query_tokens("khởi động kế hoạch")
        try:
            from assistant.admin.atlas import AdminDataError, atlas

            atlas()
        except AdminDataError:  # no map data: questions match places as written
            pass
        self.ask("Ai báo cáo kết quả thực hiện kế hoạch?")

