"""Tasks with their named fields: who leads, who coordinates, when, where, with what money.

Plans state a task's fields in three shapes, all read here into one record:
- a task table: a row with column headers ("Nhiệm vụ | Đơn vị thực hiện | Đơn vị phối hợp |
  Thời gian | Sản phẩm");
- a task heading with labelled lines under it ("2.1. Chương trình nghệ thuật khai mạc" /
  "- Thời gian dự kiến: ngày 11/9/2026" / "- Địa điểm: Hoàng Thành Thăng Long" / "- Đơn vị chủ
  trì: Sở Văn hoá và Thể thao"), or one line holding several ("Đơn vị chủ trì: Phòng …; Đơn vị
  phối hợp: …");
- a task line followed by a labelled line of its own ("- Thành lập Tổ kiểm kê …" / "Thời hạn
  hoàn thành: Trước ngày 30/11/2025").

A field's role comes from its label (the column header or the text before ":"), matched on the
folded text against the labels of the genre. Each field keeps the clause it was read from.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from assistant.documents import Clause, Plan
from assistant.text import fold

# Folded label (start) → role. The longest label that starts a field wins.
FIELD_LABELS: dict[str, str] = {
    "don vi chu tri": "lead", "co quan chu tri": "lead", "chu tri": "lead", "don vi thuc hien": "lead",
    "co quan thuc hien": "lead", "don vi/ca nhan thuc hien": "lead", "trach nhiem thuc hien": "lead",
    "don vi chiu trach nhiem": "lead", "co quan chiu trach nhiem": "lead", "co quan, don vi chu tri": "lead",
    "co quan chu quan": "lead", "nguoi thuc hien": "lead", "phan cong": "lead",
    "lanh dao phu trach": "leader", "lanh dao chi dao": "leader", "phu trach": "leader",
    "don vi phoi hop": "coordinate", "co quan phoi hop": "coordinate", "phoi hop": "coordinate",
    "don vi phoi hop thuc hien": "coordinate", "co quan, don vi phoi hop": "coordinate",
    "thoi gian": "time", "thoi han": "time", "tien do": "time", "thoi gian thuc hien": "time",
    "thoi gian hoan thanh": "time", "thoi han hoan thanh": "time", "thoi gian du kien": "time",
    "thoi diem": "time", "lo trinh": "time", "thoi gian to chuc": "time",
    "dia diem": "place", "dia diem thuc hien": "place", "dia diem to chuc": "place",
    "kinh phi": "funding", "nguon kinh phi": "funding", "du toan": "funding", "kinh phi thuc hien": "funding",
    "nguon von": "funding",
    "san pham": "product", "san pham dau ra": "product", "ket qua": "product", "ket qua dau ra": "product",
    "noi dung": "content", "noi dung thuc hien": "content", "hinh thuc": "content", "hinh thuc thuc hien": "content",
    "nhiem vu": "content", "nhiem vu, giai phap": "content", "ten nhiem vu": "content", "hoat dong": "content",
    "thanh phan": "members", "doi tuong": "target_group",
}
_LABELS = sorted(FIELD_LABELS, key=len, reverse=True)
_LABEL_AT = re.compile(r"(?:^|(?<=[;.)]\s))(?P<label>" + "|".join(re.escape(l) for l in _LABELS)
                       + r")(?:\s+[a-z]+){0,2}\s*:\s*")  # "Thời gian kiểm tra:", "Địa điểm tổ chức:"


@dataclass
class TaskField:
    role: str  # lead | coordinate | time | place | funding | product | content | leader | members
    label: str  # as written ("Đơn vị chủ trì")
    value: str  # as written
    clause: str  # id of the clause it was read from


@dataclass
class Task:
    source: str
    clause: str  # the task's own clause (heading, row or line)
    title: str  # what the task is ("Chương trình nghệ thuật đặc biệt Khai mạc …")
    path: tuple[str, ...]
    fields: list[TaskField] = field(default_factory=list)
    whole_document: bool = False  # the task a letter or notice itself is about (title: its subject)

    def values(self, role: str) -> list[TaskField]:
        return [f for f in self.fields if f.role == role]


def labelled_fields(text: str, clause_id: str) -> list[TaskField]:
    """The "Label: value" fields of one line ("Đơn vị chủ trì: X; Đơn vị phối hợp: Y.")."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    matches = list(_LABEL_AT.finditer(folded))
    found = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end():end].strip(" ;.")
        if value:
            role = FIELD_LABELS[match["label"]]
            found.append(TaskField(role, text[match.start("label"):match.end("label")], value, clause_id))
    return found


@functools.lru_cache(maxsize=4096)
def column_role(header: str) -> str | None:
    """The field a table column holds, from its header (a table's rows share their headers)."""
    label = fold(header).strip(" :*")
    role = next((FIELD_LABELS[l] for l in _LABELS if label == l or label.startswith(l + " ")
                 or label.startswith(l + ",") or label.startswith(l + "/")), None)
    if role is None and re.search(r"\bchu tri\b|\b(?:don vi|co quan)\b.*\bthuc hien\b", label):
        role = "lead"  # not "Thực hiện năm 2022": a column of figures
    elif role is None and re.search(r"\bphoi hop\b", label):
        role = "coordinate"
    elif role is None and re.search(r"\bthoi (?:gian|han)\b|\btien do\b", label) and not re.search(r"\d", label):
        role = "time"
    return role


