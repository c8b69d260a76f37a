"""The web chat (Gradio): five tabs over one shared Engine, plus the `/ask` API endpoint.

    serve(Path("index"))                       # what `assistant serve` / `make run` call
    demo = build_app(Path("index"))            # tests: demo.launch(prevent_thread_lock=True, ...)
    Client(url).predict("Ai báo cáo …?", api_name="/ask")   # answer + citations as markdown

No outbound traffic: `assistant` is imported first (analytics and hub telemetry off), the theme
uses system fonts (no Google Fonts), and the page has no footer links.

The conversation lives in the browser (local storage, `gr.BrowserState`): it survives a reload,
"Hội thoại mới" clears it, and the server keeps none of it. A follow-up is read against the
earlier questions of the conversation (`assistant.answering.followup`).
"""
from __future__ import annotations

import assistant  # noqa: F401  (offline environment before gradio is imported)

import contextlib
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

import gradio as gr
from starlette.middleware import Middleware

from assistant.answering.followup import read_followup
from assistant.documents import LoadError
from assistant.engine import Engine, QuestionError, check_question
from assistant.text import fold
from ui import chart, drafting, page, render, tables, uploads
from ui.login_throttle import LoginThrottle
from ui.state import EngineHolder
from ui.tables import ALL

log = logging.getLogger("ui")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
TITLE = "Trợ lý kế hoạch địa phương"
ALL_PLANS = "Tất cả kế hoạch"
ALL_ACTORS = "Tất cả đơn vị"

THEME = gr.themes.Default(
    primary_hue="blue", secondary_hue="sky", neutral_hue="slate",
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "Consolas", "DejaVu Sans Mono", "monospace"],
)

CSS = """
.gradio-container { max-width: 1280px !important; }
.vi-table, .vi-table * { font-family: var(--font) !important; }
#app-header h1 { margin: 0 0 2px 0; font-size: 1.5rem; }
#app-header p { margin: 0; color: var(--body-text-color-subdued); }
.answer p { margin: 0 0 6px 0; }
.answer ul { margin: 0 0 6px 1.1em; padding: 0; }
.answer sup.cite-ref { color: var(--color-accent); font-weight: 600; margin-left: 1px; }
.answer.not-grounded > p:first-child { color: #9a3412; font-weight: 600; }
.cites { margin-top: 8px; border-top: 1px solid var(--border-color-primary); padding-top: 6px; }
.cites-title { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 2px; }
details.cite { margin: 4px 0; border: 1px solid var(--border-color-primary); border-radius: 6px;
  background: var(--background-fill-primary); }
details.cite > summary { cursor: pointer; padding: 4px 8px; font-size: 0.92em; list-style-position: inside; }
details.cite[open] > summary { border-bottom: 1px solid var(--border-color-primary); }
details.cite .cite-num { color: var(--color-accent); font-weight: 700; }
details.cite .cite-path { color: var(--body-text-color-subdued); }
details.cite code { font-size: 0.9em; }
details.cite .cite-meta { font-size: 0.82em; color: var(--body-text-color-subdued); padding: 6px 10px 0 10px; }
details.cite blockquote.cite-text { margin: 6px 10px 8px 10px; padding: 4px 10px;
  border-left: 3px solid var(--color-accent); white-space: normal; }
details.cite mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.chat-note { color: var(--body-text-color-subdued); font-style: italic; }
.chat-warn { color: #9a3412; font-style: normal; }
.tab-note { padding: 6px 10px; border-radius: 6px; background: var(--background-fill-secondary); }
.tab-note.warn { background: #fff7ed; color: #9a3412; border: 1px solid #fed7aa; }
.upload-result ul { margin: 4px 0 0 1.1em; padding: 0; }
.upload-result ul { list-style: none; margin-left: 0; }
.upload-result li { margin: 3px 0; }
.upload-result li::before { font-weight: 700; margin-right: 4px; }
.upload-result li.ok::before { content: "✓"; color: #15803d; }
.upload-result li.err::before { content: "✗"; color: #b91c1c; }
.upload-result li.skip::before { content: "–"; color: #64748b; }
.upload-result .err-reason { color: #9a3412; }
.plan-details dl.kv { display: grid; grid-template-columns: max-content 1fr; margin: 0; }
.plan-details dl.kv dt, .plan-details dl.kv dd { margin: 0; padding: 4px 16px 4px 0;
  border-bottom: 1px solid var(--border-color-primary); }
.plan-details dl.kv dt { color: var(--body-text-color-subdued); white-space: nowrap; }
.plan-details .plan-list-title { margin-top: 8px; font-weight: 600; }
.plan-details ul { margin: 2px 0 0 1.1em; padding: 0; }
.draft-summary mark, .draft-preview mark { padding: 0 2px; border-radius: 2px; color: inherit; }
mark.keep { background: #fde68a; }
mark.review { background: #fed7aa; }
.draft-preview { padding: 4px 12px !important; max-height: 640px; overflow-y: auto; }
.draft-preview .draft-title { text-align: center; font-size: 1.1em; margin: 6px 0 0 0; }
.draft-preview table { width: 100%; }
.draft-preview p { text-align: justify; }
.answer p.reading { color: var(--body-text-color-subdued); font-size: 0.9em; margin-bottom: 4px; }
.scan-badge { font-size: 0.78em; padding: 0 5px; border-radius: 4px; background: #fef3c7; color: #92400e;
  border: 1px solid #fcd34d; font-weight: 600; }
.scan-note { color: #92400e; }
#ready-note .tab-note { margin-bottom: 6px; }
.tchart { padding: 6px 2px; }
.tchart-title { font-weight: 600; margin-bottom: 4px; }
.tchart-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.9em; margin-bottom: 8px; }
.tchart-legend .sw { display: inline-block; width: 14px; height: 10px; margin-right: 5px; border-radius: 2px;
  vertical-align: baseline; }
.sw.target, .tchart-bar.target { background: #2563eb; }
.sw.actual, .tchart-bar.actual { background: repeating-linear-gradient(135deg, #94a3b8 0 4px, #cbd5e1 4px 8px); }
.tchart-group { margin: 8px 0 12px 0; }
.tchart-plan { font-weight: 600; }
.tchart-name { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 3px; }
.tchart-row { display: grid; grid-template-columns: minmax(7.5em, 10em) 1fr minmax(5.5em, auto); gap: 8px;
  align-items: center; margin: 3px 0; }
.tchart-label { font-size: 0.92em; }
.tchart-track { background: var(--background-fill-secondary); border-radius: 3px; height: 16px; }
.tchart-bar { display: block; height: 16px; border-radius: 3px; }
.tchart-value { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
/* Tables: readable headers; columns keep their width and the table scrolls sideways on a phone. */
.vi-table th, .vi-table th * { word-break: normal !important; overflow-wrap: normal !important; hyphens: none; }
@media (max-width: 640px) {
  .gradio-container { padding: 0 6px !important; }
  #app-header h1 { font-size: 1.2rem; }
  #app-header p { font-size: 0.9rem; }
  .vi-table .table-wrap, .vi-table .table-container { overflow-x: auto !important; }
  .answer, details.cite, .tchart { font-size: 15px; }
  details.cite blockquote.cite-text { margin: 6px 4px 8px 4px; }
  .plan-details dl.kv { grid-template-columns: 1fr; }
  .plan-details dl.kv dt { border-bottom: none; padding-bottom: 0; }
  .tchart-row { grid-template-columns: 1fr auto; gap: 2px 8px; margin: 6px 0; }
  .tchart-track { grid-column: 1 / -1; order: 3; }
  .tchart-value { white-space: normal; text-align: right; }
  #chatbot { height: 62vh !important; }
  .filters > div, .filters > .form > div { flex: 1 1 100% !important; min-width: 100% !important; }
}
"""

