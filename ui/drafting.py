"""The "Soạn kế hoạch" tab: a form → a draft (assistant.draft) → a preview and a .docx.

    choices = template_choices(holder)                     # "Tự chọn (auto)" + the indexed plans
    result = make_draft(holder.engine.plans, form)         # DraftResult: draft or Vietnamese error
    markdown = preview_markdown(result.draft)              # document text escaped (no HTML, no links)
    path = write_draft_docx(result.draft)                  # a .docx in a fresh temporary folder

Errors (DraftError) are shown in Vietnamese, naming the form field; no file is written then.
"""
from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.draft import Draft, DraftError, DraftRequest, build_draft, write_docx
from assistant.draft.markdown import MarkdownStyle, render_markdown
from assistant.text import fold
from ui import render

log = logging.getLogger(__name__)

AUTO = "auto"
AUTO_LABEL = "Tự chọn (auto)"
SIGNER_TITLES = [("Như kế hoạch mẫu", ""), ("Chủ tịch", "Chủ tịch"), ("Phó Chủ tịch", "Phó Chủ tịch")]

# form field names as shown in the page, by the library's option name
FIELDS = {
    "--template": "Kế hoạch mẫu", "--locality": "Địa phương mới", "--parent": "Cấp trên",
    "--province": "Tỉnh", "--based-on": "Căn cứ", "--number": "Số", "--date": "Ngày",
    "--signer": "Người ký", "--signer-title": "Chức vụ người ký", "--period": "Giai đoạn",
}


@dataclass
class DraftForm:
    template: str = AUTO
    locality: str = ""
    parent: str = ""
    province: str = ""
    based_on: str = ""
    number: str = ""
    date: str = ""
    signer: str = ""
    signer_title: str = ""
    period: str = ""


@dataclass
class DraftResult:
    draft: Draft | None = None
    error: str = ""  # Vietnamese, names the field

    @property
    def ok(self) -> bool:
        return self.draft is not None


# -- choices -------------------------------------------------------------------------------------
def template_choices(holder) -> list[tuple[str, str]]:
    labels = holder.labels()
    ordered = sorted(holder.engine.plans, key=lambda p: fold(labels.get(p.source, p.source)))
    return [(AUTO_LABEL, AUTO)] + [(labels.get(p.source, p.source), p.source) for p in ordered]


# -- errors in Vietnamese ------------------------------------------------------------------------
def _quoted(reason: str) -> str:
    match = re.match(r"\s*(?:'(.*?)'|\"(.*?)\")", reason)
    return (match.group(1) if match.group(1) is not None else match.group(2)) if match else ""


def vietnamese_error(error: DraftError) -> str:
    """"Địa phương mới: “Hòa An” thiếu từ chỉ cấp …" — the field as labelled in the form, then why."""
    field = FIELDS.get(error.option, error.option.lstrip("-"))
    reason = error.reason
    value = _quoted(reason)
    if error.vietnamese:  # checked against the administrative map: already a sentence for the user
        why = reason.replace(" (thêm --province)", " (ô Tỉnh)")
    elif error.option == "--locality":
        if reason.startswith("missing"):
            why = "chưa nhập; ghi cả cấp và tên, ví dụ “phường Hòa An”."
        elif "no level word" in reason:
            why = (f"“{value}” thiếu từ chỉ cấp (xã, phường, thị trấn, thị xã); ghi ví dụ “phường {value}”.")
        elif "no name after" in reason:
            why = f"“{value}” thiếu tên sau từ chỉ cấp."
        elif "not a local plan" in reason:
            why = f"“{value}”: công cụ chỉ soạn kế hoạch cho xã, phường, thị trấn, thị xã, huyện, quận, thành phố."
        else:
            why = reason
    elif error.option == "--parent" and "no level word" in reason:
        why = f"“{value}” thiếu từ chỉ cấp; ghi ví dụ “thành phố Cần Thơ” hoặc “tỉnh An Giang”."
    elif error.option == "--date":
        if "does not exist" in reason:
            why = f"{reason.split(' does not exist')[0]} là ngày không tồn tại."
        else:
            why = f"“{value}” không đúng dạng ngày dd/mm/yyyy (ví dụ 05/03/2026)."
    elif error.option == "--number":
        why = f"“{value}” không phải số văn bản (ví dụ 15 hoặc 15/KH-UBND)."
    elif error.option == "--period":
        why = f"“{value}” không phải giai đoạn (ví dụ 2026-2030 hoặc 2026; năm đầu trước năm cuối)."
    elif error.option == "--signer-title":
        why = f"“{value}”: chỉ nhận “Chủ tịch” hoặc “Phó Chủ tịch”."
    elif error.option == "--template":
        if "no plans to choose from" in reason:
            why = "kho chưa có kế hoạch nào để làm mẫu; hãy thêm kế hoạch ở thẻ Tài liệu."
        elif reason.startswith("missing"):
            why = "hãy chọn một kế hoạch mẫu hoặc “Tự chọn (auto)”."
        elif "matches several" in reason or reason.startswith("no plan"):
            why = "không tìm thấy kế hoạch mẫu đã chọn trong kho (có thể vừa bị xoá); hãy chọn lại."
        else:
            why = f"không đọc được kế hoạch mẫu ({reason})."
    else:
        why = reason
    return f"{field}: {why}"


