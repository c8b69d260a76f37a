"""Draft → Markdown: the same content as the .docx, with review notes and values kept from the
template marked (yellow in the .docx).

One layout, two styles. The CLI preview (`to_markdown`) is meant to be read as a file, so it only
escapes emphasis and marks with ==…==. The web preview (ui/drafting.py) passes a style that makes
document text inert (no HTML, links or images) and marks with `<mark>` classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from assistant.draft.docx_writer import target_year
from assistant.draft.model import Draft, Segment


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class MarkdownStyle:
    text: Callable[[str], str]  # plain document text
    mark: Callable[[str, str], str]  # (text, "review" | "keep") → marked text
    line_break: str  # between the lines of the issuer and of the national motto
    title: Callable[[str], str]  # the document type line ("KẾ HOẠCH")
    summary: Callable[[str], str]  # the rendered summary line
    bullet: str = "- "
    header_comment: bool = True  # "<!-- dự thảo từ … -->" naming the template
    skip_empty_blocks: bool = False
    run: Callable[[str], str] = _identity  # applied to a joined run of segments
    field: Callable[[str], str] = _identity  # number line, date, issuer, titles, table cells


CLI_STYLE = MarkdownStyle(
    text=lambda t: t.replace("*", "\\*"),
    mark=lambda t, _kind: f"=={t}==",
    line_break=" / ",
    title=lambda t: f"<center>**{t}**</center>",
    summary=lambda t: f"<center>**{t}**</center>",
)


def _segments(segments: list[Segment], style: MarkdownStyle) -> str:
    out = [style.mark(s.text, "review" if s.review else "keep") if (s.review or s.highlight) else style.text(s.text)
           for s in segments]
    return style.run("".join(out))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(draft: Draft, style: MarkdownStyle) -> str:
    field = style.field
    issuer = style.line_break.join(f"**{_cell(field(line))}**" for line in draft.issuer)
    motto = style.line_break.join(["**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**", "**Độc lập - Tự do - Hạnh phúc**"])
    lines = [f"<!-- dự thảo từ {draft.template}{' — ' + draft.why if draft.why else ''} -->", ""] \
        if style.header_comment else []
    lines += [f"| {issuer} | {motto} |", "|:---:|:---:|",
              f"| {_cell(field(draft.number_line))} | *{_cell(field(draft.place_date))}* |", "",
              style.title(draft.doc_type), "", style.summary(_segments(draft.summary, style)), ""]
    for block in draft.body:
        text = _segments(block.segments, style)
        if style.skip_empty_blocks and not text.strip():
            continue
        if block.kind.startswith("heading"):
            lines += [f"**{text}**", ""]
        elif block.kind == "bullet":
            lines += [f"{style.bullet}{text}", ""]
        else:
            lines += [text, ""]
    lines += ["***Nơi nhận:***", ""] + [_segments(line, style) + "  " for line in draft.recipients] + [""]
    lines += [f"**{field(t)}**  " for t in draft.signature_titles] + ["", f"**{_segments(draft.signer, style)}**", ""]
    if draft.targets:
        lines += ["---", "", "**BẢNG CHỈ TIÊU** (giá trị lấy từ kế hoạch mẫu: cần xem lại)", "",
                  "| TT | Chỉ tiêu | Giá trị | Đơn vị | Năm |", "|---|---|---|---|---|"]
        lines += [f"| {n} | {_cell(field(t.indicator))} | {style.mark(t.value, 'keep')} | {_cell(field(t.unit))} "
                  f"| {_cell(_segments(target_year(t), style))} |" for n, t in enumerate(draft.targets, start=1)]
        lines.append("")
    if draft.appendix:
        table = draft.appendix
        lines += ["---", "", "**PHỤ LỤC**", "", f"**{_segments(table.title, style)}**", ""]
        if table.subtitle:
            lines += [f"*{_segments(table.subtitle, style)}*", ""]
        if table.note:
            lines += [_segments(table.note, style), ""]
        lines += ["| " + " | ".join(_cell(field(h)) for h in table.header) + " |", "|" + "---|" * len(table.header)]
        lines += ["| " + " | ".join(_cell(_segments(c, style)) for c in row) + " |" for row in table.rows]
        lines.append("")
    return "\n".join(lines)


def to_markdown(draft: Draft) -> str:
    """The CLI preview (`assistant draft --markdown`)."""
    return render_markdown(draft, CLI_STYLE)
