"""Answers as HTML for the chat, as plain text for copying and as markdown for the `/ask` API.

Everything that comes from a document (answer text, clause text, headings, plan names) is
escaped here before it is put into HTML: `<`, `>`, `&` and quotes become entities, and so do the
markdown and LaTeX metacharacters (`[ ] ! * _ ` $ …`), because the chat component renders
markdown: an escaped `![x](https://…)` must stay text rather than load a remote image. The HTML
built here never contains a newline, so the markdown renderer sees one HTML block and leaves it
alone.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    "[": "&#91;", "]": "&#93;", "(": "&#40;", ")": "&#41;", "!": "&#33;", "`": "&#96;",
    "*": "&#42;", "_": "&#95;", "~": "&#126;", "$": "&#36;", "\\": "&#92;", "|": "&#124;",
    "#": "&#35;", "=": "&#61;", "{": "&#123;", "}": "&#125;",
    "\n": "<br>", "\r": "", "\t": " ",
})
_MARKER = re.compile(r"\[(\d+)\]")
_MIN_MARK = 10  # shortest run of answer text highlighted in a clause (characters)


def escape_text(text: str) -> str:
    """Document text → HTML text that shows as written and can neither run nor load anything."""
    return str(text or "").translate(_ESCAPES)


# -- plan labels ---------------------------------------------------------------------------------
def plan_labels(plans) -> dict[str, str]:
    """A short human name per plan source: its locality ("phường Long Mỹ"), with the file name
    added when two plans share a locality; the file stem when the locality is unknown."""
    names = {p.source: (p.metadata.locality or "").strip() or Path(p.source).stem for p in plans}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {source: (f"{name} ({Path(source).name})" if counts[name] > 1 else name)
            for source, name in names.items()}


def _label(labels: dict[str, str], source: str) -> str:
    return labels.get(source) or Path(source).stem or source


# -- highlighting --------------------------------------------------------------------------------
def answer_segments(answer: str) -> dict[int, str]:
    """For each citation number, the answer text that cites it (the words before its marker,
    back to the previous marker or line start), joined when a number is cited more than once."""
    segments: dict[int, list[str]] = {}
    for line in answer.split("\n"):
        start = 0
        for match in _MARKER.finditer(line):
            segments.setdefault(int(match.group(1)), []).append(line[start:match.start()])
            start = match.end()
    return {n: " … ".join(parts) for n, parts in segments.items()}


def _fold_case(text: str) -> str:
    lowered = unicodedata.normalize("NFC", text).lower()
    return lowered if len(lowered) == len(text) else text


def highlight_spans(clause_text: str, answer_part: str, min_len: int = _MIN_MARK) -> list[tuple[int, int]]:
    """Character spans of `clause_text` that the answer repeats (case-insensitive), widened to
    whole words and merged; runs shorter than `min_len` are ignored."""
    if not clause_text or not answer_part:
        return []
    text, part = _fold_case(clause_text), _fold_case(unicodedata.normalize("NFC", answer_part))
    matcher = SequenceMatcher(None, part, text, autojunk=False)
    spans = []
    for block in matcher.get_matching_blocks():
        if block.size < min_len or not part[block.a:block.a + block.size].strip():
            continue
        start, end = block.b, block.b + block.size
        while start < end and not clause_text[start].isalnum():
            start += 1
        while end > start and not clause_text[end - 1].isalnum():
            end -= 1
        while 0 < start < end and clause_text[start - 1].isalnum():
            start -= 1
        while start < end < len(clause_text) and clause_text[end].isalnum():
            end += 1
        if end > start:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not clause_text[merged[-1][1]:start].strip(" ,;:.–-"):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlighted_html(clause_text: str, spans: list[tuple[int, int]]) -> str:
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape_text(clause_text[position:start]))
        pieces.append(f"<mark>{escape_text(clause_text[start:end])}</mark>")
        position = end
    pieces.append(escape_text(clause_text[position:]))
    return "".join(pieces)


# -- the three renderings ------------------------------------------------------------------------
def _answer_body_html(text: str) -> str:
    """Answer text with [n] as superscript references; "- " lines as a list."""
    def inline(line: str) -> str:
        out, position = [], 0
        for match in _MARKER.finditer(line):
            out.append(escape_text(line[position:match.start()]))
            out.append(f'<sup class="cite-ref">[{int(match.group(1))}]</sup>')
            position = match.end()
        out.append(escape_text(line[position:]))
        return "".join(out).strip()

    html, items = [], []
    for line in text.split("\n"):
        if line.lstrip().startswith("- "):
            items.append(f"<li>{inline(line.lstrip()[2:])}</li>")
            continue
        if items:
            html.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line.strip():
            html.append(f"<p>{inline(line)}</p>")
    if items:
        html.append("<ul>" + "".join(items) + "</ul>")
    return "".join(html)


def heading_path(path) -> str:
    return " › ".join(str(h).strip() for h in path if str(h).strip())


def render_answer_html(answer, labels: dict[str, str]) -> str:
    """The chat bubble: the answer, then one collapsible footnote per citation showing the plan,
    the clause id, the heading path and the clause text with the answer's words marked."""
    segments = answer_segments(answer.answer)
    notes = []
    for number, citation in enumerate(answer.citations, start=1):
        spans = highlight_spans(citation.text, segments.get(number, "")) if answer.grounded else []
        path = heading_path(citation.path)
        summary = (f'<span class="cite-num">[{number}]</span> <b>{escape_text(_label(labels, citation.source))}</b>'
                   f' · điều khoản <code>{escape_text(citation.clause)}</code>'
                   + (f' · <span class="cite-path">{escape_text(path)}</span>' if path else ""))
        body = (f'<div class="cite-meta">Tệp: {escape_text(citation.source)}'
                + (f"<br>Mục: {escape_text(path)}" if path else "") + "</div>"
                f'<blockquote class="cite-text">{highlighted_html(citation.text, spans)}</blockquote>')
        notes.append(f'<details class="cite" id="cite-{number}"><summary>{summary}</summary>{body}</details>')
    parts = [f'<div class="answer{"" if answer.grounded else " not-grounded"}">', _answer_body_html(answer.answer)]
    if notes:
        title = "Trích dẫn" if answer.grounded else "Điều khoản gần nhất (chỉ để tham khảo, không trả lời trực tiếp)"
        parts.append(f'<div class="cites"><div class="cites-title">{title}:</div>{"".join(notes)}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_answer_text(answer, labels: dict[str, str]) -> str:
    """Plain text for the clipboard: the question, the answer and the cited clauses."""
    lines = [f"Hỏi: {answer.question}", f"Trả lời: {answer.answer}"]
    if answer.citations:
        lines += ["", "Trích dẫn:" if answer.grounded else "Điều khoản gần nhất (tham khảo):"]
        for number, citation in enumerate(answer.citations, start=1):
            path = heading_path(citation.path)
            lines.append(f"[{number}] {_label(labels, citation.source)} ({citation.source}), "
                         f"điều khoản {citation.clause}"
                         + (f" — {path}" if path else ""))
            lines.append(f"    “{' '.join(citation.text.split())}”")
    return "\n".join(lines)


_MD_ESCAPE = str.maketrans({"\\": "\\\\", "<": "\\<", ">": "\\>", "`": "\\`", "!": "\\!", "*": "\\*", "_": "\\_",
                            "$": "\\$", "|": "\\|"})


_MD_LINK = re.compile(r"\](?=[(\[])")  # the "](" / "][" of an inline or reference link


def md_escape(text: str) -> str:
    """Markdown that shows the text as written when rendered, and stays readable when not: no
    HTML, no images, and no links (`[x](javascript:…)` from a document stays text; a citation
    marker like `[1]` is left as it is)."""
    return _MD_LINK.sub(r"\\]", str(text or "").translate(_MD_ESCAPE))


def render_answer_markdown(answer, labels: dict[str, str]) -> str:
    """What `/ask` returns: the answer, then the citations as a list with the clause quoted."""
    lines = [md_escape(answer.answer)]
    if answer.citations:
        lines += ["", "**Trích dẫn:**" if answer.grounded else "**Điều khoản gần nhất (tham khảo):**", ""]
        for number, citation in enumerate(answer.citations, start=1):
            path = heading_path(citation.path)
            lines.append(f"- [{number}] **{md_escape(_label(labels, citation.source))}** · "
                         f"`{citation.source.replace('`', '')}` · điều khoản {md_escape(citation.clause)}"
                         + (f" · {md_escape(path)}" if path else ""))
            lines.append(f"  > {md_escape(' '.join(citation.text.split()))}")
    return "\n".join(lines)


def render_message_html(text: str, kind: str = "info") -> str:
    """A short status or error line inside the chat (escaped like everything else)."""
    return f'<div class="chat-note chat-{kind}">{escape_text(text)}</div>'


def render_plan_details(plan, label: str, uploaded: bool) -> str:
    """Metadata of one plan for the library tab (every value escaped)."""
    meta = plan.metadata
    from ui.tables import display_date, display_number, signer_text

    rows = [("Tên kế hoạch", meta.title), ("Địa phương", label), ("Cấp", meta.level), ("Tỉnh", meta.province),
            ("Cơ quan cấp trên", meta.parent_unit), ("Số hiệu", display_number(meta.number)),
            ("Ngày ban hành", display_date(meta.issue_date)), ("Nơi ban hành", meta.place),
            ("Giai đoạn", meta.period), ("Người ký", signer_text(meta)), ("Chức danh ký", meta.signer_title),
            ("Tệp", plan.source), ("Số điều khoản", str(len(plan.clauses))),
            ("Nguồn", "tải lên qua giao diện" if uploaded else "kho có sẵn (thư mục corpus)")]
    html = ['<div class="plan-details"><dl class="kv">']
    html += [f"<dt>{escape_text(k)}</dt><dd>{escape_text(v)}</dd>" for k, v in rows if str(v or "").strip()]
    html.append("</dl>")
    for title, items in (("Căn cứ / thực hiện", meta.parent_documents), ("Thay thế", meta.replaces),
                         ("Nơi nhận", meta.recipients)):
        if items:
            html.append(f"<div class='plan-list-title'>{escape_text(title)}</div><ul>"
                        + "".join(f"<li>{escape_text(item)}</li>" for item in items) + "</ul>")
    html.append("</div>")
    return "".join(html)
