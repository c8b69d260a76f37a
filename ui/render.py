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
def _tidy_stem(source: str) -> str:
    """A file name as words ("Kế-hoạch-VSMT-xã-Cư-Yên.pdf" → "Kế hoạch VSMT xã Cư Yên")."""
    return " ".join(re.sub(r"[-_]+", " ", Path(source).stem).split()) or Path(source).name


def plan_labels(plans) -> dict[str, str]:
    """A short human name per plan source: its locality ("phường Long Mỹ"), else its title, else
    its file name as words; the file name is added when two plans share a name."""
    def name(plan) -> str:
        meta = plan.metadata
        title = " ".join((getattr(meta, "title", "") or "").split())
        return ((meta.locality or "").strip() or (title if 0 < len(title) <= 90 else "")
                or _tidy_stem(plan.source))

    names = {p.source: name(p) for p in plans}
    counts: dict[str, int] = {}
    for value in names.values():
        counts[value] = counts.get(value, 0) + 1
    return {source: (f"{value} ({Path(source).name})" if counts[value] > 1 else value)
            for source, value in names.items()}


def _label(labels: dict[str, str], source: str) -> str:
    return labels.get(source) or _tidy_stem(source) or source


# -- scans and plan facts ------------------------------------------------------------------------
SCAN_OCR = "bản scan (chữ nhận dạng bằng OCR, có thể sai chữ, sai số)"
SCAN_UNACCENTED = "văn bản mất dấu, có thể từ bản scan (chữ có thể sai)"
_UNACCENTED_BELOW = 0.35  # share of accented syllables: ~0.8 in typed plans, ~0.15 in an OCR that lost them
# Frequent syllables of Vietnamese plans, folded: an unaccented text full of them is Vietnamese that
# lost its marks, not a plan written in English.
_VIETNAMESE = {"va", "cac", "cua", "thuc", "hien", "ke", "hoach", "theo", "nam", "xa", "phuong", "tren", "ban",
               "nhan", "dan", "chuc", "trien", "khai", "co", "quan", "don", "vi", "tinh", "so", "ty", "le"}
_VIETNAMESE_AT_LEAST = 0.08


def scan_note(plan) -> str:
    """"" for a typed plan; a note for one read from a scan (the OCR flag) or whose text lost its
    diacritics (an OCR text file)."""
    from assistant.text import diacritic_ratio, fold

    if getattr(plan.metadata, "from_ocr", False):
        return SCAN_OCR
    sample = " ".join(c.text for c in plan.clauses[:200])
    if len(sample) < 400 or diacritic_ratio(sample) >= _UNACCENTED_BELOW:
        return ""
    words = re.findall(r"[a-z]+", fold(sample))
    if words and sum(w in _VIETNAMESE for w in words) / len(words) >= _VIETNAMESE_AT_LEAST:
        return SCAN_UNACCENTED
    return ""


def plan_fact_line(plan) -> str:
    """"Kế hoạch số 2855/KH-UBND ngày 20/11/2023 · tệp thi-xa-muong-lay.txt": from the metadata,
    with the file's name only (never the folder it is stored in)."""
    from ui.tables import display_date, display_number

    meta = plan.metadata
    parts = []
    if meta.number:
        parts.append(f"số {display_number(meta.number)}")
    if meta.issue_date:
        parts.append(f"ngày {display_date(meta.issue_date)}")
    head = ("Kế hoạch " + " ".join(parts)) if parts else ""
    return " · ".join(x for x in (head, f"tệp {Path(plan.source).name}") if x)


def plan_notes(plans) -> dict[str, tuple[str, str]]:
    """source → (fact line, scan note) for the citations."""
    return {p.source: (plan_fact_line(p), scan_note(p)) for p in plans}


def without_paths(text: str, labels: dict[str, str]) -> str:
    """Answer text with any plan source path replaced by the plan's label (an answer composed for
    a plan without a known locality would otherwise name the server's file path)."""
    for source in sorted(labels, key=len, reverse=True):
        if source and source in text:
            text = text.replace(source, labels[source])
    return text


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


def _reading_html(reading: str) -> str:
    return f'<p class="reading">{escape_text(reading)}</p>' if reading else ""


