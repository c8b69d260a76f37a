"""Web app, without a browser: rendering (escaping, footnotes, highlights), upload checks, the
tables behind the responsibilities / targets / documents tabs, uploads and removals against a
copy of the index, and the `/ask` endpoint through gradio_client on a live local server."""
from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

import assistant  # noqa: F401  (offline environment first)
from assistant.engine import Answer, Citation
from ui import chart, render, tables, uploads

REPO = Path(__file__).resolve().parents[1]

SCRIPT_CLAUSE = ('Báo cáo <script>alert("x")</script> trước ngày 10/12 ![ảnh](https://evil.example/a.png) '
                 '<img src=x onerror=alert(1)>')


def citation(text: str, source: str = "corpus/xa-a.txt", clause: str = "V.1.a",
             path=("V. TỔ CHỨC THỰC HIỆN", "1. Công chức Văn hóa – Xã hội")) -> Citation:
    return Citation(source, clause, list(path), text, 0.5)


# -- rendering -----------------------------------------------------------------------------------
def test_clause_text_is_escaped_so_script_stays_text():
    answer = Answer("Ai báo cáo?", "Công chức: báo cáo <script>alert(1)</script> trước ngày 10/12 [1].", True,
                    [citation(SCRIPT_CLAUSE)])
    html = render.render_answer_html(answer, {"corpus/xa-a.txt": "xã <b>A</b>"})
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>A" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html
    assert "![" not in html and "](" not in html  # no markdown image syntax survives
    assert "\n" not in html  # one HTML block: the markdown renderer does not touch it


def test_escape_text_neutralises_html_and_markdown():
    escaped = render.escape_text('<a href="x">[link](http://e.x) *b* `c` $$x$$ & é\nnext')
    for raw in ("<a", "[link]", "](", "*b*", "`c`", "$$"):
        assert raw not in escaped
    assert "&amp;" in escaped and "é" in escaped and "<br>" in escaped


def test_answer_has_numbered_footnotes_with_plan_clause_and_path():
    answer = Answer("q", "Phòng A: báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm [1]. Xã B: gửi [2].", True,
                    [citation("Tổng hợp, báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm."),
                     citation("Gửi báo cáo.", source="corpus/xa-b.txt", clause="VII.2")])
    html = render.render_answer_html(answer, {"corpus/xa-a.txt": "thị xã A", "corpus/xa-b.txt": "xã B"})
    assert html.count("<details") == 2
    assert '<sup class="cite-ref">[1]</sup>' in html and '<sup class="cite-ref">[2]</sup>' in html
    first = html[html.index("<details"):html.index("</details>")]
    assert "[1]" in first and "thị xã A" in first and "V.1.a" in first
    assert "V. TỔ CHỨC THỰC HIỆN › 1. Công chức Văn hóa – Xã hội" in first
    assert "<mark>báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm</mark>" in first


def test_list_answers_and_not_grounded_answers():
    listed = Answer("q", "Nhiệm vụ:\n- Chủ trì [1]\n- Phối hợp [2]", True,
                    [citation("Chủ trì."), citation("Phối hợp.", clause="V.1.b")])
    html = render.render_answer_html(listed, {})
    assert html.count("<li>") == 2 and "<ul>" in html
    missing = Answer("q", "Không tìm thấy thông tin này trong các kế hoạch.", False, [citation("Gần giống.")])
    html = render.render_answer_html(missing, {})
    assert "not-grounded" in html and "tham khảo" in html and "<mark>" not in html


def test_highlight_spans_follow_the_answer_words():
    clause = "a) Chủ trì, phối hợp; định kỳ hàng năm trước ngày 10/12, báo cáo UBND thành phố về kết quả."
    spans = render.highlight_spans(clause, "Công chức: định kỳ hàng năm trước ngày 10/12, báo cáo UBND thành phố ")
    marked = [clause[s:e] for s, e in spans]
    assert marked == ["định kỳ hàng năm trước ngày 10/12, báo cáo UBND thành phố"]
    assert render.highlight_spans(clause, "xyz") == []


