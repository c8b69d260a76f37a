"""End to end in headless Debian Chromium (Playwright for Python, never `playwright install`).

The app runs as a real `assistant serve` process on a free local port over a copy of the index
(so uploads never touch /work/main/index) with uploads in a temporary folder. The tests ask with
and without diacritics and open a citation, filter the responsibilities and download the CSV,
look at the targets chart, upload a small plan (and bad files) and ask about it, then remove it.
A conversation of follow-ups survives a reload, at 1280 px and on a 390-px phone, and no English
word of the interface is visible (or read out by a screen reader) on any tab.
Every page load is watched: any request to a host other than the app fails the test.
Screenshots of each tab go to artifacts/screenshots/ (git-ignored); the start-up time to
artifacts/startup.txt.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SETUP = Path(__file__).with_name("debian_setup.sh")
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_LIMIT_S = 20.0
ANSWER_TIMEOUT_MS = 90_000

pytestmark = pytest.mark.slow

WARD_PLAN = """ỦY BAN NHÂN DÂN
PHƯỜNG SEN VÀNG THỬ NGHIỆM
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Sen Vàng Thử Nghiệm, ngày 05 tháng 01 năm 2026
KẾ HOẠCH
Phát triển hạ tầng số phường Sen Vàng Thử Nghiệm năm 2026
I. MỤC TIÊU
1. Tỷ lệ hộ gia đình có kết nối cáp quang đạt 98%.
II. TỔ CHỨC THỰC HIỆN
1. Tổ chuyển đổi số cộng đồng phường Sen Vàng Thử Nghiệm
- Định kỳ hằng quý báo cáo UBND phường về số điểm phát wifi công cộng trước ngày 20 tháng cuối quý.
- Ghi chú kỹ thuật: <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> chỉ là chữ.
2. Công chức Văn hóa – Xã hội phường
- Theo dõi, tổng hợp kết quả thực hiện.
"""


# -- fixtures ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian Chromium, installed once by tests/debian_setup.sh when missing."""
    if not CHROMIUM.exists():
        try:
            subprocess.run(["bash", str(SETUP), str(CHROMIUM), "chromium"], check=False, timeout=1200, capture_output=True, text=True)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.skip(f"could not run {SETUP.name}: {error}")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing and tests/debian_setup.sh could not install it (apt-get needs root "
                    f"and the Debian mirror); install with: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install playwright==1.65.2; no browser download)")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium, corpus_index):
    """`assistant serve` over a copy of the corpus index built for this session; records the
    start-up time."""
    root = tmp_path_factory.mktemp("e2e")
    index = Path(shutil.copytree(corpus_index, root / "index"))
    upload_folder = root / "uploads"
    port = free_port()
    env = {**os.environ, "ASSISTANT_UPLOAD_DIR": str(upload_folder), "PYTHONPATH": str(REPO),
           "GRADIO_TEMP_DIR": str(root / "gradio")}
    log_path = root / "server.log"
    log = log_path.open("w")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--index", str(index),
                                "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        startup = _wait_served(url, process, log_path, started)
        (REPO / "artifacts").mkdir(exist_ok=True)
        (REPO / "artifacts" / "startup.txt").write_text(
            f"process start to page served: {startup:.2f} s ({os.cpu_count()} CPUs)\n", encoding="utf-8")
        print(f"\napp start-up (process start → page served): {startup:.2f} s")
        yield SimpleNamespace(url=url, startup=startup, uploads=upload_folder, index=index, log=log_path)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # our own process group only (start_new_session)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()