# Column widths in pixels, not percentages: a percentage of a phone's width squeezes a column to
# one letter per line, while fixed widths keep words whole and the table scrolls sideways.
OB_WIDTHS = ["120px", "170px", "80px", "310px", "140px", "100px", "120px", "90px", "80px"]
TG_WIDTHS = ["130px", "420px", "85px", "75px", "100px", "80px", "140px", "90px"]
DOCS_WIDTHS = ["150px", "90px", "130px", "100px", "170px", "260px", "80px", "110px", "120px"]
STARTING = "Đang khởi động: nạp mô hình ngôn ngữ…"
STARTING_NOTE = ("Trợ lý đang nạp mô hình ngôn ngữ (chỉ lần đầu sau khi máy chủ khởi động, thường dưới 20 giây). "
                 "Ô hỏi sẽ mở khi nạp xong.")
ASK_PLACEHOLDER = "Nhập câu hỏi (có dấu hoặc không dấu) rồi nhấn Enter…"
DRAFT_PLACEHOLDER = "*Điền thông tin bên trái rồi bấm **Xem trước** hoặc **Tải .docx**.*"
DRAFT_FIX = "*Chưa có bản xem trước: sửa ô được nêu ở trên rồi bấm lại.*"

# Example questions: generic ones, and ones naming a locality (kept only when that plan is indexed).
EXAMPLES = [
    ("", "Ai báo cáo UBND thị xã, trước ngày nào?"),
    ("", "ai bao cao ubnd thi xa truoc ngay nao"),
    ("Tịnh Thiện", "Công chức Văn hóa – Xã hội xã Tịnh Thiện phải làm gì?"),
    ("Mường Lay", "Ai ký kế hoạch của thị xã Mường Lay?"),
    ("Phú Mỹ", "Tỷ lệ dân số trưởng thành có điện thoại thông minh ở thị trấn Phú Mỹ là bao nhiêu?"),
    ("Long Mỹ", "Kế hoạch của phường Long Mỹ căn cứ văn bản nào?"),
]


def _examples(plans) -> list[str]:
    names = {fold(p.metadata.locality_name) for p in plans if p.metadata.locality_name}
    return [q for where, q in EXAMPLES if not where or fold(where) in names][:5]


AUTH_VAR = "ASSISTANT_AUTH"


def auth_from_env() -> tuple[str, str] | None:
    """Optional login: ASSISTANT_AUTH="user:password" (the password may contain ':'). Unset or
    empty: no login. A value without ':' or with an empty user or password is refused rather
    than silently serving without a login."""
    raw = os.environ.get(AUTH_VAR, "").strip()
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError(f"{AUTH_VAR} must be 'user:password'")
    return user.strip(), password


class AssistantBlocks(gr.Blocks):
    """gr.Blocks whose launch() defaults to this app's theme, CSS, Vietnamese strings and an
    offline-friendly footer, so tests and `serve` launch the same page; with ASSISTANT_AUTH set,
    every page and API call needs that login."""

    def launch(self, *args, **kwargs):
        if "auth" not in kwargs:
            credentials = auth_from_env()
            if credentials:
                kwargs["auth"] = [credentials]
                kwargs.setdefault("auth_message", "Đăng nhập để dùng trợ lý kế hoạch.")
        kwargs.setdefault("theme", THEME)
        kwargs.setdefault("css", CSS)
        strings = page.i18n_tables()
        kwargs.setdefault("i18n", gr.I18n(vi=strings, en=strings))
        kwargs.setdefault("head", page.head_script())
        kwargs.setdefault("footer_links", [])  # Gradio's API page and settings are English
        app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
        app_kwargs.setdefault("middleware", []).append(Middleware(page.LangMiddleware))
        app_kwargs["middleware"].append(Middleware(LoginThrottle))
        kwargs["app_kwargs"] = app_kwargs
        kwargs.setdefault("run_history", False)
        # The upload route refuses what the app's own check would (no 200 MB file kept on disk first).
        kwargs.setdefault("max_file_size", uploads.max_upload_bytes())
        kwargs.setdefault("quiet", True)
        kwargs.setdefault("share", False)
        kwargs.setdefault("mcp_server", False)
        return super().launch(*args, **kwargs)


def uploaded_file(**kwargs) -> gr.File:
    """A file input that takes only bytes uploaded through the page's own upload route. Gradio
    would fetch a FileData whose `path` is a URL (`http://<address>/plan.txt`) on the server, so
    anyone who can reach the server could make it connect out; here such a request is refused
    before any connection or name lookup. Server paths are already refused by Gradio (only its
    upload folder is accepted for client input). The guard wraps the instance's methods rather
    than subclassing gr.File: a subclass makes Gradio write a .pyi stub next to this module."""
    box = gr.File(**kwargs)
    fetch_async, fetch = box.async_move_resource_to_block_cache, box.move_resource_to_block_cache

    async def guarded_async(url_or_file_path):
        _refuse_url(url_or_file_path)
        return await fetch_async(url_or_file_path)

    def guarded(url_or_file_path):
        _refuse_url(url_or_file_path)
        return fetch(url_or_file_path)

    box.async_move_resource_to_block_cache = guarded_async
    box.move_resource_to_block_cache = guarded
    return box


