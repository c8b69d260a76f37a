"""Ingestion: load a file, normalise it, segment it into a clause tree, read its metadata."""
