"""Synthetic plans for scale benchmarks: real clauses of the corpus plans, recombined under new
localities, levels, dates and numbers. Deterministic (seeded RNG). Never written into corpus/.

Each synthetic plan starts from one real plan (its heading block and most of its top-level
sections), takes one or two top-level sections from other real plans (renumbered), gets a new
locality name and level, a new issue date and document number, and has a few percentages and
counts changed. Most clauses stay word-for-word the same as in some real plan — as when communes
copy a district template — which is what a province's corpus looks like.

Every file is named `SYNTHETIC-<n>-<level>-<name>.txt` and its first line says it is synthetic.

    python -m assistant.synthetic OUT_DIR --plans 100 [--seed 8]
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from assistant.text import fold

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "corpus"
MARKER = "[SYNTHETIC] Kế hoạch tổng hợp để đo hiệu năng — không phải văn bản thật (synthetic plan for benchmarks, not a real document)"

# The real plans: file, locality name as written, level as written (the OCR plan lost diacritics).
SOURCES = [
    ("phuong-long-my.txt", "Long Mỹ", "phường"),
    ("phuong-phu-son-ocr.txt", "Phu Son", "phuong"),
    ("thi-tran-phu-my.txt", "Phú Mỹ", "thị trấn"),
    ("thi-xa-muong-lay.txt", "Mường Lay", "thị xã"),
    ("xa-tinh-thien.txt", "Tịnh Thiện", "xã"),
]
LEVELS = ["xã", "phường", "thị trấn"]
NAME_PARTS = ["An", "Bình", "Hòa", "Phú", "Tân", "Long", "Thạnh", "Mỹ", "Hưng", "Phước", "Đông", "Tây", "Nam",
              "Bắc", "Thới", "Lợi", "Hiệp", "Thuận", "Vĩnh", "Khánh", "Trung", "Sơn", "Hải", "Lộc", "Thành"]
_SECTION = re.compile(r"^(\W{0,4})([IVX]+)\.(\s)", re.UNICODE)
_HEADER_DATE = re.compile(r"ngày\s+\d{0,2}\s*tháng\s+\d{0,2}\s*năm\s+\d{4}")
_NUMBER = re.compile(r"^(\W{0,4})(Số|Sb):\s*[^/\n]*/", re.UNICODE)
_PERCENT = re.compile(r"\b(\d{1,3})%")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _split(text: str) -> tuple[list[str], list[list[str]]]:
    """(heading lines before section I, [section lines, ...]) of a plan text."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _SECTION.match(line.strip())]
    if not starts:
        return lines, []
    bounds = [*starts, len(lines)]
    return lines[:starts[0]], [lines[a:b] for a, b in zip(bounds, bounds[1:])]


def _load_sources() -> list[tuple[str, str, str, list[str], list[list[str]]]]:
    loaded = []
    for name, locality, level in SOURCES:
        head, sections = _split((CORPUS / name).read_text("utf-8"))
        loaded.append((name, locality, level, head, sections))
    return loaded


def _locality_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(NAME_PARTS)} {rng.choice(NAME_PARTS)}"
        if len(set(name.split())) == 2 and name not in used:
            used.add(name)
            return name
        if len(used) > 500:  # beyond the pairs: numbered names
            name = f"{name} {len(used)}"
            if name not in used:
                used.add(name)
                return name


def _renumber(section: list[str], numeral: str) -> list[str]:
    first = _SECTION.sub(lambda m: f"{m.group(1)}{numeral}.{m.group(3)}", section[0].strip(), count=1)
    return [first, *section[1:]]


def generate_text(index: int, rng: random.Random, sources, used: set[str]) -> tuple[str, str]:
    """(file name, text) of synthetic plan number `index`."""
    base_name, old_name, old_level, head, sections = sources[rng.randrange(len(sources))]
    sections = list(sections)
    others = [s for s in sources if s[0] != base_name and s[4]]
    for _ in range(rng.choice([1, 1, 2])):  # recombine: a section taken from another plan
        other = rng.choice(others)
        donor = rng.randrange(len(other[4]))
        target = min(donor, len(sections) - 1) if sections else 0
        if sections and target < len(sections) - 1:  # keep the base's last section (signature block)
            sections[target] = other[4][donor]
    level = rng.choice(LEVELS)
    name = _locality_name(rng, used)
    year = rng.choice([2023, 2024, 2025, 2026])
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    number = rng.randint(1, 999)
    out = [MARKER]
    for line in head:
        line = _HEADER_DATE.sub(f"ngày {day:02d} tháng {month:02d} năm {year}", line)
        line = _NUMBER.sub(lambda m: f"{m.group(1)}{m.group(2)}: {number}/", line)
        out.append(line)
    for position, section in enumerate(sections):
        out.extend(_renumber(section, ROMAN[position] if position < len(ROMAN) else str(position + 1)))
    text = "\n".join(out)
    text = _substitute_lines(text, old_name, old_level, name, level)
    text = _perturb_numbers(text, rng)
    slug = fold(f"{level} {name}").replace(" ", "-")
    return f"SYNTHETIC-{index:05d}-{slug}.txt", text + "\n"


def _substitute_lines(text: str, old_name: str, old_level: str, name: str, level: str) -> str:
    text = re.sub(rf"\b{re.escape(old_level)}\s+{re.escape(old_name)}\b", f"{level} {name}", text, flags=re.IGNORECASE)
    text = re.sub(rf"\b{re.escape(old_name)}\b", name, text)
    # Donor sections name their own locality: rename the other real localities too.
    for _, other_name, _ in SOURCES:
        text = re.sub(rf"\b{re.escape(other_name)}\b", name, text)
    return text


def _perturb_numbers(text: str, rng: random.Random) -> str:
    """About one percentage in ten gets a new value (targets differ from commune to commune)."""
    def repl(match: re.Match) -> str:
        if rng.random() < 0.1:
            return f"{rng.choice([50, 60, 70, 80, 85, 90, 95, 100])}%"
        return match.group(0)
    return _PERCENT.sub(repl, text)


def generate(out_dir: Path, plans: int, seed: int = 8) -> list[Path]:
    """Write `plans` synthetic plan files into `out_dir` (must not be the corpus folder)."""
    out_dir = Path(out_dir)
    if out_dir.resolve() == CORPUS.resolve() or CORPUS.resolve() in out_dir.resolve().parents:
        raise ValueError("synthetic plans are never written into corpus/")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = _load_sources()
    used: set[str] = set()
    written = []
    for index in range(plans):
        name, text = generate_text(index, rng, sources, used)
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--plans", type=int, default=10)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    for path in generate(Path(args.out_dir), args.plans, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