def _refuse_url(value) -> None:
    text = str(value or "").strip().lower()
    if re.match(r"^[a-z][a-z0-9+.-]*://", text) or text.startswith("//"):
        log.warning("refused a file input naming a URL instead of uploaded bytes")
        raise gr.Error("Chỉ nhận tệp tải lên từ máy của bạn; máy chủ không tải tệp từ địa chỉ mạng.")


def _forget_received(files) -> None:
    """Delete the copies Gradio kept of processed uploads (only inside its own upload folder):
    the stored plan is in uploads/, and a stream of uploads must not fill the disk."""
    from gradio.utils import get_upload_folder, is_in_or_equal

    folder = get_upload_folder()
    for item in files:
        path = Path(getattr(item, "path", None) or getattr(item, "name", None) or str(item))
        if is_in_or_equal(path, folder) and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()


# -- helpers -------------------------------------------------------------------------------------
def _plan_choices(holder: EngineHolder, first: str = ALL_PLANS) -> list[tuple[str, str]]:
    labels = holder.labels()
    ordered = sorted(holder.engine.plans, key=lambda p: fold(labels.get(p.source, p.source)))
    return [(first, ALL)] + [(labels.get(p.source, p.source), p.source) for p in ordered]


def _keep(value: str, choices: list[tuple[str, str]]) -> str:
    return value if value in {v for _, v in choices} else ALL


def _question_error(error: Exception) -> str:
    text = str(error)
    if "not found among the indexed plans" in text:
        return "không tìm thấy kế hoạch đã chọn trong kho (có thể vừa bị xoá); hãy chọn lại."
    return re.sub(r"\s*\([A-Za-z ,]+\)\s*$", "", text)


def _note(text: str, warn: bool = False) -> str:
    return f'<div class="tab-note{" warn" if warn else ""}">{render.escape_text(text)}</div>' if text else ""


WAIT_READY_S = 120.0


def _ask(holder: EngineHolder, question: str, plan: str, history: list[str] | None = None):
    """The question read against the conversation's earlier questions, then answered (the model
    loaded once under a lock; a question asked during the warm-up waits for it). Returns
    (Answer, Reading)."""
    holder.wait_ready(WAIT_READY_S)
    holder.embedder()
    engine = holder.engine
    reading = read_followup(list(history or []), question, engine.plans)
    # A plan the user picked in the filter wins over one the conversation suggests.
    chosen = (None if not plan or plan == ALL else plan) or reading.plan
    return engine.ask(reading.question, plan=chosen), reading


MAX_SAVED_TURNS = 40  # turns kept in the browser's local storage
CONVERSATION_KEY = "tro-ly-ke-hoach-hoi-thoai"
# BrowserState encrypts with a secret that the page config carries anyway; a fixed one keeps a
# conversation readable after the server restarts (a random one per start would lose it).
CONVERSATION_SECRET = "tro-ly-ke-hoach-dia-phuong-v1"


def _saved_turns(saved) -> list[dict]:
    turns = saved.get("turns") if isinstance(saved, dict) else None
    return [t for t in (turns or []) if isinstance(t, dict) and isinstance(t.get("q"), str)
            and isinstance(t.get("a"), str)][-MAX_SAVED_TURNS:]


def _messages(turns: list[dict]) -> list[dict]:
    messages = []
    for turn in turns:
        messages += [{"role": "user", "content": render.escape_text(turn["q"])},
                     {"role": "assistant", "content": turn["a"]}]
    return messages


