"""Reader of labelled lines: "… kiểm tra bằng phương pháp nào?" → "6. Phương pháp kiểm tra: Kiểm tra,
đối chiếu hồ sơ …".

Letters, inspection plans and notices state their particulars as "Label: value" lines (Thời gian,
Địa điểm, Thành phần, Phương pháp, Hình thức, Nội dung …). A question that asks "<noun> nào/gì"
asks for the value of the line whose label is that noun, whatever other words the question and
the value share (often none: the value is what the question does not know).
"""
from __future__ import annotations

import re

from assistant.answering.reading import Context, Finding
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

# The noun asked: the one or two syllables before "nào"/"gì" ("phương pháp nào", "hình thức gì").
_ASKED_NOUN = re.compile(r"\b(\w+ \w+) (?:nao|gi)\b")
# Heads that ask a body, a time or a count (other readers' slots), or only frame the question.
_NOT_A_LABEL = {"co quan", "don vi", "ngay nao", "thoi diem", "bao nhieu", "nhung viec", "cac viec", "viec gi",
                "nhiem vu", "trach nhiem", "van ban", "ke hoach", "quyet dinh", "chi thi", "cong van", "lam gi",
                "la gi", "nhu the", "the nao", "ra sao", "so nao", "phong nao", "ban nao", "nganh nao"}
_LABEL = re.compile(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])?[.)]?\s*(?P<label>[^:;.]{2,60}):\s*(?P<value>\S.*)$", re.S)
MAX_LINES = 2


def asked_noun(folded_question: str) -> str:
    """The noun whose value is asked ("phuong phap"), folded; "" when none."""
    for found in _ASKED_NOUN.finditer(folded_question):
        head = found.group(1)
        if head not in _NOT_A_LABEL and not any(w in {"nao", "gi", "ai"} for w in head.split()):
            return head
    return ""


class LabelReader:
    name = "label"
    slots = frozenset({"general"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        noun = asked_noun(context.info.folded)
        if not noun or len(context.scope) != 1 or not context.info.sources:
            return []
        plan = context.scope[0]
        pattern = re.compile(rf"\b{re.escape(noun)}\b")
        words = [fold(w) for w in context.words]
        found = []
        for order, clause in enumerate(plan.clauses):
            match = _LABEL.match(clause.text)
            if not match or len(match.group("label").split()) > 8 or not pattern.search(fold(match.group("label"))):
                continue
            label = fold(match.group("label"))
            fit = sum(w in label for w in words) / max(1, len(words))
            found.append((fit, -order, clause))
        found.sort(key=lambda item: item[:2], reverse=True)
        # Scored below any sentence that covers the question: the labelled line answers where no
        # sentence does (its value rarely shares the question's words), not instead of one.
        return [Finding(slot, f"{clause.text.strip()} {{0}}", [Hit(plan.source, clause, 1.0)], 0.1 + 0.05 * fit,
                        self.name) for fit, _, clause in found[:MAX_LINES]]
