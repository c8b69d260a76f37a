"""Quality on real public plans nobody on the team wrote (../shared/realplans, see
evals/realplans.py), reported per kind of question for each half of the documents (TUNE: the
product may be developed against them; MEASURE: looked at only as numbers) and for each author
of questions (starter set, separate author, blind author). Writes evals/realplans_report.md.

Floors (evals/realplans_thresholds.json) are regression guards set from measured values; the
issue's targets are reported beside them. Skipped, with the reason, where the folder is absent.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from evals import realplans
from evals.metrics import markdown_table

EVALS = Path(__file__).resolve().parent
REPORT = EVALS / "realplans_report.md"
THRESHOLDS = EVALS / "realplans_thresholds.json"


@pytest.fixture(scope="session")
def realplans_folder() -> Path:
    folder = realplans.realplans_dir()
    if not (folder / "questions.jsonl").is_file():
        pytest.skip(f"no real plans at {folder} (set ASSISTANT_REALPLANS): the real-plan evaluation needs them")
    return folder


@pytest.fixture(scope="session")
def realplans_engine(realplans_folder, tmp_path_factory):
    from assistant.engine import Engine

    index = tmp_path_factory.mktemp("realplans-index")
    started = time.perf_counter()
    result = realplans.build_index(index, realplans_folder)
    if not (index / "manifest.json").is_file():
        pytest.fail(f"the real plans could not be indexed: {result.stderr[-2000:]}")
    engine = Engine.open(index)
    engine.ingest_seconds = time.perf_counter() - started
    engine.ingest_failures = [line for line in result.stderr.splitlines() if line.startswith("assistant:")]
    return engine


@pytest.fixture(scope="session")
def realplans_rows(realplans_engine, realplans_folder):
    records = realplans.load_questions(realplans_folder)
    realplans_engine.embedder  # the model loads once, outside the timed questions
    return realplans.run(realplans_engine, records, realplans_folder)


def _cells(rows) -> dict:
    out = {}
    for half in ("tune", "measure"):
        for author in ("starter", "extra", "blind", "all"):
            subset = [r for r in rows if realplans.half_of(r.record["file"]) == half
                      and (author == "all" or r.record["author"] == author)]
            if subset or author == "all":
                out[(half, author)] = realplans.summarise(subset)
    return out


@pytest.fixture(scope="session")
def realplans_summary(realplans_rows, realplans_engine):
    cells = _cells(realplans_rows)
    thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    lines = ["# Real-plan evaluation", "",
             __doc__.split("\n\n")[0].replace("\n", " "), "",
             f"Index: corpus + real plans in {realplans_engine.ingest_seconds:.0f} s; "
             f"{len(realplans_engine.plans)} plans; files not ingested: {len(realplans_engine.ingest_failures)}", ""]
    lines += [f"- `{line}`" for line in realplans_engine.ingest_failures]
    overview = []
    for (half, author), s in cells.items():
        overview.append([half, author, str(s["n"]), realplans.fmt(s["cite@5"]), realplans.fmt(s["answer"]),
                         realplans.fmt(s["abstention"])])
    lines += ["", "## Overview", "", markdown_table(["half", "questions by", "n", "cite@5", "answer", "abstention"],
                                                   overview), ""]
    targets = thresholds["targets"]
    lines += [f"Targets (issue): cite@5 ≥ {targets['cite@5']}, answer ≥ {targets['answer']}, abstention ≥ "
              f"{targets['abstention']} on the tuned half, and within 0.05 of that on the other.", ""]
    for half in ("tune", "measure"):
        subset = [r for r in realplans_rows if realplans.half_of(r.record["file"]) == half]
        lines += [f"## Per kind — {half} half (all authors)", "", realplans.table(subset), ""]
    tune = [r for r in realplans_rows if realplans.half_of(r.record["file"]) == "tune"]
    lines += ["## Misses on the tuned half", "", *realplans.miss_lines(tune), ""]
    text = "\n".join(lines) + "\n"
    REPORT.write_text(text, encoding="utf-8")
    print("\n" + text)
    return cells, thresholds


def test_every_real_plan_is_ingested(realplans_engine, realplans_folder):
    names = {Path(p.source).name for p in realplans_engine.plans}
    wanted = set(realplans.TUNE) | set(realplans.MEASURE)
    missing = sorted(wanted - names)
    allowed = set(json.loads(THRESHOLDS.read_text(encoding="utf-8")).get("not_ingested_allowed", []))
    assert not set(missing) - allowed, f"real plans not ingested: {missing}"


def test_halves_cover_every_document(realplans_folder):
    files = {p.name for p in realplans_folder.iterdir() if p.suffix.lower() in {".md", ".pdf", ".docx", ".doc", ".txt"}
             and p.name != "SOURCES.md"}
    assert files == set(realplans.TUNE) | set(realplans.MEASURE)
    assert not set(realplans.TUNE) & set(realplans.MEASURE)


@pytest.mark.parametrize("half", ["tune", "measure"])
@pytest.mark.parametrize("metric", ["cite@5", "answer", "abstention"])
def test_real_plan_floor(realplans_summary, half, metric):
    cells, thresholds = realplans_summary
    value = cells[(half, "all")][metric]
    floor = thresholds["floors"][half][metric]
    print(f"\n{half} {metric}: {value:.3f} (floor {floor:.2f}, target {thresholds['targets'][metric]:.2f})")
    assert value >= floor, f"real plans, {half} half, {metric} regressed: {value:.3f} < floor {floor:.2f}"


# Questions that name their plan the way staff do; written for this test, not taken from the
# evaluation sets. The answer must come from that plan, and never as a comparison.
NAMED = [
    ("Kế hoạch 172/KH-UBND giao cơ quan nào chủ trì tập huấn, bồi dưỡng nghiệp vụ?", "tinh-ho-chi-minh-luat-viec-lam.md"),
    ("TP.HCM: kinh phí triển khai thi hành Luật Việc làm lấy từ nguồn nào?", "tinh-ho-chi-minh-luat-viec-lam.md"),
    ("Sở Công Thương Lào Cai giao phòng nào chủ trì phát triển các khu, cụm công nghiệp?",
     "so-lao-cai-de-an-08-cong-nghiep.docx"),
    ("Kế hoạch quan trắc môi trường nuôi trồng thủy sản có kinh phí mỗi năm bao nhiêu?", "tinh-dak-lak-quan-trac-thuy-san.md"),
    ("QĐ 1627 do ai ký?", "tinh-quang-ngai-kiem-ke-tai-san-cong.md"),
    ("Festival Thăng Long 2026: bế mạc tổ chức ở đâu?", "tinh-ha-noi-festival-thang-long.pdf"),
]


@pytest.mark.parametrize("question,file", NAMED)
def test_question_names_its_plan(realplans_engine, question, file):
    answer = realplans_engine.ask(question)
    assert answer.grounded, answer.answer
    assert Path(answer.citations[0].source).name == file, (answer.answer, [c.source for c in answer.citations])
    assert not answer.answer.startswith(("So sánh", "Comparison")), answer.answer
