"""`assistant` command line: a thin layer over the library (DESIGN §3).

Errors go to stderr as one line naming the file or field and the reason, with a non-zero exit
code; never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import assistant  # noqa: F401  (offline environment before any library import)
from assistant.documents import LoadError

EXIT_USAGE = 2
EXIT_FAILED = 1


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"assistant: {message}", file=sys.stderr)
    return code


def _print_json_lines(rows) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


# -- commands ------------------------------------------------------------------------------------
def cmd_clauses(args: argparse.Namespace) -> int:
    from assistant.ingest.ocr import OcrOptions, cache_dir_for
    from assistant.ingest.pipeline import read_plan

    # A scan is OCR'd once: the text is kept in (and reused from) the index folder's OCR cache.
    ocr = OcrOptions(cache_dir=cache_dir_for(Path(args.index)), progress=None if args.json else _page_note)
    try:
        plan = read_plan(Path(args.file), ocr=ocr)
    except LoadError as error:
        return _fail(str(error))
    if args.json:
        _print_json_lines({"source": plan.source, "id": c.id, "path": list(c.path), "kind": c.kind, "text": c.text,
                           "span": list(c.span), "page": c.page} for c in plan.clauses)
    else:
        for clause in plan.clauses:
            indent = "  " * len(clause.path)
            print(f"{clause.id:<14}{indent}{clause.text[:160]}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.indexer import Indexer
    from assistant.retrieval.embedder import Embedder, EmbedderUnavailable

    from assistant.store import IndexError_

    index_dir = Path(args.index)
    if args.rebuild and index_dir.exists():
        _empty_keeping_ocr_cache(index_dir)
    paths = [Path(p) for p in (args.paths or ["corpus"])]
    missing = [p for p in paths if not p.exists()]
    progress = None if args.quiet else _ProgressBar()
    try:
        indexer = Indexer(index_dir, Embedder)
        if args.rebuild:  # with a Chroma server: its plans, manifest and vectors too
            indexer.clear(progress)
        report = indexer.ingest([p for p in paths if p.exists()], prune=args.prune,
                                progress=progress, page_progress=progress.page if progress else None)
        if progress is not None:
            progress.finish()
    except (EmbedderUnavailable, IndexError_) as error:
        return _fail(str(error))
    for path in missing:
        report.failed.append((str(path), f"{path}: no such file or folder"))
    for _, reason in report.failed:
        print(f"assistant: {reason}", file=sys.stderr)
    for source, original in report.duplicates:
        print(f"assistant: {source}: duplicate of {original} (same text); not indexed again", file=sys.stderr)
    summary = (f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
               f"{len(report.removed)} removed, {len(report.failed)} failed; {report.clauses} clauses indexed"
               + (f"; {len(report.duplicates)} duplicate(s) skipped" if report.duplicates else ""))
    print(summary if report.changed or report.failed else f"nothing to do ({summary})")
    if report.changed:
        _prepare_first_question(index_dir)
    return EXIT_FAILED if report.failed else 0


def _prepare_first_question(index_dir: Path) -> None:
    """Build now what the first question would otherwise build (the saved BM25 and the query
    vocabulary); the ingest has succeeded whatever happens here, so a failure is only a note."""
    from assistant.engine import Engine
    from assistant.store import IndexError_

    try:
        Engine.open(index_dir).prepare_first_question()
    except (IndexError_, OSError, ValueError) as error:
        print(f"assistant: {index_dir}: the search index will be built by the first question ({error})",
              file=sys.stderr)


def _empty_keeping_ocr_cache(index_dir: Path) -> None:
    """--rebuild: everything goes except the OCR cache (OCR text depends only on the file)."""
    import shutil

    from assistant.ingest.ocr import cache_dir_for

    keep = cache_dir_for(index_dir)
    for child in index_dir.iterdir():
        if keep is not None and child.resolve() == keep.resolve():
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _page_note(path: Path, done: int, total: int) -> None:
    if done < total:
        print(f"{path}: OCR trang {done + 1}/{total}…", file=sys.stderr, flush=True)


class _ProgressBar:
    """A tqdm bar on stderr fed by the indexer's "[i/N] source" messages; other messages
    (repairs after an interrupted run) are printed above the bar. OCR'd files get a second bar,
    one step per page."""

    def __init__(self) -> None:
        self._bar = None
        self._pages = None
        self._pages_of: Path | None = None

    def page(self, path: Path, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._pages is None or self._pages_of != path:
            self._close_pages()
            self._pages = tqdm(total=total, unit="trang", desc=f"OCR {Path(path).name[-40:]}", file=sys.stderr,
                               dynamic_ncols=True, leave=False, position=1)
            self._pages_of = path
        self._pages.update(done - self._pages.n)
        if done >= total:
            self._close_pages()

    def _close_pages(self) -> None:
        if self._pages is not None:
            self._pages.close()
            self._pages, self._pages_of = None, None

    def __call__(self, message: str) -> None:
        import re

        from tqdm import tqdm

        step = re.match(r"^\[(\d+)/(\d+)\] (.*)$", message)
        if step is None:
            tqdm.write(message, file=sys.stderr)
            return
        done, total, source = int(step[1]), int(step[2]), step[3]
        if self._bar is None:
            self._bar = tqdm(total=total, unit="tệp", file=sys.stderr, dynamic_ncols=True, leave=True)
        self._bar.set_postfix_str(source[-50:], refresh=False)
        self._bar.update(done - 1 - self._bar.n)  # the message announces file `done`, not yet indexed

    def finish(self) -> None:
        self._close_pages()
        if self._bar is not None:
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.close()


def _open_engine(args: argparse.Namespace):
    from assistant.engine import Engine
    from assistant.store import IndexError_

    try:
        return Engine.open(Path(args.index)), None
    except IndexError_ as error:
        return None, _fail(str(error))


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.engine import QuestionError
    from assistant.retrieval.embedder import EmbedderUnavailable

    engine, code = _open_engine(args)
    if engine is None:
        return code
    status = 0
    for question in args.questions:
        try:
            answer = engine.ask(question, plan=args.plan)
        except QuestionError as error:
            status = _fail(f"question {question[:40]!r}: {error}")
            continue
        except EmbedderUnavailable as error:
            return _fail(str(error))
        if args.json:
            _print_json_lines([answer.to_json()])
        else:
            print(f"❓ {answer.question}\n{answer.answer}")
            for n, citation in enumerate(answer.citations, start=1):
                path = " › ".join(citation.path)
                print(f"  [{n}] {citation.source} · {citation.clause} · {path}\n      {citation.text[:300]}")
            print()
    return status


def cmd_obligations(args: argparse.Namespace) -> int:
    from assistant.extract.cli import run_obligations

    engine, code = _open_engine(args)
    return code if engine is None else run_obligations(engine, args)


def cmd_targets(args: argparse.Namespace) -> int:
    from assistant.extract.cli import run_targets

    engine, code = _open_engine(args)
    return code if engine is None else run_targets(engine, args)


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    return serve(index_dir=Path(args.index), host=args.host, port=args.port)


def cmd_draft(args: argparse.Namespace) -> int:
    from assistant.draft import DraftError, DraftRequest, build_draft, to_markdown, write_docx

    if not args.out and not args.markdown:
        return _fail("draft: --out: missing; give the .docx to write (or --markdown for a preview)", EXIT_USAGE)
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.suffix.lower() != ".docx":
            return _fail(f"draft: --out: {out} must end in .docx", EXIT_USAGE)
        if not out.parent.is_dir():
            return _fail(f"draft: --out: folder {out.parent} does not exist", EXIT_USAGE)
        if out.is_dir():
            return _fail(f"draft: --out: {out} is a folder", EXIT_USAGE)
    request = DraftRequest(template=args.template, locality=args.locality, parent=args.parent or "",
                           province=args.province or "", based_on=args.based_on or "", number=args.number or "",
                           date=args.date or "", signer=args.signer or "", signer_title=args.signer_title or "",
                           period=args.period or "", index=args.index)
    try:
        draft = build_draft(request)
    except DraftError as error:
        return _fail(f"draft: {error}", EXIT_USAGE)
    if draft.why:
        print(f"Mẫu được chọn (template): {draft.why}", file=sys.stderr)
    if args.markdown:
        text = to_markdown(draft)
        if args.markdown == "-":
            sys.stdout.write(text + "\n")
        else:
            Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    if out is not None:
        try:
            write_docx(draft, out)
        except OSError as error:
            return _fail(f"draft: --out: cannot write {out}: {error.strerror or error}")
        print(f"{out}: dự thảo từ {draft.template}")
    for line in draft.reviews:
        print(f"  cần xem lại: {line}", file=sys.stderr)
    return 0


# -- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Trợ lý kế hoạch địa phương (Vietnamese local plans).")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_index(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--index", default="index", help="index folder (default: index/)")
        return p

    p = with_index(sub.add_parser("ingest", help="index files or folders (default corpus/)"))
    p.add_argument("paths", nargs="*")
    p.add_argument("--prune", action="store_true", help="drop indexed plans from the given folders whose file is gone (never plans from elsewhere)")
    p.add_argument("--rebuild", action="store_true", help="delete the index and build it again")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = with_index(sub.add_parser("clauses", help="print the clause tree of one file"))
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clauses)

    p = with_index(sub.add_parser("ask", help="answer questions with citations"))
    p.add_argument("questions", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plan", help="restrict to one plan (path, file name or locality)")
    p.set_defaults(func=cmd_ask)

    for name, func in (("obligations", cmd_obligations), ("targets", cmd_targets)):
        p = with_index(sub.add_parser(name, help=f"list {name} extracted from the plans"))
        p.add_argument("--json", action="store_true")
        p.add_argument("--csv", action="store_true")
        p.add_argument("--plan", help="only this plan (path, file name or locality)")
        if name == "obligations":
            p.add_argument("--actor", help="only records whose actor contains this text")
            p.add_argument("--ics", metavar="FILE", help="write recurring reporting deadlines as an iCalendar file")
            p.add_argument("--remind-days", dest="remind_days", type=int, default=7, metavar="N",
                           help="calendar reminder N days before each deadline (default 7; 0: none)")
        p.set_defaults(func=func)

    p = with_index(sub.add_parser("serve", help="serve the web chat"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_serve)

    p = with_index(sub.add_parser("draft", help="draft a new plan from a similar one (.docx)"))
    p.add_argument("--template", required=True, help="plan file or name, or auto (most similar plan)")
    p.add_argument("--locality", required=True,
                   help='the new xã/phường/đặc khu, e.g. "phường Ninh Kiều" or "ninh kieu" (checked against the '
                        'administrative map of the draft\'s date)')
    p.add_argument("--out", help="the .docx to write (Nghị định 30/2020/NĐ-CP layout)")
    p.add_argument("--parent", help='superior unit, e.g. "thành phố Cần Thơ" (default since 01/7/2025: the UBND of '
                                    'the locality\'s province)')
    p.add_argument("--province", help='province, e.g. "Cần Thơ" (default: the locality\'s province)')
    p.add_argument("--period", help="the new plan's period, e.g. 2026-2030 (default: from the draft's date)")
    p.add_argument("--based-on", dest="based_on",
                   help='superior plan, e.g. "Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ"')
    p.add_argument("--number", help='document number, e.g. 15 (blank: "Số:    /KH-UBND")')
    p.add_argument("--date", help="issue date dd/mm/yyyy")
    p.add_argument("--signer", help="name of the signer")
    p.add_argument("--signer-title", dest="signer_title", help='"Chủ tịch" or "Phó Chủ tịch"')
    p.add_argument("--markdown", nargs="?", const="-", metavar="FILE.md",
                   help="also write a Markdown preview (to stdout when no file is given)")
    p.set_defaults(func=cmd_draft)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    if argv is None and args.func is cmd_ask:  # the process entry point, after a read-only command
        _leave_now(code)
    return code


def _leave_now(code: int) -> None:
    """Exit without the interpreter's teardown of torch, tokenizers and Chroma: ~1 s of a cold
    `assistant ask`, spent after the answer is printed. Only after a command that wrote no
    file, once its output is flushed."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
