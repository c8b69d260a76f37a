"""Validate the hand-checked gold set `evals/gold.jsonl` against the current clause trees.

For every question: the fields are present and typed, the id is unique, the category is known,
the plan exists, every gold clause id exists in the current clause tree of its source, and every
`must_include` fact occurs (diacritic-folded, lower-cased) in the union of the gold clauses'
heading path + text. Unanswerable questions carry no gold clauses and no `must_include`.

    .venv/bin/python evals/check_gold.py [PATH]

Prints a summary per category and per plan; exits 1 on any error. Warnings (question text that
copies a long run of the gold clause verbatim) do not fail the run.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.ingest.pipeline import read_plan  # noqa: E402
from assistant.text import fold  # noqa: E402

CATEGORIES = (
    "reporting", "deadline", "lead", "coordinate", "funding", "target", "metadata", "duties",
    "compare", "unanswerable", "no_diacritics", "english", "ocr",
)
OCR_PLAN = "corpus/phuong-phu-son-ocr.txt"
MIN_PER_CATEGORY = 10
MIN_TOTAL = 170
FIELDS = {
    "id": str, "category": str, "question": str, "plan": (str, type(None)), "gold_clauses": list,
    "must_include": list, "must_not_include": list, "answerable": bool, "note": str,
}
COPY_WORDS = 8  # a question sharing this many consecutive words with a gold clause copies it


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _copied_run(question: str, clause_text: str, n: int = COPY_WORDS) -> str | None:
    q = _words(question)
    grams = {tuple(q[i:i + n]) for i in range(len(q) - n + 1)}
    c = _words(clause_text)
    for i in range(len(c) - n + 1):
        if tuple(c[i:i + n]) in grams:
            return " ".join(c[i:i + n])
    return None


def main(path: Path) -> int:
    errors: list[str] = []
    warnings: list[str] = []
    plans: dict[str, dict[str, object]] = {}

    def clauses_of(source: str) -> dict[str, object] | None:
        if source not in plans:
            file = REPO / source
            if not file.is_file():
                return None
            plans[source] = {c.id: c for c in read_plan(file).clauses}
        return plans[source]

    records = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")

    seen: set[str] = set()
    by_category: Counter[str] = Counter()
    by_plan: Counter[str] = Counter()
    by_category_plan: dict[str, Counter[str]] = defaultdict(Counter)
    answerable_count = Counter()

    for lineno, r in records:
        qid = r.get("id", f"line {lineno}")
        where = f"{qid} (line {lineno})"
        for field, typ in FIELDS.items():
            if field not in r:
                errors.append(f"{where}: missing field {field!r}")
            elif not isinstance(r[field], typ):
                errors.append(f"{where}: field {field!r} has type {type(r[field]).__name__}")
        extra = set(r) - set(FIELDS)
        if extra:
            errors.append(f"{where}: unknown fields {sorted(extra)}")
        if any(f not in r or not isinstance(r[f], FIELDS[f]) for f in FIELDS):
            continue

        if qid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(qid)
        category, plan, gold = r["category"], r["plan"], r["gold_clauses"]
        if category not in CATEGORIES:
            errors.append(f"{where}: unknown category {category!r}")
        if not r["question"].strip():
            errors.append(f"{where}: empty question")
        if plan is not None and clauses_of(plan) is None:
            errors.append(f"{where}: plan {plan!r} not found")

        by_category[category] += 1
        answerable_count[r["answerable"]] += 1
        sources = sorted({g.get("source") for g in gold if isinstance(g, dict)})
        plan_key = plan or ("(several) " + ", ".join(Path(s).stem for s in sources) if sources else "(none)")
        by_plan[plan or "(null)"] += 1
        by_category_plan[category][plan_key if plan else "(null)"] += 1

        # gold clauses exist
        union: list[str] = []
        for g in gold:
            if not isinstance(g, dict) or set(g) != {"source", "clause"}:
                errors.append(f"{where}: gold clause must be {{source, clause}}: {g!r}")
                continue
            tree = clauses_of(g["source"])
            if tree is None:
                errors.append(f"{where}: gold source {g['source']!r} not found")
                continue
            clause = tree.get(g["clause"])
            if clause is None:
                errors.append(f"{where}: clause {g['clause']!r} not in current tree of {g['source']}")
                continue
            union.append(" / ".join((*clause.path, clause.text)))
            if plan is not None and g["source"] != plan:
                errors.append(f"{where}: gold clause from {g['source']} but plan is {plan}")
            if category != "unanswerable":
                run = _copied_run(r["question"], clause.text)
                if run:
                    warnings.append(f"{where}: question copies gold text verbatim: '{run}'")
        folded_union = fold("\n".join(union))

        if len({g.get('clause') + '@' + g.get('source', '') for g in gold if isinstance(g, dict)}) != len(gold):
            errors.append(f"{where}: duplicate gold clause")

        if r["answerable"]:
            if not gold:
                errors.append(f"{where}: answerable question without gold clauses")
            if not r["must_include"]:
                errors.append(f"{where}: answerable question without must_include")
            for fact in r["must_include"]:
                if not isinstance(fact, str) or not fact.strip():
                    errors.append(f"{where}: empty must_include entry")
                elif fold(fact) not in folded_union:
                    errors.append(f"{where}: must_include {fact!r} not found in gold clauses")
            for fact in r["must_not_include"]:
                if isinstance(fact, str) and fold(fact) in folded_union:
                    errors.append(f"{where}: must_not_include {fact!r} occurs in gold clauses")
        else:
            if gold:
                errors.append(f"{where}: unanswerable question with gold clauses")
            if r["must_include"]:
                errors.append(f"{where}: unanswerable question with must_include")
            if category not in ("unanswerable",):
                warnings.append(f"{where}: answerable=false outside the 'unanswerable' category")

        # category-specific shape
        if category == "unanswerable" and r["answerable"]:
            errors.append(f"{where}: category 'unanswerable' must have answerable=false")
        if category == "compare":
            if plan is not None:
                errors.append(f"{where}: compare questions have plan null")
            if len(sources) < 2:
                errors.append(f"{where}: compare question needs gold clauses from 2+ plans")
        if category == "ocr" and plan != OCR_PLAN:
            errors.append(f"{where}: ocr questions are about {OCR_PLAN}")
        if category == "no_diacritics" and fold(r["question"]) != r["question"].lower():
            errors.append(f"{where}: no_diacritics question contains diacritics")
        if category == "english" and not r["question"].isascii():
            errors.append(f"{where}: english question has non-ASCII characters")
        if category in ("ocr",) and fold(r["question"]) == r["question"].lower():
            errors.append(f"{where}: ocr questions are asked with diacritics")

    for category in CATEGORIES:
        if by_category[category] < MIN_PER_CATEGORY:
            errors.append(f"category {category!r}: {by_category[category]} questions (< {MIN_PER_CATEGORY})")
    if len(records) < MIN_TOTAL:
        errors.append(f"{len(records)} questions (< {MIN_TOTAL})")

    print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {len(records)} questions "
          f"({answerable_count[True]} answerable, {answerable_count[False]} unanswerable)")
    print("\nper category:")
    for category in CATEGORIES:
        detail = ", ".join(f"{Path(p).stem if p.startswith('corpus/') else p}={n}"
                           for p, n in sorted(by_category_plan[category].items()))
        print(f"  {category:<14} {by_category[category]:>4}   {detail}")
    print("\nper plan (plan field):")
    for plan, n in sorted(by_plan.items()):
        print(f"  {plan:<36} {n:>4}")
    cited = Counter()
    for _, r in records:
        for s in {g["source"] for g in r.get("gold_clauses", []) if isinstance(g, dict) and "source" in g}:
            cited[s] += 1
    print("\nquestions citing each plan (gold clauses, incl. compare):")
    for plan, n in sorted(cited.items()):
        print(f"  {plan:<36} {n:>4}")

    for w in warnings:
        print(f"WARNING {w}")
    for e in errors:
        print(f"ERROR {e}")
    print(f"\n{len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "evals" / "gold.jsonl"
    sys.exit(main(target.resolve()))