def test_plain_text_and_markdown_carry_the_citations():
    answer = Answer("Ai báo cáo?", "Phòng A báo cáo <b>UBND</b> [1].", True, [citation("Báo cáo <b>UBND</b>.")])
    text = render.render_answer_text(answer, {"corpus/xa-a.txt": "xã A"})
    assert "Trả lời: Phòng A báo cáo <b>UBND</b> [1]." in text
    assert "[1] xã A (tệp xa-a.txt), điều khoản V.1.a" in text
    markdown = render.render_answer_markdown(answer, {"corpus/xa-a.txt": "xã A"})
    assert markdown.startswith("Phòng A báo cáo \\<b\\>UBND\\</b\\> [1].")
    assert "- [1] **xã A** · `xa-a.txt` · điều khoản V.1.a" in markdown and "  > Báo cáo" in markdown
    assert "corpus/" not in text and "corpus/" not in markdown  # file names, never folders


def test_follow_up_reading_and_plan_facts_show_in_the_answer():
    answer = Answer("q", "Phòng A báo cáo [1].", True, [citation("Báo cáo.", source="/srv/uploads/Kế-hoạch-xã-A.pdf")])
    labels = {"/srv/uploads/Kế-hoạch-xã-A.pdf": "xã A"}
    notes = {"/srv/uploads/Kế-hoạch-xã-A.pdf": ("Kế hoạch số 12/KH-UBND ngày 05/01/2026 · tệp Kế-hoạch-xã-A.pdf",
                                                render.SCAN_OCR)}
    html = render.render_answer_html(answer, labels, notes, "Hiểu là: Ai báo cáo (xã A)?")
    assert html.index('<p class="reading">Hiểu là: Ai báo cáo &#40;xã A&#41;?</p>') < html.index("Phòng A")
    assert "Kế hoạch số 12/KH-UBND ngày 05/01/2026" in html and "scan-badge" in html and "OCR" in html
    assert "/srv/uploads" not in html
    markdown = render.render_answer_markdown(answer, labels, notes, "Hiểu là: Ai báo cáo (xã A)?")
    assert markdown.startswith("*Hiểu là:") and "/srv/" not in markdown and "OCR" in markdown
    # an answer that names a plan by its path shows the plan's label instead
    pathy = Answer("q", "Theo kế hoạch của /srv/uploads/Kế-hoạch-xã-A.pdf: Phòng A [1].", True, answer.citations)
    assert "/srv/" not in render.render_answer_html(pathy, labels, notes)


def test_scan_notes_from_the_ocr_flag_or_lost_diacritics(plans):
    assert render.scan_note(plans["phu_son"]) == render.SCAN_UNACCENTED
    assert render.scan_note(plans["long_my"]) == ""
    flagged = SimpleNamespace(metadata=SimpleNamespace(from_ocr=True), clauses=[])
    assert render.scan_note(flagged) == render.SCAN_OCR
    english = SimpleNamespace(metadata=SimpleNamespace(from_ocr=False), clauses=[SimpleNamespace(
        text="The commune reports to the district people's committee before 10 December every year. " * 8)])
    assert render.scan_note(english) == ""  # English, not Vietnamese that lost its marks
    frame = tables.plans_frame([plans["phu_son"], plans["long_my"]], {}, lambda s: False)
    assert sorted(frame["Nguồn"]) == ["Kho có sẵn", "Kho có sẵn · bản scan"]


def test_plan_labels_disambiguate_same_locality():
    plan = lambda source, locality: SimpleNamespace(source=source, metadata=SimpleNamespace(locality=locality))
    labels = render.plan_labels([plan("corpus/a.txt", "xã A"), plan("uploads/a2.txt", "xã A"), plan("x/b.md", ""),
                                 plan("/srv/uploads/Kế-hoạch-VSMT-xã-Cư_Yên.pdf", "")])
    assert labels == {"corpus/a.txt": "xã A (a.txt)", "uploads/a2.txt": "xã A (a2.txt)", "x/b.md": "b",
                      "/srv/uploads/Kế-hoạch-VSMT-xã-Cư_Yên.pdf": "Kế hoạch VSMT xã Cư Yên"}
    titled = SimpleNamespace(source="/srv/uploads/x.pdf",
                             metadata=SimpleNamespace(locality="", title="Kế hoạch vệ sinh môi trường"))
    assert render.plan_labels([titled]) == {"/srv/uploads/x.pdf": "Kế hoạch vệ sinh môi trường"}


