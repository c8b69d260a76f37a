"""Security: uploaded names never leave the upload folder, only allowed types and sizes are
stored, the optional login guards the page and the API, document text is shown as text end to
end, and nothing a document says (title, number, locality) becomes a file path."""
from __future__ import annotations

import re
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

import assistant  # noqa: F401  (offline environment first)
from assistant.engine import Engine
from tests.conftest import copy_index

PLAN = """ỦY BAN NHÂN DÂN
XÃ {name}
KẾ HOẠCH
Phòng chống thiên tai xã {name} năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Ban chỉ huy phòng chống thiên tai xã {name}
- Kiểm tra kè sông {name}, báo cáo UBND xã trước ngày {day} tháng 5 hằng năm.
"""


@pytest.fixture(scope="module")
def model(engine):
    return engine.embedder


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def test_upload_names_types_and_sizes(corpus_index, model, tmp_path, monkeypatch):
    """Through the upload handler: `../` names refused, absolute and Windows paths reduced to the
    file name, NUL and control characters dropped, a symlink planted in the folder not followed,
    disallowed types and oversized files refused; every stored file is directly inside the
    upload folder and nothing is written anywhere else."""
    from ui.app import process_uploads
    from ui.state import EngineHolder

    index = copy_index(corpus_index, tmp_path / "index")
    folder = tmp_path / "uploads"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("không được ghi đè", encoding="utf-8")
    (folder / "lien-ket.txt").symlink_to(outside)
    monkeypatch.setenv("ASSISTANT_UPLOAD_DIR", str(folder))
    monkeypatch.setenv("ASSISTANT_UPLOAD_MAX_MB", "0,01")  # 10 KB
    holder = EngineHolder(lambda: Engine.open(index, embedder=model))

    source = tmp_path / "in"
    source.mkdir()
    cases = [  # (name the browser sends, content, expected status, stored name or reason)
        ("../../ke-hoach-leo.txt", PLAN.format(name="Leo Ra", day=1), "err", "../"),
        ("..\\..\\ke-hoach-win.txt", PLAN.format(name="Win Leo", day=2), "err", "../"),
        ("/etc/cron.d/ke-hoach-tuyet-doi.txt", PLAN.format(name="Tuyệt Đối", day=3), "ok", "ke-hoach-tuyet-doi.txt"),
        ("C:\\Windows\\System32\\ke hoach.md", PLAN.format(name="Ổ Đĩa", day=4), "ok", "ke-hoach.md"),
        ("ke\x00hoach\x07-nul.txt", PLAN.format(name="Ký Tự", day=5), "ok", "kehoach-nul.txt"),
        ("lien-ket.txt", PLAN.format(name="Liên Kết", day=6), "err", "không hợp lệ"),
        ("trang.html", "<html><script>alert(1)</script></html>", "err", "“.html” không được hỗ trợ"),
        ("anh.svg", "<svg onload=alert(1)></svg>", "err", "“.svg” không được hỗ trợ"),
        ("ke-hoach.txt.exe", "MZ", "err", "“.exe” không được hỗ trợ"),
        ("qua-lon.txt", "Kế hoạch " * 4000, "err", "quá lớn"),
    ]
    items = []
    for number, (name, content, _, _) in enumerate(cases):
        path = source / f"upload-{number}"
        path.write_text(content, encoding="utf-8")
        items.append(SimpleNamespace(name=str(path), orig_name=name))
    before = _files_under(tmp_path) - _files_under(index)
    results = process_uploads(holder, items, folder)

    for (name, _, status, expected), (got_status, got_name, message) in zip(cases, results):
        assert got_name == name and got_status == status, (name, got_status, message)
        if status == "ok":
            assert f"lưu thành {expected}" in message, message
            assert (folder / expected).is_file() and (folder / expected).resolve().parent == folder.resolve()
        else:
            assert expected in message, (name, message)
    assert outside.read_text(encoding="utf-8") == "không được ghi đè"
    created = (_files_under(tmp_path) - _files_under(index)) - before
    assert {p.relative_to(folder).as_posix() for p in created} == {
        "ke-hoach-tuyet-doi.txt", "ke-hoach.md", "kehoach-nul.txt"}
    assert not list(Path("/etc/cron.d").glob("ke-hoach*")) if Path("/etc/cron.d").is_dir() else True
    assert len(holder.engine.plans) == 5 + 3


# -- optional login --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_auth_from_env(monkeypatch):
    from ui.app import auth_from_env

    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    assert auth_from_env() is None
    monkeypatch.setenv("ASSISTANT_AUTH", "can-bo:mật khẩu:có dấu hai chấm")
    assert auth_from_env() == ("can-bo", "mật khẩu:có dấu hai chấm")
    for bad in ("chi-ten", ":mat-khau", "ten:"):
        monkeypatch.setenv("ASSISTANT_AUTH", bad)
        with pytest.raises(ValueError, match="user:password"):
            auth_from_env()


def test_serve_refuses_a_malformed_login_setting(corpus_index, monkeypatch, capsys):
    from ui.app import serve

    monkeypatch.setenv("ASSISTANT_AUTH", "khong-co-mat-khau")
    assert serve(corpus_index, port=_free_port()) == 1
    assert "ASSISTANT_AUTH must be 'user:password'" in capsys.readouterr().err


