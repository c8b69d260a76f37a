"""Reader of the document's own fields: number, date, signer, issuer, recipients, addressees,
urgency, basis and what it replaces. Values come from plan metadata and are cited at the clause
each was read from."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.answering.reading import Context, Finding
from assistant.answering.references import specific_words
from assistant.documents import Clause, Plan
from assistant.question import METADATA_SLOTS
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

_VI_LABELS = {"number": "số hiệu", "issue_date": "ban hành", "signer": "người ký", "issuer": "cơ quan ban hành",
              "recipients": "nơi nhận", "addressees": "kính gửi", "urgency": "độ khẩn", "basis": "căn cứ",
              "replaces": "thay thế"}
_EN_LABELS = {"number": "number", "issue_date": "issued", "signer": "signed by", "issuer": "issued by",
              "recipients": "recipients", "addressees": "addressed to", "urgency": "urgency", "basis": "based on",
              "replaces": "replaces"}


def document_label(plan: Plan) -> str:
    """"Kế hoạch của UBND thành phố Hồ Chí Minh"; a seed plan without an issuer line: "kế hoạch
    của phường Long Mỹ". No number: every number an answer prints is one its citations hold."""
    meta = plan.metadata
    if meta.issuer:
        return f"{meta.doc_type or 'Kế hoạch'} của {meta.issuer}"
    return f"kế hoạch của {meta.locality}" if meta.locality else Path(plan.source).name


def _date_as_written(plan: Plan) -> tuple[str, list[Clause]]:
    """The plan's own date line (place, ngày … tháng … năm …), as written, and its clause."""
    for clause in plan.clauses:
        folded = fold(clause.text)
        match = re.search(r"ngay\s+(?:\d{1,2}|\.+|…)?\s*thang\s+(?:\d{1,2}|\.+|…)?\s*nam\s+\d{4}"
                          r"|ngay\s+\d{1,2}\s*([/.-])\s*\d{1,2}\s*\1\s*\d{4}\b", folded)
        if match and len(folded) == len(clause.text) and plan.metadata.place and \
                fold(plan.metadata.place) in folded[:match.start()]:
            return re.sub(r"\s+", " ", clause.text[match.start():match.end()]), [clause]
    # A scan whose date line lost its day: the date was read from the digital signature's stamp,
    # and the date line, whose month and year agree with it, is cited beside the stamp.
    if len(plan.metadata.issue_date) == 10:
        year, month, day = plan.metadata.issue_date.split("-")
        head = plan.clauses[:12]
        for clause in head:
            if re.search(rf"thoi gian ky\s*:?\s*0?{int(day)}\s*/\s*0?{int(month)}\s*/\s*{year}", fold(clause.text)):
                line = next((c for c in head if c is not clause
                             and re.search(rf"thang\s+0?{int(month)}\s+nam\s+{year}", fold(c.text))), None)
                return f"ngày {int(day)}/{int(month)}/{year} (thời gian ký số)", [clause, *([line] if line else [])]
    return "", []


def _clause_containing(plan: Plan, needle: str, closing_first: bool = False) -> Clause | None:
    """The clause a metadata value was read from (spaces ignored: the scan has "9g /KH-UBND").
    `closing_first`: a value of the closing block (a recipient) is looked for there before the
    body, where "cán bộ khoa học và công nghệ" holds "Bộ Khoa học và Công nghệ" once spaces go."""
    key = re.sub(r"\s+", "", fold(needle))[:60]
    clauses = plan.clauses
    if closing_first:
        clauses = [c for c in clauses if c.id.startswith("Z")] + [c for c in clauses if not c.id.startswith("Z")]
    return next((c for c in clauses if key and key in re.sub(r"\s+", "", fold(c.text))), None)


