"""`assistant ingest` and `assistant clauses` as a user runs them: idempotence, bad input."""
from __future__ import annotations

import json
import shutil

from tests.conftest import CORPUS, run_cli


def test_clauses_json_lines_follow_the_contract():
    result = run_cli("clauses", str(CORPUS / "xa-tinh-thien.txt"), "--json", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"source", "id", "path", "kind", "text"} <= set(rows[0])
    assert rows[0]["source"] == "corpus/xa-tinh-thien.txt"
    by_id = {r["id"]: r for r in rows}
    assert by_id["VII.3-1"]["path"] == ["VII. TỔ CHỨC THỰC HIỆN", "3. Công chức Tài chính – Kế toán xã"]


def test_second_ingest_reports_nothing_to_do(corpus_index):
    result = run_cli("ingest", str(CORPUS), "--index", str(corpus_index), "--quiet", check=True)
    assert result.stdout.startswith("nothing to do")
    manifest = json.loads((corpus_index / "manifest.json").read_text())
    assert len(manifest["plans"]) == 5


def test_bad_files_fail_clearly_and_leave_the_index_untouched(corpus_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    before = (index / "manifest.json").read_text()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>\ntruncated")
    (bad / "notes.xyz").write_text("x")
    good = bad / "phuong-moi.txt"
    good.write_text("KẾ HOẠCH\n\nI. TỔ CHỨC THỰC HIỆN\n\n1. Công chức Văn hóa – Xã hội phường\n\n"
                    "- Báo cáo UBND phường trước ngày 05/12 hằng năm.\n", encoding="utf-8")
    result = run_cli("ingest", str(bad / "empty.txt"), str(bad / "binary.txt"), str(bad / "broken.pdf"),
                     str(bad / "notes.xyz"), str(good), "--index", str(index), "--quiet")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("assistant:")]
    assert len(lines) == 4
    assert any("empty.txt" in line and "empty" in line for line in lines)
    assert any("binary.txt" in line and "binary" in line for line in lines)
    assert any("broken.pdf" in line and "PDF" in line for line in lines)
    assert any("notes.xyz" in line and "unsupported" in line for line in lines)
    manifest = json.loads((index / "manifest.json").read_text())
    assert len(manifest["plans"]) == 6  # the five plans kept, the good file added
    assert json.loads(before)["plans"].items() <= manifest["plans"].items()


def test_changed_file_replaces_its_clauses_and_prune_drops_removed(corpus_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    docs = tmp_path / "docs"
    docs.mkdir()
    plan = docs / "xa-thu.txt"
    plan.write_text("KẾ HOẠCH\n\nI. MỤC TIÊU\n\n- Phủ sóng 5G đạt 50%.\n", encoding="utf-8")
    run_cli("ingest", str(plan), "--index", str(index), "--quiet", check=True)
    plan.write_text("KẾ HOẠCH\n\nI. MỤC TIÊU\n\n- Phủ sóng 5G đạt 70%.\n\n- Cáp quang đạt 90%.\n", encoding="utf-8")
    result = run_cli("ingest", str(plan), "--index", str(index), "--quiet", check=True)
    assert result.stdout.startswith("0 added, 1 updated")
    key = json.loads((index / "manifest.json").read_text())["plans"][str(plan)]["key"]
    stored = json.loads((index / "plans" / f"{key}.json").read_text())
    assert [c["text"] for c in stored["clauses"]][-2:] == ["Phủ sóng 5G đạt 70%.", "Cáp quang đạt 90%."]
    # --prune drops only plans that came from the folders given (issue 18): not this one from docs/...
    result = run_cli("ingest", str(CORPUS), "--index", str(index), "--prune", "--quiet", check=True)
    assert "0 removed" in result.stdout and str(plan) in json.loads((index / "manifest.json").read_text())["plans"]
    plan.unlink()  # ...until its own folder is pruned without it
    result = run_cli("ingest", str(docs), "--index", str(index), "--prune", "--quiet", check=True)
    assert "1 removed" in result.stdout
    assert str(plan) not in json.loads((index / "manifest.json").read_text())["plans"]


def test_missing_index_is_a_clear_error(tmp_path):
    result = run_cli("ask", "--index", str(tmp_path / "none"), "Ai báo cáo?")
    assert result.returncode != 0 and "no index" in result.stderr and "Traceback" not in result.stderr


def test_ingest_leaves_nothing_for_the_first_question_to_build(tmp_path):
    """The first `assistant ask` after an ingest costs what a later one does: the ingest has saved
    BM25 and the query vocabulary (built otherwise by that first question, ~1 s)."""
    plan = tmp_path / "xa-moi.txt"
    plan.write_text("KẾ HOẠCH\n\nI. TỔ CHỨC THỰC HIỆN\n\n1. Công chức Văn hóa – Xã hội xã\n\n"
                    "- Báo cáo UBND xã trước ngày 05/12 hằng năm.\n", encoding="utf-8")
    index = tmp_path / "index"
    run_cli("ingest", str(plan), "--index", str(index), "--quiet", check=True)
    assert any((index / "lexical").iterdir())
    assert [p for p in index.iterdir() if p.name.startswith("query-vocab-")]
