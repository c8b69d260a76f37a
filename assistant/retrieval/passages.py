"""What each side of retrieval reads of a clause (a module of its own so that the query path can
compute passage keys without importing the ingest pipeline)."""
from __future__ import annotations


def clause_passage(path: tuple[str, ...], text: str) -> str:
    """What the dense model reads: the nearest headings (where the actor is named) and the text."""
    return " / ".join((*path[-2:], text))


def clause_lexical_text(path: tuple[str, ...], text: str) -> str:
    return " / ".join((*path, text))
