"""Tables of the responsibilities, targets and plans tabs, as pandas DataFrames with Vietnamese
column names, plus their CSV / .ics exports. No Gradio here: tests call these directly.

The extractors (`assistant.extract`) are imported lazily: while that package is missing or
broken, the two tabs show `EXTRACT_MISSING` instead of failing the whole app.
"""
from __future__ import annotations

import csv
import hashlib
import importlib
import io
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from assistant.text import fold
from ui import chart

log = logging.getLogger(__name__)

ALL = "__all__"
EXTRACT_MISSING = ("Chức năng trích xuất trách nhiệm và chỉ tiêu chưa có trong phiên bản này "
                   "(mô-đun assistant.extract chưa được cài đặt).")

OBLIGATION_COLUMNS = ["Kế hoạch", "Đơn vị thực hiện", "Vai trò", "Nhiệm vụ", "Báo cáo / gửi đến", "Qua",
                      "Thời hạn", "Tần suất", "Điều khoản"]
TARGET_COLUMNS = ["Kế hoạch", "Chỉ tiêu", "Loại", "Giá trị", "Đơn vị", "Năm", "Giai đoạn", "Điều khoản"]
PLAN_COLUMNS = ["Địa phương", "Tỉnh", "Số hiệu", "Ngày ban hành", "Người ký", "Căn cứ", "Điều khoản", "Nguồn",
                "Tệp"]
SORTS = {"deadline": "Thời hạn (sớm → muộn)", "plan": "Kế hoạch", "actor": "Đơn vị thực hiện"}


# -- the extractors ------------------------------------------------------------------------------
@dataclass
class Extracted:
    """Responsibilities and targets of all plans, or why they are not available."""

    obligations: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    error: str = ""  # Vietnamese; non-empty when the extractors are unavailable
    warnings: list[str] = field(default_factory=list)  # plans an extractor failed on
    to_ics: object = None  # obligations_to_ics, when the package provides it


def load_extract():
    """The `assistant.extract` module, or None with the reason."""
    try:
        module = importlib.import_module("assistant.extract")
    except ModuleNotFoundError as error:
        if (error.name or "").startswith("assistant.extract") or error.name == "assistant":
            return None, EXTRACT_MISSING
        log.exception("assistant.extract: import failed")
        return None, f"Không nạp được mô-đun trích xuất (thiếu thư viện {error.name})."
    except Exception as error:  # a half-written module must not take the app down
        log.exception("assistant.extract: import failed")
        return None, f"Không nạp được mô-đun trích xuất ({type(error).__name__}: {error})."
    if not hasattr(module, "extract_obligations") or not hasattr(module, "extract_targets"):
        return None, EXTRACT_MISSING
    return module, ""


def _calendar_writer(module, plans, labels: dict[str, str] | None = None):
    """(obligations, remind_days) → .ics bytes, each plan's events anchored at the plan's own date
    and titled with its locality; None when there is no calendar export."""
    try:
        calendar = importlib.import_module("assistant.extract.calendar")
    except Exception:
        log.exception("assistant.extract.calendar: import failed")
        return None
    references = {}
    for plan in plans:
        try:
            references[plan.source] = calendar.reference_date(plan)
        except Exception:
            log.exception("reference_date failed on %s", plan.source)
    localities = {**(labels or {}), **{p.source: p.metadata.locality for p in plans if p.metadata.locality}}
    return lambda obligations, remind_days=calendar.DEFAULT_REMIND_DAYS: calendar.obligations_to_ics(
        obligations, references, localities, remind_days=remind_days)


def extract_all(plans, labels: dict[str, str] | None = None) -> Extracted:
    module, error = load_extract()
    if module is None:
        return Extracted(error=error)
    result = Extracted(to_ics=_calendar_writer(module, plans, labels))
    for plan in plans:
        for name, target in (("extract_obligations", result.obligations), ("extract_targets", result.targets)):
            try:
                target.extend(getattr(module, name)(plan))
            except Exception as exc:  # one odd plan must not hide the others
                log.exception("%s failed on %s", name, plan.source)
                result.warnings.append(f"{plan.source}: lỗi khi trích xuất ({type(exc).__name__})")
    return result