def render_answer_html(answer, labels: dict[str, str], notes: dict[str, tuple[str, str]] | None = None,
                       reading: str = "") -> str:
    """The chat bubble: how the question was read (for a follow-up), the answer, then one
    collapsible footnote per citation showing the plan, its number and date, a scan note, the
    clause id, the heading path and the clause text with the answer's words marked."""
    notes = notes or {}
    text = without_paths(answer.answer, labels)
    segments = answer_segments(text)
    cites = []
    for number, citation in enumerate(answer.citations, start=1):
        spans = highlight_spans(citation.text, segments.get(number, "")) if answer.grounded else []
        path = heading_path(citation.path)
        facts, scan = notes.get(citation.source, (f"tệp {Path(citation.source).name}", ""))
        summary = (f'<span class="cite-num">[{number}]</span> <b>{escape_text(_label(labels, citation.source))}</b>'
                   + (' <span class="scan-badge">bản scan</span>' if scan else "")
                   + f' · điều khoản <code>{escape_text(citation.clause)}</code>'
                   + (f' · <span class="cite-path">{escape_text(path)}</span>' if path else ""))
        body = (f'<div class="cite-meta">{escape_text(facts)}'
                + (f'<br><span class="scan-note">Lưu ý: {escape_text(scan)}</span>' if scan else "")
                + (f"<br>Mục: {escape_text(path)}" if path else "") + "</div>"
                f'<blockquote class="cite-text">{highlighted_html(citation.text, spans)}</blockquote>')
        cites.append(f'<details class="cite" id="cite-{number}"><summary>{summary}</summary>{body}</details>')
    parts = [f'<div class="answer{"" if answer.grounded else " not-grounded"}">', _reading_html(reading),
             _answer_body_html(text)]
    if cites:
        title = "Trích dẫn" if answer.grounded else "Điều khoản gần nhất (chỉ để tham khảo, không trả lời trực tiếp)"
        parts.append(f'<div class="cites"><div class="cites-title">{title}:</div>{"".join(cites)}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_answer_text(answer, labels: dict[str, str], notes: dict[str, tuple[str, str]] | None = None,
                       reading: str = "") -> str:
    """Plain text for the clipboard: the question, the answer and the cited clauses."""
    notes = notes or {}
    lines = [f"Hỏi: {answer.question}"] if not reading else [f"Hỏi: {answer.question}", reading]
    lines.append(f"Trả lời: {without_paths(answer.answer, labels)}")
    if answer.citations:
        lines += ["", "Trích dẫn:" if answer.grounded else "Điều khoản gần nhất (tham khảo):"]
        for number, citation in enumerate(answer.citations, start=1):
            path = heading_path(citation.path)
            facts, scan = notes.get(citation.source, (f"tệp {Path(citation.source).name}", ""))
            lines.append(f"[{number}] {_label(labels, citation.source)} ({facts}), "
                         f"điều khoản {citation.clause}"
                         + (f" — {path}" if path else "") + (f" [{scan}]" if scan else ""))
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


def render_answer_markdown(answer, labels: dict[str, str], notes: dict[str, tuple[str, str]] | None = None,
                           reading: str = "") -> str:
    """What `/ask` returns: how a follow-up was read, the answer, then the citations as a list
    with the clause quoted (file names, never server paths)."""
    notes = notes or {}
    lines = [f"*{md_escape(reading)}*", ""] if reading else []
    lines.append(md_escape(without_paths(answer.answer, labels)))
    if answer.citations:
        lines += ["", "**Trích dẫn:**" if answer.grounded else "**Điều khoản gần nhất (tham khảo):**", ""]
        for number, citation in enumerate(answer.citations, start=1):
            path = heading_path(citation.path)
            _, scan = notes.get(citation.source, ("", ""))
            lines.append(f"- [{number}] **{md_escape(_label(labels, citation.source))}** · "
                         f"`{Path(citation.source).name.replace('`', '')}` · điều khoản {md_escape(citation.clause)}"
                         + (f" · {md_escape(path)}" if path else "") + (f" · *{md_escape(scan)}*" if scan else ""))
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
            ("Tệp", Path(plan.source).name), ("Số điều khoản", str(len(plan.clauses))),
            ("Nguồn", "tải lên qua giao diện" if uploaded else "kho có sẵn (thư mục corpus)"),
            ("Bản scan", scan_note(plan))]
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