def _wait_served(url: str, process: subprocess.Popen, log_path: Path, started: float) -> float:
    deadline = started + 120
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            pytest.fail(f"assistant serve exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and "Trợ lý kế hoạch" in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"app not served within 120 s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser tab on the app; fails the test if the page requested any other host."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    outside: list[str] = []
    tab.on("request", lambda request: outside.append(request.url)
           if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    tab.goto(server.url)
    tab.wait_for_selector("#question textarea")
    yield tab
    context.close()
    assert not outside, f"requests left the machine: {outside}"


# -- helpers -------------------------------------------------------------------------------------
def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def ask(page, question: str) -> object:
    """Send a question; return the locator of the new assistant answer once it is rendered."""
    answers = page.locator("#chatbot .answer")
    before = answers.count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chatbot .answer').length > {before}",
                           timeout=ANSWER_TIMEOUT_MS)
    return answers.nth(before)


def first_column(selector: str) -> str:
    return f"Array.from(document.querySelectorAll('{selector} .virtual-row [data-col=\"0\"]'))"


def note_js(selector: str) -> str:
    """JavaScript for the text of a tab's summary note (empty while it re-renders)."""
    return f"(document.querySelector('{selector} .tab-note')?.innerText || '')"


def note_count(page, selector: str) -> int:
    note = page.locator(f"{selector} .tab-note")
    note.wait_for()
    return int(re.match(r"\d+", note.inner_text().strip()).group(0))


# -- tests ---------------------------------------------------------------------------------------
def test_start_up_is_fast(server):
    assert server.startup < START_LIMIT_S, f"start-up took {server.startup:.1f} s"


def test_chat_with_and_without_diacritics_and_open_citation(page):
    answer = ask(page, "Ai báo cáo UBND thị xã, trước ngày nào?")
    assert "10 tháng 12" in answer.inner_text()
    assert answer.locator("sup.cite-ref").count() >= 1
    first = answer.locator("details.cite").first
    assert "thị xã Mường Lay" in first.locator("summary").inner_text()
    assert not first.locator("blockquote").is_visible()
    first.locator("summary").click()
    quote = first.locator("blockquote.cite-text")
    quote.wait_for(state="visible")
    assert "trước ngày 10 tháng 12" in quote.inner_text()
    assert quote.locator("mark").count() >= 1  # the answer's words are highlighted
    assert "Mục: V. TỔ CHỨC THỰC HIỆN" in first.inner_text()

    folded = ask(page, "ai bao cao ubnd thi xa truoc ngay nao")
    assert "10 tháng 12" in folded.inner_text() and folded.locator("details.cite").count() >= 1

    messages = page.locator("#chatbot .message").count()
    page.locator("#question textarea").fill("   ")
    page.locator("#question textarea").press("Enter")
    page.wait_for_timeout(1000)
    assert page.locator("#chatbot .message").count() == messages  # empty message ignored

    page.get_by_text("Sao chép câu trả lời kèm trích dẫn").click()
    copy = page.locator("#copy-box textarea").input_value()
    assert copy.startswith("Hỏi: ai bao cao ubnd thi xa truoc ngay nao") and "Trích dẫn:" in copy and "[1]" in copy
    page.get_by_text("Sao chép câu trả lời kèm trích dẫn").click()
    first.locator("summary").scroll_into_view_if_needed()
    shot(page, "1-hoi-dap")


def test_plan_filter_in_chat(page):
    choose(page, "#chat-plan", "xã Tịnh Thiện")
    answer = ask(page, "Ai ký kế hoạch?")
    assert "Đào Duy Phúc" in answer.inner_text()
    assert all("Tịnh Thiện" in s for s in answer.locator("details.cite summary").all_inner_texts())


def test_responsibilities_filter_and_csv(page, tmp_path):
    open_tab(page, "Trách nhiệm & thời hạn")
    page.wait_for_selector("#ob-table .virtual-row")
    if "chưa có" in page.locator("#ob-note .tab-note").inner_text():
        pytest.skip("assistant.extract is not available in this checkout")
    everything = note_count(page, "#ob-note")
    choose(page, "#ob-plan", "thị xã Mường Lay")
    page.wait_for_function(f"{first_column('#ob-table')}.every(td => td.innerText.includes('Mường Lay'))")
    page.wait_for_function(f"!{note_js('#ob-note')}.startsWith('{everything} ')")
    rows = note_count(page, "#ob-note")
    assert 0 < rows < everything
    with page.expect_download() as download_info:
        page.locator("#ob-csv").click()
    path = tmp_path / "trach-nhiem.csv"
    download_info.value.save_as(path)
    records = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(records) == rows and {r["Kế hoạch"] for r in records} == {"thị xã Mường Lay"}
    assert any("10 tháng 12" in r["Thời hạn"] for r in records)
    if page.locator("#ob-ics").is_enabled():
        with page.expect_download() as ics_info:
            page.locator("#ob-ics").click()
        ics = tmp_path / "lich.ics"
        ics_info.value.save_as(ics)
        assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in ics.read_bytes()

    actor = records[0]["Đơn vị thực hiện"]
    choose(page, "#ob-actor", actor)
    page.wait_for_function(f"Array.from(document.querySelectorAll('#ob-table .virtual-row [data-col=\"1\"]'))"
                           f".every(td => td.innerText.trim() === {actor!r})")
    assert note_count(page, "#ob-note") <= rows
    choose(page, "#ob-actor", "Tất cả đơn vị")
    page.wait_for_function(f"{note_js('#ob-note')}.startsWith('{rows} ')")
    shot(page, "2-trach-nhiem")


def test_targets_table_and_chart(page):
    open_tab(page, "Chỉ tiêu")
    page.wait_for_selector("#tg-table .virtual-row")
    if "chưa có" in page.locator("#tg-note .tab-note").inner_text():
        pytest.skip("assistant.extract is not available in this checkout")
    assert note_count(page, "#tg-note") > 5
    page.wait_for_selector("#tg-chart .tchart-row", timeout=30_000)
    assert page.locator("#tg-indicator input").input_value()
    legend = page.locator("#tg-chart .tchart-legend").inner_text()
    assert "Thực hiện" in legend and "Mục tiêu" in legend
    shot(page, "3-chi-tieu")


def test_upload_bad_files_then_a_plan_and_ask_about_it(page, server, tmp_path):
    open_tab(page, "Tài liệu")
    page.wait_for_selector("#docs-table .virtual-row")
    plans_before = note_count(page, "#docs-note")

    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "anh-chup.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 200)
    page.locator("#upload input[type=file]").set_input_files([str(empty), str(binary)])
    result = page.locator("#upload-result")
    result.get_by_text("Đã xử lý 2 tệp").wait_for(timeout=60_000)
    text = result.inner_text()
    assert "trong.txt" in text and "tệp trống" in text and "anh-chup.txt" in text and "nhị phân" in text
    assert note_count(page, "#docs-note") == plans_before

    plan = tmp_path / "ke-hoach-sen-vang.txt"
    plan.write_text(WARD_PLAN, encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(plan))
    result.get_by_text("Đã xử lý 1 tệp").wait_for(timeout=120_000)
    assert "đã thêm" in result.inner_text() and "phường Sen Vàng Thử Nghiệm" in result.inner_text()
    page.wait_for_function(f"{note_js('#docs-note')}.startsWith('{plans_before + 1} ')")
    assert (server.uploads / "ke-hoach-sen-vang.txt").is_file()
    choose(page, "#doc-pick", "phường Sen Vàng Thử Nghiệm")
    page.locator("#doc-details").get_by_text("12/KH-UBND").wait_for()
    shot(page, "4-tai-lieu")

    open_tab(page, "Hỏi đáp")
    answer = ask(page, "Tổ chuyển đổi số cộng đồng phường Sen Vàng Thử Nghiệm báo cáo trước ngày nào?")
    assert "20 tháng cuối quý" in answer.inner_text()
    assert "Sen Vàng" in answer.locator("details.cite summary").first.inner_text()

    noted = ask(page, "ghi chú kỹ thuật của phường Sen Vàng Thử Nghiệm")
    for summary in noted.locator("details.cite summary").all():
        summary.click()
    # The ingest normaliser already drops markup from clause text; whatever is left is shown as
    # text and nothing runs (unit tests cover escaping of a clause that keeps its <script>).
    assert "chỉ là chữ" in noted.inner_text()
    assert page.evaluate("window.__xss") is None
    assert noted.locator("script, img").count() == 0


def test_remove_uploaded_plan(page, server):
    open_tab(page, "Tài liệu")
    page.wait_for_selector("#docs-table .virtual-row")
    if "tải lên" not in page.locator("#docs-note .tab-note").inner_text():
        pytest.skip("the upload test did not run first")
    plans_before = note_count(page, "#docs-note")
    choose(page, "#rm-pick", "phường Sen Vàng Thử Nghiệm — ke-hoach-sen-vang.txt")
    page.locator("#rm-btn").click()
    page.locator("#rm-result").get_by_text("Đã xoá").wait_for(timeout=60_000)
    page.wait_for_function(f"{note_js('#docs-note')}.startsWith('{plans_before - 1} ')")
    assert not (server.uploads / "ke-hoach-sen-vang.txt").exists()


# -- a conversation, on a desktop and on a phone --------------------------------------------------
CONVERSATION_START = "Ở phường Long Mỹ, Phòng Văn hóa - Xã hội báo cáo Sở Khoa học và Công nghệ hạn khi nào?"


def cited_plans(answer) -> list[str]:
    return answer.locator("details.cite summary b").all_inner_texts()


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def sized_page(request, browser, server):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                                  locale="vi-VN", is_mobile=width < 500, has_touch=width < 500)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    outside: list[str] = []
    tab.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    tab.goto(server.url)
    tab.wait_for_selector("#question textarea")
    tab.width = width
    yield tab
    context.close()
    assert not outside, f"requests left the machine: {outside}"