# -- responsibilities ----------------------------------------------------------------------------
_QUARTER_END = {"i": 3, "ii": 6, "iii": 9, "iv": 12}


def deadline_key(obligation) -> tuple:
    """Calendar order of a deadline: (month, day, year), undated last. Uses the extractor's
    parsed day and month when it gives them, else reads the text."""
    day = getattr(obligation, "deadline_day", None)
    month = getattr(obligation, "deadline_month", None)
    text = fold(getattr(obligation, "deadline", "") or "")
    year = 0
    match = re.search(r"(\d{1,2})\s*(?:/|-|\.|\s+thang\s+)\s*(\d{1,2})(?:\s*(?:/|-|\.|\s+nam\s+)\s*(\d{4}))?", text)
    if match and (month is None or day is None):
        day, month = int(match.group(1)), int(match.group(2))
    if match and match.group(3):
        year = int(match.group(3))
    if month is None and text:
        if "cuoi quy" in text:
            found = re.search(r"ngay\s+(\d{1,2})", text)
            month, day = 3, int(found.group(1)) if found else 31
        else:
            quarter = re.search(r"quy\s+(iv|iii|ii|i)\b", text)
            if quarter:
                month, day = _QUARTER_END[quarter.group(1)], 31
    if month is None:
        return (1, 99, 99, 0)
    return (0, int(month), int(day or 31), year)


def _text(value) -> str:
    return " ".join(str(value or "").split())


def obligation_rows(obligations, labels: dict[str, str]) -> list[dict]:
    return [{
        "Kế hoạch": labels.get(o.source, o.source),
        "Đơn vị thực hiện": _text(o.actor),
        "Vai trò": _text(o.role),
        "Nhiệm vụ": _text(o.action),
        "Báo cáo / gửi đến": _text(o.recipient),
        "Qua": _text(o.via),
        "Thời hạn": _text(o.deadline),
        "Tần suất": _text(o.frequency),
        "Điều khoản": _text(o.clause),
    } for o in obligations]


def filter_obligations(obligations, plan: str = ALL, actor: str = ALL, sort: str = "deadline") -> list:
    chosen = [o for o in obligations
              if (not plan or plan == ALL or o.source == plan)
              and (not actor or actor == ALL or _text(o.actor) == actor)]
    if sort == "plan":
        return sorted(chosen, key=lambda o: (o.source, deadline_key(o)))
    if sort == "actor":
        return sorted(chosen, key=lambda o: (fold(_text(o.actor)), deadline_key(o)))
    return sorted(chosen, key=lambda o: (deadline_key(o), o.source))


def actors(obligations, plan: str = ALL) -> list[str]:
    names = {_text(o.actor) for o in obligations if _text(o.actor) and (not plan or plan == ALL or o.source == plan)}
    return sorted(names, key=fold)


