"""Validate the real-plan question files: the starter set beside the documents
(`../shared/realplans/questions.jsonl`) and `evals/realplans_extra.jsonl`.

Per question: the keys are present and typed, the id is unique (across the files checked), the kind
is known, every `must_cite` / `answer_must` / `answer_must_not` string is already folded, the
question is answerable exactly when it has `answer_must` groups (and then at least one `must_cite`),
the document exists, and every `must_cite` string lies within one line of the document's extracted
text (SOURCES.md "must_cite check"):

- PDF: pypdf page text, `pdftotext -layout`, and `transcripts/<stem>.visible.txt` when present;
- .docx: python-docx paragraphs and table cells, plus every `w:p` paragraph of document.xml
  (this picks up text boxes);
- .doc: LibreOffice `--convert-to txt:Text`;
- .md / .txt: the raw physical lines of the file.

A tool missing on the machine is skipped with a printed note; a document none of whose extractors
could run is reported as not checkable (its must_cite strings are not counted as failures).

    .venv/bin/python -m evals.check_realplans [PATH ...]

Without paths, both files are checked. Prints each failure with its id; exits 1 on any failure.
"""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from evals.realplans import BLIND, EXTRA, fold, realplans_dir

KINDS = ("lead", "coordinate", "report", "deadline", "funding", "target", "metadata", "duty",
         "nodiacritics", "english", "unanswerable")
FIELDS: dict[str, type] = {"id": str, "question": str, "file": str, "must_cite": list, "answer_must": list,
                           "answer_must_not": list, "answerable": bool, "kind": str}
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Extracted:
    """The folded lines of one document, and the notes on what could not be read."""
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # an extractor missing or failed: text incomplete

    @property
    def usable(self) -> bool:
        return bool(self.lines)

    @property
    def complete(self) -> bool:
        return not self.notes

    def add(self, text: str) -> None:
        self.lines.extend(folded for raw in text.splitlines() if (folded := fold(raw)))


def _pdf(path: Path, out: Extracted) -> None:
    try:
        from pypdf import PdfReader
    except ImportError:
        out.notes.append("pypdf not installed: pypdf text skipped")
    else:
        try:
            for page in PdfReader(path).pages:
                out.add(page.extract_text() or "")
        except Exception as exc:  # a damaged PDF still gets its other extractors
            out.notes.append(f"pypdf failed ({exc.__class__.__name__}: {exc})")
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                errors="replace", timeout=120)
        if result.returncode == 0:
            out.add(result.stdout)
        else:
            out.notes.append(f"pdftotext failed: {result.stderr.strip()[:200]}")
    else:
        out.notes.append("pdftotext not found: layout text skipped")


