"""Evaluation on real public plans that nobody on the team wrote (`../shared/realplans/`).

The documents are read from that folder at test time and never copied into the repository. Their
questions come from three authors: the starter set shipped beside the documents
(`questions.jsonl`), `evals/realplans_extra.jsonl`, written by a separate author from reading
the documents only, and `evals/realplans_blind.jsonl`, written later the same way on the TUNE
documents only (90 questions, 36 unanswerable), to tell how much of the TUNE numbers came from
tuning to their questions rather than to their documents. Both use the same format: `file` names the document, `must_cite` strings (folded)
must appear in one of the first five citations of that document, every group of `answer_must`
alternatives must be met by the folded answer, no `answer_must_not` may appear.

The documents are split in two halves fixed here: TUNE (the product may be developed against them)
and MEASURE (looked at only as numbers). Both are reported; the gap is the honest estimate of how
the product does on plans it has never seen.

    .venv/bin/python -m evals.realplans [--index DIR] [--half tune|measure|all] [--misses]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVALS = REPO / "evals"
EXTRA = EVALS / "realplans_extra.jsonl"
BLIND = EVALS / "realplans_blind.jsonl"


def realplans_dir() -> Path:
    return Path(os.environ.get("ASSISTANT_REALPLANS", REPO.parent / "shared" / "realplans")).resolve()


# Stratified by format and level so each half has md crawls, PDFs with a text layer, scans,
# docx, .doc and a decision with an attached plan. Chosen before any tuning; never moved.
TUNE = (
    "tinh-ho-chi-minh-luat-viec-lam.md",
    "tinh-can-tho-chi-tra-khong-tien-mat.md",
    "tinh-dak-lak-quan-trac-thuy-san.md",
    "tinh-dong-nai-kinh-te-so-xa-hoi-so.md",
    "tinh-quang-ngai-kiem-ke-tai-san-cong.md",
    "tinh-ha-noi-festival-thang-long.pdf",
    "tinh-quang-ngai-ket-luan-co-phan-hoa.pdf",
    "tinh-quang-ngai-an-toan-cau-mua-bao-scan.pdf",
    "so-lao-cai-nghiem-thu-kho-vlncn.pdf",
    "so-lao-cai-de-an-08-cong-nghiep.docx",
    "tinh-lam-dong-ket-luan-cao-toc.docx",
    "tinh-binh-duong-khcn-co-so.doc",
    "so-lao-cai-kiem-tra-vlncn.txt",
)
MEASURE = (
    "tinh-can-tho-truyen-thong-giam-ngheo.md",
    "tinh-nghe-an-5g-iot-khu-cong-nghiep.md",
    "tinh-dong-thap-chuyen-doi-so-giao-thong.md",
    "tinh-ca-mau-tai-chinh-ngan-sach-3-nam.md",
    "tinh-ha-noi-thoat-nuoc-mua-mua.pdf",
    "phuong-sa-dec-ban-bau-cu.pdf",
    "tinh-phu-tho-ra-soat-tthc-scan.pdf",
    "tinh-quang-ngai-cong-bo-tthc-scan.pdf",
    "tinh-lam-dong-cai-nghien-ma-tuy.docx",
    "tinh-lam-dong-ket-luan-pci-xuc-tien-dau-tu.docx",
    "so-phu-tho-phan-mem-qlvb.doc",
    "tinh-lam-dong-xa-khong-ma-tuy.doc",
)
HALVES = {"tune": TUNE, "measure": MEASURE}


def fold(text: str) -> str:
    """The questions' folding (SOURCES.md): NFD, marks dropped, đ→d, lower case, `*` removed,
    en/em dash → '-', spaces collapsed."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "D").lower().replace("*", "")
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


def load_questions(folder: Path | None = None) -> list[dict]:
    folder = folder or realplans_dir()
    records = []
    for path, author in ((folder / "questions.jsonl", "starter"), (EXTRA, "extra"), (BLIND, "blind")):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    records.append({**json.loads(line), "author": author})
    return records


def half_of(file: str) -> str:
    return "tune" if file in TUNE else "measure" if file in MEASURE else "other"


@dataclass
class Scored:
    record: dict
    answer: object
    ms: float
    cited: bool | None = None  # every must_cite in a top-5 citation of the question's file
    correct: bool | None = None
    abstained: bool | None = None
    missing: list = field(default_factory=list)
    forbidden: list = field(default_factory=list)


def _words(text: str) -> str:
    """Folded words between single spaces, punctuation aside: a `must_cite` copied from a line
    of the file keeps its list marker ("- chu tri: so cong thuong"), which the clause read from
    that line no longer has ("Chủ trì: Sở Công Thương")."""
    return " ".join(re.findall(r"\w+", fold(text)))


