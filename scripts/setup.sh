#!/usr/bin/env bash
# Create .venv, install pinned dependencies (torch CPU first), build the offline embedder.
# Idempotent: once done, a re-run only compares a stamp and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian programs that some formats need (the rest works without them):
#   poppler-utils (pdftoppm: scanned PDF pages → images), tesseract-ocr + tesseract-ocr-vie (OCR,
#   Vietnamese model), libreoffice-writer-nogui (soffice: .doc/.odt/.rtf → .docx).
# Installed when missing and apt-get can run (root or passwordless sudo); otherwise a warning names
# them and those formats are refused with the package's name. The check is a few `command -v`.
missing_debs() {
  local need=""
  command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
  command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr"
  if ! ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 \
      && ! { command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; }; then
    need="$need tesseract-ocr-vie"
  fi
  command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
  echo "${need# }"
}

debs="$(missing_debs)"
if [ -n "$debs" ] && [ "${ASSISTANT_SKIP_APT:-0}" != "1" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && SUDO="sudo -n"; } || SUDO="none"
  if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages for scans and old Word files: $debs"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $debs; } >/dev/null \
      || echo "setup: apt-get could not install: $debs" >&2
    debs="$(missing_debs)"
  fi
fi
if [ -n "$debs" ]; then
  echo "setup: warning: missing Debian packages: $debs (apt-get install $debs, as root)." >&2
  echo "setup: until then scanned PDFs, images (.png/.jpg/.tif) and .doc/.odt/.rtf that need them are refused; .txt, .md, .docx and PDFs with a text layer work." >&2
fi

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
