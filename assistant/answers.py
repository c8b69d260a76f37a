"""What a question gets back: the answer, whether the plans support it, and its citations.

Shared by the engine (which opens the index) and the composer (which writes answers), so that
neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.text import clean_input, lone_surrogate, y_spelling

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """A question that cannot be asked (empty, only punctuation, too long)."""


@dataclass(frozen=True)
class Citation:
    source: str
    clause: str
    path: list[str]
    text: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    intent: str = ""

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": [c.__dict__ for c in self.citations],
        }


def check_question(question: str) -> str:
    """The question in one form (width, invisible characters and spaces folded: text.clean_input),
    or QuestionError with the reason."""
    if not isinstance(question, str) and question is not None:
        raise QuestionError("câu hỏi phải là chuỗi ký tự (question must be text)")
    position = lone_surrogate(question or "")
    if position >= 0:
        raise QuestionError(f"câu hỏi chứa ký tự không hợp lệ ở vị trí {position + 1} (nửa cặp surrogate UTF-16); "
                            f"hãy gõ lại câu hỏi (invalid character)")
    text = y_spelling(clean_input(question or "")).strip()
    if not text:
        raise QuestionError("câu hỏi trống (empty question)")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"câu hỏi quá dài: {len(text)} ký tự, tối đa {MAX_QUESTION_CHARS} (question too long)")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("câu hỏi không có chữ hoặc số (question has no words)")
    return text