def score(record: dict, answer, source_of) -> Scored:
    """One question's outcome. `source_of(file)` gives the indexed source of a document."""
    row = Scored(record, answer, 0.0)
    text = fold(answer.answer)
    if not record["answerable"]:
        row.abstained = not answer.grounded
        return row
    source = source_of(record["file"])
    top = [_words(" ".join((*c.path, c.text))) for c in answer.citations[:5] if c.source == source]
    row.cited = all(any(_words(needle) in passage for passage in top) for needle in record["must_cite"])
    row.missing = [group for group in record["answer_must"] if not any(fold(alt) in text for alt in group)]
    row.forbidden = [bad for bad in record.get("answer_must_not", []) if fold(bad) in text]
    row.correct = bool(answer.grounded and not row.missing and not row.forbidden)
    return row


def summarise(rows: list[Scored]) -> dict:
    answerable = [r for r in rows if r.record["answerable"]]
    unanswerable = [r for r in rows if not r.record["answerable"]]

    def share(values):
        values = list(values)
        return sum(values) / len(values) if values else None

    return {"n": len(rows), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable),
            "cite@5": share(r.cited for r in answerable), "answer": share(r.correct for r in answerable),
            "abstention": share(r.abstained for r in unanswerable),
            "p50_ms": sorted(r.ms for r in rows)[len(rows) // 2] if rows else None}


def build_index(index: Path, folder: Path | None = None) -> subprocess.CompletedProcess:
    """The corpus and the real plans in one index, as a user who uploaded them would have it."""
    folder = folder or realplans_dir()
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() not in {".jsonl"}
                   and p.name != "SOURCES.md")
    return subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "corpus", *map(str, files),
                           "--index", str(index), "--quiet"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def run(engine, records: list[dict], folder: Path | None = None) -> list[Scored]:
    folder = folder or realplans_dir()
    by_name = {Path(p.source).name: p.source for p in engine.plans}

    def source_of(file: str) -> str:
        return by_name.get(file, str(folder / file))

    rows = []
    for record in records:
        start = time.perf_counter()
        answer = engine.ask(record["question"])
        row = score(record, answer, source_of)
        row.ms = (time.perf_counter() - start) * 1000
        rows.append(row)
    return rows


def fmt(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(rows: list[Scored]) -> str:
    from evals.metrics import markdown_table

    kinds = sorted({r.record["kind"] for r in rows})
    lines = []
    for kind in [*kinds, "all"]:
        subset = rows if kind == "all" else [r for r in rows if r.record["kind"] == kind]
        s = summarise(subset)
        lines.append([f"**{kind}**" if kind == "all" else kind, str(s["n"]), fmt(s["cite@5"]), fmt(s["answer"]),
                      fmt(s["abstention"])])
    return markdown_table(["kind", "n", "cite@5", "answer", "abstention"], lines)


def miss_lines(rows: list[Scored]) -> list[str]:
    out = []
    for r in rows:
        ok = r.abstained if not r.record["answerable"] else (r.correct and r.cited)
        if ok:
            continue
        a = r.answer
        first = f"{Path(a.citations[0].source).name}#{a.citations[0].clause}" if a.citations else "-"
        why = ("should abstain" if not r.record["answerable"] else
               "abstained" if not a.grounded else
               f"missing {r.missing}" if r.missing else f"forbidden {r.forbidden}" if r.forbidden else "not cited")
        if r.record["answerable"] and not r.cited and r.correct:
            why = "answer ok, must_cite not in top 5"
        out.append(f"- {r.record['id']} [{r.record['kind']}] {r.record['question'][:110]} → {why}; "
                   f"first {first}: {a.answer[:200]!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(REPO / ".cache" / "realplans-index"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--half", default="tune", choices=("tune", "measure", "all"))
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--kind")
    parser.add_argument("--file")
    parser.add_argument("--ids", help="comma-separated question ids")
    parser.add_argument("--author", default="all", choices=("starter", "extra", "blind", "all"))
    args = parser.parse_args(argv)
    folder = realplans_dir()
    if not folder.is_dir():
        print(f"no real plans at {folder}", file=sys.stderr)
        return 2
    index = Path(args.index)
    if args.rebuild or not (index / "manifest.json").exists():
        if args.rebuild and index.exists():
            import shutil

            shutil.rmtree(index)
        result = build_index(index, folder)
        sys.stderr.write(result.stderr[-3000:])
    import assistant  # noqa: F401
    from assistant.engine import Engine

    engine = Engine.open(index)
    records = load_questions(folder)
    if args.half != "all":
        records = [r for r in records if half_of(r["file"]) == args.half]
    if args.author != "all":
        records = [r for r in records if r["author"] == args.author]
    if args.kind:
        records = [r for r in records if r["kind"] == args.kind]
    if args.file:
        records = [r for r in records if args.file in r["file"]]
    if args.ids:
        wanted = set(args.ids.split(","))
        records = [r for r in records if r["id"] in wanted]
    rows = run(engine, records, folder)
    print(table(rows))
    if args.misses:
        print("\n".join(miss_lines(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
