"""Clause columns (retrieval/columns.py): an open Engine holds no clause objects for plans nobody
reads. Plans' clauses round-trip through the saved columns unchanged, are decoded only when read,
and a reopen maps them instead of reading plan files — after an upload, a removal, and with the
Chroma-server store's payload stamps alike."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import columns
from assistant.retrieval.columns import ClauseColumns, StoredPlan, decode_clause, encode_clause

REPO = Path(__file__).resolve().parents[1]


def _put(store, manifest: dict, plan) -> None:
    from assistant.indexer import PIPELINE
    from assistant.retrieval.passages import clause_lexical_text
    from assistant.retrieval.tokenize import document_tokens
    from assistant.store import plan_key

    store.put(plan, [document_tokens(clause_lexical_text(c.path, c.text)) for c in plan.clauses])
    manifest["plans"][plan.source] = {"sha256": plan.sha256, "pipeline": PIPELINE, "key": plan_key(plan.source),
                                      "clauses": len(plan.clauses), "locality": plan.metadata.locality}
    store.write_manifest(manifest)


@pytest.fixture()
def small_index(tmp_path, plans):
    """The corpus plans in a plan-file index, lexical side only (no model)."""
    from assistant.store import PlanStore

    store = PlanStore(tmp_path / "index")
    manifest = {"version": 1, "embed_model": "", "plans": {}}
    for plan in plans.values():
        _put(store, manifest, plan)
    return tmp_path / "index"


def test_clauses_round_trip_through_saved_columns(plans, tmp_path):
    originals = list(plans.values())
    table = next(c for p in originals for c in p.clauses if c.columns)  # a table row keeps its columns
    assert decode_clause(encode_clause(table)) == table
    ClauseColumns.write(tmp_path, originals)
    mapped = ClauseColumns.open(tmp_path)
    assert len(mapped.plans) == len(originals) and mapped.size == sum(len(p.clauses) for p in originals)
    for original, stored in zip(originals, mapped.plans):
        assert isinstance(stored, StoredPlan)
        assert (stored.source, stored.sha256, stored.metadata, stored.ocr_pages) == \
            (original.source, original.sha256, original.metadata, original.ocr_pages)
        assert stored.clauses == original.clauses
        assert stored.clause_ids() == [c.id for c in original.clauses]
        assert stored.clause_at(3) == original.clauses[3]
    # Written again from stored plans (records copied, not decoded): the same bytes.
    again = tmp_path / "again"
    again.mkdir()
    ClauseColumns.write(again, mapped.plans)
    for name in (columns.RECORDS, columns.IDS, columns.PLANS):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()


def test_plans_are_decoded_only_when_read(plans, monkeypatch):
    decoded: list[bytes] = []
    original = columns.decode_clause
    monkeypatch.setattr(columns, "decode_clause", lambda raw: decoded.append(raw) or original(raw))
    built = ClauseColumns.build(plans.values())
    first = built.plans[0]
    assert first.clause_count == len(plans[next(iter(plans))].clauses) and not decoded
    assert first.clauses is first.clauses  # decoded once, then cached
    assert len(decoded) == first.clause_count
    # The cache is bounded: reading many plans keeps only the last CACHED_PLANS decoded.
    monkeypatch.setattr(columns, "CACHED_PLANS", 2)
    for plan in built.plans:
        plan.clauses
    assert len(columns._DECODED._items) <= 2


def _plan_file_reads(monkeypatch) -> list[str]:
    from assistant.store import PlanStore

    reads: list[str] = []
    original = PlanStore.load
    monkeypatch.setattr(PlanStore, "load", lambda self, source: reads.append(source) or original(self, source))
    return reads


def test_a_reopen_maps_the_saved_clauses_and_reads_no_plan_file(small_index, monkeypatch):
    from assistant.engine import Engine

    first = Engine.open(small_index, use_dense=False)  # reads every file, builds and saves
    assert first.plans_read == len(first.plans) and not first._held  # all served from the saved base
    reads = _plan_file_reads(monkeypatch)
    second = Engine.open(small_index, use_dense=False)
    assert reads == [] and second.plans_read == 0
    assert all(isinstance(p, StoredPlan) for p in second.plans)
    assert isinstance(second.corpus.lexical._bm25.scores["data"], np.memmap)
    assert [(s, c) for s, c in first.corpus.entries] == [(s, c) for s, c in second.corpus.entries]
    question = "Ai báo cáo UBND thị xã, trước ngày nào?"
    assert first.ask(question) == second.ask(question)
    # Positions of dense-search ids resolve through each plan's ids, as the full map did.
    vids = second.corpus.vector_ids
    assert len(vids) == len(second.corpus.entries)
    for position in (0, 17, len(vids) - 1):
        assert second.corpus.position.get(vids[position]) == position
    assert second.corpus.position.get("nokey::0-1") is None


def test_upload_and_removal_after_the_base_was_saved(small_index, plans, tmp_path, monkeypatch):
    from assistant.engine import Engine
    from assistant.ingest.pipeline import read_plan
    from assistant.retrieval import lexical_delta
    from assistant.store import PlanStore
    from assistant.synthetic import generate

    monkeypatch.setattr(lexical_delta, "MERGE_FRACTION", 0.9)  # small index: changes stay a delta
    store = PlanStore(small_index)
    first = Engine.open(small_index, use_dense=False)
    upload = read_plan(generate(tmp_path / "up", 1, seed=4)[0])
    _put(store, store.manifest(), upload)
    reads = _plan_file_reads(monkeypatch)
    second = Engine.open(small_index, use_dense=False, previous=first)
    assert reads == [upload.source]
    stored = second.plan(upload.source)
    assert isinstance(stored, StoredPlan) and stored.clauses == upload.clauses
    longest = max(upload.clauses, key=lambda c: len(c.text))
    assert second.retrieve(longest.text, k=3, sources=[upload.source])[0].clause == longest

    # Removal: the saved base still holds its rows; the engine no longer serves them.
    manifest = store.manifest()
    removed = sorted(p.source for p in plans.values())[0]
    del manifest["plans"][removed]
    store.remove(removed)
    store.write_manifest(manifest)
    del reads[:]
    third = Engine.open(small_index, use_dense=False, previous=second)
    assert reads == [] and third.plan(removed) is None and third.plan(upload.source) is not None
    assert all(source != removed for source, _ in third.corpus.entries)
    assert all(h.source != removed for h in third.retrieve("báo cáo UBND trước ngày"))
    fresh = Engine.open(small_index, use_dense=False)
    assert [(s, c) for s, c in third.corpus.entries] == [(s, c) for s, c in fresh.corpus.entries]


def test_a_changed_plan_is_served_from_its_file_not_the_base(small_index, monkeypatch):
    from assistant.engine import Engine
    from assistant.retrieval import lexical_delta
    from assistant.store import PlanStore

    monkeypatch.setattr(lexical_delta, "MERGE_FRACTION", 0.9)
    store = PlanStore(small_index)
    Engine.open(small_index, use_dense=False)
    manifest = store.manifest()
    changed = sorted(manifest["plans"])[1]
    plan, _ = store.load(changed)
    marker = "Xây dựng trạm sạc xe điện zyxwv tại trung tâm hành chính."
    edited = replace(plan, clauses=[replace(plan.clauses[0], text=marker)] + plan.clauses[1:], sha256="changed")
    _put(store, manifest, edited)
    engine = Engine.open(small_index, use_dense=False)
    assert engine.plan(changed).clauses[0].text == marker and engine.plan(changed).sha256 == "changed"
    assert engine.retrieve(marker, k=1)[0].clause.text == marker


def test_server_store_loads_only_the_plans_asked(plans):
    """ServerStore.load_stamped against an in-process Chroma: stamps are payload revs, only the
    wanted plans are decoded and handed on, and an engine over it maps the rest."""
    chromadb = pytest.importorskip("chromadb")
    from assistant.server_store import ServerStore

    client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=True))
    client.reset()
    store = ServerStore(Path("/nonexistent-cache"), client=client)
    manifest = {"version": 1, "embed_model": "", "plans": {}}
    with store.writer():
        for plan in plans.values():
            store.put(plan, [[c.id] for c in plan.clauses])
            manifest["plans"][plan.source] = {"sha256": plan.sha256, "clauses": len(plan.clauses)}
        store.write_manifest(manifest)
    handed: list[str] = []
    stamped = store.load_stamped(lambda source, stamp: source.endswith("long-my.txt"),
                                 lambda source, stamp, plan, tokens: handed.append((source, stamp, plan)))
    assert [s for s, _ in stamped] == sorted(manifest["plans"]) and all(stamp for _, stamp in stamped)
    assert [(s, st) for s, st, _ in handed] == [(s, st) for s, st in stamped if s.endswith("long-my.txt")]
    assert handed[0][2].clauses == plans["long_my"].clauses
    loaded, stamps = store.load_all_stamped()
    assert [p.source for p, _ in loaded] == sorted(manifest["plans"]) and stamps == [st for _, st in stamped]
    json.dumps(stamps)  # plain strings: they go into the saved base's fingerprint
