#!/usr/bin/env bash
# Installs one Debian package a test drives, only when its program is missing:
#   bash tests/debian_setup.sh /usr/bin/chromium chromium   (the end-to-end UI tests; Playwright
#        talks to it through executable_path, `playwright install` is never used: it downloads)
#   bash tests/debian_setup.sh /usr/bin/khal khal           (a real calendar client with its own
#        icalendar parser, which tests/test_extract_calendar.py imports the exported .ics into)
# Exits non-zero with a message when it cannot install; the calling test then skips and says why.
set -euo pipefail

PROGRAM=$1
PACKAGE=$2
if [ -x "$PROGRAM" ]; then
    echo "debian_setup: $PROGRAM present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "debian_setup: $PROGRAM missing and not root (no passwordless sudo); install it with: apt-get install -y $PACKAGE" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$PACKAGE"

if [ ! -x "$PROGRAM" ]; then
    echo "debian_setup: apt-get finished but $PROGRAM is still missing" >&2
    exit 1
fi
echo "debian_setup: installed $("$PROGRAM" --version 2>/dev/null || echo "$PACKAGE")"