def test_conversation_with_follow_ups_survives_a_reload(sized_page):
    page, name = sized_page, f"5-hoi-thoai-{sized_page.width}"
    first = ask(page, CONVERSATION_START)
    assert "15/12" in first.inner_text() and "Hiểu là" not in first.inner_text()
    assert set(cited_plans(first)) == {"phường Long Mỹ"}

    other_plan = ask(page, "còn xã Tịnh Thiện thì sao?")  # a new locality in place of the old one
    text = other_plan.inner_text()
    assert "Hiểu là: Ở xã Tịnh Thiện, Phòng Văn hóa - Xã hội báo cáo" in text
    assert "10/12" in text and set(cited_plans(other_plan)) == {"xã Tịnh Thiện"}

    new_slot = ask(page, "ai phối hợp?")  # a new question about the same unit and plan
    assert "Hiểu là: Ai phối hợp" in new_slot.inner_text() and "xã Tịnh Thiện" in new_slot.inner_text()
    assert "phối hợp" in new_slot.inner_text().split("Trích dẫn")[0].lower()
    assert set(cited_plans(new_slot)) == {"xã Tịnh Thiện"}

    page.reload()  # the conversation is kept in this browser
    page.wait_for_function("document.querySelectorAll('#chatbot .answer').length === 3")
    restored = page.locator("#chatbot .answer")
    assert "15/12" in restored.nth(0).inner_text() and "Hiểu là" in restored.nth(1).inner_text()

    after_reload = ask(page, "còn thị xã Mường Lay?")  # read against the turns from before the reload
    assert "Hiểu là: Ai phối hợp" in after_reload.inner_text() and "thị xã Mường Lay" in after_reload.inner_text()
    assert set(cited_plans(after_reload)) == {"thị xã Mường Lay"}

    signer = ask(page, "Ai ký kế hoạch?")  # short: about the plan the conversation is on
    assert "Chui Văn Thành" in signer.inner_text() and "Hiểu là" in signer.inner_text()

    # readable without zooming: no sideways scroll of the page, answer text of a phone's body size
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width + 1
    size = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('#chatbot .answer')).fontSize)"))
    assert size >= 14
    signer.locator("details.cite summary").first.click()
    labels = page.evaluate("Array.from(document.querySelectorAll('#chatbot [aria-label]'))"
                           ".map(e => e.getAttribute('aria-label'))")
    answers = [label for label in labels if label.startswith("Trả lời: ")]
    assert len(answers) >= 5 and not any("<" in label or "&lt;" in label for label in labels)  # text, not HTML
    assert any(label.startswith("Câu hỏi: Ai ký kế hoạch?") for label in labels)
    shot(page, name)

    page.locator("#new-btn").click()  # "Hội thoại mới" clears it, here and in the browser's storage
    page.wait_for_function("document.querySelectorAll('#chatbot .answer').length === 0")
    page.reload()
    page.wait_for_selector("#question textarea")
    page.wait_for_timeout(1500)
    assert page.locator("#chatbot .answer").count() == 0
    fresh = ask(page, "còn xã Tịnh Thiện thì sao?")  # no history any more: nothing to follow
    assert "Hiểu là" not in fresh.inner_text()


