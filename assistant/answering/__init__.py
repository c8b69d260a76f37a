"""Extractive answers with citations: `compose(engine, question)` is the entry point.

compose.py   find the plan, run a reader per slot asked, frame and cite (and comparisons)
reading.py   the reader interface: Context in, Findings out
metadata.py  number, date, signer, issuer, recipients, basis… of a document
records.py   reporting lines (obligation records) and task fields (tables, labelled lines)
sentences.py the best sentence holding the kind of value asked; a unit's duties; table values
coverage.py  how much of the question a clause covers (the answer / "not found" gate)
parts.py     clause parts and citation numbering
"""
from assistant.answering.compose import NOT_FOUND_EN, NOT_FOUND_VI, compose

__all__ = ["compose", "NOT_FOUND_VI", "NOT_FOUND_EN"]
