#!/usr/bin/env bash
# The whole pipeline on real OpenStack Nova (python3-nova):
#   novagen -> fuzzy audit --strict -> fuzzy anonymize -> fuzzy index ->
#   fuzzy verify -> duckface scale -> fuzzy verify -> duckface compare ->
#   gate run, turbo-hipster's two-tree plan (two-trees.sh): trunk =
#   Debian's Nova (real nova-manage api_db sync + db sync 8f2f1571d55b ->
#   16f1fbcab42b -> ccb0fa1a2252), then the patch = a copy of that tree
#   made at run time with one more migration (examples/nova/patch/:
#   rewrites every block device mapping), drift check -> report, the
#   patch's step first.
# Knobs: OUT (default demo-out), INSTANCES (default 1000), FACTOR (default 10),
# PRIVACY=1 (anonymize and index with --privacy-by-default).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-demo-out}
INSTANCES=${INSTANCES:-1000}
FACTOR=${FACTOR:-10}
M=/usr/lib/python3/dist-packages/nova/db
RULES=(--models "$M/main/models.py" --models "$M/api/models.py" --rules examples/nova/rules.yaml)
PBD=()
if [ -n "${PRIVACY:-}" ]; then PBD=(--privacy-by-default); fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# gate runs nova-manage as an unprivileged user: it must read nova.conf
# here (the key and the planted values stay 0600).
chmod o+rx "$OUT"
step() { printf '\n== %s\n' "$*" >&2; }

step "novagen: a Nova cloud of $INSTANCES instances, dumped with mariadb-dump"
bin/novagen -instances "$INSTANCES" -o "$OUT/orig"
if [ ! -s "$OUT/nova.key" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$OUT/nova.key"
  chmod 600 "$OUT/nova.key"
fi
step "fuzzy audit --strict (every confidential-looking column has a rule)"
bin/fuzzy audit --strict "${RULES[@]}" "$OUT/orig/nova.sql"
step "fuzzy anonymize"
bin/fuzzy anonymize "${RULES[@]}" "${PBD[@]}" --key-file "$OUT/nova.key" -o "$OUT/nova.anon.sql" "$OUT/orig/nova.sql" 2> "$OUT/anonymize.summary"
tail -1 "$OUT/anonymize.summary" >&2
grep -h "^fuzzy: privacy by default" "$OUT/anonymize.summary" >&2 || true
step "fuzzy index (for scrubbing the logs)"
bin/fuzzy index "${RULES[@]}" "${PBD[@]}" -o "$OUT/nova.index" "$OUT/orig/nova.sql"
step "fuzzy verify: no original value anywhere in the anonymized dump"
bin/fuzzy verify --index "$OUT/nova.index" "$OUT/nova.anon.sql" > "$OUT/verify.anon.txt"
step "duckface scale x$FACTOR"
mkdir -p "$OUT/nova"
bin/duckface scale --factor "$FACTOR" "${RULES[@]}" --key-file "$OUT/nova.key" -o "$OUT/nova/nova.sql" "$OUT/nova.anon.sql" 2> "$OUT/scale.summary"
cp examples/nova/gate.yaml "$OUT/nova/config.yaml"
step "fuzzy verify: nor in the scaled one"
bin/fuzzy verify --index "$OUT/nova.index" "$OUT/nova/nova.sql" > "$OUT/verify.scaled.txt"
step "duckface compare"
bin/duckface compare --factor "$FACTOR" "${RULES[@]}" "$OUT/nova.anon.sql" "$OUT/nova/nova.sql" > "$OUT/compare.txt"
step "gate run, two trees: trunk = Debian's Nova, patch = its copy with one more migration"
OUT="$OUT" examples/nova/two-trees.sh