# -- upload checks -------------------------------------------------------------------------------
def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def rejected(path: Path, name: str, max_bytes: int = 50 * 1024 * 1024) -> str:
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.check_file(path, name, max_bytes)
    assert caught.value.name == name
    return caught.value.reason


def test_upload_empty_file(tmp_path):
    assert "tệp trống" in rejected(write(tmp_path, "trong.txt", b""), "trong.txt")
    assert "tệp trống" in rejected(write(tmp_path, "cach.txt", b" \n\n  "), "cach.txt")


def test_upload_binary_file(tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert "nhị phân" in rejected(write(tmp_path, "anh.txt", data), "anh.txt")


def test_upload_oversized_file(tmp_path, monkeypatch):
    path = write(tmp_path, "lon.txt", "Kế hoạch ".encode() * 200)
    reason = rejected(path, "lon.txt", max_bytes=1024)
    assert "quá lớn" in reason and "giới hạn" in reason
    monkeypatch.setenv("ASSISTANT_UPLOAD_MAX_MB", "0,001")
    assert uploads.max_upload_bytes() == int(0.001 * 1024 * 1024)
    assert "quá lớn" in rejected(path, "lon.txt", max_bytes=uploads.max_upload_bytes())
    monkeypatch.delenv("ASSISTANT_UPLOAD_MAX_MB")
    assert uploads.max_upload_bytes() == 50 * 1024 * 1024


def test_upload_unsupported_type(tmp_path):
    reason = rejected(write(tmp_path, "virus.exe", b"MZ\x90\x00"), "virus.exe")
    assert "“.exe” không được hỗ trợ" in reason and ".docx" in reason
    assert "không có phần mở rộng" in rejected(write(tmp_path, "README", b"abc"), "README")
    assert "PDF" in rejected(write(tmp_path, "gia.pdf", b"not a pdf"), "gia.pdf")
    assert ".docx" in rejected(write(tmp_path, "gia.docx", b"not a zip"), "gia.docx")


@pytest.mark.parametrize("name", ["../../etc/ke-hoach.txt", "..\\..\\ke-hoach.txt", "a/../../b.txt", "../x.md"])
def test_upload_name_with_parent_path_is_refused(tmp_path, name):
    path = write(tmp_path, "ok.txt", "KẾ HOẠCH\nI. TỔ CHỨC THỰC HIỆN\n".encode())
    assert "../" in rejected(path, name)


def test_safe_names_stay_inside_the_upload_folder(tmp_path):
    assert uploads.safe_name("Kế hoạch phường Hòa An 2025.TXT") == "Kế-hoạch-phường-Hòa-An-2025.txt"
    assert uploads.safe_name("/etc/passwd.txt") == "passwd.txt"
    assert uploads.safe_name("C:\\Users\\a\\kh;rm -rf.md") == "kh_rm--rf.md"
    assert uploads.safe_name(".hidden.txt") == "hidden.txt"
    assert uploads.safe_name("....txt") == "tai-len.txt"
    folder = tmp_path / "uploads"
    assert uploads.destination(folder, "a.txt") == (folder / "a.txt").resolve()
    for bad in ("../a.txt", "sub/a.txt", ".."):
        with pytest.raises(uploads.UploadRejected):
            uploads.destination(folder, bad)


def test_loader_errors_become_vietnamese_reasons(tmp_path):
    path = tmp_path / "x.pdf"
    assert uploads.load_error_reason(f"{path}: no text layer and no page images (blank PDF?)", path).startswith(
        "PDF không có chữ")
    missing = f"{path}: OCR of scans and images needs the program 'tesseract', which is not installed " \
              f"(Debian package tesseract-ocr; run `make setup` as root)"
    assert "tesseract-ocr" in uploads.load_error_reason(missing, path)
    assert uploads.load_error_reason(f"{path}: empty file", path) == "tệp trống (không có chữ)"
    reason = uploads.load_error_reason(f"{path}: something new", path)
    assert str(path) not in reason and "something new" in reason


# -- tables --------------------------------------------------------------------------------------
def obligation(source="corpus/a.txt", actor="Công chức VH-XH", deadline="", **extra):
    fields = dict(source=source, clause="V.1", actor=actor, role="báo cáo", action="báo cáo kết quả",
                  recipient="UBND xã", via="", deadline=deadline, frequency="", text="")
    fields.update(extra)
    return SimpleNamespace(**fields)


def test_deadlines_sort_in_calendar_order_undated_last():
    rows = [obligation(deadline=""), obligation(deadline="trước ngày 10 tháng 12 hằng năm"),
            obligation(deadline="trước ngày 15/6"), obligation(deadline="trước ngày 10 tháng cuối quý"),
            obligation(deadline="trước ngày 5/12/2025"), obligation(deadline="x", deadline_day=1, deadline_month=2)]
    ordered = [o.deadline for o in tables.filter_obligations(rows)]
    assert ordered == ["x", "trước ngày 10 tháng cuối quý", "trước ngày 15/6", "trước ngày 5/12/2025",
                       "trước ngày 10 tháng 12 hằng năm", ""]


def test_obligations_filter_by_plan_and_actor_and_export_csv():
    rows = [obligation("corpus/a.txt", "Phòng A"), obligation("corpus/b.txt", "Phòng B"),
            obligation("corpus/b.txt", "Phòng A")]
    assert len(tables.filter_obligations(rows, plan="corpus/b.txt")) == 2
    assert len(tables.filter_obligations(rows, plan="corpus/b.txt", actor="Phòng A")) == 1
    assert tables.actors(rows, "corpus/a.txt") == ["Phòng A"]
    frame = tables.obligations_frame(rows, {"corpus/a.txt": "xã A"})
    assert list(frame.columns) == tables.OBLIGATION_COLUMNS and frame.iloc[0]["Kế hoạch"] == "xã A"
    path = tables.write_csv(frame, "t.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and "Đơn vị thực hiện" in path.read_text("utf-8-sig")


def test_numbers_and_indicators_for_the_chart():
    assert tables.parse_number("37,7") == 37.7 and tables.parse_number("1.000") == 1000
    assert tables.parse_number("95") == 95 and tables.parse_number("02 đến 04") is None
    target = lambda source, indicator, value, year, comparator="", label="": SimpleNamespace(
        source=source, clause="II.1", indicator=indicator, value=value, unit="%", year=year, comparator=comparator,
        period_label=label or f"Năm {year}")
    targets = [target("a", "Tỷ lệ hộ có cáp quang", "80", "2025"),
               target("b", "Tỷ lệ hộ có cáp quang:", "71,43", "2025", "tối thiểu"),
               target("b", "Tỷ lệ hộ có cáp quang", "53", "2022", label="Thực hiện năm 2022"),
               target("b", "Tỷ lệ hộ có cáp quang", "90", "2030", ">"), target("a", "Số trạm BTS", "Có", "2025")]
    choices = tables.indicator_choices(targets)
    assert len(choices) == 1 and choices[0][0] == "Tỷ lệ hộ có cáp quang (2 kế hoạch)"
    bars = chart.chart_bars(targets, {"a": "xã A", "b": "xã B"}, choices[0][1])
    assert [(b.plan, b.label, b.value, b.shown) for b in bars] == [
        ("xã A", "Mục tiêu 2025", 80.0, "80 %"),
        ("xã B", "Thực hiện 2022", 53.0, "53 %"),  # an actual figure, told apart from the targets
        ("xã B", "Mục tiêu 2025", 71.43, "≥71,43 %"),  # signs kept
        ("xã B", "Mục tiêu 2030", 90.0, ">90 %")]
    html = chart.chart_html(bars, choices[0][0])
    assert html.count('class="tchart-row actual"') == 1 and html.count('class="tchart-row target"') == 3
    assert "&gt;90 %" in html and "≥71,43 %" in html and "Tỷ lệ hộ có cáp quang &#40;2 kế hoạch&#41;" in html


def test_chart_aligns_indicators_across_plans_on_the_corpus(plans):
    """The same indicator under an abbreviation in one plan and written out in another lines up:
    "Số thuê bao BRCD/100 dân" (Phú Mỹ) and "Số thuê bao băng rộng cố định/100 dân" (Mường Lay)."""
    from assistant.extract import extract_targets

    found = [t for plan in plans.values() for t in extract_targets(plan)]
    assert chart.indicator_key("Số thuê bao BRCD/100 dân") == chart.indicator_key("Số thuê bao băng rộng cố định/100 dân")
    assert chart.indicator_key("Tốc độ BRDD") == chart.indicator_key("tốc độ băng rộng di động")
    labels = {plan.source: plan.metadata.locality for plan in plans.values()}
    key = chart.indicator_key("Số thuê bao băng rộng cố định/100 dân")
    bars = chart.chart_bars(found, labels, key)
    assert {b.plan for b in bars} == {"thị trấn Phú Mỹ", "thị xã Mường Lay"}
    muong_lay = [(b.label, b.shown) for b in bars if b.plan == "thị xã Mường Lay"]
    assert ("Thực hiện 2022", "6 thuê bao/100 dân") in muong_lay
    assert ("Mục tiêu 2030", ">20 thuê bao/100 dân") in muong_lay
    choices = dict((k, n) for n, k in tables.indicator_choices(found))
    assert choices[key].endswith("(2 kế hoạch)") and "BRCD" not in choices[key]
    smart = chart.chart_bars(found, labels, chart.indicator_key("Tỷ lệ dân số trưởng thành có điện thoại thông minh"))
    assert ("thị xã Mường Lay", "Mục tiêu 2030", ">90 %") in {(b.plan, b.label, b.shown) for b in smart}


def test_table_search_ignores_diacritics_and_case():
    frame = tables.obligations_frame([obligation(actor="Phòng Văn hóa"), obligation(actor="Công an xã")], {})
    assert list(tables.search_frame(frame, "phong van hoa")["Đơn vị thực hiện"]) == ["Phòng Văn hóa"]
    assert len(tables.search_frame(frame, "")) == 2 and tables.search_frame(frame, "không có").empty


def test_corpus_extraction_and_calendar_export():
    from assistant.ingest.pipeline import read_plan

    plans = [read_plan(path) for path in sorted((REPO / "corpus").glob("*.txt"))]
    data = tables.extract_all(plans)
    if data.error:
        pytest.skip(data.error)
    assert data.obligations and data.targets and not data.warnings
    if data.to_ics is not None:
        ics = tables.write_ics(tables.filter_obligations(data.obligations), data.to_ics, 5).read_bytes()
        assert ics.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in ics and b"TRIGGER:-P5D" in ics
        undated = [o for o in data.obligations if not o.deadline_day]
        assert tables.write_ics(undated, data.to_ics) is None  # nothing to put in a calendar: no download
    again = tables.write_csv(tables.obligations_frame(data.obligations, {}), "a.csv")
    assert again == tables.write_csv(tables.obligations_frame(data.obligations, {}), "a.csv")  # reused


def test_missing_extractors_give_a_vietnamese_message(monkeypatch):
    def missing(name, *args, **kwargs):
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)

    monkeypatch.setattr(tables.importlib, "import_module", missing)
    data = tables.extract_all([])
    assert data.error == tables.EXTRACT_MISSING and not data.obligations


def test_plans_table_shows_metadata():
    from assistant.ingest.pipeline import read_plan

    plan = read_plan(REPO / "corpus" / "thi-xa-muong-lay.txt")
    frame = tables.plans_frame([plan], {plan.source: "thị xã Mường Lay"}, lambda s: False)
    row = frame.iloc[0]
    assert row["Số hiệu"] == "2855/KH-UBND" and row["Ngày ban hành"] == "20/11/2023"
    assert "Chui Văn Thành" in row["Người ký"] and "4734/KH-UBND" in row["Căn cứ"] and row["Nguồn"] == "Kho có sẵn"
    html = render.render_plan_details(plan, "thị xã Mường Lay", False)
    assert "Căn cứ / thực hiện" in html and "Nơi nhận" in html


# -- uploads and removals against a copy of the index (needs the model) ---------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedder():
    from assistant.retrieval.embedder import Embedder, EmbedderUnavailable

    try:
        model = Embedder()
        model.embed_queries(["thử"])
    except EmbedderUnavailable as error:
        pytest.skip(f"embedding model unavailable: {error}")
    return model


@pytest.fixture
def index_copy(tmp_path, embedder, corpus_index) -> Path:
    return Path(shutil.copytree(corpus_index, tmp_path / "index"))


@pytest.fixture
def holder(index_copy, embedder, tmp_path, monkeypatch):
    from assistant.engine import Engine
    from ui.state import EngineHolder

    monkeypatch.setenv("ASSISTANT_UPLOAD_DIR", str(tmp_path / "uploads"))
    return EngineHolder(lambda: Engine.open(index_copy, embedder=embedder))


NEW_PLAN = """ỦY BAN NHÂN DÂN
PHƯỜNG HOA SEN THỬ NGHIỆM
Số: 77/KH-UBND
KẾ HOẠCH
Phát triển hạ tầng số phường Hoa Sen Thử Nghiệm năm 2026
I. MỤC TIÊU
1. Tỷ lệ hộ gia đình có cáp quang đạt 97%.
II. TỔ CHỨC THỰC HIỆN
1. Tổ công nghệ số phường Hoa Sen Thử Nghiệm
- Định kỳ hằng quý báo cáo UBND phường kết quả lắp đặt trạm thu phát sóng lưu động trước ngày 25 tháng cuối quý.
"""


def manifest(index: Path) -> dict:
    return json.loads((index / "manifest.json").read_text("utf-8"))


def test_bad_uploads_change_nothing(holder, index_copy, tmp_path):
    from ui.app import process_uploads

    before = manifest(index_copy)
    files = [write(tmp_path, "trong.txt", b""), write(tmp_path, "x.exe", b"MZ"),
             write(tmp_path, "bin.md", b"\x00\x01\x02" * 100), write(tmp_path, "scan.pdf", b"%PDF-1.4\n%%EOF")]
    results = process_uploads(holder, [str(f) for f in files], tmp_path / "uploads")
    assert [status for status, _, _ in results] == ["err"] * 4
    assert [name for _, name, _ in results] == ["trong.txt", "x.exe", "bin.md", "scan.pdf"]
    assert manifest(index_copy) == before and holder.generation == 0
    assert not any((tmp_path / "uploads").glob("*"))


def test_upload_is_searchable_at_once_then_removable(holder, index_copy, tmp_path):
    from ui.app import process_uploads, remove_plan

    folder = tmp_path / "uploads"
    before = set(manifest(index_copy)["plans"])
    # The app's engine before the upload: every plan file read, or none when the copied index
    # already holds a saved base (BM25 and clause columns) for them.
    assert holder.engine.plans_read in (0, len(before))
    path = write(tmp_path, "kế hoạch hoa sen.txt", NEW_PLAN.encode())
    steps = []
    results = process_uploads(holder, [str(path)], folder, progress=lambda f, desc: steps.append((f, desc)))
    assert results[0][0] == "ok", results
    assert steps[-1] == (1.0, "Xong") and all(0 <= f <= 1 for f, _ in steps)
    stored = folder / "kế-hoạch-hoa-sen.txt"
    assert stored.is_file()
    after = set(manifest(index_copy)["plans"])
    assert before < after and len(after - before) == 1
    assert holder.engine.plans_read == 1  # the reload read the new plan's file only
    answer = holder.engine.ask("Tổ công nghệ số phường Hoa Sen Thử Nghiệm báo cáo trước ngày nào?")
    assert answer.grounded and any("Hoa Sen" in " ".join(c.path) + c.text for c in answer.citations)
    assert "25 tháng cuối quý" in answer.answer

    again = process_uploads(holder, [str(path)], folder)  # same content again: nothing changes
    assert again[0][0] == "ok" and "không đổi" in again[0][2]

    corpus_source = next(p.source for p in holder.engine.plans if p.source.startswith("corpus/"))
    assert "Không xoá" in remove_plan(holder, corpus_source, folder)
    new_source = (after - before).pop()
    assert "Đã xoá" in remove_plan(holder, new_source, folder)
    assert set(manifest(index_copy)["plans"]) == before and not stored.exists()
    assert all(p.source != new_source for p in holder.engine.plans)
    assert holder.engine.plans_read == 0  # a removal reads no plan file


# -- live server: page without external URLs, /ask through gradio_client --------------------------
@pytest.fixture(scope="module")
def live_app(tmp_path_factory, embedder, corpus_index):
    from assistant.engine import Engine
    from ui.app import build_app

    index = Path(shutil.copytree(corpus_index, tmp_path_factory.mktemp("live") / "index"))
    demo = build_app(lambda: Engine.open(index, embedder=embedder))
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port)
    yield demo, f"http://127.0.0.1:{port}/"
    demo.close()


