#!/usr/bin/env bash
# gate run with turbo-hipster's two-tree plan on the Nova dataset that
# pipeline.sh made: trunk = Debian's Nova (/usr/lib/python3/dist-packages),
# then the patch = a copy of that tree, made here and never committed,
# with one more alembic migration (examples/nova/patch/: rewrites every
# block device mapping row by row). Real nova-manage, step by step, no
# network; the report shows the patch's step first.
# Knobs: OUT (default demo-out: where pipeline.sh wrote), DATASET
# (default $OUT/nova), GATE_OUT (default $OUT/gate), HISTORY (default
# $OUT/history). Run it again to add runs to the history.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-demo-out}
OUT=$(cd "$OUT" && pwd)
DATASET=${DATASET:-$OUT/nova}
GATE_OUT=${GATE_OUT:-$OUT/gate}
HISTORY=${HISTORY:-$OUT/history}
TRUNK=/usr/lib/python3/dist-packages
PATCH="$OUT/nova-patch"
rm -rf "$PATCH"
mkdir -p "$PATCH"
cp -a "$TRUNK/nova" "$PATCH/"
cp examples/nova/patch/*.py "$PATCH/nova/db/main/migrations/versions/"
# Each phase runs nova-manage with its own tree first on the path
# ({dir}) and lists its own alembic revisions. --local_cell: the dump's
# cell0 mapping (its nil uuid is kept) names the donor's cell0 database,
# which is not in the dataset.
NM="PYTHONPATH={dir} $PWD/examples/nova/nova-manage --config-file $OUT/nova.conf"
status=0
bin/gate run --dataset "$DATASET" \
  --render "examples/nova/nova.conf.in:$OUT/nova.conf" \
  --trunk "$TRUNK" --patch "$PATCH" \
  --migrate "$NM api_db sync && $NM db sync --local_cell {version}" \
  --versions-from "$PWD/examples/nova/nova-versions {dir}" \
  --index "$OUT/nova.index" --out "$GATE_OUT" --history "$HISTORY" || status=$?
rm -rf "$PATCH"
echo "HTML report: $GATE_OUT/report.html" >&2
exit $status