# -- the draft -----------------------------------------------------------------------------------
def make_draft(plans, form: DraftForm) -> DraftResult:
    """Build the draft over the indexed plans (no model loaded, nothing written)."""
    plans = list(plans)
    template = (form.template or "").strip() or AUTO
    loader = lambda: plans  # noqa: E731
    if template != AUTO:
        chosen = [p for p in plans if p.source == template]
        if chosen:  # exactly the plan picked in the dropdown (not another one with a similar name)
            loader = lambda: chosen  # noqa: E731
    request = DraftRequest(template=template, locality=form.locality or "", parent=form.parent or "",
                           province=form.province or "", based_on=form.based_on or "", number=form.number or "",
                           date=form.date or "", signer=form.signer or "", signer_title=form.signer_title or "",
                           period=form.period or "")
    try:
        return DraftResult(build_draft(request, plans_loader=loader))
    except DraftError as error:
        return DraftResult(error=vietnamese_error(error))


def write_draft_docx(draft: Draft) -> Path:
    """The .docx in a new temporary folder, named after the locality."""
    folder = Path(tempfile.gettempdir()) / "assistant-drafts"
    folder.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="du-thao-", dir=folder))
    slug = re.sub(r"[^a-z0-9]+", "-", fold(draft.locality.full)).strip("-") or "dia-phuong"
    return write_docx(draft, folder / f"du-thao-ke-hoach-{slug}.docx")


# -- preview -------------------------------------------------------------------------------------
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([#+=>-])")


def _inert_run(text: str) -> str:
    """A line starting with "1." or "-" is not turned into a list or heading."""
    return _LINE_START.sub(lambda m: (f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                                      else f"{m.group(4)}\\{m.group(5)}"), text)


def _text(text: str) -> str:
    """Document text as inert markdown: HTML, links and images stay text, and no list or heading."""
    return _inert_run(render.md_escape(text).replace("~", "\\~").replace("\n", " "))


WEB_STYLE = MarkdownStyle(
    text=_text,
    mark=lambda text, kind: f'<mark class="{kind}">{render.escape_text(text)}</mark>',
    line_break="<br>",
    title=lambda t: f"<p class='draft-title'><b>{render.escape_text(t)}</b></p>",
    summary=lambda t: f"**{t}**",
    bullet="\\- ",
    header_comment=False,
    skip_empty_blocks=True,
    run=_inert_run,
    field=_text,
)


def preview_markdown(draft: Draft) -> str:
    """The draft as markdown for gr.Markdown: the layout of the CLI preview (assistant.draft.markdown)
    with every piece of document text escaped; review notes and values kept from the template marked."""
    return render_markdown(draft, WEB_STYLE)


def summary_html(draft: Draft, chosen_label: str = "") -> str:
    """What was drafted from which template (and, for auto, why), and how much is left to review."""
    parts = [f"Dự thảo cho <b>{render.escape_text(draft.locality.full)}</b> từ kế hoạch mẫu "
             f"<b>{render.escape_text(chosen_label or Path(draft.template).name)}</b>"
             + (f", giai đoạn <b>{render.escape_text(draft.period)}</b>." if draft.period else ".")]
    if draft.why:
        parts.append(f"Tự chọn mẫu: {render.escape_text(draft.why)}.")
    count = draft.review_count()
    if count or draft.reviews:
        reviews = draft.reviews
        parts.append(f"Còn {count} chỗ <mark class='review'>cần xem lại</mark>"
                     + (": " + "; ".join(render.escape_text(r) for r in reviews) if reviews else "")
                     + ".")
    if draft.targets:
        parts.append(f"{len(draft.targets)} chỉ tiêu giữ giá trị của kế hoạch mẫu "
                     f"(<mark class='keep'>tô vàng</mark>): cần sửa theo địa phương.")
    return "<div class='tab-note draft-summary'>" + "<br>".join(parts) + "</div>"


def error_html(message: str) -> str:
    return f"<div class='tab-note warn draft-error'>Không soạn được. {render.escape_text(message)}</div>"


# -- the tab's handlers (the app wires them; tests call them directly) ---------------------------
def _form(template, locality, parent, province, based_on, number, date, signer, signer_title,
          period="") -> DraftForm:
    return DraftForm(template or AUTO, locality or "", parent or "", province or "", based_on or "", number or "",
                     date or "", signer or "", signer_title or "", period or "")


def _run(holder, fields) -> tuple[DraftResult, str]:
    try:
        result = make_draft(holder.engine.plans, _form(*fields))
    except Exception as error:  # never a traceback in the page
        log.exception("draft failed")
        return DraftResult(error=f"lỗi khi soạn ({type(error).__name__}); hãy thử lại hoặc báo quản trị."), ""
    if not result.ok:
        return result, error_html(result.error)
    label = holder.labels().get(result.draft.template, "")
    return result, summary_html(result.draft, label)


def preview(holder, *fields) -> tuple[str, str]:
    """"Xem trước": (note HTML, preview markdown); on an error the note says why and the preview is empty."""
    result, note = _run(holder, fields)
    return note, preview_markdown(result.draft) if result.ok else ""


def download(holder, *fields) -> tuple[str, str, str | None]:
    """"Tải .docx": (note HTML, preview markdown, path of the .docx or None on an error)."""
    result, note = _run(holder, fields)
    if not result.ok:
        return note, "", None
    try:
        path = write_draft_docx(result.draft)
    except OSError as error:
        log.exception("draft .docx failed")
        return error_html(f"không ghi được tệp .docx ({error.strerror or type(error).__name__})."), \
            preview_markdown(result.draft), None
    return note, preview_markdown(result.draft), str(path)
