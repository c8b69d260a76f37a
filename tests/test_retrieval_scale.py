"""Code paths that keep questions fast on a province-sized index: the per-plan clause mask and
the cap on how many plans one comparison retrieves from. Their timings are in `make bench-scale`;
these tests pin what they return."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assistant.answering.compose import MAX_COMPARED_PLANS, _compared_plans
from assistant.retrieval.hybrid import ClauseCorpus, Hit, HybridRetriever
from assistant.retrieval.tokenize import document_tokens


def test_plan_mask_and_filtered_lexical_ranking(plans):
    chosen = [plans["long_my"], plans["phu_son"], plans["muong_lay"]]
    corpus = ClauseCorpus([(p, [document_tokens(c.text) for c in p.clauses]) for p in chosen])
    sources = np.array([source for source, _ in corpus.entries])
    wanted = [plans["phu_son"].source, "corpus/not-indexed.txt"]
    np.testing.assert_array_equal(corpus.in_plans(wanted), sources == plans["phu_son"].source)
    assert not corpus.in_plans([]).any()
    assert corpus.plan(plans["muong_lay"].source) is plans["muong_lay"] and corpus.plan("nope") is None

    retriever = HybridRetriever(corpus, None, None)
    ranking = retriever.lexical_ranking("bao cao UBND", [plans["phu_son"].source])
    assert ranking and {corpus.entries[i][0] for i, _ in ranking} == {plans["phu_son"].source}


def _stub_engine(count: int, ranked: list[int]):
    clause = SimpleNamespace(id="1", text="")
    stub_plans = [SimpleNamespace(source=f"corpus/plan-{n:03}.txt") for n in range(count)]
    calls = []

    def retrieve(query, k=10, sources=None):
        calls.append((query, k, sources))
        return [Hit(stub_plans[n].source, clause, 1.0 / (i + 1)) for i, n in enumerate(ranked)]

    by_source = {p.source: p for p in stub_plans}
    return SimpleNamespace(plans=stub_plans, retrieve=retrieve, plan=by_source.get), calls


def test_small_scope_compares_every_plan_each_from_its_own_retrieval():
    engine, calls = _stub_engine(5, ranked=[])
    assert [p.source for p, _ in _compared_plans(engine, "q", [])] == [p.source for p in engine.plans]
    assert [c[2] for c in calls] == [[p.source] for p in engine.plans]
    calls.clear()
    named = [engine.plans[3].source, engine.plans[1].source]
    assert [p.source for p, _ in _compared_plans(engine, "q", named)] == [engine.plans[1].source, engine.plans[3].source]
    assert [c[2] for c in calls] == [[engine.plans[1].source], [engine.plans[3].source]]


def test_large_scope_compares_only_the_best_ranked_plans_from_one_retrieval():
    ranked = [40, 40, 7, 300, 7, 12, 99, 5, 250, 61, 8, 2, 40, 40, 40, 40, 40]  # plans of the hits, best first
    engine, calls = _stub_engine(1000, ranked)
    compared = _compared_plans(engine, "q", [])
    expected = [engine.plans[n].source for n in dict.fromkeys(ranked)][:MAX_COMPARED_PLANS]
    assert [p.source for p, _ in compared] == expected and len(compared) == MAX_COMPARED_PLANS
    assert len(calls) == 1 and calls[0][2] is None  # one retrieval over the whole index
    hits = dict((p.source, h) for p, h in compared)
    assert len(hits[engine.plans[40].source]) == 6  # a plan's best clauses, at most six
    assert [h.score for h in hits[engine.plans[7].source]] == [1 / 3, 1 / 5]  # in rank order
    assert all(h.source == p.source for p, plan_hits in compared for h in plan_hits)


def test_exact_search_within_plans_matches_chroma(corpus_index):
    """Within a few plans the dense side ranks by an exact product over vectors fetched by id;
    the order must be the cosine order of the stored vectors, and agree with Chroma's own
    filtered query."""
    from assistant.engine import Engine
    from assistant.retrieval.dense import DenseIndex

    engine = Engine.open(corpus_index, use_dense=False)
    dense = DenseIndex(corpus_index)
    rng = np.random.default_rng(3)
    for plan in engine.plans[:3]:
        candidates = engine.corpus.vector_ids_of([plan.source])
        stored = dense._collection.get(ids=candidates, include=["embeddings"])
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        assert len(stored["ids"]) == len(candidates) == len(plan.clauses)
        for _ in range(3):
            query = matrix[rng.integers(len(matrix))] + rng.normal(0, 0.05, matrix.shape[1]).astype(np.float32)
            exact = dense.search(query, 10, [plan.source], candidates)
            cosine = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))
            expected = [stored["ids"][i] for i in np.argsort(-cosine, kind="stable")[:10]]
            assert [vid for vid, _ in exact] == expected
            assert exact[0][0].split("::")[0] == candidates[0].split("::")[0]  # stays inside the plan
            chroma = dense.search(query, 10, [plan.source])  # no candidates: Chroma's filtered HNSW
            assert [vid for vid, _ in chroma][:3] == expected[:3]
            np.testing.assert_allclose([s for _, s in exact[:3]], [s for _, s in chroma[:3]], atol=1e-4)


def _copy_index(corpus_index, tmp_path):
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(corpus_index, copy, ignore=shutil.ignore_patterns("lexical", ".lexical-*"))
    return copy


def test_saved_bm25_is_reused_only_for_the_same_plan_files(corpus_index, tmp_path):
    import os

    from assistant.engine import Engine
    from assistant.retrieval import lexical_store
    from assistant.retrieval.lexical import LexicalIndex
    from assistant.retrieval.tokenize import query_tokens

    index = _copy_index(corpus_index, tmp_path)
    first = Engine.open(index, use_dense=False)  # builds BM25 and saves it
    assert (index / lexical_store.FOLDER / lexical_store.FINGERPRINT_FILE).is_file()
    second = Engine.open(index, use_dense=False)
    assert isinstance(second.corpus.lexical._bm25.scores["data"], np.memmap)  # loaded, not rebuilt
    for question in ("ai báo cáo UBND thị xã trước ngày nào", "kinh phi thuc hien", "tỷ lệ cáp quang 2025"):
        np.testing.assert_array_equal(first.corpus.lexical.scores(query_tokens(question)),
                                      second.corpus.lexical.scores(query_tokens(question)))
        assert [h.clause.id for h in first.retrieve(question)] == [h.clause.id for h in second.retrieve(question)]

    # A plan file rewritten (same text, so the same content hash) no longer matches the saved
    # rows: it is re-read from its file (a delta, or a rebuild when the change is large:
    # one plan of five is past lexical_delta.MERGE_FRACTION).
    plan_file = sorted((index / "plans").glob("*.json"))[0]
    info = plan_file.stat()
    os.utime(plan_file, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    third = Engine.open(index, use_dense=False, save_lexical=False)
    assert isinstance(third.corpus.lexical, LexicalIndex)
    assert not isinstance(third.corpus.lexical._bm25.scores["data"], np.memmap)

    # A damaged saved index is rebuilt in memory, never fatal.
    Engine.open(index, use_dense=False)  # saves for the new stamp
    for array in (index / lexical_store.FOLDER).glob("*.npy"):
        array.write_bytes(b"not numpy")
    fourth = Engine.open(index, use_dense=False, save_lexical=False)
    assert fourth.corpus.lexical.size == len(fourth.corpus.entries)
    assert isinstance(fourth.corpus.lexical, LexicalIndex)
    assert [h.clause.id for h in fourth.retrieve("kinh phi thuc hien")] == [h.clause.id for h in first.retrieve("kinh phi thuc hien")]


def test_bm25_is_not_saved_while_an_ingest_holds_the_lock(corpus_index, tmp_path):
    import fcntl

    from assistant.engine import Engine
    from assistant.retrieval import lexical_store

    index = _copy_index(corpus_index, tmp_path)
    with open(index / lexical_store.LOCK_NAME, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        engine = Engine.open(index, use_dense=False)
        assert engine.retrieve("ai báo cáo UBND thị xã")  # answers all the same
        assert not (index / lexical_store.FOLDER).exists()
        assert not list(index.glob(f".{lexical_store.FOLDER}-*"))
    Engine.open(index, use_dense=False)
    assert (index / lexical_store.FOLDER / lexical_store.FINGERPRINT_FILE).is_file()


def test_records_read_per_clause_are_the_plans_records(plans):
    """The composer extracts a clause's obligations when it reads that clause (not the whole
    plan's): they must be the plan's own records of that clause, in order."""
    from assistant.answering.records import hit_obligations
    from assistant.extract.obligations import extract_obligations

    for plan in plans.values():
        whole = extract_obligations(plan)
        per_clause = [o for clause in plan.clauses for o in hit_obligations(plan, clause)]
        assert per_clause == whole and whole
        assert hit_obligations(plan, plan.clauses[0]) is hit_obligations(plan, plan.clauses[0])  # kept
