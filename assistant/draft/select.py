"""Finding the template: a named plan, or (`auto`) the most similar plan — same level first,
then the same superior unit/province, then structure and topic."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.documents import LoadError, Plan
from assistant.draft.model import DraftError, Unit
from assistant.text import diacritic_ratio, fold


def candidate_plans(index_dir: Path, corpus_dir: Path) -> list[Plan]:
    """Plans of the index when there is one (no model is loaded), else the corpus files."""
    from assistant.store import open_store

    try:
        store = open_store(Path(index_dir))
        if store.exists():
            return [plan for plan, _ in store.load_all()]
    except Exception:  # a damaged index or an unreachable server: fall back to the files
        pass
    from assistant.ingest.pipeline import discover, read_plan

    plans = []
    if Path(corpus_dir).is_dir():
        for path in discover([Path(corpus_dir)]):
            try:
                plans.append(read_plan(path))
            except LoadError:
                continue
    return plans


def resolve_template(name: str, plans_loader) -> Plan:
    """A path to a plan file, or a plan the index/corpus knows by file name, stem or locality."""
    from assistant.ingest.pipeline import read_plan
    from assistant.question import plans_named

    path = Path(name)
    if path.is_file():
        try:
            return read_plan(path)
        except LoadError as error:
            raise DraftError("--template", str(error)) from None
    plans = plans_loader()
    sources = plans_named(name, plans)
    if not sources:
        sources = [p.source for p in plans if fold(name).strip() and fold(name).strip() in fold(p.source)]
    if len(sources) == 1:
        return next(p for p in plans if p.source == sources[0])
    if len(sources) > 1:
        raise DraftError("--template", f"{name!r} matches several plans: {', '.join(sources)}")
    raise DraftError("--template", f"no plan {name!r}: not a file and not a plan of the index or corpus")


@dataclass
class Choice:
    plan: Plan
    score: float
    reasons: list[str]


def score_plan(plan: Plan, locality: Unit, parent: Unit | None, topic: str) -> Choice:
    meta = plan.metadata
    reasons: list[str] = []
    score = 0.0
    if meta.level and fold(meta.level) == fold(locality.level):
        score += 100
        reasons.append(f"cùng cấp {locality.level}")
    elif meta.level in {"xã", "phường", "thị trấn"} and locality.level in {"xã", "phường", "thị trấn"}:
        score += 60
        reasons.append(f"cùng cấp cơ sở ({meta.level})")
    if parent and (fold(parent.name) in fold(meta.parent_unit) or fold(parent.name) == fold(meta.province)):
        score += 30
        reasons.append(f"cùng cấp trên {parent.full}")
    kinds = [c.kind for c in plan.clauses]
    sections = sum(k == "section" for k in kinds)
    headings = [fold(c.text) for c in plan.clauses if c.kind == "section"]
    has_org = any("to chuc thuc hien" in h for h in headings)
    structure = min(sections, 6) * 2 + (6 if has_org else 0) + (4 if meta.recipients else 0) + (4 if meta.signer else 0)
    score += structure
    reasons.append(f"{sections} mục La Mã" + (", có mục Tổ chức thực hiện" if has_org else ""))
    if topic:
        words = set(fold(topic).split())
        title = set(fold(meta.title).split())
        overlap = len(words & title) / max(1, len(words))
        score += 20 * overlap
        if overlap > 0.3:
            reasons.append("chủ đề gần với văn bản căn cứ")
    text_quality = diacritic_ratio(" ".join(c.text for c in plan.clauses[:40]))
    if text_quality < 0.25:
        score -= 25
        reasons.append("bản quét mất dấu (ưu tiên thấp)")
    if meta.period[-4:].isdigit():
        score += int(meta.period[-4:]) / 1000  # newer plans break ties
    return Choice(plan, score, reasons)


def choose_template(plans: list[Plan], locality: Unit, parent: Unit | None, topic: str = "") -> Choice:
    if not plans:
        raise DraftError("--template", "auto: no plans to choose from (no index and no corpus folder)")
    choices = sorted((score_plan(p, locality, parent, topic) for p in plans), key=lambda c: -c.score)
    return choices[0]