def _restating(plan: Plan, cited: list[Clause]) -> Clause | None:
    """A line that states the number and the date together ("Kèm theo Kế hoạch số 179/KH-UBND
    ngày 18 tháng 11 năm 2025", "… tại Quyết định số 1627/QĐ-UBND ngày 21/11/2025"): where an
    attached plan or its appendix names the document it belongs to, it corroborates both."""
    meta = plan.metadata
    if not meta.number or len(meta.issue_date) != 10:
        return None
    key = re.sub(r"\s+", "", fold(meta.number))
    _, month, day = (int(x) for x in meta.issue_date.split("-"))
    date = re.compile(rf"ngay0?{day}(?:/|thang)0?{month}(?!\d)")
    seen = {c.id for c in cited}
    for clause in plan.clauses:
        text = re.sub(r"\s+", "", fold(clause.text))
        at = text.find(key)
        if clause.id not in seen and at >= 0 and date.search(text, at + len(key), at + len(key) + 30):
            return clause
    return None


def _field(plan: Plan, slot: str) -> tuple[str, list[Clause]]:
    """(value as a phrase, clauses it is read from) of one metadata slot; ("", []) when absent."""
    meta = plan.metadata
    if slot == "number":
        clause = _clause_containing(plan, meta.number) if meta.number else None
        if not clause:
            return "", []
        if not re.match(r"\s*\w", meta.number):
            return "", []  # "Số: /KH-UBND": a draft, or a number the file does not hold
        again = _restating(plan, [clause])
        return meta.number, [clause, again] if again else [clause]
    if slot == "issue_date":
        written, clauses = _date_as_written(plan)
        if not clauses:
            return "", []
        # A date line with blank day or month ("ngày   tháng   năm 2025") states no date.
        if len(meta.issue_date) != 10:
            return "", []
        again = _restating(plan, clauses)
        return written, [*clauses, again] if again else clauses
    if slot == "signer":
        if not meta.signer:
            return "", []
        clause = _clause_containing(plan, meta.signer_as_written or meta.signer)
        title = meta.signer_title.split(" / ")[-1] if meta.signer_title else ""
        titles = [c for c in plan.clauses if c.id.startswith("Z") and meta.signer_title
                  and any(fold(t) in fold(c.text) for t in meta.signer_title.split(" / "))][:3]
        value = f"{meta.signer} ({meta.signer_title})" if title else meta.signer
        if meta.signer_as_written:  # a family name mended from the scan's reading: say so
            value += f" [bản quét: {meta.signer_as_written}]"
        unique = {c.id: c for c in [clause, *titles] if c is not None}
        return value, list(unique.values())[:3]
    if slot == "issuer":
        if not meta.issuer:
            return "", []
        clause = _clause_containing(plan, meta.issuer) or next(
            (c for c in plan.clauses if c.id.startswith("0-") and fold(meta.issuer.split()[-1]) in fold(c.text)), None)
        value = f"{meta.issuer} ({meta.issuer_parent})" if meta.issuer_parent else meta.issuer
        return value, [clause] if clause else []
    if slot == "urgency":
        clause = _clause_containing(plan, meta.urgency) if meta.urgency else None
        return (meta.urgency, [clause]) if clause else ("", [])
    values = {"recipients": meta.recipients, "addressees": meta.addressees, "basis": meta.parent_documents,
              "replaces": meta.replaces}[slot]
    clauses = [c for c in (_clause_containing(plan, v, closing_first=slot == "recipients") for v in values[:6])
               if c is not None]
    return ("; ".join(values), clauses) if values and clauses else ("", [])


class MetadataReader:
    name = "metadata"
    slots = frozenset(METADATA_SLOTS)

    def read(self, context: Context, slot: str) -> list[Finding]:
        plan = context.target_plan()
        if plan is None:
            return []
        value, clauses = _field(plan, slot)
        if not value:
            return []
        english = context.info.english
        label = (_EN_LABELS if english else _VI_LABELS)[slot]
        marks = " ".join("{" + str(i) + "}" for i in range(len(clauses)))
        text = f"{label}: {value} {marks}" if slot != "issue_date" or english else f"ban hành {value} {marks}"
        if slot == "signer" and not english:
            text = f"do {value} ký {marks}"
        # The whole list of basis lines answers "căn cứ những văn bản nào?"; a question that says
        # which cited document it means is the reference reader's, and the list only a fallback.
        score = 0.5 if slot == "basis" and specific_words(context) else 1.0
        return [Finding(slot, text, [Hit(plan.source, c, 1.0) for c in clauses], score, self.name)]

