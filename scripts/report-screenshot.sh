#!/usr/bin/env bash
# report-screenshot.sh [RUN_DIR] — regenerates docs/images/report.png, the README's picture of the report.
#
# Without RUN_DIR it makes one: `./cmbench run --out /tmp/cmbench-screenshot/run` (the default run: seed 42, the
# paper's 50 ms operating point, decode-only; outside the clone because the report's header shows the run's absolute
# path, which should not name the machine's checkout). Then headless Chromium (Debian's, the one the report's browser test drives;
# CHROMIUM=... for another) renders RUN_DIR/report.html at 1280 px wide and keeps the top HEIGHT px (default 1920:
# the headline numbers, goodput against the published points, the per-window charts). The PNG must stay under 300 KB
# so the repository does not grow with every regeneration.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
HEIGHT=${HEIGHT:-1920}
OUT="$ROOT/docs/images/report.png"
MAX_BYTES=$((300 * 1024))

[[ -x "$CHROMIUM" ]] || { echo "report-screenshot: $CHROMIUM missing: scripts/ensure-debian-package.sh chromium $CHROMIUM" >&2; exit 1; }
if [[ $# -ge 1 ]]; then
  RUN_DIR=$(cd "$1" && pwd)
else
  RUN_DIR=/tmp/cmbench-screenshot/run
  rm -rf "$RUN_DIR"
  "$ROOT/cmbench" run --out "$RUN_DIR"
fi
[[ -f "$RUN_DIR/report.html" ]] || { echo "report-screenshot: no report.html in $RUN_DIR" >&2; exit 1; }

# A throw-away profile, and no network, sync or first-run work: the report is one self-contained file.
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
mkdir -p "$(dirname "$OUT")"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir="$PROFILE" --hide-scrollbars \
  --window-size=1280,"$HEIGHT" --screenshot="$OUT" "file://$RUN_DIR/report.html" 2>"$PROFILE/chromium.log" \
  || { cat "$PROFILE/chromium.log" >&2; exit 1; }

BYTES=$(stat -c %s "$OUT")
if (( BYTES >= MAX_BYTES )); then
  echo "report-screenshot: $OUT is $BYTES bytes, over 300 KB: try a smaller HEIGHT" >&2
  exit 1
fi
echo "report-screenshot: $OUT ($BYTES bytes) from $RUN_DIR/report.html"
