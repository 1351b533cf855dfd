#!/bin/sh
# Makes sure Debian's headless-capable chromium is at /usr/bin/chromium for the report's browser test.
# Installs it with apt-get when missing (needs root, as in CI and the dev container). Idempotent.
set -eu
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    echo "ensure-chromium: $CHROMIUM present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM missing and apt-get not available; install Debian's chromium package" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "ensure-chromium: $CHROMIUM missing and not root (no sudo); run: apt-get install chromium" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
    echo "ensure-chromium: package index has no chromium; running apt-get update"
    $SUDO apt-get update
fi
echo "ensure-chromium: installing Debian's chromium: apt-get install -y --no-install-recommends chromium"
if ! $SUDO apt-get install -y --no-install-recommends chromium; then
    echo "ensure-chromium: install failed; refreshing the package index (apt-get update) and retrying"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends chromium
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
