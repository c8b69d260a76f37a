"""One Engine per process, shared by every browser tab.

Questions read `holder.engine` (a plain attribute read, so an answer in flight keeps the engine
it started with); uploads and removals take `write_lock`, change the index on disk, then swap in
a freshly opened Engine that reuses the loaded embedding model. Derived data (plan labels,
responsibilities, targets) is cached per engine generation.

With a Chroma server other app instances write too: `start_polling` checks the server's change
counter every ASSISTANT_POLL_SECONDS (default 10) and reopens the engine when it moved, so a
plan uploaded or removed through another instance is answered here within that time (plus the
reopen, which reads only the changed plans).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from ui.render import plan_labels, plan_notes
from ui.tables import Extracted, extract_all

log = logging.getLogger(__name__)
POLL_VAR = "ASSISTANT_POLL_SECONDS"
DEFAULT_POLL_SECONDS = 10.0


def poll_seconds() -> float:
    """ASSISTANT_POLL_SECONDS, or the default; 0 or less turns polling off."""
    raw = os.environ.get(POLL_VAR, "").strip()
    try:
        return float(raw) if raw else DEFAULT_POLL_SECONDS
    except ValueError:
        log.warning("%s=%r is not a number; polling every %.0f s", POLL_VAR, raw, DEFAULT_POLL_SECONDS)
        return DEFAULT_POLL_SECONDS


class EngineHolder:
    def __init__(self, factory: Callable[[], object]) -> None:
        self._factory = factory
        self._engine = None
        self._open_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.generation = 0
        self._cache: dict[str, object] = {}
        self._cache_generation = -1
        self._warming = False
        self._warm = threading.Event()

    # -- the engine --------------------------------------------------------------------------------
    @property
    def engine(self):
        if self._engine is None:
            with self._open_lock:
                if self._engine is None:
                    self._engine = self._factory()
        return self._engine

    def embedder(self):
        """The embedding model, loaded once (first question or first upload), under a lock so two
        first questions at the same moment do not load it twice."""
        engine = self.engine
        with self._model_lock:
            return engine.embedder

    def model_loaded(self) -> bool:
        return getattr(self._engine, "_embedder", None) is not None

    def warm_up(self) -> None:
        """Load the model, underthesea's segmenter and the map of units, and run one question
        through every stage (`Engine.warm_up`), so that the first real question is as quick as the
        next. `serve` runs this in the background while the page loads; the page takes questions once
        it is done (see `ready`)."""
        self._warming = True
        started = time.perf_counter()
        try:
            self.embedder()  # under the model lock
            self.engine.warm_up()
            self.extracted()
            log.info("model and segmenter ready in %.1f s", time.perf_counter() - started)
        except Exception:  # the first question will report the problem to the user
            log.exception("warm-up failed")
        finally:
            self._warm.set()

    def start_warm_up(self) -> threading.Thread:
        self._warming = True
        thread = threading.Thread(target=self.warm_up, name="warm-up", daemon=True)
        thread.start()
        return thread

    @property
    def ready(self) -> bool:
        """False while a warm-up is running: questions wait for it (no warm-up: always ready)."""
        return not self._warming or self._warm.is_set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._warm.wait(timeout) if self._warming else True

    def reload(self) -> None:
        """Open the index again after it changed on disk (call with write_lock held)."""
        old = self._engine
        index_dir = getattr(old, "index_dir", None)
        model = getattr(old, "_embedder", None)
        if old is not None and index_dir is not None:
            # The plans whose files did not change are taken from the old engine, not read again.
            new = type(old).open(Path(index_dir), embedder=model, previous=old)
        else:
            new = self._factory()
        self._engine = new
        self.generation += 1

    # -- other writers (a Chroma server shared by app instances) -------------------------------------
    def poll_once(self) -> bool:
        """Reopen the engine if the index was committed to since it was opened; True if it was."""
        engine = self._engine
        if engine is None or not hasattr(engine, "index_changed") or not engine.index_changed():
            return False
        with self.write_lock:  # not while this instance writes: its own reload follows that write
            if self._engine is not engine and not self._engine.index_changed():
                return False  # reloaded meanwhile
            self.reload()
        log.info("index changed by another instance: reopened (%d plans)", len(self._engine.plans))
        return True

    def start_polling(self, interval: float | None = None) -> threading.Thread | None:
        """Poll in a daemon thread when the engine's plans are shared (a Chroma server); None when
        they are not or polling is off."""
        interval = poll_seconds() if interval is None else interval
        if interval <= 0 or not getattr(self.engine, "shared", False):
            return None
        self._polling = threading.Event()

        def run(stop: threading.Event) -> None:
            while not stop.wait(interval):
                try:
                    self.poll_once()
                except Exception:  # server away for a moment: keep answering from what is open
                    log.exception("checking the index for changes failed")

        thread = threading.Thread(target=run, args=(self._polling,), name="index-poll", daemon=True)
        thread.start()
        return thread

    def stop_polling(self) -> None:
        if getattr(self, "_polling", None) is not None:
            self._polling.set()

    # -- derived data ------------------------------------------------------------------------------
    def _cached(self, name: str, build: Callable[[], object]):
        if self._cache_generation != self.generation:
            self._cache = {}
            self._cache_generation = self.generation
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def labels(self) -> dict[str, str]:
        return self._cached("labels", lambda: plan_labels(self.engine.plans))

    def notes(self) -> dict[str, tuple[str, str]]:
        """source → (number and date line, scan note) for citations."""
        return self._cached("notes", lambda: plan_notes(self.engine.plans))

    def extracted(self) -> Extracted:
        return self._cached("extracted", lambda: extract_all(self.engine.plans, self.labels()))
