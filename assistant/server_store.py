"""The plans in a Chroma server (ASSISTANT_CHROMA_URL): the one source of truth for every app
instance, with the interface of store.PlanStore.

Two collections beside the vectors (`clauses`):
    plans   one or more records per stored plan payload (source, hash, metadata, clauses, tokens,
            OCR pages: the JSON of a plan file, zlib-compressed, base64) under ids
            `<plan key>:<rev>:<part>`, and the manifest under `manifest:<rev>:<part>`
    state   `head`: {revision, manifest rev, parts}, written last: the commit point;
            `journal`: the one plan an interrupted write may have left half done;
            `lease:<n>`: the writer lease (holder, expiry), one record per claim

Payloads live in record metadata, not documents: Chroma builds a full-text index of documents
(a 1.5 MB document took ~1 s to add, the same string as metadata ~60 ms). Parts stay ≤ 2 MB.

Commit. `put` writes a plan's payload under a fresh rev; nothing reads it until `write_manifest`
has written a new manifest (the manifest plus, per plan, the rev of its payload) and then `head`
pointing to it. A write killed before `head` leaves the previous state answering; the parts it
wrote are orphans that the next writer's `sweep` deletes. Superseded payloads and manifests are
deleted right after the commit; a reader that was reading them sees a part missing and starts
again from the new head (`_Snapshot`).

Single writer. The local file lock (Indexer._locked) covers one machine; across instances a
writer holds a lease: the record `lease:<n+1>` added after the newest `lease:<n>` expired or was
released. Chroma ignores `add` of an existing id, so of two instances claiming the same n+1 one
record wins, and both read back who holds it. The holder renews it from a thread while it writes.
"""
from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import socket
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from assistant.documents import Plan
from assistant.store import INDEX_VERSION, IndexError_, _all_stamped, plan_from_payload, plan_key, plan_payload

PLANS = "plans"
STATE = "state"
HEAD = "head"
JOURNAL = "journal"
PART_CHARS = 2_000_000  # base64 characters per record
LEASE_SECONDS = 30.0  # a writer that stops renewing (killed elsewhere) is taken over after this
LEASE_VAR = "ASSISTANT_LEASE_SECONDS"
RENEW_SECONDS = 5.0
WAIT_STEP = 0.5
_DUMMY = [0.0]  # Chroma wants an embedding per record; these records are never searched

log = logging.getLogger(__name__)


class PartMissing(IndexError_):
    """A payload part is gone: a writer committed and deleted it while it was being read."""