def test_page_references_no_external_url(live_app):
    import httpx

    _, url = live_app
    page = httpx.get(url, timeout=30).text
    assert "Trợ lý kế hoạch địa phương" in page
    assert '<html\n\tlang="vi"' in page or 'lang="vi"' in page.split(">", 1)[0]
    for external in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com", "cdnjs", "googletagmanager"):
        assert external not in page, external
    theme = httpx.get(url + "theme.css", timeout=30)
    if theme.status_code == 200:
        assert "googleapis" not in theme.text and "@import url(http" not in theme.text
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=\"https?://(?!127\.0\.0\.1)", page)


def test_ask_endpoint_through_gradio_client(live_app):
    from gradio_client import Client

    _, url = live_app
    client = Client(url, verbose=False)
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    result = client.predict("Ai báo cáo UBND thị xã, trước ngày nào?", api_name="/ask")
    assert "[1]" in result and "**Trích dẫn:**" in result
    assert "thi-xa-muong-lay.txt" in result and "10 tháng 12" in result
    unaccented = client.predict("ai bao cao ubnd thi xa truoc ngay nao", api_name="/ask")
    assert "[1]" in unaccented and "10 tháng 12" in unaccented
    scoped = client.predict("Ai ký kế hoạch?", "Tịnh Thiện", api_name="/ask")
    assert "Đào Duy Phúc" in scoped and "xa-tinh-thien.txt" in scoped
    with pytest.raises(Exception, match="trống"):
        client.predict("   ", api_name="/ask")
    followed = client.predict("còn xã Tịnh Thiện thì sao?", "", ["Ai ký kế hoạch của thị xã Mường Lay?"],
                              api_name="/ask")
    assert followed.startswith("*Hiểu là: Ai ký kế hoạch của xã Tịnh Thiện?*") and "Đào Duy Phúc" in followed
    alone = client.predict("còn xã Tịnh Thiện thì sao?", api_name="/ask")  # no history: no reading
    assert "Hiểu là" not in alone
    assert client.predict(api_name="/status") == {"ready": True, "plans": 5}


