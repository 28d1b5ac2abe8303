#!/usr/bin/env bash
# The README's picture: a screenshot of a gate report (default: the one
# `make demo` wrote) in headless Chromium, the top of the page (the
# phases, the steps and the patch's step first, with its charts).
# Usage: scripts/screenshot.sh [REPORT.html] [OUT.png] [HEIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
REPORT=$(realpath "${1:-demo-out/gate/report.html}")
OUT=${2:-docs/report.png}
HEIGHT=${3:-1120}
mkdir -p "$(dirname "$OUT")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" --window-size="1200,$HEIGHT" \
  --screenshot="$(realpath -m "$OUT")" "file://$REPORT" 2>/dev/null
echo "$OUT: $(stat -c %s "$OUT") bytes" >&2
