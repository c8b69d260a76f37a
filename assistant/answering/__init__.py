"""Extractive answers with citations: `compose(engine, question)` is the entry point.

compose.py   dispatch by intent, the not-found gates, targets, comparisons, duties
coverage.py  how much of the question a clause covers (the answer / "not found" gate)
parts.py     clause parts, their choice for an intent, quoting with [n]
metadata.py  number, date, signer, basis, replacement, recipients of a plan
records.py   reporting lines from the extracted obligation records
"""
from assistant.answering.compose import NOT_FOUND_EN, NOT_FOUND_VI, compose

__all__ = ["compose", "NOT_FOUND_VI", "NOT_FOUND_EN"]
