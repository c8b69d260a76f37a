"""Plan → Draft: the template's clauses rewritten for the new locality, with the header,
basis ("Căn cứ/Thực hiện"), closing, recipients and signature rebuilt for the new plan."""
from __future__ import annotations

import re
from datetime import date

from assistant.documents import Plan
from assistant.admin import ABOLISHED, DISTRICT, REFORM_LABEL, resolve
from assistant.draft.model import Block, Draft, DraftRequest, Segment, Table, TargetRow, Unit, review
from assistant.draft.period import YearShift, new_period, parse_period, template_period
from assistant.draft.places import check_places
from assistant.draft.replace import Role, Substituter, tokenize
from assistant.draft.units import number_line, parse_date, place_date_line, signature_titles, split_unit
from assistant.extract.targets import extract_targets
from assistant.text import diacritic_ratio, fold

HEADING_KINDS = {"section": "heading1", "item": "heading2", "subitem": "heading3", "subsubitem": "heading3"}
_HEADER_LINE = re.compile(r"^(?:s[o0b6e]\s*:|.*doc lap\b|cong hoa\b|.*\bngay\b.*\bthang\b.*\bnam\s+\d{4}\s*$)")
_BASIS = re.compile(r"^(?:can cu|thuc hien)\b")
_NATIONAL = ("chinh phu", "thu tuong", "bo chinh tri", "quoc hoi", "trung uong", "bo truong", "/qd-ttg", "/nq-cp",
             "-nq/tw", "bo khoa hoc", "bo thong tin")
_LOCAL_UBND = re.compile(r"\b(?:ubnd|uy ban nhan dan)\b")


# -- facts about the template --------------------------------------------------------------------
def is_ocr(plan: Plan) -> bool:
    return diacritic_ratio(" ".join(c.text for c in plan.clauses)) < 0.25


def template_parent(plan: Plan, ocr: bool) -> Unit | None:
    """The superior unit: from the metadata, or (a scan) "ctia UBND thi x4 Bim Son" in the basis."""
    if plan.metadata.parent_unit:
        return split_unit(plan.metadata.parent_unit)
    for text in plan.metadata.parent_documents or [c.text for c in plan.clauses[:6]]:
        toks = tokenize(text, ocr)
        for i, t in enumerate(toks):
            if t.key != "ubnd":
                continue
            rest = toks[i + 1:i + 6]
            level, used = "", 0
            if len(rest) >= 2 and rest[0].key == "thi" and rest[1].key in {"xa", "x", "xe"}:
                level, used = "thị xã", 2
            elif len(rest) >= 2 and rest[0].key == "thanh" and rest[1].key == "pho":
                level, used = "thành phố", 2
            elif rest and rest[0].key in {"huyen", "tinh"}:
                level, used = {"huyen": "huyện", "tinh": "tỉnh"}[rest[0].key], 1
            names = []
            for tok in rest[used:]:
                if not tok.text[:1].isupper():
                    break
                names.append(tok.text)
            if level and names and fold(" ".join(names)) != fold(plan.metadata.locality_name):
                return Unit(level, " ".join(names[:3]))
    return None


def template_province(plan: Plan) -> Unit | None:
    return Unit("tỉnh", plan.metadata.province) if plan.metadata.province else None


def abolished_superior(old_parent: Unit | None, plan: Plan) -> bool:
    """The template's superior unit is a huyện / quận / thị xã / thành phố thuộc tỉnh, a tier
    abolished on 01/7/2025 (checked on the map; a scan's unreadable name counts by its level)."""
    if old_parent is None:
        return False
    found = resolve(old_parent.full, province=plan.metadata.province or None)
    if found.status == ABOLISHED:
        return any(u.tier == DISTRICT for u in found.old_units)
    if found.units:
        return False
    return old_parent.level in {"huyện", "quận", "thị xã"}


