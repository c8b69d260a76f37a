"""Draft → Markdown preview: the same content as the .docx; review notes and values kept from
the template in ==marks== (yellow in the .docx)."""
from __future__ import annotations

from assistant.draft.model import Draft, Segment


def _md(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        if s.review or s.highlight:
            out.append(f"=={s.text}==")
        else:
            out.append(s.text.replace("*", "\\*"))
    return "".join(out)


def _cell(segments: list[Segment]) -> str:
    return _md(segments).replace("|", "\\|").replace("\n", " ")


def to_markdown(draft: Draft) -> str:
    lines = [f"<!-- dự thảo từ {draft.template}{' — ' + draft.why if draft.why else ''} -->", "",
             "| " + " / ".join(f"**{line}**" for line in draft.issuer) + " | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**"
             " / **Độc lập - Tự do - Hạnh phúc** |", "|:---:|:---:|",
             f"| {draft.number_line} | *{draft.place_date}* |", "",
             f"<center>**{draft.doc_type}**</center>", "", f"<center>**{_md(draft.summary)}**</center>", ""]
    for block in draft.body:
        text = _md(block.segments)
        if block.kind.startswith("heading"):
            lines += [f"**{text}**", ""]
        elif block.kind == "bullet":
            lines += [f"- {text}", ""]
        else:
            lines += [text, ""]
    lines += ["***Nơi nhận:***", ""] + [_md(line) + "  " for line in draft.recipients] + [""]
    lines += [f"**{t}**  " for t in draft.signature_titles] + ["", f"**{_md(draft.signer)}**", ""]
    if draft.targets:
        lines += ["---", "", "**BẢNG CHỈ TIÊU** (giá trị lấy từ kế hoạch mẫu: cần xem lại)", "",
                  "| TT | Chỉ tiêu | Giá trị | Đơn vị | Năm |", "|---|---|---|---|---|"]
        lines += [f"| {n} | {t.indicator.replace('|', '/')} | =={t.value}== | {t.unit} | {t.year} |"
                  for n, t in enumerate(draft.targets, start=1)]
        lines.append("")
    if draft.appendix:
        table = draft.appendix
        lines += ["---", "", "**PHỤ LỤC**", "", f"**{_md(table.title)}**", ""]
        if table.subtitle:
            lines += [f"*{_md(table.subtitle)}*", ""]
        lines += ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
        lines.append("")
    return "\n".join(lines)
