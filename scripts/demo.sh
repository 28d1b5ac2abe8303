#!/usr/bin/env bash
# The main job on built-in defaults: make a Nova-like dump, check that the
# rules cover it (fuzzy audit --strict), anonymize it, write the scrubbing
# index. Everything lands in demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-out
mkdir -p "$out"
SIZE=${SIZE:-20M}
echo "== a ${SIZE} Nova-like dump: $out/nova.sql" >&2
bin/gendump -size "$SIZE" -o "$out/nova.sql"
if [ ! -f "$out/demo.key" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/demo.key"
  chmod 600 "$out/demo.key"
fi
echo "== fuzzy audit --strict" >&2
bin/fuzzy audit --strict --rules testdata/demo/rules.yaml "$out/nova.sql"
echo "== fuzzy anonymize" >&2
bin/fuzzy anonymize --rules testdata/demo/rules.yaml --key-file "$out/demo.key" -o "$out/nova.anon.sql.gz" "$out/nova.sql"
echo "== fuzzy index" >&2
bin/fuzzy index --rules testdata/demo/rules.yaml -o "$out/nova.index" "$out/nova.sql"
echo "done: anonymized dump $out/nova.anon.sql.gz, scrubbing index $out/nova.index" >&2
