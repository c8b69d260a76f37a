"""Reader of one cited document, asked by what it is about.

"Căn cứ nghị quyết nào … về ấn định đơn vị bầu cử?", "theo đề nghị của Sở Tài chính tại công văn
số mấy?", "under Article 23 of which decree?": the answer is the reference (number, date) in the
one line that cites that document — a basis line of the preamble, a sentence of the body or a
table cell. The metadata reader lists every basis line; this one picks the line the question's
own words point to, wherever in the plan it is.
"""
from __future__ import annotations

import re

from assistant.answering.coverage import content_words
from assistant.answering.parts import split_parts
from assistant.answering.reading import Context, Finding
from assistant.extract.entities import bodies_named
from assistant.plan_match import card_of
from assistant.retrieval.hybrid import Hit
from assistant.text import fold

# A document reference as plans write it (folded): "16/nq-ubbc", "06/2021/nd-cp", "61/2020/qh14",
# "191/ttr-sxd"; spaces OCR put inside are allowed.
# The Party's documents put the code first: "57-nq/tw", "328-kh/tu".
REFERENCE = re.compile(r"\b\d{1,5}[a-z]?\s*/\s*(?:\d{4}\s*/\s*)?[a-z]{1,8}\d{0,2}(?:\s*-\s*[a-z&]{1,12}\d{0,2})*"
                       r"|\b\d{1,5}[a-z]?\s*-\s*[a-z]{1,6}\s*/\s*[a-z]{1,6}\b")
# The kind of document asked, by its name (Vietnamese or English) → the name and the code in its
# number ("nghị định" / "…/NĐ-CP").
_KINDS = (
    (r"\bnghi dinh\b|\bdecree\b", "nghi dinh", "nd"),
    (r"\bthong tu\b|\bcircular\b", "thong tu", "tt"),
    (r"\bnghi quyet\b|\bresolution\b", "nghi quyet", "nq"),
    (r"\bquyet dinh\b|\bdecision\b", "quyet dinh", "qd"),
    (r"\bchi thi\b|\bdirective\b", "chi thi", "ct"),
    (r"\bto trinh\b|\bsubmission\b|\bproposal\b", "to trinh", "ttr"),
    (r"\bluat\b|\blaw\b", "luat", "qh"),
    (r"\bke hoach\b", "ke hoach", "kh"),
)
# Phrases that only say "a document is cited" (and the kind names above): never what it is
# about. Matched as whole folded phrases, so "bầu cử" keeps its "cử" though "căn cứ" is a cue.
_CUE_PHRASES = sorted((tuple(p.split()) for p in """can cu|theo de nghi|de nghi|van ban|nghi dinh|thong tu|nghi quyet
    |quyet dinh|chi thi|to trinh|luat|cong van|ke hoach|huong dan|thuc hien|ban hanh|so|ngay|nao|gi|cua|ve|viec
    |theo|tai|article|item|clause|decree|decision|circular|resolution|directive|law|letter|government|cited|cites
    |cite|legal|basis|dieu|van|so hieu|hieu""".replace("\n", "").split("|")), key=len, reverse=True)
MIN_FIT = 0.4


def specific_words(context: Context) -> list[str]:
    """The question's topic words that say which cited document is meant (folded), without the
    codes of the document the question itself names ("3036/SCT-CN" → not "sct", "cn")."""
    own_codes = {code for m in REFERENCE.finditer(context.info.folded) for code in re.findall(r"[a-z]+", m.group(0))}
    # The plan's title words count here: a cited document is often about the plan's own topic.
    scope = context.scope if context.info.sources else []
    folded = [fold(w) for w in content_words(context.info, scope, drop_title=False)]
    out, i = [], 0
    while i < len(folded):
        cue = next((c for c in _CUE_PHRASES if tuple(folded[i:i + len(c)]) == c), None)
        if cue:
            i += len(cue)
            continue
        if folded[i] not in own_codes:
            out.append(folded[i])
        i += 1
    return list(dict.fromkeys(out))


def _kinds_asked(folded_question: str) -> list[tuple[str, str]]:
    """The kinds of document the question asks for, in its order, from the words just before
    "nào"/"số mấy" or after "which" ("căn cứ nghị quyết nào", "which government decree"; "which
    law and which decree" asks two)."""
    kinds: list[tuple[int, str, str]] = []
    for asked in re.finditer(r"(\w+(?: \w+){0,2}) (?:nao|so may|so bao nhieu)\b|\bwhich ((?:\w+ ){0,4}\w+)",
                             folded_question):
        start = asked.start(1) if asked.group(1) else asked.start(2)
        phrase = asked.group(1) or asked.group(2)
        for pattern, name, code in _KINDS:
            found = re.search(pattern, phrase)
            if found and all(k[1] != name for k in kinds):
                kinds.append((start + found.start(), name, code))
    return [(name, code) for _, name, code in sorted(kinds)]


def _question_numbers(folded_question: str) -> list[str]:
    """Article or item numbers the question gives ("Article 23", "mục 2", "item 2")."""
    bare = REFERENCE.sub(" ", folded_question)
    return re.findall(r"\b(?:dieu|article|khoan|clause|muc|item|diem)\s+(\d{1,3})\b", bare)