def _title_text(plan: Plan) -> str:
    titles = [c for c in plan.clauses if c.id.startswith("0") and c.kind == "title" and fold(c.text).strip() not in
              {"ke hoach"} and not re.fullmatch(r"k\w? ho\w*ch", fold(c.text).strip())]
    return " ".join(c.text for c in titles) or plan.metadata.title


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# -- composing ------------------------------------------------------------------------------------
def compose(plan: Plan, request: DraftRequest, why: str = "") -> Draft:
    meta = plan.metadata
    issue = parse_date(request.date)
    places = check_places(request.locality, request.parent, request.province, issue)
    locality, parent, province = places.locality, places.parent, places.province
    number = number_line(request.number)
    sig_titles = signature_titles(request.signer_title, meta.signer_title)
    ocr = is_ocr(plan)
    year = issue.year if issue else date.today().year
    template_issue = _iso(meta.issue_date)
    old_period = template_period(_title_text(plan), meta.period, template_issue.year if template_issue else None)
    period = new_period(parse_period(request.period), year, old_period)
    years = YearShift(old_period, period) if old_period else None

    old_locality = Unit(meta.level, meta.locality_name)
    old_parent = template_parent(plan, ocr)
    old_province = template_province(plan)
    roles = [Role("locality", old_locality, locality)]
    if old_parent:
        roles.append(Role("parent", old_parent, parent, "tên đơn vị cấp trên"))
    if old_province and not (old_parent and fold(old_parent.full) == fold(old_province.full)):
        roles.append(Role("province", old_province, province, "tên tỉnh/thành phố"))
    if meta.signer:
        new_signer = Unit("", request.signer.strip()) if request.signer and request.signer.strip() else None
        roles.append(Role("signer", Unit("", meta.signer), new_signer, "họ và tên người ký"))
    roles = [r for r in roles if r.name_keys]
    new_number = number.replace("Số:", "").strip()
    new_number = re.sub(r"^/", "…/", new_number)
    date_words = place_date_line("", issue, year).lstrip(", ") if issue else "ngày … tháng … năm …"
    known = {fold(u.name) for u in (locality, parent, province) if u}
    abolished = places.two_tier and abolished_superior(old_parent, plan)
    province_full = province.full if province else "tỉnh/thành phố"
    sub = Substituter(roles, locality, meta.level, old_parent.level if old_parent else "",
                      parent.level if parent else "", ocr, meta.number if re.search(r"\d", meta.number) else "",
                      new_number, date_words, known, years=years,
                      abolished_levels=(old_parent.level,) if abolished and old_parent else (),
                      successor_bodies=f"sở, ngành của {province_full} hoặc phòng chuyên môn của {locality.full}",
                      successor_police=f"Công an {province_full} hoặc Công an {locality.full}",
                      two_tier=places.two_tier)

    reviews: list[str] = []
    if places.parent_defaulted and parent:
        reviews.append(f"cấp trên: UBND {parent.full} (từ {REFORM_LABEL} xã, phường trực thuộc tỉnh/thành phố)")
    if abolished and old_parent:
        reviews.append(f"kế hoạch mẫu báo cáo {old_parent.full} (cấp huyện, không còn từ {REFORM_LABEL}): "
                       f"UBND và cấp ủy cấp huyện đã đổi thành cấp tỉnh, các phòng, ban cấp huyện để ghi chú")
    if years and years.active:
        how = "theo --period" if request.period else "tính từ ngày dự thảo"
        reviews.append(f"giai đoạn mới {period.text()} ({how}); năm của kế hoạch mẫu {old_period.text()} đã "
                       "chuyển, năm giữa giai đoạn cũ để ghi chú")
    if ocr:
        reviews.append("kế hoạch mẫu là bản quét (OCR) mất dấu: soát lại chính tả toàn văn")

    summary = _summary(plan, sub, meta, year, reviews, years)
    body: list[Block] = []
    if ocr:
        body.append(Block("note", [review("kế hoạch mẫu là bản quét (OCR) mất dấu tiếng Việt; soát lại chính tả "
                                          "toàn văn trước khi trình ký")]))
    body.extend(_basis_and_intro(plan, sub, request, parent, reviews))

    targets = [t for t in extract_targets(plan)]
    body_targets = [t for t in targets if not t.clause.startswith("PL")]
    by_clause: dict[str, list] = {}
    for t in body_targets:
        by_clause.setdefault(t.clause, []).append(t)
    noted_sections: set[str] = set()
    for clause in plan.clauses:
        if clause.id.startswith(("0", "Z", "PL")):
            continue
        kind = HEADING_KINDS.get(clause.kind, clause.kind if clause.kind in {"bullet", "letter"} else "paragraph")
        hits = by_clause.get(clause.id, [])
        section = clause.id.split(".")[0]
        if hits and section not in noted_sections:
            noted_sections.add(section)
            body.append(Block("note", [review(f"các giá trị chỉ tiêu tô vàng lấy từ kế hoạch mẫu; điều chỉnh theo "
                                              f"thực tế của {locality.full} (xem Bảng chỉ tiêu cuối văn bản)")],
                              clause.id))
        body.append(Block(kind, sub.rewrite(clause.text, _value_spans(clause.text, hits)), clause.id))
    if body_targets:
        reviews.append(f"{len(body_targets)} giá trị chỉ tiêu lấy từ kế hoạch mẫu (tô vàng, Bảng chỉ tiêu)")

    body.extend(_closing(plan, sub, locality))
    recipients = _recipients(meta.recipients, sub)
    signer = [Segment(request.signer.strip())] if request.signer and request.signer.strip() else \
        [review("họ và tên người ký")]
    if not (request.signer and request.signer.strip()):
        reviews.append("người ký chưa có")
    if not parent and old_parent:
        reviews.append("đơn vị cấp trên chưa có")
    if not request.based_on:
        reviews.append("văn bản căn cứ của cấp trên chưa có")

    draft = Draft(
        template=plan.source, locality=locality,
        issuer=["ỦY BAN NHÂN DÂN", locality.full.upper()],
        number_line=number, place_date=place_date_line(locality.name, issue, year), doc_type="KẾ HOẠCH",
        summary=summary, body=body, recipients=recipients, signature_titles=sig_titles, signer=signer,
        targets=[_target_row(sub, years, t) for t in body_targets],
        appendix=_appendix(plan, sub, years), reviews=reviews, why=why, issue_date=issue, period=period.text(),
    )
    notes = draft.review_count()
    if notes:
        reviews.append(f"{notes} ghi chú [CẦN XEM LẠI] trong văn bản (đơn vị, địa danh, văn bản dẫn chiếu …)")
    return draft


