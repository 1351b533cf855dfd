#!/bin/sh
# ensure-debian-package.sh PACKAGE BINARY [SERVICE]
# Makes sure Debian's PACKAGE provides BINARY (e.g. chromium /usr/bin/chromium) for a test that runs it.
# BINARY may also be a file the package installs that is not run, such as a Python module's
# /usr/lib/python3/dist-packages/avro/__init__.py: a path ending in .py need only exist.
# Installs it with apt-get when missing (needs root or sudo, as in CI and the dev container). Idempotent.
# Run by the build before the tests that need it (exec-maven-plugin in report/ and cluster/).
#
# Maintainer scripts may start a service (prometheus on :9090): while installing, a policy-rc.d refusing
# service starts is put in place (unless one exists), and SERVICE, if given, is stopped and disabled after.
set -eu
PACKAGE=$1
BINARY=$2
SERVICE=${3:-}
say() { echo "ensure-debian-package: $*"; }
case "$BINARY" in
    *.py) present() { [ -f "$BINARY" ]; } ;;
    *)    present() { [ -x "$BINARY" ]; } ;;
esac
# the package's version, not BINARY --version: Debian's chromium launcher prints shell errors when asked
version() { dpkg-query -W -f '${Version}' "$PACKAGE" 2>/dev/null || echo "version unknown"; }

if present; then
    say "$BINARY present ($(version))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "$BINARY missing and apt-get not available; install Debian's $PACKAGE package" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        say "$BINARY missing and not root (no sudo); run: apt-get install $PACKAGE" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive

POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=""
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# temporary, from cmbench ensure-debian-package.sh: no service starts while installing\nexit 101\n' \
        | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 0755 "$POLICY"
    OWN_POLICY=1
fi
cleanup() {
    if [ -n "$OWN_POLICY" ]; then $SUDO rm -f "$POLICY"; fi
}
trap cleanup EXIT INT TERM

if ! apt-cache show "$PACKAGE" >/dev/null 2>&1; then
    say "package index has no $PACKAGE; running apt-get update"
    $SUDO apt-get update
fi
say "installing Debian's $PACKAGE: apt-get install -y --no-install-recommends $PACKAGE"
if ! $SUDO apt-get install -y --no-install-recommends "$PACKAGE"; then
    say "install failed; refreshing the package index (apt-get update) and retrying"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "$PACKAGE"
fi

if [ -n "$SERVICE" ]; then
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl stop "$SERVICE.service" >/dev/null 2>&1 || true
        $SUDO systemctl disable "$SERVICE.service" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$SERVICE" ] && "/etc/init.d/$SERVICE" status >/dev/null 2>&1; then
        $SUDO "/etc/init.d/$SERVICE" stop >/dev/null 2>&1 || true
    fi
fi

if ! present; then
    say "apt-get finished but $BINARY is still missing" >&2
    exit 1
fi
say "installed $(version)"
