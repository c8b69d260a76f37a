"""Enrichment: responsibilities (who reports to whom, by when) and targets (indicator, value, year)
derived from a plan's clauses. Each record keeps its clause id so it can be cited."""
from assistant.extract.obligations import Obligation, extract_obligations
from assistant.extract.targets import Target, extract_targets

__all__ = ["Obligation", "Target", "extract_obligations", "extract_targets"]
