"""The page shell in Vietnamese: Gradio's own strings through its i18n, `<html lang="vi">`, and
accessible names that are text.

- `I18N`: Vietnamese for every Gradio i18n key a page of this app can show, as a custom `vi`
  locale (and `en`, for keys Gradio's English lacks). Gradio picks its start locale among its
  built-in languages only (Vietnamese is not one, so a Vietnamese browser gets English); the head
  script switches to `vi` through Gradio's own `changeLocale` once the page is up.
- `LangMiddleware`: Gradio's page template says `lang="en"`; this ASGI middleware serves it as
  `lang="vi"` (screen readers pick their voice, and browsers their hyphenation, from it).
- `HEAD`: a small script for the strings Gradio writes without i18n: each chat message's
  accessible name (Gradio sets it to "bot's message: " + the message's HTML source, which a
  screen reader reads out tag by tag) becomes "Trả lời: " + its visible text, and a few fixed
  English labels ("chatbot conversation", "Loading response", "More tabs") get Vietnamese ones.
"""
from __future__ import annotations

# -- Gradio i18n ---------------------------------------------------------------------------------
I18N: dict[str, str] = {
    "common.built_with": "dựng bằng",
    "common.built_with_gradio": "Dựng bằng Gradio",
    "common.clear": "Xoá",
    "common.download": "Tải về",
    "common.download_all": "Tải tất cả",
    "common.edit": "Sửa",
    "common.empty": "Trống",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.or": "hoặc",
    "common.remove": "Bỏ",
    "common.settings": "Cài đặt",
    "common.share": "Chia sẻ",
    "common.submit": "Gửi",
    "common.undo": "Hoàn tác",
    "common.language": "Ngôn ngữ",
    "common.display_theme": "Giao diện",
    "common.progress": "Tiến độ",
    "common.run": "Chạy",
    "common.no_devices": "Không có thiết bị",
    "common.logo": "biểu trưng",
    "chatbot.edit": "Sửa",
    "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác",
    "chatbot.submit": "Gửi",
    "chatbot.cancel": "Huỷ",
    "chatbot.like": "Hữu ích",
    "chatbot.dislike": "Chưa hữu ích",
    "chatbot.clear": "Xoá hội thoại",
    "chatbot.complete": "Xong",
    "chatbot.copy_message": "Sao chép câu trả lời",
    "chatbot.copied_message": "Đã sao chép",
    "chat_interface.new_chat": "Hội thoại mới",
    "chat_interface.message_placeholder": "Nhập câu hỏi…",
    "chat_interface.chatbot": "Hội thoại",
    "chat_interface.conversation": "Hội thoại",
    "dataframe.new_column": "Thêm cột",
    "dataframe.new_row": "Thêm dòng",
    "dataframe.sort_column": "Sắp xếp cột",
    "dataframe.sort_ascending": "Sắp xếp tăng dần",
    "dataframe.sort_descending": "Sắp xếp giảm dần",
    "dataframe.clear_sort": "Bỏ sắp xếp",
    "dataframe.filter": "Lọc",
    "dataframe.clear_filter": "Bỏ lọc",
    "dropdown.dropdown": "Danh sách chọn",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API",
    "errors.contact_page_author": "Hãy báo quản trị của trang.",
    "file.uploading": "Đang tải lên…",
    "blocks.lost_connection": "Mất kết nối; đang kết nối lại…",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp xong, hãy thử lại.",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể ngắt khi chuyển thẻ hoặc tắt màn hình.",
    "blocks.long_requests_queue": "Đang có nhiều yêu cầu chờ xử lý.",
    "login.username": "tên đăng nhập",
    "login.password": "mật khẩu",
    "login.login": "Đăng nhập",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu",
    "login.enable_cookies": "Hãy bật cookie cho trang này.",
    "number.number": "Số",
    "plot.plot": "Biểu đồ",
    "label.label": "Nhãn",
    "checkbox.checkbox": "Ô chọn",
    "status.queue_position": "Đang chờ: {position}/{size}",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.paste_clipboard": "Dán từ bộ nhớ tạm",
}


def i18n_tables() -> dict[str, dict]:
    """Nested {group: {key: text}} as gr.I18n expects, the same for `vi` and `en`."""
    nested: dict[str, dict] = {}
    for key, text in I18N.items():
        group, name = key.split(".", 1)
        nested.setdefault(group, {})[name] = text
    return nested


