#!/usr/bin/env bash
# Installs Debian's khal, a real terminal calendar client with its own (older, independent)
# icalendar parser, which tests/test_extract_calendar.py imports the exported .ics into. Does
# nothing when /usr/bin/khal is already there; the test skips when it cannot be installed.
set -euo pipefail

KHAL=/usr/bin/khal
if [ -x "$KHAL" ]; then
    echo "calendar_setup: $KHAL present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "calendar_setup: $KHAL missing and not root (no passwordless sudo); install it with: apt-get install -y khal" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends khal

if [ ! -x "$KHAL" ]; then
    echo "calendar_setup: apt-get finished but $KHAL is still missing" >&2
    exit 1
fi
echo "calendar_setup: installed $("$KHAL" --version 2>/dev/null || echo khal)"