def _docx(path: Path, out: Extracted) -> None:
    try:
        import docx
    except ImportError:
        out.notes.append("python-docx not installed: paragraphs and tables skipped")
    else:
        document = docx.Document(str(path))
        for paragraph in document.paragraphs:
            out.add(paragraph.text)

        def tables(items):
            for table in items:
                for row in table.rows:
                    for cell in row.cells:
                        out.add(cell.text)
                        tables(cell.tables)

        tables(document.tables)
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    for paragraph in root.iter(f"{W_NS}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{W_NS}t":
                parts.append(node.text or "")
            elif node.tag == f"{W_NS}tab":
                parts.append(" ")
            elif node.tag in (f"{W_NS}br", f"{W_NS}cr"):
                parts.append("\n")
        out.add("".join(parts))


def _doc(path: Path, out: Extracted) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        out.notes.append("soffice not found: .doc text skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                                 "--convert-to", "txt:Text", "--outdir", tmp, str(path)],
                                capture_output=True, text=True, timeout=300)
        target = Path(tmp) / (path.stem + ".txt")
        if result.returncode != 0 or not target.is_file():
            out.notes.append(f"soffice failed: {(result.stderr or result.stdout).strip()[:200]}")
            return
        out.add(target.read_text(encoding="utf-8-sig", errors="replace"))


@functools.lru_cache(maxsize=64)
def extract(path: Path) -> Extracted:
    """The folded lines a `must_cite` string may lie in (SOURCES.md "must_cite check").
    Cached per path: LibreOffice takes seconds per .doc and both question files cite the same
    documents."""
    out = Extracted()
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        _pdf(path, out)
    elif suffix == ".docx":
        _docx(path, out)
    elif suffix == ".doc":
        _doc(path, out)
    elif suffix in (".md", ".txt"):
        out.add(path.read_text(encoding="utf-8"))
    else:
        out.notes.append(f"no extractor for {suffix!r}")
    transcript = path.parent / "transcripts" / f"{path.stem}.visible.txt"
    if transcript.is_file():
        out.add(transcript.read_text(encoding="utf-8"))
    return out


def _load(path: Path, failures: list[str]) -> list[dict]:
    records = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            failures.append(f"{path.name} line {lineno}: invalid JSON ({exc})")
            continue
        if not isinstance(record, dict):
            failures.append(f"{path.name} line {lineno}: not a JSON object")
            continue
        records.append({**record, "_where": f"{record.get('id', '?')} ({path.name} line {lineno})"})
    return records


def _shape(record: dict, folder: Path) -> list[str]:
    """Failures of one record that need no document text."""
    problems = []
    for key, typ in FIELDS.items():
        if key not in record:
            problems.append(f"missing key {key!r}")
        elif not isinstance(record[key], typ):
            problems.append(f"key {key!r} is {type(record[key]).__name__}, not {typ.__name__}")
    unknown = set(record) - set(FIELDS) - {"_where"}
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    if problems:
        return problems
    if not record["question"].strip():
        problems.append("empty question")
    if record["kind"] not in KINDS:
        problems.append(f"unknown kind {record['kind']!r}")
    if not (folder / record["file"]).is_file():
        problems.append(f"file {record['file']!r} not in {folder}")
    strings = [("must_cite", s) for s in record["must_cite"]]
    strings += [("answer_must_not", s) for s in record["answer_must_not"]]
    for group in record["answer_must"]:
        if not isinstance(group, list) or not group:
            problems.append(f"answer_must group {group!r} is not a non-empty list")
            continue
        strings += [("answer_must", s) for s in group]
    for key, value in strings:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: empty or non-string entry {value!r}")
        elif fold(value) != value:
            problems.append(f"{key}: {value!r} is not folded (fold gives {fold(value)!r})")
    if record["answerable"] != bool(record["answer_must"]):
        problems.append("answerable must be true exactly when answer_must is non-empty")
    if record["answerable"] and not record["must_cite"]:
        problems.append("answerable question without must_cite")
    if not record["answerable"] and record["must_cite"]:
        problems.append("unanswerable question with must_cite")
    if (record["kind"] == "unanswerable") != (not record["answerable"]):
        problems.append("kind 'unanswerable' must go with answerable=false and only with it")
    if record["kind"] == "nodiacritics" and fold(record["question"]) != " ".join(record["question"].lower().split()):
        problems.append("nodiacritics question contains diacritics")
    return problems


def main(paths: list[str] | list[Path] | None = None) -> int:
    folder = realplans_dir()
    if not folder.is_dir():
        print(f"no real plans at {folder} (set ASSISTANT_REALPLANS)")
        return 2
    files = [Path(p) for p in paths] if paths else [folder / "questions.jsonl", EXTRA, BLIND]
    failures: list[str] = []
    seen: dict[str, str] = {}
    texts: dict[str, Extracted] = {}
    for path in files:
        if not path.is_file():
            failures.append(f"{path}: question file not found")
            continue
        records = _load(path, failures)
        kinds: Counter[str] = Counter()
        unchecked = 0
        for record in records:
            where = record["_where"]
            problems = _shape(record, folder)
            qid = record.get("id")
            if isinstance(qid, str):
                if qid in seen:
                    problems.append(f"duplicate id (first in {seen[qid]})")
                seen.setdefault(qid, path.name)
            failures.extend(f"{where}: {p}" for p in problems)
            if any(p.startswith(("missing key", "key ", "file ")) for p in problems):
                continue
            kinds[record["kind"]] += 1
            name = record["file"]
            if name not in texts:
                texts[name] = extract((folder / name).resolve())
                for note in texts[name].notes:
                    print(f"note: {name}: {note}")
                if not texts[name].usable:
                    print(f"note: {name}: no text could be extracted on this machine; its must_cite not checked")
            text = texts[name]
            for needle in record["must_cite"]:
                if not isinstance(needle, str) or any(needle in line for line in text.lines):
                    continue
                if text.complete:
                    failures.append(f"{where}: must_cite {needle!r} is not within one line of {name}")
                else:  # the line may be in the text of the extractor this machine lacks
                    unchecked += 1
                    if text.usable:
                        print(f"note: {where}: must_cite {needle!r} not found in the partial text of {name}")
        print(f"{path}: {len(records)} questions; " + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items())))
        if unchecked:
            print(f"note: {path.name}: {unchecked} must_cite strings could not be checked (extractor missing)")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