def test_login_guards_page_and_api_when_configured(engine, monkeypatch):
    import httpx
    from gradio_client import Client

    from ui.app import build_app

    monkeypatch.setenv("ASSISTANT_AUTH", "can-bo:mat-khau-123")
    demo = build_app(lambda: engine)
    port = _free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert httpx.get(url + "config", timeout=30).status_code == 401
        page = httpx.get(url, timeout=30).text
        assert "Ai báo cáo UBND thị xã" not in page  # the app (and its examples) stay behind the login
        call = httpx.post(url + "gradio_api/call/ask", json={"data": ["Ai ký kế hoạch?", ""]}, timeout=30)
        assert call.status_code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False)
        with pytest.raises(Exception):
            Client(url, auth=("can-bo", "sai-mat-khau"), verbose=False)
        client = Client(url, auth=("can-bo", "mat-khau-123"), verbose=False)
        reply = client.predict("Ai ký kế hoạch của thị xã Mường Lay?", api_name="/ask")
        assert "**Trích dẫn:**" in reply
    finally:
        demo.close()


def test_no_login_unless_configured(monkeypatch):
    import gradio as gr

    from ui.app import AssistantBlocks

    captured = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, *args, **kwargs: captured.update(kwargs))
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    AssistantBlocks().launch(server_port=1)
    assert "auth" not in captured
    monkeypatch.setenv("ASSISTANT_AUTH", "a:b")
    AssistantBlocks().launch(server_port=1)
    assert captured["auth"] == [("a", "b")]


# -- untrusted text, end to end --------------------------------------------------------------------
HOSTILE_PLAN = """ỦY BAN NHÂN DÂN
XÃ KỊCH BẢN THỬ <script>alert('x')</script>
Số: ../../../../tmp/pwned-number/KH-UBND
KẾ HOẠCH
Kiểm tra ../../../../tmp/pwned-title <img src=https://evil.example/p.gif onerror=alert(1)>
I. TỔ CHỨC THỰC HIỆN
1. Công chức Tư pháp – Hộ tịch xã Kịch Bản Thử
- Tổng hợp hồ sơ hộ tịch, báo cáo UBND xã trước ngày 07 tháng 12 hằng năm <script>alert("x")</script> ![logo](https://evil.example/track.png) <img src=x onerror=alert(1)> [bấm](javascript:alert(1))
"""


def test_hostile_document_text_stays_text_from_ingest_to_page(corpus_index, model, tmp_path, monkeypatch):
    """A plan whose clauses carry `<script>`, `<img onerror>`, markdown images of remote URLs and
    `javascript:` links, and whose title / number / locality look like paths: ingest → ask →
    the chat HTML, the /ask markdown and the library tab show it all as text, and the only files
    written are the index's own (named by hash) and the stored upload (named by the upload)."""
    from ui import render
    from ui.app import process_uploads
    from ui.state import EngineHolder

    index = copy_index(corpus_index, tmp_path / "index")
    folder = tmp_path / "uploads"
    monkeypatch.setenv("ASSISTANT_UPLOAD_DIR", str(folder))
    holder = EngineHolder(lambda: Engine.open(index, embedder=model))
    upload = tmp_path / "in" / "kich-ban.txt"
    upload.parent.mkdir()
    upload.write_text(HOSTILE_PLAN, encoding="utf-8")
    plan_files_before = {p.name for p in (index / "plans").iterdir()}
    results = process_uploads(holder, [str(upload)], folder)
    assert results[0][0] == "ok", results

    answer = holder.engine.ask("Công chức Tư pháp – Hộ tịch xã Kịch Bản Thử báo cáo trước ngày nào?")
    cited = " ".join(c.text for c in answer.citations)
    # tags are already dropped at ingest (normalisation); the markdown image and link survive as text
    assert "![logo](https://evil.example/track.png)" in cited and "javascript:alert(1)" in cited

    html = render.render_answer_html(answer, holder.labels())
    assert "&#33;&#91;logo&#93;&#40;https://evil.example/track.png&#41;" in html
    for raw in ("<script", "<img", "onerror=alert", "![", "](", "href=", "src="):
        assert raw not in html.replace("&lt;img", "").replace("onerror&#61;", ""), raw
    markdown = render.render_answer_markdown(answer, holder.labels())
    assert not re.search(r"(?<!\\)!\[", markdown) and not re.search(r"(?<!\\)<(script|img)", markdown)
    plan = next(p for p in holder.engine.plans if p.source.endswith("kich-ban.txt"))
    details = render.render_plan_details(plan, holder.labels()[plan.source], True)
    assert "<script" not in details and "<img" not in details

    # nothing the document says became a path
    new_plan_files = {p.name for p in (index / "plans").iterdir()} - plan_files_before
    assert len(new_plan_files) == 1 and re.fullmatch(r"[0-9a-f]{16}\.json", new_plan_files.pop())
    assert sorted(p.name for p in folder.iterdir()) == ["kich-ban.txt"]
    for pwned in ("pwned-number", "pwned-title"):
        assert not Path("/tmp", pwned).exists() and not list(tmp_path.rglob(f"*{pwned}*"))
    assert not list(index.rglob("*KH-UBND*"))