# -- build ---------------------------------------------------------------------------------------
def build_app(source: Path | str | Callable[[], Engine] | EngineHolder) -> gr.Blocks:
    """The app over an index folder, or over an engine factory (tests)."""
    if isinstance(source, EngineHolder):
        holder = source
    elif callable(source):
        holder = EngineHolder(source)
    else:
        index_dir = Path(source)
        holder = EngineHolder(lambda: Engine.open(index_dir))
    upload_folder = uploads.upload_dir()

    def uploaded(src: str) -> bool:
        return uploads.is_uploaded(src, upload_folder)

    plan_choices = _plan_choices(holder)

    with AssistantBlocks(title=TITLE, analytics_enabled=False) as demo:
        demo.holder = holder  # for tests and serve()
        gr.HTML(f"<div id='app-header'><h1>{TITLE}</h1><p>Hỏi đáp có trích dẫn trên các kế hoạch của xã, phường, "
                f"thị trấn, thị xã — câu hỏi có dấu hoặc không dấu.</p></div>")
        ready_note = gr.HTML(elem_id="ready-note")
        with gr.Tabs(overflow_behavior="wrap", elem_id="tabs"):
            # ---------------------------------------------------------------- 1. Hỏi đáp
            with gr.Tab("Hỏi đáp", id="chat"):
                chatbot = gr.Chatbot(
                    label="Hội thoại", show_label=False, height=520, buttons=[], allow_tags=False, latex_delimiters=[],
                    sanitize_html=True, render_markdown=True, feedback_options=None, layout="bubble",
                    placeholder=("<b>Hỏi về các kế hoạch trong kho</b><br>Ví dụ: “Ai báo cáo UBND thị xã, trước "
                                 "ngày nào?”. Mỗi câu trả lời có trích dẫn [1], [2]… — bấm vào để xem nguyên văn "
                                 "điều khoản."),
                    elem_id="chatbot",
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(placeholder=STARTING, interactive=False,
                                          label="Câu hỏi", scale=5, lines=1, max_lines=4, autofocus=True,
                                          max_length=2000, elem_id="question")
                    chat_plan = gr.Dropdown(plan_choices, value=ALL, label="Tìm trong", scale=2, min_width=180,
                                            elem_id="chat-plan")
                    with gr.Column(scale=1, min_width=130):
                        ask_btn = gr.Button("Hỏi", variant="primary", elem_id="ask-btn", interactive=False)
                        new_btn = gr.Button("Hội thoại mới", variant="secondary", size="sm", elem_id="new-btn")
                gr.Examples([[q] for q in _examples(holder.engine.plans)], inputs=[question],
                            label="Câu hỏi mẫu (bấm để điền vào ô hỏi)")
                with gr.Accordion("Sao chép câu trả lời kèm trích dẫn", open=False, elem_id="copy-acc"):
                    copy_box = gr.Textbox(label="Câu trả lời gần nhất (văn bản thuần)", lines=6, max_lines=16,
                                          interactive=False, buttons=["copy"], elem_id="copy-box")
                conversation = gr.BrowserState({"turns": []}, storage_key=CONVERSATION_KEY,
                                               secret=CONVERSATION_SECRET)

            # ---------------------------------------------------------------- 2. Trách nhiệm
            with gr.Tab("Trách nhiệm & thời hạn", id="duties"):
                with gr.Row(elem_classes=["filters"]):
                    ob_plan = gr.Dropdown(plan_choices, value=ALL, label="Kế hoạch", elem_id="ob-plan")
                    ob_actor = gr.Dropdown([(ALL_ACTORS, ALL)], value=ALL, label="Đơn vị thực hiện", filterable=True,
                                           elem_id="ob-actor")
                    ob_sort = gr.Dropdown([(v, k) for k, v in tables.SORTS.items()], value="deadline",
                                          label="Sắp xếp theo", elem_id="ob-sort")
                ob_note = gr.HTML(elem_id="ob-note")
                ob_search = gr.Textbox(label="Tìm trong bảng", placeholder="Gõ từ cần tìm, có dấu hoặc không dấu…",
                                       max_length=200, elem_id="ob-search")
                ob_table = gr.Dataframe(interactive=False, elem_classes=["vi-table"], wrap=True, max_height=560,
                                        buttons=[],
                                        label="Ai làm gì, báo cáo ai, trước ngày nào", elem_id="ob-table",
                                        column_widths=OB_WIDTHS,
                                        max_chars=400)
                with gr.Row():
                    csv_btn = gr.DownloadButton("Tải bảng CSV", elem_id="ob-csv", variant="secondary")
                    ics_btn = gr.DownloadButton("Tải lịch thời hạn (.ics)", elem_id="ob-ics", variant="secondary")
                    ob_remind = gr.Number(value=7, minimum=0, maximum=90, step=1, precision=0,
                                          label="Nhắc trước hạn (ngày; 0: không nhắc)", elem_id="ob-remind",
                                          min_width=160)

            # ---------------------------------------------------------------- 3. Chỉ tiêu
            with gr.Tab("Chỉ tiêu", id="targets"):
                tg_plan = gr.Dropdown(plan_choices, value=ALL, label="Kế hoạch", elem_id="tg-plan")
                tg_note = gr.HTML(elem_id="tg-note")
                tg_search = gr.Textbox(label="Tìm trong bảng", placeholder="Gõ từ cần tìm, có dấu hoặc không dấu…",
                                       max_length=200, elem_id="tg-search")
                tg_table = gr.Dataframe(interactive=False, elem_classes=["vi-table"], wrap=True, max_height=420,
                                        buttons=[],
                                        label="Chỉ tiêu theo kế hoạch", elem_id="tg-table",
                                        column_widths=TG_WIDTHS)
                gr.Markdown("#### So sánh một chỉ tiêu giữa các kế hoạch và các năm")
                tg_indicator = gr.Dropdown([], label="Chỉ tiêu", filterable=True, elem_id="tg-indicator")
                tg_chart = gr.HTML(elem_id="tg-chart")

            # ---------------------------------------------------------------- 4. Tài liệu
            with gr.Tab("Tài liệu", id="docs"):
                docs_note = gr.HTML(elem_id="docs-note")
                docs_table = gr.Dataframe(interactive=False, elem_classes=["vi-table"], wrap=True, max_height=480,
                                          buttons=[],
                                          label="Các kế hoạch trong kho",
                                          elem_id="docs-table", max_chars=160,
                                          column_widths=DOCS_WIDTHS)
                with gr.Row():
                    with gr.Column(scale=2):
                        doc_pick = gr.Dropdown(plan_choices[1:], value=None, label="Xem chi tiết kế hoạch",
                                               elem_id="doc-pick")
                        doc_details = gr.HTML(elem_id="doc-details")
                    with gr.Column(scale=1):
                        gr.Markdown(
                            f"#### Thêm kế hoạch\nTệp **.txt, .md, .pdf, .docx, .doc, .odt, .rtf** hoặc ảnh scan "
                            f"**.png, .jpg, .tif** (đọc bằng OCR), tối đa "
                            f"{uploads.format_mb(uploads.max_upload_bytes())} MB mỗi tệp. Tệp được lưu vào kho tải lên "
                            f"và hỏi được ngay khi xử lý xong; kế hoạch đã có không bị ảnh hưởng.")
                        upload_box = uploaded_file(label="Tệp kế hoạch", file_count="multiple", type="filepath",
                                                   height=140, elem_id="upload")
                        replace_box = gr.Checkbox(False, label="Cập nhật kế hoạch cùng tên (thay tệp đã tải lên trước "
                                                               "bằng tệp mới)", elem_id="upload-replace")
                        upload_result = gr.HTML(elem_classes=["upload-result"], elem_id="upload-result")
                        gr.Markdown("#### Xoá kế hoạch đã tải lên\nChỉ xoá được kế hoạch tải lên qua trang này; "
                                    "kho có sẵn (thư mục corpus) do quản trị cập nhật bằng `assistant ingest`.")
                        rm_pick = gr.Dropdown([], value=None, label="Kế hoạch đã tải lên", elem_id="rm-pick")
                        rm_btn = gr.Button("Xoá khỏi kho", variant="stop", elem_id="rm-btn")
                        rm_result = gr.HTML(elem_id="rm-result")

            # ---------------------------------------------------------------- 5. Soạn kế hoạch
            with gr.Tab("Soạn kế hoạch", id="draft"):
                gr.Markdown("Soạn dự thảo kế hoạch cho một địa phương mới từ một kế hoạch trong kho (bố cục theo "
                            "Nghị định 30/2020/NĐ-CP). Chỗ cần xem lại được tô màu trong bản xem trước và trong tệp .docx.")
                with gr.Row():
                    with gr.Column(scale=2, min_width=320):
                        dr_template = gr.Dropdown(drafting.template_choices(holder), value=drafting.AUTO,
                                                  label="Kế hoạch mẫu", elem_id="dr-template",
                                                  info="Tự chọn: kế hoạch cùng cấp, cùng cấp trên, đủ mục nhất")
                        dr_locality = gr.Textbox(label="Địa phương mới", placeholder="phường Ninh Kiều",
                                                 info="Xã, phường, đặc khu (có dấu hoặc không), kiểm tra theo danh "
                                                      "mục đơn vị hành chính từ 01/7/2025", max_length=200,
                                                 elem_id="dr-locality")
                        with gr.Row():
                            dr_parent = gr.Textbox(label="Cấp trên", placeholder="để trống: UBND tỉnh/thành phố",
                                                   max_length=200, elem_id="dr-parent")
                            dr_province = gr.Textbox(label="Tỉnh", placeholder="Cần Thơ", max_length=200,
                                                     elem_id="dr-province")
                        dr_based_on = gr.Textbox(label="Căn cứ (văn bản của cấp trên)", lines=2, max_lines=4,
                                                 max_length=1000, elem_id="dr-based-on",
                                                 placeholder="Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND "
                                                             "thành phố Cần Thơ")
                        with gr.Row():
                            dr_number = gr.Textbox(label="Số", placeholder="15 hoặc 15/KH-UBND (để trống: văn thư ghi)",
                                                   max_length=60, elem_id="dr-number")
                            dr_date = gr.Textbox(label="Ngày (dd/mm/yyyy)", placeholder="05/03/2026", max_length=20,
                                                 elem_id="dr-date")
                            dr_period = gr.Textbox(label="Giai đoạn", placeholder="để trống: từ năm dự thảo, "
                                                   "ví dụ 2026-2030", max_length=20, elem_id="dr-period")
                        with gr.Row():
                            dr_signer = gr.Textbox(label="Người ký", placeholder="Nguyễn Văn A", max_length=120,
                                                   elem_id="dr-signer")
                            dr_signer_title = gr.Dropdown(drafting.SIGNER_TITLES, value="", label="Chức vụ người ký",
                                                          elem_id="dr-signer-title")
                        with gr.Row():
                            dr_preview_btn = gr.Button("Xem trước", variant="primary", elem_id="dr-preview-btn")
                            dr_docx_btn = gr.Button("Tải .docx", variant="secondary", elem_id="dr-docx-btn")
                        dr_file = gr.File(label="Tệp dự thảo (.docx)", interactive=False, height=80,
                                          elem_id="dr-file")
                    with gr.Column(scale=3):
                        dr_note = gr.HTML(elem_id="dr-note")
                        dr_preview = gr.Markdown(elem_classes=["draft-preview"], elem_id="dr-preview",
                                                 sanitize_html=True, latex_delimiters=[],
                                                 value=DRAFT_PLACEHOLDER)

        # ==================================================================== events
        def respond(message, plan, saved):
            text = (message or "").strip()
            if not text:  # an empty message is ignored
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            turns = _saved_turns(saved)
            messages = _messages(turns) + [{"role": "user", "content": render.escape_text(text)}]
            waiting = "Đang tìm trong các kế hoạch…"
            if not holder.ready:
                waiting = "Đang chờ nạp xong mô hình ngôn ngữ (chỉ lần đầu sau khi khởi động), rồi trả lời ngay…"
            elif not holder.model_loaded():
                waiting += " (lần hỏi đầu tiên cần nạp mô hình, khoảng 10 giây)"
            yield (messages + [{"role": "assistant", "content": render.render_message_html(waiting)}], "",
                   gr.skip(), gr.skip())
            copy_text = gr.skip()
            try:
                answer, reading = _ask(holder, text, plan, [t["q"] for t in turns])
                labels, notes = holder.labels(), holder.notes()
                reply = render.render_answer_html(answer, labels, notes, reading.explanation)
                copy_text = render.render_answer_text(answer, labels, notes, reading.explanation)
            except QuestionError as error:
                reply = render.render_message_html(f"Không hỏi được: {_question_error(error)}", "warn")
            except Exception as error:  # never a traceback in the page
                log.exception("ask failed")
                reply = render.render_message_html(f"Lỗi khi trả lời ({type(error).__name__}). Hãy thử lại; "
                                                   f"nếu lỗi lặp lại, báo quản trị.", "warn")
            turns = (turns + [{"q": text, "a": reply}])[-MAX_SAVED_TURNS:]
            yield _messages(turns), "", {"turns": turns}, copy_text

        chat_io = dict(inputs=[question, chat_plan, conversation], outputs=[chatbot, question, conversation, copy_box],
                       api_visibility="private", concurrency_limit=4, concurrency_id="ask")
        question.submit(respond, **chat_io)
        ask_btn.click(respond, **chat_io)

        def new_conversation():
            return [], {"turns": []}, "", ""

        new_btn.click(new_conversation, outputs=[chatbot, conversation, copy_box, question], api_visibility="private")
        chatbot.clear(lambda: ({"turns": []}, ""), outputs=[conversation, copy_box], api_visibility="private")

        def restore(saved):
            """The conversation kept in this browser, shown again after a reload."""
            return _messages(_saved_turns(saved))

        demo.load(restore, inputs=[conversation], outputs=[chatbot], api_visibility="private", show_progress="hidden")

        # -- ready: the question box opens once the model and the segmenter are loaded
        def readiness():
            if holder.ready:
                return (gr.update(interactive=True, placeholder=ASK_PLACEHOLDER), gr.update(interactive=True), "",
                        gr.Timer(active=False))
            return (gr.update(interactive=False, placeholder=STARTING), gr.update(interactive=False),
                    _note(STARTING_NOTE), gr.Timer(active=True))

        ready_timer = gr.Timer(1.0, active=True)
        ready_outputs = [question, ask_btn, ready_note, ready_timer]
        demo.load(readiness, outputs=ready_outputs, api_visibility="private", show_progress="hidden")
        ready_timer.tick(readiness, outputs=ready_outputs, api_visibility="private", show_progress="hidden")

        # -- responsibilities
        def obligations_view(plan, actor, sort, search="", remind=7):
            data = holder.extracted()
            labels = holder.labels()
            actor_choices = [(ALL_ACTORS, ALL)] + [(a, a) for a in tables.actors(data.obligations, plan)]
            actor = _keep(actor, actor_choices)
            if data.error:
                empty = tables.obligations_frame([], labels)
                return (gr.update(choices=actor_choices, value=ALL), _note(data.error, warn=True), empty,
                        gr.update(value=None, interactive=False), gr.update(value=None, interactive=False))
            rows = tables.filter_obligations(data.obligations, plan, actor, sort or "deadline")
            frame = tables.search_frame(tables.obligations_frame(rows, labels), search)
            dated = sum(1 for o in rows if (o.deadline or "").strip())
            note = f"{len(rows)} dòng trách nhiệm, {dated} dòng có thời hạn."
            if len(frame) != len(rows):
                note += f" Đang hiện {len(frame)} dòng có “{search.strip()}”."
            if data.warnings:
                note += " Không trích xuất được: " + "; ".join(data.warnings)
            csv_path = tables.write_csv(frame, "trach-nhiem-thoi-han.csv")
            ics = None
            if data.to_ics is not None:
                try:
                    ics = tables.write_ics(rows, data.to_ics, _remind_days(remind))
                except Exception:
                    log.exception("ics export failed")
            ics_update = (gr.update(value=str(ics), interactive=True, label="Tải lịch thời hạn (.ics)") if ics else
                          gr.update(value=None, interactive=False, label="Lịch .ics: không có thời hạn nào để nhắc"))
            return (gr.update(choices=actor_choices, value=actor), _note(note, bool(data.warnings)), frame,
                    gr.update(value=str(csv_path), interactive=True), ics_update)

        def _remind_days(value) -> int:
            try:
                return max(0, min(90, int(value if value is not None else 7)))
            except (TypeError, ValueError):
                return 7

        ob_outputs = [ob_actor, ob_note, ob_table, csv_btn, ics_btn]
        ob_inputs = [ob_plan, ob_actor, ob_sort, ob_search, ob_remind]
        for control in (ob_plan, ob_actor, ob_sort, ob_remind):
            control.input(obligations_view, inputs=ob_inputs, outputs=ob_outputs, api_visibility="private")
        ob_search.change(obligations_view, inputs=ob_inputs, outputs=ob_outputs, api_visibility="private",
                         show_progress="hidden", trigger_mode="always_last")

        # -- targets
        def targets_view(plan, key, search=""):
            data = holder.extracted()
            labels = holder.labels()
            if data.error:
                return (_note(data.error, warn=True), tables.targets_frame([], labels),
                        gr.update(choices=[], value=None), chart.chart_html([]))
            frame = tables.targets_frame(data.targets, labels, plan)
            shown = tables.search_frame(frame, search)
            choices = tables.indicator_choices(data.targets)
            key = key if key in {k for _, k in choices} else (choices[0][1] if choices else None)
            note = f"{len(frame)} chỉ tiêu." + (f" Đang hiện {len(shown)} dòng có “{search.strip()}”."
                                                 if len(shown) != len(frame) else "")
            if data.warnings:
                note += " Không trích xuất được: " + "; ".join(data.warnings)
            return (_note(note, bool(data.warnings)), shown, gr.update(choices=choices, value=key),
                    _chart(data, labels, key, choices))

        def _chart(data, labels, key, choices=None):
            if not key:
                return chart.chart_html([])
            choices = choices if choices is not None else tables.indicator_choices(data.targets)
            title = next((name for name, k in choices if k == key), "")
            return chart.chart_html(chart.chart_bars(data.targets, labels, key), title)

        def chart_view(key):
            return _chart(holder.extracted(), holder.labels(), key)

        tg_inputs = [tg_plan, tg_indicator, tg_search]
        tg_plan.input(targets_view, inputs=tg_inputs, outputs=[tg_note, tg_table, tg_indicator, tg_chart],
                      api_visibility="private")
        tg_search.change(targets_view, inputs=tg_inputs, outputs=[tg_note, tg_table, tg_indicator, tg_chart],
                         api_visibility="private", show_progress="hidden", trigger_mode="always_last")
        tg_indicator.input(chart_view, inputs=[tg_indicator], outputs=[tg_chart], api_visibility="private")

        # -- documents
        def docs_view():
            plans = holder.engine.plans
            added = sum(1 for p in plans if uploaded(p.source))
            note = f"{len(plans)} kế hoạch trong kho" + (f", trong đó {added} kế hoạch tải lên." if added else ".")
            recovery = getattr(holder, "upload_recovery", None)
            if recovery is not None and recovery.summary():
                note += " " + recovery.summary()
            return _note(note), tables.plans_frame(plans, holder.labels(), uploaded)

        def details_view(src):
            engine = holder.engine
            plan = engine.plan(src) if src else None
            if plan is None:
                return ""
            label = holder.labels().get(plan.source, plan.source)
            return render.render_plan_details(plan, label, uploaded(plan.source))

        doc_pick.input(details_view, inputs=[doc_pick], outputs=[doc_details], api_visibility="private")

        # -- drafting
        draft_inputs = [dr_template, dr_locality, dr_parent, dr_province, dr_based_on, dr_number, dr_date, dr_signer,
                        dr_signer_title, dr_period]

        def draft_preview(*fields):
            note, markdown = drafting.preview(holder, *fields)
            return note, markdown or DRAFT_FIX

        def draft_docx(*fields):
            note, markdown, path = drafting.download(holder, *fields)
            return note, markdown or DRAFT_FIX, path

        dr_preview_btn.click(draft_preview, inputs=draft_inputs, outputs=[dr_note, dr_preview],
                             api_visibility="private", concurrency_limit=2, concurrency_id="draft")
        dr_docx_btn.click(draft_docx, inputs=draft_inputs, outputs=[dr_note, dr_preview, dr_file],
                          api_visibility="private", concurrency_limit=2, concurrency_id="draft")

        def removable_choices():
            labels = holder.labels()
            return [(f"{labels.get(p.source, p.source)} — {Path(p.source).name}", p.source)
                    for p in holder.engine.plans if uploaded(p.source)]

        # -- refresh everything (page load, after an upload or a removal)
        def refresh_all(chat_p, ob_p, ob_a, ob_s, ob_q, ob_r, tg_p, tg_k, tg_q, doc_p, dr_t):
            choices = _plan_choices(holder)
            chat_p, ob_p, tg_p = (_keep(v, choices) for v in (chat_p, ob_p, tg_p))
            doc_p = doc_p if doc_p in {v for _, v in choices[1:]} else (choices[1][1] if len(choices) > 1 else None)
            rm_choices = removable_choices()
            return (gr.update(choices=choices, value=chat_p),
                    gr.update(choices=choices, value=ob_p), *obligations_view(ob_p, ob_a, ob_s, ob_q, ob_r),
                    gr.update(choices=choices, value=tg_p), *targets_view(tg_p, tg_k, tg_q),
                    *docs_view(), gr.update(choices=choices[1:], value=doc_p), details_view(doc_p),
                    gr.update(choices=rm_choices, value=None), draft_template_update(dr_t))

        def draft_template_update(value):
            choices = drafting.template_choices(holder)
            return gr.update(choices=choices, value=value if value in {v for _, v in choices} else drafting.AUTO)

        refresh_inputs = [chat_plan, ob_plan, ob_actor, ob_sort, ob_search, ob_remind, tg_plan, tg_indicator, tg_search,
                          doc_pick, dr_template]
        refresh_outputs = [chat_plan, ob_plan, *ob_outputs, tg_plan, tg_note, tg_table, tg_indicator, tg_chart,
                           docs_note, docs_table, doc_pick, doc_details, rm_pick, dr_template]
        demo.load(refresh_all, inputs=refresh_inputs, outputs=refresh_outputs, api_visibility="private",
                  show_progress="hidden")

        # -- upload
        def upload(files, replace=False, progress=gr.Progress()):
            files = [f for f in (files or []) if f]
            if not files:
                return gr.skip(), gr.skip()
            try:
                html = _upload_result_html(process_uploads(holder, files, upload_folder, progress, bool(replace)))
            finally:
                _forget_received(files)
            return html, None

        # Two uploads at a time: each is read in its own worker process, so a slow file does not hold
        # up the next one; they meet only at the index write (holder.write_lock).
        upload_box.upload(upload, inputs=[upload_box, replace_box], outputs=[upload_result, upload_box],
                          api_visibility="private", concurrency_limit=2, concurrency_id="upload",
                          show_progress_on=[upload_box]).then(
            refresh_all, inputs=refresh_inputs, outputs=refresh_outputs, api_visibility="private",
            show_progress="hidden")

        # -- removal
        def remove(src):
            if not src:
                return _note("Hãy chọn một kế hoạch đã tải lên.", warn=True)
            return remove_plan(holder, src, upload_folder)

        rm_btn.click(remove, inputs=[rm_pick], outputs=[rm_result], api_visibility="private",
                     concurrency_limit=1, concurrency_id="write").then(
            refresh_all, inputs=refresh_inputs, outputs=refresh_outputs, api_visibility="private",
            show_progress="hidden")

        # -- API
        def ask(question: str, plan: str = "", history: list[str] | None = None) -> str:
            """Trả lời một câu hỏi về các kế hoạch; kết quả là markdown: câu trả lời rồi danh sách trích dẫn
            [n] (kế hoạch, tệp, điều khoản, mục, nguyên văn). `plan`: tên địa phương hoặc tên tệp (tuỳ chọn).
            `history`: các câu hỏi trước trong cùng hội thoại, cũ nhất trước (tuỳ chọn): câu hỏi nối tiếp
            ("còn xã Tịnh Thiện thì sao?") được hiểu theo chúng, và câu trả lời mở đầu bằng "Hiểu là: …"."""
            if not (question or "").strip():
                raise gr.Error("Câu hỏi trống.")
            if history is not None and (not isinstance(history, list) or not all(isinstance(h, str) for h in history)):
                raise gr.Error("history phải là danh sách các câu hỏi trước (chuỗi), cũ nhất trước.")
            try:  # width, invisible characters and lone surrogates, before anything reads the text
                text = check_question(question)
                history = [check_question(h) for h in history or [] if (h or "").strip()] or None
            except QuestionError as error:
                raise gr.Error(_question_error(error)) from None
            try:
                answer, reading = _ask(holder, text, (plan or "").strip() or ALL, history)
            except QuestionError as error:
                raise gr.Error(_question_error(error)) from None
            return render.render_answer_markdown(answer, holder.labels(), holder.notes(), reading.explanation)

        def status() -> dict:
            """Trạng thái máy chủ: `ready` khi mô hình đã nạp xong và câu hỏi được trả lời ngay; số kế hoạch."""
            return {"ready": holder.ready, "plans": len(holder.engine.plans)}

        gr.api(status, api_name="status", concurrency_limit=None)
        gr.api(ask, api_name="ask", concurrency_limit=4, concurrency_id="ask")
    return demo


# -- upload and removal (module level: unit tests call them) -------------------------------------
def process_uploads(holder: EngineHolder, files, folder: Path, progress=None,
                    replace: bool = False) -> list[tuple[str, str, str]]:
    """Validate, read and index uploaded files; one (status, name, message) per file, status in
    ok | err | skip. A refused or failing file changes nothing; the index is reloaded once at the end.

    Each file is copied to `uploads/.incoming/<id>/`, read in a worker process under a time and
    memory budget (ingest_queue.read_isolated: questions are served meanwhile), indexed under the
    name it will be kept as, and only then moved into `uploads/` (a crash leaves the indexed plan
    or nothing; ingest_queue.recover_uploads tidies up at the next start). A name that already
    holds another plan gets a "-2" name unless the user chose to update (`replace`)."""
    from assistant.indexer import Indexer
    from assistant.ingest.ocr import cache_dir_for
    from assistant.ingest.pipeline import display_source
    from ui import ingest_queue

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(fraction, desc=text)

    results: list[tuple[str, str, str]] = []
    changed = False
    total = len(files)
    limit = uploads.max_upload_bytes()
    for number, item in enumerate(files):
        path = Path(getattr(item, "name", None) or getattr(item, "path", None) or str(item))
        name = getattr(item, "orig_name", None) or path.name
        base = number / total
        step(base, f"[{number + 1}/{total}] Kiểm tra {name}")
        work = None
        try:
            stored = uploads.check_file(path, name, limit)
            uploads.destination(folder, stored)  # a name that would leave the folder: refused now
            work = ingest_queue.incoming_dir(folder)
            staged = work / stored
            shutil.copyfile(path, staged)
            step(base + 0.2 / total, f"[{number + 1}/{total}] Đọc và phân đoạn {name}")

            def page(_path, done: int, pages: int, number=number, base=base, name=name) -> None:
                # A scan: one step per OCR'd page, between 20 % and 40 % of this file's share.
                step(base + (0.2 + 0.2 * done / max(pages, 1)) / total,
                     f"[{number + 1}/{total}] Nhận dạng chữ (OCR) {name}: trang {min(done + 1, pages)}/{pages}"
                     if done < pages else f"[{number + 1}/{total}] Đã nhận dạng {pages} trang của {name}")

            try:
                plan = ingest_queue.read_isolated(staged, max_bytes=limit,
                                                  cache_dir=cache_dir_for(holder.engine.index_dir), on_page=page)
            except LoadError as error:
                raise uploads.UploadRejected(name, uploads.load_error_reason(str(error), staged)) from None
            if not plan.clauses:
                raise uploads.UploadRejected(name, "không tìm thấy nội dung nào để lập chỉ mục")
            step(base + 0.4 / total, f"[{number + 1}/{total}] Tạo chỉ mục cho {name} "
                                     f"({len(plan.clauses)} điều khoản; lần đầu cần nạp mô hình)")
            with holder.write_lock:
                indexed = {p.source: p.sha256 for p in holder.engine.plans}
                target, why = uploads.choose_target(folder, stored, plan.sha256, indexed, replace, display_source)
                twin = next((src for src, sha in indexed.items() if sha == plan.sha256
                             and uploads.source_path(src) != target), None)
                if twin:
                    results.append(("skip", name, f"đã có trong kho (cùng nội dung với {Path(twin).name}); "
                                                  f"không thêm lại"))
                    continue
                plan.source = display_source(target)
                indexer = Indexer(holder.engine.index_dir, holder.embedder)
                report = indexer.ingest_plans([plan], extra={"file_sha256": ingest_queue.file_sha256(staged)})
                if report.duplicates and not report.changed:
                    twin = Path(report.duplicates[0][1]).name
                    results.append(("skip", name, f"đã có trong kho (cùng nội dung với {twin}); không thêm lại"))
                    continue
                if why != "same" or not target.exists():
                    os.replace(staged, target)  # indexed: now the file takes its place
                changed = changed or report.changed
            label = plan.metadata.locality or Path(target.name).stem
            verb = ("đã cập nhật" if report.updated else "đã thêm" if report.added else "không đổi (đã có)")
            scanned = f" (đọc bằng OCR {len(plan.ocr_pages)} trang — nên đối chiếu với bản gốc)" if plan.ocr_pages else ""
            renamed = (f" (tên {stored} đã dùng cho kế hoạch khác; để thay thế kế hoạch đó, chọn “Cập nhật kế hoạch "
                       f"cùng tên” rồi tải lên lại)" if target.name != stored else "")
            results.append(("ok", name, f"{verb}: {label} — {len(plan.clauses)} điều khoản{scanned}, lưu thành "
                                        f"{target.name}{renamed}; có thể hỏi ngay."))
        except uploads.UploadRejected as error:
            results.append(("err", name, error.reason))
        except Exception as error:
            log.exception("upload of %s failed", name)
            results.append(("err", name, f"lỗi khi lập chỉ mục ({type(error).__name__}); kho không thay đổi"))
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
                with contextlib.suppress(OSError):
                    work.parent.rmdir()  # `.incoming` itself, once no upload is in flight
    if changed:
        step(0.98, "Nạp lại chỉ mục")
        with holder.write_lock:
            holder.reload()
    step(1.0, "Xong")
    return results


def _upload_result_html(results: list[tuple[str, str, str]]) -> str:
    items = []
    for status, name, message in results:
        reason = (f'<span class="err-reason">{render.escape_text(message)}</span>' if status == "err"
                  else render.escape_text(message))
        items.append(f'<li class="{status}"><b>{render.escape_text(name)}</b>: {reason}</li>')
    ok = sum(1 for s, _, _ in results if s == "ok")
    head = f"Đã xử lý {len(results)} tệp: {ok} thành công, {len(results) - ok} không thêm."
    return f"<div>{render.escape_text(head)}<ul>{''.join(items)}</ul></div>"


def remove_plan(holder: EngineHolder, source: str, folder: Path) -> str:
    """Remove an uploaded plan from the index and delete its stored file. Plans of the shipped
    corpus are not removable here: `assistant ingest` would add them back."""
    from assistant.indexer import Indexer

    if not uploads.is_uploaded(source, folder):
        return _note(f"Không xoá: {source} không phải kế hoạch tải lên qua trang này.", warn=True)
    label = holder.labels().get(source, source)
    with holder.write_lock:
        indexer = Indexer(holder.engine.index_dir, holder.embedder)
        removed = indexer.remove(source)
        path = uploads.source_path(source)
        if path.is_file():
            path.unlink()
        holder.reload()
    if not removed:
        return _note(f"{label}: không còn trong kho.", warn=True)
    return _note(f"Đã xoá {label} ({Path(source).name}) khỏi kho.")


# -- serve ---------------------------------------------------------------------------------------
def _recover_uploads_in_background(holder: EngineHolder):
    """Uploads a crash left behind are indexed or reported while the page is served
    (ingest_queue.recover_uploads); the Documents tab then says what was found."""
    import threading

    from ui import ingest_queue

    def run() -> None:
        try:
            holder.upload_recovery = ingest_queue.recover_uploads(holder, uploads.upload_dir())
        except Exception:
            log.exception("checking the upload folder at start failed")

    thread = threading.Thread(target=run, name="upload-recovery", daemon=True)
    thread.start()
    return thread



def _env_or(value, default, name: str, cast=str):
    raw = os.environ.get(name, "").strip()
    if raw and value == default:
        try:
            return cast(raw)
        except ValueError:
            print(f"assistant: {name}={raw!r} is not valid; using {value}", file=sys.stderr)
    return value


def serve(index_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the web chat until interrupted; host and port also from ASSISTANT_HOST /
    ASSISTANT_PORT (a value given explicitly wins over the environment)."""
    from assistant.store import IndexError_

    started = time.perf_counter()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("ui").setLevel(logging.INFO)
    host = _env_or(host, DEFAULT_HOST, "ASSISTANT_HOST")
    port = _env_or(port, DEFAULT_PORT, "ASSISTANT_PORT", int)
    warm = os.environ.get("ASSISTANT_WARMUP", "1") != "0"
    try:
        holder = EngineHolder(lambda: Engine.open(Path(index_dir)))
        import bm25s  # noqa: F401  (it sets its own logger to DEBUG on import; quiet it after)

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        holder.engine  # fail now, with the CLI's message, when there is no index
        if warm:  # load the model while the page is built and served; questions wait for it
            holder.start_warm_up()
    except IndexError_ as error:
        print(f"assistant: {error}", file=sys.stderr)
        return 1
    try:
        credentials = auth_from_env()
    except ValueError as error:
        print(f"assistant: {error}", file=sys.stderr)
        return 1
    if credentials is None and host not in ("127.0.0.1", "localhost", "::1"):
        print(f"assistant: warning: serving on {host} without a login; set {AUTH_VAR}=user:password",
              file=sys.stderr)
    demo = build_app(holder)
    _recover_uploads_in_background(holder)
    holder.start_polling()  # with a Chroma server: other instances' uploads and removals
    try:
        demo.launch(server_name=host, server_port=port, prevent_thread_lock=True)
    except OSError as error:
        print(f"assistant: cannot serve on {host}:{port} ({error})", file=sys.stderr)
        return 1
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"{TITLE}: http://{shown}:{port}  ({len(holder.engine.plans)} kế hoạch; sẵn sàng sau "
          f"{time.perf_counter() - started:.1f} s; Ctrl+C để dừng)", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0