# -- <html lang="vi"> ----------------------------------------------------------------------------
class LangMiddleware:
    """Serve HTML pages with lang="vi" instead of Gradio's lang="en" (pure ASGI: only text/html
    responses are touched, streams and files pass through untouched)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        body: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                if b"text/html" not in headers.get(b"content-type", b"") or b"content-encoding" in headers:
                    start["pass"] = True
                    await send(message)
                    return
                start["message"] = message
                return
            if start.get("pass"):
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            data = b"".join(body).replace(b'lang="en"', b'lang="vi"', 1)
            response = start["message"]
            headers = [(k, v) for k, v in response.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(data)).encode()))
            await send({**response, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, capture)


# -- accessible names ----------------------------------------------------------------------------
# Fixed English labels Gradio writes without i18n, as they appear in attributes of this page.
ATTRIBUTE_TEXT = {
    "chatbot conversation": "Hội thoại",
    "Loading response": "Đang trả lời",
    "Loading content": "Đang tải nội dung",
    "More tabs": "Các thẻ khác",
    "Close": "Đóng",
    "Clear": "Xoá",
    "Remove file": "Bỏ tệp",
    "Remove this file": "Bỏ tệp này",
    "Upload file": "Tải tệp lên",
    "File upload": "Tải tệp lên",
    "Click to upload or drop files": "Bấm để chọn tệp hoặc kéo thả tệp vào đây",
    "Upload a file": "Tải tệp lên",
    "Uploading": "Đang tải lên",
    "Uploaded files": "Tệp đã tải lên",
    "Open cell menu": "Mở trình đơn của ô",
    "Table actions": "Thao tác với bảng",
    "Static column": "Cột cố định",
    "Gradio footer navigation": "Liên kết cuối trang",
    "Copy": "Sao chép",
    "Copied": "Đã sao chép",
    "Copy to clipboard": "Sao chép",
    "Copied!": "Đã sao chép",
    "Download": "Tải về",
    "Dropdown": "Danh sách chọn",
    "Empty value": "Chưa chọn",
    "Loading": "Đang tải",
    "Error": "Lỗi",
    "Info": "Thông tin",
    "Warning": "Cảnh báo",
    "Success": "Xong",
    "Reset to default value": "Đặt lại giá trị mặc định",
    "Increase": "Tăng",
    "Decrease": "Giảm",
    "processing": "đang xử lý",
    "queued": "đang chờ",
}


def head_script() -> str:
    """The <head> script: Vietnamese accessible names, kept up to date as Gradio re-renders."""
    import json

    table = json.dumps(ATTRIBUTE_TEXT, ensure_ascii=False)
    return r"""<script>
(() => {
  const TEXT = %s;
  const ATTRS = ["aria-label", "title", "placeholder", "alt", "aria-roledescription"];
  const MESSAGE = /^(user|bot|assistant)'s message: /;
  function fixMessage(el) {
    const label = el.getAttribute("aria-label") || "";
    if (MESSAGE.test(label)) el.dataset.viRole = label.startsWith("user") ? "Câu hỏi: " : "Trả lời: ";
    if (!el.dataset.viRole) return;
    const text = (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
    const wanted = el.dataset.viRole + (text.length > 600 ? text.slice(0, 600) + "…" : text);
    if (label !== wanted) el.setAttribute("aria-label", wanted);
  }
  function owner(node) {
    const parent = node && (node.nodeType === 1 ? node : node.parentElement);
    return parent && parent.closest("[data-vi-role]");
  }
  function fix(el) {
    if (!el || el.nodeType !== 1) return;
    for (const name of ATTRS) {
      const value = el.getAttribute(name);
      if (value && Object.prototype.hasOwnProperty.call(TEXT, value.trim())) el.setAttribute(name, TEXT[value.trim()]);
    }
    if (el.hasAttribute("aria-label")) fixMessage(el);
  }
  function sweep(root) {
    fix(root);
    if (root.querySelectorAll) root.querySelectorAll("[aria-label],[title],[placeholder],[alt]").forEach(fix);
  }
  // Gradio starts in English (Vietnamese is not among its built-in locales); switch to the
  // custom "vi" strings with its own changeLocale, found in the module the page already loaded.
  let switching = false;
  async function toVietnamese() {
    if (switching) return;
    const core = performance.getEntriesByType("resource").map((e) => e.name)
      .find((name) => /\/assets\/core-[^/]+\.js(?:\?|$)/.test(name));
    if (!core) return;
    switching = true;
    try { const module = await import(core); if (module.changeLocale) module.changeLocale("vi"); }
    catch (error) { console.warn("vi locale:", error); }
    finally { switching = false; }
  }
  function start() {
    document.documentElement.lang = "vi";
    new MutationObserver(() => { if (document.documentElement.lang !== "vi") toVietnamese(); })
      .observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
    const poll = setInterval(() => {
      if (document.querySelector(".gradio-container [role=tablist]")) { clearInterval(poll); toVietnamese(); }
    }, 200);
    setTimeout(() => clearInterval(poll), 60000);
    sweep(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "attributes") fix(change.target);
        else if (change.type === "characterData") {
          const el = owner(change.target);
          if (el) fixMessage(el);
        } else {
          change.addedNodes.forEach((node) => sweep(node));
          const el = owner(change.target);
          if (el) fixMessage(el);
        }
      }
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ATTRS});
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
</script>""" % table
