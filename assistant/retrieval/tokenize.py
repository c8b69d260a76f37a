"""Vietnamese tokens for lexical matching.

One text yields three kinds of token, so that each way a clause and a question can meet counts:
- folded syllables ("bao", "cao"): typed without diacritics, or the OCR scan that lost them;
- folded compounds from underthesea's word segmentation ("w:bao_cao"): "báo cáo" as one word
  scores above the two syllables scattered in a sentence;
- accented syllables ("a:báo"): when both sides have diacritics they separate báo/bao/bão.
Abbreviations are expanded on both sides before tokenizing (UBND ↔ Ủy ban nhân dân).
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from assistant.text import (apply_synonyms, lexical_form, expand_abbreviations, expand_query_abbreviations, fold,
                            translate_english_terms)

# Function words that carry no topic. Folded, so they apply to any spelling. Question words are
# stopped too; "truoc", "ngay", "thang" are kept: deadlines are asked with them. English words
# that fold-collide with Vietnamese syllables (an: công an, to: tổ, do: độ, be: bể) are kept.
STOPWORDS = frozenset(
    """va cua cac nhung cho voi trong theo duoc la co de ve nay do tu tai tren ma nhu nham
    mot nhieu hoac khi se da dang cung con bi boi ra vao nen neu hay rang vi tung moi
    ai gi nao sao the khong chua hoi biet xin cho biet nhe a oi
    the of for and or is are what who which when how does did with""".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*", re.UNICODE)
_HAS_DIACRITIC = re.compile(r"[^\x00-\x7f]")


_SEGMENTER_LOCK = threading.Lock()
_SEGMENTER: list = []


def _segmenter():
    """underthesea's word_tokenize, imported lazily (2 s) and run once under a lock: its CRF
    model loads on the first call, and a second thread calling meanwhile found it half-built
    (the web app's warm-up racing the first question)."""
    if not _SEGMENTER:
        with _SEGMENTER_LOCK:
            if not _SEGMENTER:
                word_tokenize = _import_word_tokenize()
                word_tokenize("khởi động")
                _SEGMENTER.append(word_tokenize)
    return _SEGMENTER[0]


# underthesea's __init__ imports every optional pipeline; `translate` alone pulls in transformers
# (~2 s of a cold `assistant ask`). Only word_tokenize is used here: the others are made to fail
# their import (a None entry in sys.modules raises ImportError, which underthesea treats as "not
# installed") and the entries are removed afterwards, so a later explicit import still works.
_UNUSED_UNDERTHESEA = ("underthesea.pipeline.translate", "underthesea.pipeline.classification",
                       "underthesea.pipeline.sentiment", "underthesea.pipeline.lang_detect",
                       "underthesea.pipeline.dependency_parse", "underthesea.agent", "underthesea.address")


def _import_word_tokenize():
    import sys

    if "underthesea" not in sys.modules:
        blocked = [name for name in _UNUSED_UNDERTHESEA if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            import underthesea  # noqa: F401
        finally:
            for name in blocked:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]
    from underthesea import word_tokenize

    return word_tokenize


@lru_cache(maxsize=4096)
def segment_words(text: str) -> tuple[str, ...]:
    """underthesea's words of the text ("trợ giúp", "xã hội"), syllables joined by spaces.
    Cached: the topic words of one question are read by every reader."""
    return tuple(_segmenter()(text))


def _tokens(text: str) -> list[str]:
    text = lexical_form(text)
    tokens: list[str] = []
    for syllable in _TOKEN.findall(text):
        folded = fold(syllable)
        if folded in STOPWORDS:
            continue
        tokens.append(folded)
        if _HAS_DIACRITIC.search(syllable):
            tokens.append("a:" + syllable.lower())
    if _HAS_DIACRITIC.search(text):
        for word in _segmenter()(text):
            if " " in word:
                tokens.append("w:" + fold(word).replace(" ", "_"))
    return tokens


def document_tokens(text: str) -> list[str]:
    """Tokens of a clause. Cached by text: plans of a province repeat clauses word for word, and
    underthesea's segmentation is the slow part of tokenizing (~200 KB/s)."""
    return list(_document_tokens(text))


@lru_cache(maxsize=200_000)
def _document_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokens(expand_abbreviations(text)))


def query_tokens(text: str) -> list[str]:
    return _tokens(expand_query_abbreviations(apply_synonyms(translate_english_terms(text))))
