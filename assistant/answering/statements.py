"""Reader of what a document states once about itself, wherever retrieval ranks it: when it
takes effect ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký."). The line is short and holds
few of the question's words, so it is read from the plan in scope, not from the retrieved clauses.
"""
from __future__ import annotations

import re

from assistant.answering.coverage import coverage
from assistant.answering.reading import Context, Finding
from assistant.answering.sentences import SLOT_EVIDENCE
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

STATES = {slot: re.compile(SLOT_EVIDENCE[slot]) for slot in ("effective",)}


class StatementReader:
    name = "statement"
    slots = frozenset(STATES)

    def read(self, context: Context, slot: str) -> list[Finding]:
        plan = context.target_plan()
        pattern = STATES.get(slot)
        if plan is None or pattern is None:
            return []
        stated = [c for c in plan.clauses if pattern.search(fold(c.text)) and len(c.text) <= 600]
        if not stated:
            return []
        # The document's own article ("Quyết định này có hiệu lực …") before a line of an attached
        # plan; then the one that fits the question best.
        best = max(stated, key=lambda c: (c.kind == "article" or "nay co hieu luc" in fold(c.text),
                                          coverage(context.words, c)))
        text = best.text.strip().rstrip(" ;.")
        return [Finding(slot, f"{text} {{0}}", [Hit(plan.source, best, 1.0)], 1.0, self.name)]
