"""Diacritics put back into a question typed without them, from the plan it asks about.

"so gtvt can kiem tra ket cau nao cua cau" loses most of what the dense encoder knows: e5 sees
other words than the plans' "Sở GTVT cần kiểm tra kết cấu nào của cầu" (top-5 of the clause asked
rises from about 0.15 to 0.65 with the marks back, on the real plans). The plan the question names
knows its own words: each folded syllable takes the marked form that plan writes, the neighbours
deciding between forms ("bao cao" → "báo cáo", "bao ve" → "bảo vệ") by the plan's own word pairs.
A syllable the plan never writes stays as typed. No general language model is needed: the
question is about that plan, in that plan's words.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from assistant.bounded_cache import BoundedCache
from assistant.documents import Plan
from assistant.text import fold, has_diacritics

_WORD = re.compile(r"\w+")
_MAX_FORMS = 4  # marked forms kept per folded syllable ("ban": ban, bản, bàn, bán)
_PAIR_WEIGHT = 3.0  # a pair the plan writes outweighs the bare frequency of its syllables


@dataclass
class PlanWords:
    forms: dict[str, list[tuple[str, int]]]  # folded syllable → (marked form, count), commonest first
    pairs: Counter  # (form, next form) → count


_CACHE: BoundedCache[PlanWords] = BoundedCache(32)


def words_of(plans: list[Plan]) -> PlanWords:
    """`plan_words`, kept for the last few scopes asked (a follow-up asks the same plan again);
    keyed by content, so a re-ingested plan is read anew."""
    return _CACHE.get(tuple(sorted(p.sha256 or p.source for p in plans)), lambda: plan_words(plans))


def plan_words(plans: list[Plan]) -> PlanWords:
    singles: Counter = Counter()
    pairs: Counter = Counter()
    for plan in plans:
        for clause in plan.clauses:
            for line in (" ".join(clause.path), clause.text):
                words = [w.lower() for w in _WORD.findall(line)]
                singles.update(words)
                pairs.update(zip(words, words[1:]))
    by_fold: dict[str, Counter] = defaultdict(Counter)
    for word, count in singles.items():
        by_fold[fold(word)][word] += count
    return PlanWords({key: forms.most_common(_MAX_FORMS) for key, forms in by_fold.items()}, pairs)


def restore_marks(text: str, words: PlanWords) -> str:
    """The text with each unmarked syllable in the plan's marked form: the best path through the
    candidate forms, scored by the plan's word pairs and, less, by each form's own frequency."""
    if has_diacritics(text):
        return text
    pieces = re.split(r"(\w+)", text)
    at = [i for i, piece in enumerate(pieces) if piece and _WORD.fullmatch(piece)]
    if not at:
        return text
    options = [words.forms.get(pieces[i].lower()) or [(pieces[i].lower(), 0)] for i in at]
    # Viterbi over the candidates: best[k][form] = (score, previous form)
    best: list[dict[str, tuple[float, str | None]]] = [
        {form: (0.5 * math.log1p(count), None) for form, count in options[0]}]
    for k in range(1, len(options)):
        row = {}
        for form, count in options[k]:
            row[form] = max((score + 0.5 * math.log1p(count) + _PAIR_WEIGHT * math.log1p(words.pairs.get((prev, form), 0)),
                             prev) for prev, (score, _) in best[-1].items())
        best.append(row)
    form = max(best[-1], key=lambda f: best[-1][f][0])
    chosen = [form]
    for k in range(len(options) - 1, 0, -1):
        form = best[k][form][1]
        chosen.append(form)
    chosen.reverse()
    for i, form in zip(at, chosen):
        typed = pieces[i]
        if fold(form) != typed.lower():  # "đ" folds to "d": keep what was typed if it did not fold back
            continue
        pieces[i] = form.upper() if typed.isupper() and len(typed) > 1 else (form[:1].upper() + form[1:]
                                                                              if typed[:1].isupper() else form)
    return "".join(pieces)
