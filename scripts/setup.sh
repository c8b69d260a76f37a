#!/usr/bin/env bash
# Create .venv, install pinned dependencies (torch CPU first), build the offline embedder.
# Idempotent: once done, a re-run only compares a stamp and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV=.venv
STAMP="$VENV/.setup-stamp"
want="$(cat requirements.txt constraints.txt pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "setup: creating $VENV and installing pinned packages (first run takes a few minutes)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  # torch first: a CPU build; anything that later asks for torch finds it satisfied.
  "$VENV/bin/pip" install -q torch==2.13.0
  "$VENV/bin/pip" install -q -r requirements.txt -c constraints.txt
  "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e .
  echo "$want" > "$STAMP"
fi

"$VENV/bin/python" scripts/build_embedder.py