def _row_fields(clause: Clause) -> list[TaskField]:
    found = []
    for header, value in clause.columns:
        role = column_role(header)
        if role:
            found.append(TaskField(role, header, value, clause.id))
    return found


def _row_title(clause: Clause) -> str:
    return clause.text.split(" — ")[0]


def extract_tasks(plan: Plan) -> list[Task]:
    """Tasks of one plan in document order (see module docstring)."""
    tasks: list[Task] = []
    by_heading: dict[tuple[str, ...], Task] = {}
    previous: Clause | None = None
    previous_task: Task | None = None
    for clause in plan.clauses:
        if clause.kind == "row":
            fields = _row_fields(clause)
            if fields:
                tasks.append(Task(plan.source, clause.id, _row_title(clause), clause.path, fields))
            previous, previous_task = clause, None
            continue
        fields = labelled_fields(clause.text, clause.id)
        if fields and fields[0].role in {"time", "place", "funding", "product"} and previous is not None \
                and previous_task is None and previous.kind in {"bullet", "paragraph"} \
                and previous.path == clause.path and not labelled_fields(previous.text, previous.id) \
                and fold(clause.text).startswith(tuple(fold(f.label) for f in fields[:1])):
            # "- Thành lập Tổ kiểm kê …" / "Thời hạn hoàn thành: Trước ngày 30/11/2025".
            task = Task(plan.source, previous.id, previous.text, previous.path, fields)
            tasks.append(task)
            previous, previous_task = clause, task
            continue
        statement = _statement_before(clause.text) if fields else ""
        if statement:
            # "Tổng hợp kết quả kiểm kê, báo cáo … gửi Bộ Tài chính. Thời gian hoàn thành: Trước
            # ngày 31/5/2026.": the task is stated before its fields, on the same line.
            tasks.append(Task(plan.source, clause.id, statement, clause.path, fields))
            previous, previous_task = clause, tasks[-1]
            continue
        if fields:
            # A labelled line under a task heading: a field of that heading's task. Outside any
            # heading (a letter or notice: "2. Thời gian kiểm tra: …", "Chủ trì: Sở …"), a field
            # of the task the document itself is about, titled by its subject.
            key = _task_path(clause.path)
            task = by_heading.get(key)
            if task is None and not key:
                title = plan.metadata.subject or plan.metadata.attached_title or plan.metadata.title
                task = Task(plan.source, _clause_stating(plan, title) or clause.id, title, (), [], True)
            elif task is None:
                heading = _heading_clause(plan, clause, key[-1])
                task = Task(plan.source, heading.id if heading else clause.id, key[-1], key, [])
            if key not in by_heading:
                by_heading[key] = task
                tasks.append(task)
            task.fields.extend(fields)
            previous, previous_task = clause, task
            continue
        previous, previous_task = clause, None
    return [t for t in tasks if t.fields]


def _statement_before(text: str) -> str:
    """The words a line states before its first field label, when they say what is to be done
    (three words at least, item numbering aside); "" when the line starts with its label."""
    folded = fold(text)
    first = _LABEL_AT.search(folded)
    if first is None or len(folded) != len(text):
        return ""
    before = re.sub(r"^\s*(?:[ivx]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*|^\s*[-+•*]\s*", "", text[:first.start("label")])
    return before.strip(" ;.:-") if len(before.split()) >= 3 else ""


def _clause_stating(plan: Plan, title: str) -> str:
    """The id of the clause that states a document's subject or title (its "V/v …" line)."""
    head = fold(title)[:60]
    found = next((c for c in plan.clauses if head and fold(c.text)[:60] == head), None)
    return found.id if found else ""


def _task_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """The path of the task a labelled line belongs to: its heading's, unless that heading is a
    field label itself ("3. Thành phần:", "4. Thành phần tham gia kiểm tra:"), whose lines are
    fields of the task above it (of the document's own, at the top of a letter)."""
    while path and _LABEL_HEADING.match(fold(path[-1])):
        path = path[:-1]
    return path


_LABEL_HEADING = re.compile(r"^\s*(?:[ivx]+|\d+(?:\.\d+)*|[a-z])[.)]?\s*(?:" + "|".join(re.escape(l) for l in _LABELS)
                            + r")(?:\s+[a-z]+){0,3}\s*:?\s*$")


def _heading_clause(plan: Plan, clause: Clause, label: str) -> Clause | None:
    """The heading clause, before `clause`, whose text is the given path element."""
    index = plan.clauses.index(clause)
    for candidate in reversed(plan.clauses[:index]):
        if candidate.kind in {"section", "article", "item", "subitem", "subsubitem", "letter", "chapter"} \
                and (candidate.text == label or candidate.text.startswith(label.rstrip("…"))):
            return candidate
    return None