def obligations_frame(obligations, labels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(obligation_rows(obligations, labels), columns=OBLIGATION_COLUMNS)


def search_frame(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows where every word of the query appears in some cell, diacritics and case ignored
    ("bao cao ubnd" finds "báo cáo UBND")."""
    words = fold(query or "").split()
    if not words or frame.empty:
        return frame
    rows = frame.astype(str).apply(lambda row: fold(" ".join(row)), axis=1)
    keep = rows.apply(lambda text: all(word in text for word in words))
    return frame[keep].reset_index(drop=True)


def _export(name: str, data: bytes) -> Path:
    """A download file, named as the user will see it, in a folder named by its content: the
    same table exported again reuses the file, so filtering all day does not fill the disk."""
    folder = Path(tempfile.gettempdir()) / "assistant-exports" / hashlib.sha1(data).hexdigest()[:16]
    path = folder / name
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def write_csv(frame: pd.DataFrame, name: str) -> Path:
    """CSV in UTF-8 with a BOM, so Excel shows the Vietnamese letters."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
    return _export(name, buffer.getvalue().encode("utf-8-sig"))


def write_ics(obligations, to_ics, remind_days: int = 7, name: str = "thoi-han-bao-cao.ics") -> Path | None:
    """The calendar of these obligations, or None when none of them has a usable deadline (no
    empty calendar to download) or there is no calendar export."""
    if to_ics is None:
        return None
    data = to_ics(list(obligations), remind_days)
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if b"BEGIN:VEVENT" not in data:
        return None
    return _export(name, data)


# -- targets -------------------------------------------------------------------------------------
def target_rows(targets, labels: dict[str, str]) -> list[dict]:
    return [{
        "Kế hoạch": labels.get(t.source, t.source),
        "Chỉ tiêu": _text(t.indicator),
        "Loại": chart.target_kind(t),
        "Giá trị": _text(chart.SIGNS.get(_text(getattr(t, "comparator", "")).lower(), _text(getattr(t, "comparator", "")))
                         + str(t.value or "")),
        "Đơn vị": _text(t.unit),
        "Năm": _text(t.year),
        "Giai đoạn": _text(getattr(t, "period_label", "")),
        "Điều khoản": _text(t.clause),
    } for t in targets]


def targets_frame(targets, labels: dict[str, str], plan: str = ALL) -> pd.DataFrame:
    chosen = [t for t in targets if not plan or plan == ALL or t.source == plan]
    return pd.DataFrame(target_rows(chosen, labels), columns=TARGET_COLUMNS)


indicator_key = chart.indicator_key
parse_number = chart.parse_number


def indicator_choices(targets) -> list[tuple[str, str]]:
    """(shown name, key) of indicators with a numeric value, those set by most plans first; the
    name shown is the one most plans write, abbreviations expanded."""
    groups: dict[str, dict] = {}
    for target in targets:
        if parse_number(target.value) is None:
            continue
        key = indicator_key(target.indicator)
        if not key:
            continue
        group = groups.setdefault(key, {"names": {}, "plans": set(), "n": 0})
        name = _text(chart.expand_all(target.indicator)).rstrip(" :;.")
        group["names"][name] = group["names"].get(name, 0) + 1
        group["plans"].add(target.source)
        group["n"] += 1
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]["plans"]), -kv[1]["n"], kv[0]))
    choices = []
    for key, group in ordered:
        name = max(group["names"], key=lambda n: (group["names"][n], -len(n)))
        plans = len(group["plans"])
        choices.append((f"{name} ({plans} kế hoạch)" if plans > 1 else name, key))
    return choices


# -- plans ---------------------------------------------------------------------------------------
def display_date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return f"năm {value}" if re.fullmatch(r"\d{4}", value or "") else (value or "")


def display_number(value: str) -> str:
    value = (value or "").strip()
    if value.startswith("/"):
        return f"…{value} (chưa ghi số)"
    return value


def signer_text(meta) -> str:
    title = (meta.signer_title or "").split("/")[-1].strip()
    if meta.signer and title:
        return f"{meta.signer} ({title})"
    return meta.signer or ""


def plans_frame(plans, labels: dict[str, str], uploaded) -> pd.DataFrame:
    from ui.render import scan_note

    rows = []
    for plan in sorted(plans, key=lambda p: (bool(uploaded(p.source)), fold(labels.get(p.source, p.source)))):
        meta = plan.metadata
        rows.append({
            "Địa phương": labels.get(plan.source, plan.source),
            "Tỉnh": meta.province,
            "Số hiệu": display_number(meta.number),
            "Ngày ban hành": display_date(meta.issue_date),
            "Người ký": signer_text(meta),
            "Căn cứ": " · ".join(_text(d) for d in meta.parent_documents),
            "Điều khoản": len(plan.clauses),
            "Nguồn": ("Tải lên" if uploaded(plan.source) else "Kho có sẵn") + (" · bản scan" if scan_note(plan) else ""),
            "Tệp": Path(plan.source).name,
        })
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)
