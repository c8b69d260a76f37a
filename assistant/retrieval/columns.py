"""Clauses of many plans in one buffer with offsets, decoded into Clause objects only when read.

An open Engine used to hold every clause of every plan as Python objects (clause, heading-path
tuple, strings, its token list): 4.1 GB of RSS at 1,000 plans. Here a plan's clauses are one
contiguous run of compact JSON records (`[id, kind, text, path, span, page, columns]`) in a
bytes buffer; a plan's clause ids are one more record per plan (for mapping dense-search ids to
positions without decoding clauses). The buffers are memory-mapped from the saved lexical base
(lexical_store.py writes them beside BM25) or, for the few plans added since, built in memory.

`StoredPlan` is a Plan whose `clauses` are decoded on first read and kept in a small LRU per
buffer, so a question pays for the plans it reads, and an idle index for none.
"""
from __future__ import annotations

import itertools
import json
import mmap
import threading
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from assistant.documents import Clause, Plan, PlanMetadata

RECORDS = "clauses.bin"
RECORD_OFFSETS = "clauses.npy"
IDS = "ids.bin"
ID_OFFSETS = "ids.npy"
PLANS = "plans.json"
CACHED_PLANS = 64  # decoded plans kept (a question reads a handful; a comparison up to 8)


class _Decoded:
    """The last CACHED_PLANS plans decoded, across all buffers (a plan read as one of many
    one-plan buffers must not stay decoded for as long as its buffer lives)."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[int, int], list[Clause]] = OrderedDict()
        self._lock = threading.Lock()
        self._next = itertools.count()

    def token(self) -> int:
        return next(self._next)

    def get(self, key: tuple[int, int]) -> list[Clause] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, int], clauses: list[Clause]) -> None:
        with self._lock:
            self._items[key] = clauses
            while len(self._items) > CACHED_PLANS:
                self._items.popitem(last=False)


_DECODED = _Decoded()


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_clause(clause: Clause) -> bytes:
    return _dumps([clause.id, clause.kind, clause.text, list(clause.path), list(clause.span), clause.page,
                   [list(pair) for pair in clause.columns]])


def decode_clause(raw: bytes) -> Clause:
    """As store.clause_from_dict: the same types (tuples) for every field."""
    cid, kind, text, path, span, page, columns = json.loads(raw)
    return Clause(id=cid, kind=kind, text=text, path=tuple(path), span=tuple(span), page=page,
                  columns=tuple(tuple(pair) for pair in columns))


class ClauseColumns:
    """Clause records (one per clause) and id records (one per plan) with their offsets, and per
    plan its header (source, hash, metadata, OCR pages, first row, clause count)."""

    def __init__(self, records, record_offsets: np.ndarray, ids, id_offsets: np.ndarray,
                 headers: list[dict], keep: object = None) -> None:
        self._records = records
        self._record_offsets = record_offsets
        self._ids = ids
        self._id_offsets = id_offsets
        self.headers = headers
        self._keep = keep  # open files behind the maps
        self._token = _DECODED.token()
        self.plans = [StoredPlan(self, number, header) for number, header in enumerate(headers)]
        for header in headers:  # held once, as each plan's PlanMetadata
            header.pop("metadata", None)

    @property
    def size(self) -> int:
        return len(self._record_offsets) - 1

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def build(cls, plans: Iterable[Plan]) -> "ClauseColumns":
        """In memory, from plans (their clauses decoded or not)."""
        records, ids, headers = bytearray(), bytearray(), []
        record_offsets, id_offsets = [0], [0]
        for plan in plans:
            headers.append(_header(plan, len(record_offsets) - 1))
            for raw in _plan_records(plan):
                records += raw
                record_offsets.append(len(records))
            ids += _dumps(plan_ids(plan))
            id_offsets.append(len(ids))
        return cls(bytes(records), np.asarray(record_offsets, dtype=np.int64), bytes(ids),
                   np.asarray(id_offsets, dtype=np.int64), headers)

    @staticmethod
    def write(folder: Path, plans: Sequence[Plan]) -> None:
        """Save the clauses of `plans` (in this order) into `folder`, copying the records of
        stored plans as they are (nothing decoded)."""
        folder = Path(folder)
        record_offsets, id_offsets, headers = [0], [0], []
        with open(folder / RECORDS, "wb") as records, open(folder / IDS, "wb") as ids:
            for plan in plans:
                headers.append(_header(plan, len(record_offsets) - 1))
                for raw in _plan_records(plan):
                    records.write(raw)
                    record_offsets.append(record_offsets[-1] + len(raw))
                raw = _dumps(plan_ids(plan))
                ids.write(raw)
                id_offsets.append(id_offsets[-1] + len(raw))
        np.save(folder / RECORD_OFFSETS, np.asarray(record_offsets, dtype=np.int64))
        np.save(folder / ID_OFFSETS, np.asarray(id_offsets, dtype=np.int64))
        (folder / PLANS).write_bytes(_dumps(headers))

    @classmethod
    def open(cls, folder: Path) -> "ClauseColumns":
        """Saved columns, the buffers and offsets memory-mapped (read only)."""
        folder = Path(folder)
        headers = json.loads((folder / PLANS).read_bytes())
        records, keep_r = _map(folder / RECORDS)
        ids, keep_i = _map(folder / IDS)
        record_offsets = np.load(folder / RECORD_OFFSETS, mmap_mode="r")
        id_offsets = np.load(folder / ID_OFFSETS, mmap_mode="r")
        if len(id_offsets) != len(headers) + 1 or int(record_offsets[-1]) != len(records) \
                or int(id_offsets[-1]) != len(ids):
            raise ValueError(f"{folder}: clause columns do not agree with their offsets")
        return cls(records, record_offsets, ids, id_offsets, headers, keep=(keep_r, keep_i))

    # -- reading -------------------------------------------------------------------------------------
    def clause(self, row: int) -> Clause:
        return decode_clause(self._records[int(self._record_offsets[row]):int(self._record_offsets[row + 1])])

    def clauses(self, number: int) -> list[Clause]:
        """Plan `number`'s clauses, decoded (kept for the next CACHED_PLANS reads)."""
        cached = _DECODED.get((self._token, number))
        if cached is not None:
            return cached
        header = self.headers[number]
        start, count = header["row"], header["count"]
        offsets = self._record_offsets[start:start + count + 1]
        blob = self._records[int(offsets[0]):int(offsets[-1])]
        base = int(offsets[0])
        bounds = (offsets - base).tolist()
        decoded = [decode_clause(blob[a:b]) for a, b in zip(bounds, bounds[1:])]
        _DECODED.put((self._token, number), decoded)
        return decoded

    def ids(self, number: int) -> list[str]:
        return json.loads(self._ids[int(self._id_offsets[number]):int(self._id_offsets[number + 1])])

    def records(self, number: int) -> list[bytes]:
        header = self.headers[number]
        start, count = header["row"], header["count"]
        offsets = self._record_offsets[start:start + count + 1].tolist()
        return [bytes(self._records[a:b]) for a, b in zip(offsets, offsets[1:])]


