#!/usr/bin/env bash
# Installs the Debian Chromium the end-to-end UI tests drive (Playwright for Python talks to it
# through executable_path=/usr/bin/chromium; `playwright install` is never used: it downloads
# browsers from a CDN). Does nothing when /usr/bin/chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    echo "e2e_setup: $CHROMIUM present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "e2e_setup: $CHROMIUM missing and not root (no passwordless sudo); install it with: apt-get install -y chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "e2e_setup: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "e2e_setup: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
