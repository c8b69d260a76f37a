"""Drafting a new plan from a similar one (issues 7, 15): library API used by the CLI and the web app.

    draft = build_draft(DraftRequest(template="auto", locality="phường Ninh Kiều", date="20/03/2026"))
    write_docx(draft, Path("draft.docx"))      # Nghị định 30/2020/NĐ-CP layout, written atomically
    print(to_markdown(draft))                  # the same content as a preview
"""
from __future__ import annotations

from pathlib import Path

from assistant.draft.model import Block, Draft, DraftError, DraftRequest, Segment, TargetRow, Unit


def build_draft(request: DraftRequest, plans_loader=None) -> Draft:
    """Validate the request, find the template, compose the draft (no file written)."""
    from assistant.draft.compose import compose
    from assistant.draft.select import candidate_plans, choose_template, resolve_template
    from assistant.draft.period import parse_period
    from assistant.draft.places import check_places
    from assistant.draft.units import number_line, parse_date

    places = check_places(request.locality, request.parent, request.province, parse_date(request.date))
    locality, parent = places.locality, places.parent  # bad input fails before any work
    number_line(request.number)
    parse_period(request.period)
    loader = plans_loader or (lambda: candidate_plans(Path(request.index), Path(request.corpus)))
    template = (request.template or "").strip()
    if not template:
        raise DraftError("--template", "missing; give a plan file, a plan name, or auto")
    why = ""
    if template.lower() == "auto":
        choice = choose_template(loader(), locality, parent, request.based_on)
        plan = choice.plan
        why = f"{plan.source} ({plan.metadata.locality or 'không rõ địa phương'}): " + "; ".join(choice.reasons)
    else:
        plan = resolve_template(template, loader)
    return compose(plan, request, why)


def write_docx(draft: Draft, out: Path) -> Path:
    from assistant.draft.docx_writer import write_docx as _write

    return _write(draft, out)


def to_markdown(draft: Draft) -> str:
    from assistant.draft.markdown import to_markdown as _md

    return _md(draft)


__all__ = ["Block", "Draft", "DraftError", "DraftRequest", "Segment", "TargetRow", "Unit", "build_draft",
           "to_markdown", "write_docx"]