def _target_row(sub: Substituter, years: YearShift | None, target) -> TargetRow:
    """A target of the template: its value kept for review (highlighted), its year carried
    into the new period where that is certain, else marked."""
    year, certain = years.year(target.year) if years else (target.year, True)
    return TargetRow(sub.plain(target.indicator), target.value, target.unit, year, target.clause,
                     template_year=target.year, year_certain=certain)


def _summary(plan: Plan, sub: Substituter, meta, year: int, reviews: list[str],
             years: YearShift | None) -> list[Segment]:
    text = _title_text(plan) or "Phát triển hạ tầng số"
    segments = sub.rewrite(text, notes=False)
    plain = "".join(s.text for s in segments if not s.review)
    left = [int(y) for y in re.findall(r"\b(20\d\d)\b", plain)]
    if left and max(left) < year:
        segments += [Segment(" "), review(f"giai đoạn của kế hoạch mẫu kết thúc năm {max(years)}")]
        reviews.append("giai đoạn/thời kỳ của kế hoạch (kế hoạch mẫu đã hết hạn)")
    return segments


def _split_basis(text: str) -> tuple[str, str, str]:
    """(reference, joint, tail): "… năm 2030, UBND xã ban hành …" → the tail is the new plan's
    own sentence, kept and rewritten; the reference is what --based-on replaces."""
    folded = fold(text)
    m = re.search(r"([.,;])\s+(?=(?:ubnd|uy ban nhan dan)\s)", folded)
    if not m:
        return text, "", ""
    return text[:m.start()], text[m.start():m.end()], text[m.end():]


def _basis_and_intro(plan: Plan, sub: Substituter, request: DraftRequest, parent: Unit | None,
                     reviews: list[str]) -> list[Block]:
    blocks: list[Block] = []
    replaced = False
    preamble = [c for c in plan.clauses if c.id.startswith("0") and c.kind != "title"]
    based_on = re.sub(r"\s+", " ", request.based_on or "").strip().rstrip(";.")
    for clause in preamble:
        folded = fold(clause.text)
        if _HEADER_LINE.match(folded) or (clause.text.isupper() and len(clause.text) < 60):
            continue  # number, date line, motto, issuing body: rebuilt in the header
        if not _BASIS.match(folded):
            blocks.append(Block("paragraph", sub.rewrite(clause.text), clause.id))
            continue
        ref, joint, tail = _split_basis(clause.text)
        verb = "Căn cứ" if folded.startswith("can cu") else "Thực hiện"
        ref_folded = fold(ref)
        end = ref.rstrip()[-1:] if ref.rstrip()[-1:] in ";." else ""
        national = any(k in ref_folded for k in _NATIONAL)
        if not national and _LOCAL_UBND.search(ref_folded) and not replaced:
            replaced = True
            if based_on:
                new_ref = based_on if re.match(r"^(can cu|thuc hien)\b", fold(based_on)) else f"{verb} {based_on}"
                segments = [Segment(new_ref + (end if not joint else ""))]
            else:
                target = f"UBND {parent.full}" if parent else "cấp trên"
                segments = [Segment(f"{verb} "), review(f"số, ngày, trích yếu kế hoạch của {target}"), Segment(end if not joint else "")]
        elif national:
            segments = sub.rewrite(ref)
        else:
            segments = sub.rewrite(ref) + [Segment(" "), review("văn bản căn cứ của địa phương: kiểm tra số, ngày, "
                                                               "cơ quan ban hành")]
        if joint:
            segments += [Segment(joint)] + sub.rewrite(tail)
        blocks.append(Block("paragraph", segments, clause.id))
    if based_on and not replaced:
        new_ref = based_on if re.match(r"^(can cu|thuc hien)\b", fold(based_on)) else f"Căn cứ {based_on}"
        position = next((i for i, b in enumerate(blocks) if not _BASIS.match(fold(b.text))), len(blocks))
        blocks.insert(position, Block("paragraph", [Segment(new_ref + ";")]))
    return blocks


