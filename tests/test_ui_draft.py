"""The "Soạn kế hoạch" tab without a browser: its handlers (ui/drafting.py) over a copy of the
corpus index: preview, .docx download, Vietnamese errors naming the field, escaped preview."""
from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

import assistant  # noqa: F401  (offline environment first)
from ui import drafting

# the form fields in the order the tab passes them to the handlers
FORM = dict(template="auto", locality="phường Ninh Kiều", parent="thành phố Cần Thơ", province="Cần Thơ",
            based_on="Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ", number="15",
            date="05/03/2026", signer="Nguyễn Văn An", signer_title="Phó Chủ tịch")
HOSTILE = "Chú ý <script>alert(1)</script><img src=x onerror=alert(2)> ![ảnh](https://evil.example/a.png) chữ"


def fields(**changes) -> list[str]:
    return list({**FORM, "period": "", **changes}.values())


@pytest.fixture(scope="module")
def holder(tmp_path_factory, corpus_index):
    from assistant.engine import Engine
    from ui.state import EngineHolder

    index = Path(shutil.copytree(corpus_index, tmp_path_factory.mktemp("draft") / "index"))
    return EngineHolder(lambda: Engine.open(index))


@pytest.fixture
def temp_dir(tmp_path, monkeypatch) -> Path:
    """Downloads go to tempfile.gettempdir(): point it at this test's folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def docx_text(path: str) -> str:
    import docx

    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_template_choices_offer_auto_then_every_indexed_plan(holder):
    choices = drafting.template_choices(holder)
    assert choices[0] == ("Tự chọn (auto)", "auto")
    assert {value for _, value in choices[1:]} == {p.source for p in holder.engine.plans}
    assert "phường Long Mỹ" in [label for label, _ in choices]


def test_auto_preview_names_the_new_locality_and_says_which_template(holder):
    note, preview = drafting.preview(holder, *fields())
    assert "Ninh Kiều" in preview and "NINH KIỀU" in preview
    assert "Long Mỹ" not in preview and "LONG MỸ" not in preview  # the template's locality is gone
    assert "Nguyễn Văn An" in preview and "ngày 05 tháng 3 năm 2026" in preview and "Số: 15/KH-UBND" in preview
    assert "phường Long Mỹ" in note and "Tự chọn mẫu" in note and "cùng cấp phường" in note  # what and why
    assert "--" not in note  # review notes name the form fields, not command-line options


def test_docx_download_opens_with_python_docx(holder, temp_dir):
    note, preview, path = drafting.download(holder, *fields(template="corpus/xa-tinh-thien.txt",
                                                            locality="xa hoa an", parent="",
                                                            province="Cần Thơ"))
    assert path and path.endswith(".docx") and Path(path).is_file()
    assert Path(path).is_relative_to(temp_dir)
    text = docx_text(path)
    assert "Hòa An" in text and "Tịnh Thiện" not in text
    assert "xã Tịnh Thiện" in note  # the template picked in the dropdown
    assert "Hòa An" in preview and "Tịnh Thiện" not in preview
    assert "UBND thành phố Cần Thơ" in text  # the superior body since 01/7/2025: the province's UBND


@pytest.mark.parametrize("changes, field, words", [
    (dict(date="31/02/2026"), "Ngày", "không tồn tại"),
    (dict(date="3/2026"), "Ngày", "dd/mm/yyyy"),
    (dict(locality="phường Hoa Sen Tím"), "Địa phương mới", "không có “phường Hoa Sen Tím”"),
    (dict(locality="phường Tân An", province="", parent=""), "Địa phương mới", "có ở nhiều nơi"),
    (dict(locality="thị trấn Phú Mỹ", province=""), "Địa phương mới", "không còn từ 01/7/2025; nay thuộc xã Phú Tân"),
    (dict(locality=""), "Địa phương mới", "chưa nhập"),
    (dict(parent="thị xã Hương Thủy"), "Cấp trên", "thị xã Hương Thủy (thành phố Huế) không còn từ 01/7/2025; "
                                                 "nay thuộc thành phố Huế: phường"),
    (dict(period="2026/2030"), "Giai đoạn", "không phải giai đoạn"),
    (dict(number="15 / KH UBND"), "Số", "không phải số văn bản"),
    (dict(template="corpus/khong-co.txt"), "Kế hoạch mẫu", "không tìm thấy"),
])
def test_bad_input_gives_a_vietnamese_error_naming_the_field_and_no_file(holder, temp_dir, changes, field, words):
    note, preview, path = drafting.download(holder, *fields(**changes))
    assert path is None and preview == ""
    shown = html.unescape(note)
    assert "Không soạn được" in shown and f"{field}:" in shown and words in shown
    assert not list(temp_dir.rglob("*.docx"))
    assert drafting.preview(holder, *fields(**changes)) == (note, "")


def test_preview_escapes_document_html_and_links(tmp_path):
    from assistant.ingest.pipeline import read_plan

    source = tmp_path / "phuong-thu.txt"
    source.write_text(
        "ỦY BAN NHÂN DÂN\nPHƯỜNG SEN VÀNG\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSen Vàng, ngày 05 tháng 01 năm 2026\nKẾ HOẠCH\n"
        "Phát triển hạ tầng số phường Sen Vàng năm 2026\nI. MỤC TIÊU\n"
        "1. Tỷ lệ hộ gia đình có kết nối cáp quang đạt 98%.\nII. TỔ CHỨC THỰC HIỆN\n"
        "1. Công chức Văn hóa – Xã hội phường\n"
        "- Ghi chú <script>alert(1)</script><img src=x onerror=alert(2)> ![ảnh](https://evil.example/a.png) "
        "[bấm](javascript:alert(3)) chỉ là chữ.\n", encoding="utf-8")
    plan = read_plan(source)
    fake = SimpleNamespace(engine=SimpleNamespace(plans=[plan]), labels=lambda: {plan.source: "phường Sen Vàng"})
    note, preview = drafting.preview(fake, *fields(locality="phường Ninh Kiều", parent=""))
    assert "Ninh Kiều" in preview and "chỉ là chữ" in preview
    # whatever text reaches the draft (the loaders strip tags; the writer must not rely on it)
    from assistant.draft.model import Block, Segment

    result = drafting.make_draft([plan], drafting.DraftForm(locality="phường Ninh Kiều"))
    result.draft.body.append(Block("paragraph", [Segment(HOSTILE)]))
    result.draft.body.append(Block("paragraph", [Segment(HOSTILE, review=True)]))
    preview = drafting.preview_markdown(result.draft)
    lowered = preview.lower()
    assert "<script" not in lowered.replace("\\<script", "") and "<img" not in lowered.replace("\\<img", "")
    assert not re.search(r"(?<!\\)!\[", preview) and not re.search(r"(?<!\\)\]\(", preview)
    assert "&lt;script&gt;" in preview  # inside a highlighted review note: HTML entities


def test_the_app_has_the_drafting_tab(holder):
    from ui.app import build_app

    demo = build_app(holder)
    labels = [c.get("props", {}).get("label") for c in demo.config["components"]]
    assert "Soạn kế hoạch" in labels and "Địa phương mới" in labels and "Tệp dự thảo (.docx)" in labels