# -- Vietnamese everywhere -------------------------------------------------------------------------
TABS = ["Hỏi đáp", "Trách nhiệm & thời hạn", "Chỉ tiêu", "Tài liệu", "Soạn kế hoạch"]
# Words of English interfaces (Gradio's and the browser's usual ones); a visible one is a bug.
ENGLISH_WORDS = set("""
about add all and any api app are as at back bot browse built by cancel cell chat chatbot clear click close
column content conversation copied copy copy data delete download drop edit empty enter error export file files filter
for from fullscreen gradio here hide history in info input is language left loading login logo menu message more new
next no not of off on open or output page paste password please previous progress queue record remove reset response
retry right row run runs save search select send settings share show sort stop submit success table tabs text the
this to type undo upload uploading use user username via view waiting warning with you your
""".split())
# Technical words and names that stay as they are in a Vietnamese interface.
ALLOWED_WORDS = {"api", "csv", "ics", "txt", "md", "pdf", "docx", "ocr", "mb", "kb", "gb", "ubnd", "hđnd",
                 "enter"}  # "Enter": the name printed on the key
# Text that comes from the documents (table cells, quotes, drafted text) may hold English words of
# the plans themselves ("Internet of Things"); the interface around it may not.
DOCUMENT_TEXT = ("td, th .cell-wrap, .body-cell, blockquote.cite-text, .tchart-name, #doc-details dd, "
                 "#doc-details li, .draft-preview, [role=listbox], #tg-indicator, #chatbot .answer > p, "
                 "#chatbot .answer li, [data-testid=user]")

