#!/bin/sh
# Installs what the render test needs (Debian packages), only when it is missing:
#   libreoffice-writer (libreoffice --headless --convert-to pdf) and poppler-utils (pdftoppm).
# Idempotent; exits non-zero with a message when it cannot install.
set -eu
need=""
command -v libreoffice >/dev/null 2>&1 || command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
# Vietnamese needs a Times New Roman-compatible font with the full Latin Extended range.
fc-list 2>/dev/null | grep -qi "Liberation Serif\|Times New Roman" || need="$need fonts-liberation2"
if [ -z "$need" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "render_setup: need root to install:$need" >&2; exit 1; fi
else
    SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
command -v pdftoppm >/dev/null 2>&1 && { command -v libreoffice >/dev/null 2>&1 || command -v soffice >/dev/null 2>&1; }