# -- serving -------------------------------------------------------------------------------------
def test_host_and_port_from_environment(monkeypatch):
    from ui.app import DEFAULT_HOST, DEFAULT_PORT, _env_or

    monkeypatch.setenv("ASSISTANT_HOST", "0.0.0.0")
    monkeypatch.setenv("ASSISTANT_PORT", "8123")
    assert _env_or(DEFAULT_HOST, DEFAULT_HOST, "ASSISTANT_HOST") == "0.0.0.0"
    assert _env_or(DEFAULT_PORT, DEFAULT_PORT, "ASSISTANT_PORT", int) == 8123
    assert _env_or(9000, DEFAULT_PORT, "ASSISTANT_PORT", int) == 9000  # an explicit --port wins
    monkeypatch.setenv("ASSISTANT_PORT", "abc")
    assert _env_or(DEFAULT_PORT, DEFAULT_PORT, "ASSISTANT_PORT", int) == DEFAULT_PORT


def test_serve_without_index_fails_with_a_message(tmp_path, capsys):
    from ui.app import serve

    assert serve(tmp_path / "missing") == 1
    assert "no index here" in capsys.readouterr().err


def test_launch_defaults_are_offline_friendly(monkeypatch):
    import gradio as gr

    from ui.app import THEME, AssistantBlocks

    assert all("Google" not in type(f).__name__ for f in (*THEME._font, *THEME._font_mono))
    captured = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, *args, **kwargs: captured.update(kwargs))
    AssistantBlocks().launch(server_port=1)
    assert captured["theme"] is THEME and captured["footer_links"] == [] and captured["share"] is False
    assert "changeLocale" in captured["head"] and captured["i18n"].translations["vi"]["upload_text"]["drop_file"]
    assert captured["mcp_server"] is False and captured["run_history"] is False and captured["server_port"] == 1
