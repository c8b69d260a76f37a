"""A few values computed from plans, kept for the plans asked last."""
from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """At most `size` values; the oldest goes first. Callers key by content (a plan's sha256), so
    a re-ingested plan is read anew and a stale value is simply never asked for again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[Hashable, V] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        if key not in self._values:
            if len(self._values) >= self.size:
                self._values.pop(next(iter(self._values)))
            self._values[key] = make()
        return self._values[key]