VISIBLE_TEXT_JS = """(skip) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(skip) || el.closest('script,style,noscript')) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden' || (box.width === 0 && box.height === 0)) continue;
    if (node.textContent.trim()) out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
    if (el.closest(skip)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value && !/^(Câu hỏi|Trả lời): /.test(value)) out.push(name + ': ' + value);
    }
  }
  return out;
}"""


def english_words(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        value = text.split(": ", 1)[-1] if re.match(r"^(aria-label|title|placeholder|alt): ", text) else text
        words = [w for w in re.findall(r"\w+", value) if w.isascii()]  # whole words: "lý" is not "l"
        found += [f"{w} ← {text[:80]!r}" for w in words
                  if w.lower() in ENGLISH_WORDS and w.lower() not in ALLOWED_WORDS]
    return found


def test_no_english_on_any_tab_and_phone_layout(sized_page):
    """No English word on any tab at either width; on the phone every tab is reachable and the
    duties table scrolls sideways with whole-word headers."""
    page = sized_page
    assert page.evaluate("document.documentElement.lang") == "vi"
    ask(page, "Ai báo cáo UBND thị xã, trước ngày nào?").locator("details.cite summary").first.click()
    problems = {}
    for tab in TABS:
        open_tab(page, tab)
        page.wait_for_timeout(700)
        found = english_words(page.evaluate(VISIBLE_TEXT_JS, DOCUMENT_TEXT))
        if found:
            problems[tab] = found
        if page.width < 500:
            assert page.get_by_role("tab", name=tab).is_visible(), f"tab {tab} hidden at {page.width} px"
            shot(page, f"6-dien-thoai-{TABS.index(tab) + 1}")
    assert not problems, problems
    assert page.evaluate("document.documentElement.lang") == "vi"
    if page.width > 500:
        return
    open_tab(page, "Trách nhiệm & thời hạn")
    page.wait_for_selector("#ob-table .virtual-row")
    box = page.locator("#ob-table th").first.bounding_box()
    assert box["width"] >= 90 and box["height"] < 80  # a whole word per line, not a letter
    wide = page.evaluate("(() => { const v = document.querySelector('#ob-table .virtual-table-viewport');"
                         " return [v.scrollWidth, v.clientWidth]; })()")
    assert wide[0] > wide[1]  # the table scrolls sideways inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width + 1  # the page does not