def _encode(data: object) -> list[str]:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = base64.b64encode(zlib.compress(raw, 3)).decode("ascii")
    return [text[i:i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]


def _decode(parts: list[str]) -> object:
    return json.loads(zlib.decompress(base64.b64decode("".join(parts))).decode("utf-8"))


def _part_ids(prefix: str, rev: str, parts: int) -> list[str]:
    return [f"{prefix}:{rev}:{n}" for n in range(parts)]


@dataclass(frozen=True)
class Pointer:
    """Where one plan's committed payload is: its rev and number of parts."""

    rev: str
    parts: int

    @property
    def stamp(self) -> str:
        return self.rev


@dataclass(frozen=True)
class _Snapshot:
    revision: int
    manifest: dict
    pointers: dict[str, Pointer]
    manifest_rev: str
    manifest_parts: int


class ServerStore:
    """Plans, manifest and journal in a Chroma server; `index_dir` keeps only local caches."""

    def __init__(self, index_dir: Path, client=None) -> None:
        from assistant.retrieval.dense import _client

        self.index_dir = Path(index_dir)
        try:
            self._client = client or _client(self.index_dir)
            self._plans = self._collection(PLANS)
            self._state = self._collection(STATE)
        except Exception as error:  # connection refused, wrong URL, incompatible server
            raise IndexError_(f"{self.where}: Chroma server unreachable ({type(error).__name__}: {error}); "
                              f"start it ('chroma run') or unset ASSISTANT_CHROMA_URL") from error
        self._pending: dict[str, Pointer] = {}  # put but not yet committed (this writer only)
        self._cached: _Snapshot | None = None  # the last snapshot read (manifest parts are immutable)
        self._lease: str | None = None  # id of the lease record this instance holds
        self._lease_stop: threading.Event | None = None
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def _collection(self, name: str):
        return self._client.get_or_create_collection(name, embedding_function=None)

    @property
    def where(self) -> str:
        from assistant.retrieval.dense import CHROMA_URL_VAR

        return os.environ.get(CHROMA_URL_VAR, "").strip() or "the Chroma server"

    # -- reading -----------------------------------------------------------------------------------
    def _head(self) -> dict | None:
        result = self._state.get(ids=[HEAD], include=["metadatas"])
        return result["metadatas"][0] if result["ids"] else None

    def revision(self) -> int:
        """The change counter: +1 per commit (0: nothing committed yet). One small read."""
        head = self._head()
        return int(head["revision"]) if head else 0

    def _snapshot(self) -> _Snapshot | None:
        for attempt in range(5):
            head = self._head()
            if head is None:
                return None
            cached = self._cached
            if cached is not None and cached.manifest_rev == head["manifest"]:
                return cached
            try:
                data = self._read_parts("manifest", head["manifest"], int(head["parts"]))
            except PartMissing:  # replaced while being read: the newer head names the new one
                time.sleep(0.05 * (attempt + 1))
                continue
            pointers = {source: Pointer(rev, parts) for source, (rev, parts) in data["payloads"].items()}
            self._cached = _Snapshot(int(head["revision"]), data["manifest"], pointers,
                                     head["manifest"], int(head["parts"]))
            return self._cached
        raise IndexError_(f"{self.where}: the index manifest keeps changing while it is read; try again")

    def _read_parts(self, prefix: str, rev: str, parts: int) -> object:
        ids = _part_ids(prefix, rev, parts)
        result = self._plans.get(ids=ids, include=["metadatas"])
        found = {vid: meta.get("data", "") for vid, meta in zip(result["ids"], result["metadatas"])}
        if len(found) != len(ids):
            raise PartMissing(f"{self.where}: {prefix}:{rev} is incomplete on the server")
        try:
            return _decode([found[vid] for vid in ids])
        except (ValueError, zlib.error) as error:
            raise IndexError_(f"{self.where}: {prefix}:{rev} unreadable ({error}); "
                              f"rebuild with 'assistant ingest --rebuild'") from error

    def exists(self) -> bool:
        return self._head() is not None

    def manifest(self) -> dict:
        snapshot = self._snapshot()
        if snapshot is None:
            return {"version": INDEX_VERSION, "embed_model": "", "plans": {}}
        return json.loads(json.dumps(snapshot.manifest))  # callers edit it in place

    def plan_sha(self, source: str) -> str | None:
        try:
            return self.load(source)[0].sha256
        except IndexError_:
            return None

    def _pointer(self, source: str, snapshot: _Snapshot | None = None) -> Pointer | None:
        if source in self._pending:
            return self._pending[source]
        snapshot = snapshot or self._snapshot()
        return snapshot.pointers.get(source) if snapshot else None

    def load(self, source: str, pointer: Pointer | None = None) -> tuple[Plan, list[list[str]]]:
        pointer = pointer or self._pointer(source)
        if pointer is None:
            raise IndexError_(f"{self.where}: no stored plan {source}; rebuild with 'assistant ingest --rebuild'")
        return plan_from_payload(self._read_parts(plan_key(source), pointer.rev, pointer.parts))

    def _load_many(self, wanted: list[tuple[str, Pointer]], each: Callable[[str, Plan, list], None]) -> None:
        """Several payloads in few round trips (~100 ids per get), each handed on once decoded."""
        for start in range(0, len(wanted), 100):
            batch = wanted[start:start + 100]
            ids = [vid for source, p in batch for vid in _part_ids(plan_key(source), p.rev, p.parts)]
            result = self._plans.get(ids=ids, include=["metadatas"])
            found = {vid: meta.get("data", "") for vid, meta in zip(result["ids"], result["metadatas"])}
            for source, p in batch:
                part_ids = _part_ids(plan_key(source), p.rev, p.parts)
                if any(vid not in found for vid in part_ids):
                    raise PartMissing(f"{self.where}: plan {source} changed while it was read")
                each(source, *plan_from_payload(_decode([found[vid] for vid in part_ids])))

    def load_all(self) -> list[tuple[Plan, list[list[str]]]]:
        return [entry for entry in self.load_all_stamped()[0]]

    def load_stamped(self, wanted: Callable[[str, str], bool], each: Callable[[str, str, Plan, list], None]
                     ) -> list[tuple[str, str]]:
        """As PlanStore's; a plan's stamp is the rev of its payload (the same on every instance,
        so a local cache of BM25 and clause columns is valid wherever the same plans were read).
        A payload replaced while it was read makes it start again from the new head: `each`
        may then be called twice for a plan, the later call the one to keep."""
        for attempt in range(5):
            snapshot = self._snapshot()
            if snapshot is None:
                return []
            sources = sorted(snapshot.manifest["plans"])
            stamped = [(s, snapshot.pointers[s].stamp if s in snapshot.pointers else "") for s in sources]
            unpointed = [s for s, stamp in stamped if not stamp]
            if unpointed:
                raise IndexError_(f"{self.where}: manifest names {unpointed[0]} but no stored plan; "
                                  f"rebuild with 'assistant ingest --rebuild'")
            missing = [(s, snapshot.pointers[s]) for s, stamp in stamped if wanted(s, stamp)]
            stamps = dict(stamped)
            try:
                self._load_many(missing, lambda source, plan, tokens: each(source, stamps[source], plan, tokens))
            except PartMissing:
                self._cached = None
                time.sleep(0.05 * (attempt + 1))
                continue
            return stamped
        raise IndexError_(f"{self.where}: the plans keep changing while they are read; try again")

    def load_all_stamped(self, held: Mapping[tuple[str, str], tuple[Plan, list[list[str]] | None]] | None = None
                         ) -> tuple[list[tuple[Plan, list[list[str]] | None]], list[str]]:
        """As PlanStore's (see load_stamped)."""
        return _all_stamped(self, held or {})

    def stamp(self, source: str) -> str:
        pointer = self._pointer(source)
        return pointer.stamp if pointer else ""

    # -- writing (only while holding the writer lease) ----------------------------------------------
    def put(self, plan: Plan, tokens: list[list[str]]) -> None:
        parts = _encode(plan_payload(plan, tokens))
        pointer = Pointer(uuid.uuid4().hex[:16], len(parts))
        self._add_parts(plan_key(plan.source), pointer, parts, plan.source)
        self._pending[plan.source] = pointer

    def _add_parts(self, prefix: str, pointer: Pointer, parts: list[str], source: str) -> None:
        ids = _part_ids(prefix, pointer.rev, pointer.parts)
        for vid, part in zip(ids, parts):  # one per request: each may be 2 MB
            self._plans.add(ids=[vid], embeddings=[_DUMMY], metadatas=[{"data": part, "source": source}])

    def write_manifest(self, manifest: dict) -> None:
        """Commit: the manifest and its payload pointers under a new rev, then `head`."""
        self._check_lease()
        previous = self._snapshot()
        old = previous.pointers if previous else {}
        pointers = {}
        for source in manifest["plans"]:
            pointer = self._pending.get(source) or old.get(source)
            if pointer is not None:
                pointers[source] = pointer
        parts = _encode({"manifest": manifest,
                         "payloads": {s: [p.rev, p.parts] for s, p in pointers.items()}})
        rev = uuid.uuid4().hex[:16]
        self._add_parts("manifest", Pointer(rev, len(parts)), parts, "")
        revision = (previous.revision if previous else 0) + 1
        self._state.upsert(ids=[HEAD], embeddings=[_DUMMY],
                           metadatas=[{"revision": revision, "manifest": rev, "parts": len(parts),
                                       "writer": self.holder, "at": time.time()}])
        self._cached = _Snapshot(revision, json.loads(json.dumps(manifest)), pointers, rev, len(parts))
        self._pending.clear()
        # Superseded payloads and manifest: nothing committed names them any more.
        stale = []
        for source, pointer in old.items():
            if pointers.get(source) != pointer:
                stale += _part_ids(plan_key(source), pointer.rev, pointer.parts)
        if previous is not None:
            stale += _part_ids("manifest", previous.manifest_rev, previous.manifest_parts)
        if stale:
            self._plans.delete(ids=stale)

    def remove(self, source: str) -> None:
        """Drop the payload of a plan the committed manifest no longer names."""
        self._pending.pop(source, None)
        snapshot = self._snapshot()
        keep = snapshot.pointers.get(source) if snapshot else None
        ids = self._plans.get(where={"source": source}, include=[])["ids"]
        keep_ids = set(_part_ids(plan_key(source), keep.rev, keep.parts)) if keep else set()
        doomed = [vid for vid in ids if vid not in keep_ids]
        if doomed:
            self._plans.delete(ids=doomed)

    def sweep(self, manifest: dict) -> list[str]:
        """Delete payload and manifest parts the committed head does not name (left by a killed
        write); return their ids. Call only while holding the writer lease."""
        snapshot = self._snapshot()
        keep = set()
        if snapshot is not None:
            keep.update(_part_ids("manifest", snapshot.manifest_rev, snapshot.manifest_parts))
            for source, pointer in snapshot.pointers.items():
                keep.update(_part_ids(plan_key(source), pointer.rev, pointer.parts))
        for source, pointer in self._pending.items():
            keep.update(_part_ids(plan_key(source), pointer.rev, pointer.parts))
        ids = self._plans.get(include=[])["ids"]
        doomed = sorted(vid for vid in ids if vid not in keep)
        for start in range(0, len(doomed), 1000):
            self._plans.delete(ids=doomed[start:start + 1000])
        return doomed

    # -- journal -----------------------------------------------------------------------------------
    def journal(self) -> dict | None:
        result = self._state.get(ids=[JOURNAL], include=["metadatas"])
        if not result["ids"]:
            return None
        data = result["metadatas"][0]
        return {"op": data.get("op"), "source": data["source"]} if isinstance(data.get("source"), str) else None

    def write_journal(self, op: str, source: str) -> None:
        self._check_lease()
        self._state.upsert(ids=[JOURNAL], embeddings=[_DUMMY], metadatas=[{"op": op, "source": source}])

    def clear_journal(self) -> None:
        self._state.delete(ids=[JOURNAL])

    # -- everything ---------------------------------------------------------------------------------
    def clear(self) -> None:
        """`ingest --rebuild`: no plans, no manifest, no vectors (the lease stays)."""
        from assistant.retrieval.dense import COLLECTION

        for name in (PLANS, COLLECTION):
            with contextlib.suppress(Exception):  # absent: nothing to clear
                self._client.delete_collection(name)
        self._plans = self._collection(PLANS)
        self._state.delete(ids=[HEAD, JOURNAL])
        self._cached = None
        self._pending.clear()

    # -- the writer lease --------------------------------------------------------------------------
    def _leases(self) -> list[tuple[int, dict]]:
        result = self._state.get(where={"kind": "lease"}, include=["metadatas"])
        return sorted((int(meta["n"]), meta) for meta in result["metadatas"])

    @contextlib.contextmanager
    def writer(self, progress: Callable[[str], None] | None = None):
        """Hold the writer lease across instances for the duration (re-entrant per store)."""
        if self._lease is not None:
            yield
            return
        told = False
        while True:
            leases = self._leases()
            number, newest = leases[-1] if leases else (0, None)
            if newest is None or float(newest["expires"]) < time.time() or _dead_here(newest["holder"]):
                claim = f"lease:{number + 1}"
                self._state.add(ids=[claim], embeddings=[_DUMMY],
                                metadatas=[{"kind": "lease", "n": number + 1, "holder": self.holder,
                                            "expires": time.time() + _lease_seconds()}])
                got = self._state.get(ids=[claim], include=["metadatas"])["metadatas"]
                if got and got[0]["holder"] == self.holder:
                    self._lease = claim
                    older = [f"lease:{n}" for n, _ in leases if n <= number]
                    if older:
                        self._state.delete(ids=older)
                    break
            if not told:
                holder = newest["holder"] if newest else "?"
                message = (f"waiting for another writer ({holder}) to finish its ingest into {self.where} "
                           f"(its lease runs to {time.strftime('%H:%M:%S', time.localtime(float(newest['expires'])))})"
                           if newest else f"waiting for the writer lease of {self.where}")
                (progress or log.warning)(message)
                told = True
            time.sleep(WAIT_STEP)
        stop = threading.Event()
        self._lease_stop = stop
        renewer = threading.Thread(target=self._renew, args=(self._lease, stop), name="lease-renew", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join(timeout=10)
            lease, self._lease = self._lease, None
            with contextlib.suppress(Exception):  # released: the next writer need not wait out the expiry
                self._state.upsert(ids=[lease], embeddings=[_DUMMY],
                                   metadatas=[{"kind": "lease", "n": int(lease.split(":")[1]),
                                               "holder": self.holder, "expires": 0.0}])

    def _renew(self, lease: str, stop: threading.Event) -> None:
        number = int(lease.split(":")[1])
        while not stop.wait(min(RENEW_SECONDS, _lease_seconds() / 3)):
            try:
                self._state.upsert(ids=[lease], embeddings=[_DUMMY],
                                   metadatas=[{"kind": "lease", "n": number, "holder": self.holder,
                                               "expires": time.time() + _lease_seconds()}])
            except Exception:  # the next write checks the lease and stops if it was lost
                log.exception("renewing the writer lease failed")

    def _check_lease(self) -> None:
        """A write without the lease, or after another writer took it over, is refused."""
        if self._lease is None:
            raise IndexError_(f"{self.where}: write without the writer lease (internal error)")
        number = int(self._lease.split(":")[1])
        if self._state.get(ids=[f"lease:{number + 1}"], include=[])["ids"]:
            raise IndexError_(f"{self.where}: another writer took over the lease (this one stalled for over "
                              f"{_lease_seconds():.0f} s); nothing more is written, run the ingest again")


def _lease_seconds() -> float:
    try:
        return max(float(os.environ.get(LEASE_VAR, "") or LEASE_SECONDS), 1.0)
    except ValueError:
        return LEASE_SECONDS


def _dead_here(holder: str) -> bool:
    """A holder on this machine whose process is gone (SIGKILLed): no need to wait out its lease."""
    host, _, rest = str(holder).partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False

