"""Vietnamese matching forms: folding, tone placement, abbreviations."""
from __future__ import annotations

from pathlib import Path

from assistant.text import canonical, expand_abbreviations, expand_query_abbreviations, fold, place_tone, syllables


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Ủy ban nhân dân ĐIỆN BIÊN") == "uy ban nhan dan dien bien"


def test_fold_table_agrees_with_the_nfd_definition():
    """fold() translates per character through a lazily filled table; it must give exactly what
    normalising the whole string and dropping every combining mark gives, on the corpus, on
    decomposed (NFD) input and on arbitrary code points."""
    import random
    import unicodedata

    def by_definition(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text.lower())
        return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    lines = [line for path in sorted(corpus.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    rng = random.Random(7)
    noise = ["".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(30)) for _ in range(3000)]
    samples = lines + [unicodedata.normalize("NFD", line) for line in lines[:300]] + noise
    assert len(lines) > 500
    assert [fold(t) for t in samples] == [by_definition(t) for t in samples]


def test_old_and_new_tone_placement_meet():
    for old, new in [("hoá", "hóa"), ("uỷ", "ủy"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà", "Hòa")]:
        assert canonical(old) == canonical(new) == new
    for unchanged in ["quý", "giữa", "người", "thuở", "tuyến", "hoàn", "ngoài", "của"]:
        assert canonical(unchanged) == unchanged


def test_free_spelling_variants_meet():
    assert canonical("định kỳ hằng năm") == canonical("định kỳ hàng năm")


def test_nfd_input_is_composed():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Phường Long Mỹ")
    assert canonical(decomposed) == "Phường Long Mỹ"


def test_tone_placement_agrees_with_underthesea_on_the_corpus():
    """Our placement is the one underthesea's text_normalize uses, on every syllable of the
    typed plans (we keep our own function: text_normalize also re-spaces tokens)."""
    from underthesea import text_normalize

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    words = set()
    for path in corpus.glob("*.txt"):
        if "ocr" not in path.name:
            words |= {w for w in syllables(path.read_text(encoding="utf-8")) if w.isalpha()}
    disagreements = [w for w in words if place_tone(w) != text_normalize(w)]
    assert len(words) > 800 and disagreements == []


def test_abbreviations_expand_on_both_sides():
    assert "Ủy ban nhân dân" in expand_abbreviations("báo cáo UBND thị xã")
    assert "Khoa học và Công nghệ" in expand_abbreviations("Sở KH&CN")
    assert "băng rộng di động" in expand_abbreviations("Tốc độ BRDD")
    assert "Ủy ban nhân dân" in expand_query_abbreviations("ai bao cao ubnd")
    # A capitalised question word is not the abbreviation AI.
    assert expand_abbreviations("Ai báo cáo?") == "Ai báo cáo?"
    assert expand_query_abbreviations("ai bao cao") == "ai bao cao"