def _numbered(clause, folded_part: str, number: str) -> bool:
    """The part cites that article, or the clause is (or sits under) the item of that number."""
    if re.search(rf"\b(?:dieu|khoan|muc|diem)\s+{number}\b", folded_part):
        return True
    return any(re.match(rf"\s*(?:[IVX]+\.)?{number}[.)]\s", line) for line in (*clause.path, clause.text))


class ReferenceReader:
    name = "reference"
    slots = frozenset({"basis"})

    def read(self, context: Context, slot: str) -> list[Finding]:
        words = specific_words(context)
        numbers = _question_numbers(context.info.folded)
        # Bodies the question names ("Sở Tài chính", "Cục Kiểm soát …") weigh as much as all the
        # other words: who issued or proposed the document cited is what tells two lines apart.
        bodies = [fold(b) for b in bodies_named(context.info.text)]
        if not words and not numbers:
            return []  # "căn cứ những văn bản nào?": every basis line, the metadata reader's list
        plan = context.target_plan()
        if plan is None:
            return []
        kinds = _kinds_asked(context.info.folded) or [None]
        # Words of the plan's own title count half: they are in many of its lines.
        title = set(card_of(plan).topic)
        weights = {w: 0.5 if w in title else 1.0 for w in words}
        body_weight = sum(weights.values()) or 1.0
        total = sum(weights.values()) + body_weight * len(bodies)
        framing = re.search(r"\btheo de nghi\b|\bcan cu\b|\bthuc hien\b", context.info.folded)
        findings: list[Finding] = []
        for kind in kinds:
            found = self._line(plan, kind, words, weights, bodies, body_weight, total, numbers, framing)
            if found and all(f.hits[0].clause.id != found[0].id or f.text != f"{found[1]} {{0}}" for f in findings):
                clause, text, fit = found  # one line citing both kinds is said once
                findings.append(Finding(slot, f"{text} {{0}}", [Hit(plan.source, clause, 1.0)], 0.5 + 0.5 * fit, self.name))
        if len(findings) < len(kinds) or len(findings) < 2:
            return findings[:1] if len(kinds) == 1 else findings
        # Two kinds asked ("which law and which decree"): one answer that cites both lines.
        text = "; ".join(f.text.replace(" {0}", f" {{{i}}}") for i, f in enumerate(findings))
        return [Finding(slot, text, [f.hits[0] for f in findings], min(f.score for f in findings), self.name)]

    @staticmethod
    def _line(plan, kind, words, weights, bodies, body_weight, total, numbers, framing):
        """The best part of a line citing a document of `kind` (any kind when None), with its fit."""
        scored = []
        for order, clause in enumerate(plan.clauses):
            heading = fold(" ".join(clause.path))
            for part in _pieces(clause.text):
                folded = fold(part)
                references = [m.group(0) for m in REFERENCE.finditer(folded)]
                if not references:
                    continue
                word_hits = sum(weights[w] for w in words if w in folded or w in heading)
                body_hits = sum(b in folded for b in bodies)
                fit = (word_hits + body_weight * body_hits) / total if total else 1.0
                if numbers and not all(_numbered(clause, folded, n) for n in numbers):
                    fit *= 0.5  # "Article 23 of which decree": a line citing another article is not it
                if kind and not (kind[0] in folded or any(_code_of(r) == kind[1] for r in references)):
                    continue  # "căn cứ nghị quyết nào": a line citing only a plan or a decision is not it
                if framing and framing.group(0) not in folded:
                    fit *= 0.6  # "theo đề nghị … tại công văn số mấy": the line that says "theo đề nghị"
                if fit >= MIN_FIT:
                    scored.append((fit, -len(part), -order, clause, part))
        if not scored:
            return None
        # Best fit; among equals the shortest part (a basis line, not a header run into it).
        fit, _, _, clause, part = max(scored, key=lambda item: item[:3])
        text = part.strip().rstrip(" ;.")
        return clause, text[:1].upper() + text[1:], fit


# A basis line opens with one of these; a scan or PDF header that ran the lines together
# without their semicolons is cut there again.
_OPENING = re.compile(r"(?=\b(?:Căn cứ|Theo đề nghị|Xét đề nghị|Thực hiện)\b)")


def _pieces(text: str) -> list[str]:
    pieces = []
    for part in split_parts(text) or [text]:
        pieces.extend(p.strip() for p in _OPENING.split(part) if len(p.strip()) > 2) if len(part) > 300 \
            else pieces.append(part)
    return pieces


def _code_of(reference: str) -> str:
    """"06/2021/nd-cp" → "nd"; "191/ttr-sxd" → "ttr"; "57-nq/tw" → "nq"."""
    code = re.search(r"/\s*(?:\d{4}\s*/\s*)?([a-z]+)", reference) if not re.match(r"\d+[a-z]?\s*-", reference) \
        else re.search(r"-\s*([a-z]+)", reference)
    return code.group(1) if code else ""