def _closing(plan: Plan, sub: Substituter, locality: Unit) -> list[Block]:
    blocks = []
    replaces = {fold(t) for t in plan.metadata.replaces}
    for clause in plan.clauses:
        if not clause.id.startswith("Z") or clause.kind == "bullet":
            continue
        folded = fold(clause.text)
        if folded.startswith("noi nh"):
            break
        if folded in replaces:
            blocks.append(Block("paragraph", [review(f"kế hoạch mẫu thay thế một kế hoạch cũ của địa phương mẫu; "
                                                     f"ghi kế hoạch cũ của {locality.full} được thay thế (nếu có) "
                                                     "hoặc bỏ đoạn này")], clause.id))
            continue
        blocks.append(Block("paragraph", sub.rewrite(clause.text), clause.id))
    return blocks


def _recipients(recipients: list[str], sub: Substituter) -> list[list[Segment]]:
    lines: list[list[Segment]] = []
    keep = None
    for text in recipients:
        text = re.sub(r"\s+", " ", text).strip(" ;,.")
        if fold(text).startswith("luu"):
            keep = "Lưu:" + text.split(":", 1)[1] if ":" in text else "Lưu: VT"
            continue
        segments = sub.rewrite(text)
        lines.append([Segment("- ")] + segments + [Segment(";")])
    lines.append([Segment(f"- {keep or 'Lưu: VT'}.")])
    return lines


def _value_spans(text: str, targets) -> list[tuple[int, int]]:
    spans = []
    for t in targets:
        if not t.value:
            continue
        for pattern in (re.escape(t.value) + r"\s*" + re.escape(t.unit) if t.unit else None, re.escape(t.value)):
            if not pattern:
                continue
            m = re.search(rf"(?<![\w,.]){pattern}", text, re.IGNORECASE)
            if m and all(m.end() <= s or m.start() >= e for s, e in spans):
                spans.append((m.start(), m.end()))
                break
    return sorted(spans)


def _appendix(plan: Plan, sub: Substituter, years: YearShift | None = None) -> Table | None:
    rows = [c for c in plan.clauses if c.id.startswith("PL")]
    if not rows:
        return None
    head = rows[0] if rows[0].kind != "row" else None
    title, subtitle = [], []
    if head is not None:
        text = re.sub(r"^\s*Phụ lục\s*", "", head.text, flags=re.IGNORECASE)
        m = re.search(r"\((?:Kèm|Kem)[^)]*\)", text)
        if m:
            subtitle = sub.rewrite(m.group(0), notes=False)
            text = text[:m.start()] + text[m.end():]
        title = sub.rewrite(text.strip().upper() if text.isupper() else text.strip(), notes=False)
    columns: list[str] = []
    for c in rows:
        for name, _ in c.columns:
            if name not in columns:
                columns.append(name)
    table = Table(title, subtitle, ["TT", "Các chỉ tiêu", *columns], [])
    old_years = sorted({y for name in columns for y in re.findall(r"20\d\d", name)})
    if years and years.active and old_years:
        table.note = [review(f"các cột năm {', '.join(old_years)} và giá trị tô vàng lấy từ kế hoạch mẫu "
                             f"({years.old.text()}); đặt lại theo giai đoạn {years.new.text()}")]
    for c in rows:
        if c is head:
            continue
        if c.kind != "row":
            m = re.match(r"^\s*([IVXLC]+)\.?\s*(.*)$", c.text)
            label, text = (m.group(1), m.group(2)) if m else ("", c.text)
            table.group_rows.add(len(table.rows))
            table.rows.append([[Segment(label)], sub.rewrite(text, notes=False)] + [[] for _ in columns])
            continue
        indicator = c.text.split(" — ")[0]
        m = re.match(r"^\s*(\d+)\s*[.)]?\s*(.*)$", indicator)
        label, indicator = (m.group(1), m.group(2)) if m else ("", indicator)
        cells = dict(c.columns)
        row = [[Segment(label)], sub.rewrite(indicator, notes=False)]
        for name in columns:
            value = cells.get(name, "")
            unit_column = fold(name).startswith("don vi")
            row.append([Segment(value, highlight=not unit_column and bool(value))] if value else [])
        table.rows.append(row)
    return table
