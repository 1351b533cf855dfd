#!/bin/sh
# Makes sure Debian's Prometheus server is at /usr/bin/prometheus for DashboardsPrometheusTest, which starts
# its own instance on a free port of 127.0.0.1. Installs it with apt-get when missing (needs root, as in CI and
# the dev container). Idempotent.
#
# The package's maintainer scripts would start a `prometheus` service on :9090. That daemon is not wanted:
# while installing, a policy-rc.d that refuses service starts is put in place (unless one exists already), and
# on a systemd host the unit is stopped and disabled afterwards.
set -eu
PROMETHEUS=/usr/bin/prometheus
if [ -x "$PROMETHEUS" ]; then
    echo "ensure-prometheus: $PROMETHEUS present ($("$PROMETHEUS" --version 2>&1 | head -n 1 || echo 'version unknown'))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-prometheus: $PROMETHEUS missing and apt-get not available; install Debian's prometheus package" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "ensure-prometheus: $PROMETHEUS missing and not root (no sudo); run: apt-get install prometheus" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive

# Refuse service starts during the install (invoke-rc.d / deb-systemd-invoke honour policy-rc.d).
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=""
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# temporary, from cmbench ensure-prometheus.sh: no service starts while installing\nexit 101\n' \
        | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 0755 "$POLICY"
    OWN_POLICY=1
fi
cleanup() {
    if [ -n "$OWN_POLICY" ]; then $SUDO rm -f "$POLICY"; fi
}
trap cleanup EXIT INT TERM

if ! apt-cache show prometheus >/dev/null 2>&1; then
    echo "ensure-prometheus: package index has no prometheus; running apt-get update"
    $SUDO apt-get update
fi
echo "ensure-prometheus: installing Debian's prometheus: apt-get install -y --no-install-recommends prometheus"
if ! $SUDO apt-get install -y --no-install-recommends prometheus; then
    echo "ensure-prometheus: install failed; refreshing the package index (apt-get update) and retrying"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends prometheus
fi

# On a systemd host the unit may have been enabled (and started) anyway: the test runs its own instance.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl stop prometheus.service >/dev/null 2>&1 || true
    $SUDO systemctl disable prometheus.service >/dev/null 2>&1 || true
elif [ -x /etc/init.d/prometheus ] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    # A pre-existing policy-rc.d allowed the start: stop the SysV service again.
    $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi

if [ ! -x "$PROMETHEUS" ]; then
    echo "ensure-prometheus: apt-get finished but $PROMETHEUS is still missing" >&2
    exit 1
fi
echo "ensure-prometheus: installed $("$PROMETHEUS" --version 2>&1 | head -n 1 || echo prometheus)"