class StoredPlan(Plan):
    """A Plan whose clauses stay in their ClauseColumns until `clauses` is read. Everything else
    (source, hash, metadata, OCR pages, clause count) is held."""

    def __init__(self, columns: ClauseColumns, number: int, header: dict) -> None:  # noqa: D107 (no dataclass init)
        self.source = header["source"]
        self.sha256 = header["sha256"]
        self.metadata = PlanMetadata(**header["metadata"])
        self.ocr_pages = tuple(header.get("ocr_pages", ()))
        self._columns = columns
        self._number = number
        self._count = int(header["count"])
        self._row = int(header["row"])

    @property
    def clauses(self) -> list[Clause]:  # type: ignore[override]
        return self._columns.clauses(self._number)

    @property
    def clause_count(self) -> int:
        return self._count

    def clause_ids(self) -> list[str]:
        return self._columns.ids(self._number)

    def clause_at(self, offset: int) -> Clause:
        return self._columns.clause(self._row + offset)

    def clause_records(self) -> list[bytes]:
        return self._columns.records(self._number)

    def __repr__(self) -> str:
        return f"StoredPlan(source={self.source!r}, clauses={self._count})"


# Plans of either kind: a StoredPlan answers from its columns, a plain Plan from its list.
def clause_count(plan: Plan) -> int:
    return plan.clause_count if isinstance(plan, StoredPlan) else len(plan.clauses)


def plan_ids(plan: Plan) -> list[str]:
    return plan.clause_ids() if isinstance(plan, StoredPlan) else [c.id for c in plan.clauses]


def clause_at(plan: Plan, offset: int) -> Clause:
    return plan.clause_at(offset) if isinstance(plan, StoredPlan) else plan.clauses[offset]


def _plan_records(plan: Plan) -> list[bytes]:
    return plan.clause_records() if isinstance(plan, StoredPlan) else [encode_clause(c) for c in plan.clauses]


def _header(plan: Plan, row: int) -> dict:
    return {"source": plan.source, "sha256": plan.sha256, "metadata": asdict(plan.metadata),
            "ocr_pages": list(plan.ocr_pages), "row": row, "count": clause_count(plan)}


def _map(path: Path):
    """A read-only map of a file (b"" for an empty one, which mmap refuses)."""
    handle = open(path, "rb")
    try:
        if handle.seek(0, 2) == 0:
            handle.close()
            return b"", None
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), handle
    except Exception:
        handle.close()
        raise
