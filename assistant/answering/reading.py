"""The seam between the composer and its readers.

A reader takes what the composer knows about a question (the analysis, the plans in scope, the
retrieved clauses) and returns findings for one slot: a sentence that states the fact, the
clauses it is read from, and how well it fits (0–1). Readers never write the answer; the
composer picks findings, numbers the citations and frames the sentences.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.documents import Plan
from assistant.question import QuestionInfo
from assistant.retrieval.hybrid import Hit


@dataclass
class Context:
    engine: object  # plans, plan(source), retrieve(query, k, sources)
    info: QuestionInfo
    hits: list[Hit]
    words: list[str]  # the question's topic words (see coverage.content_words)
    scope: list[Plan]  # plans in scope (all when the question names none)
    # Findings already chosen for the question's earlier slots: a task that answered one slot
    # answers the others from its own fields.
    answered: list = field(default_factory=list)

    def plan(self, source: str) -> Plan | None:
        return self.engine.plan(source)

    def target_plan(self) -> Plan | None:
        """The one plan a question about a document is about: the one in scope or named, else
        that of the best clause."""
        if len(self.scope) == 1:
            return self.scope[0]
        if self.info.sources:
            return self.plan(self.info.sources[0])
        return self.plan(self.hits[0].source) if self.hits else None


@dataclass
class Finding:
    slot: str
    text: str  # the sentence, without citation marks; "{n}" marks where each hit's mark goes
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0
    reader: str = ""


class Reader(Protocol):
    name: str
    slots: frozenset[str]

    def read(self, context: Context, slot: str) -> list[Finding]: ...
