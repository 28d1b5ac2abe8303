#!/usr/bin/env bash
# Benchmarks on deterministic Nova-like dumps (SIZE=1G by default).
# Prints fuzzy against myanon (bench/peers.sh), then one table: MB/s and
# peak RSS per tool, against `cat`.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1G}
out=bench/out
mkdir -p "$out" bin
command -v /usr/bin/time >/dev/null 2>&1 || apt-get install -y -qq time >/dev/null 2>&1 || true
go build -o bin/ ./cmd/... ./bench/gendump ./bench/passthrough ./bench/namestext
dump="$out/nova-$SIZE.sql"
[ -s "$dump" ] || { echo "generating $dump ..." >&2; bin/gendump -size "$SIZE" -o "$dump"; }
small="$out/nova-100M.sql"
[ -s "$small" ] || bin/gendump -size 100M -o "$small"
key=$(mktemp)
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' > "$key"
cat "$dump" > /dev/null # warm the page cache

# measure BYTES LABEL CMD...: MB/s of BYTES over the command's wall time,
# and its peak RSS.
measure() {
  local bytes=$1 label=$2; shift 2
  local tf; tf=$(mktemp)
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -o "$tf" -f '%M' "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  printf '%-44s %10s %12s\n' "$label" \
    "$(awk -v b="$bytes" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.0f", b / 1e6 / (c - a) }')" \
    "$(awk -v k="$(tail -1 "$tf")" 'BEGIN { printf "%.1f", k / 1024 }')"
  rm -f "$tf"
}

bytes=$(stat -c %s "$dump")
printf '%-44s %10s %12s\n' "step ($((bytes / 1000000)) MB input)" "MB/s" "peak RSS MB"
measure "$bytes" "cat > /dev/null" cat "$dump"
measure "$bytes" "sqldump pass-through (GOMAXPROCS=1)" env GOMAXPROCS=1 bin/passthrough "$dump" /dev/null
measure "$bytes" "fuzzy anonymize (2 cores, one pass)" bin/fuzzy anonymize --rules testdata/demo/rules.yaml --key-file "$key" -o /dev/null "$dump"
measure "$bytes" "fuzzy index" bin/fuzzy index --rules testdata/demo/rules.yaml -o "$out/nova.index" "$dump"
# A dump is the worst case for the index mode (nearly every word is a
# candidate to hash), so this one runs on the 100 MB dump.
measure "$(stat -c %s "$small")" "gate scrub --index (100 MB dump as log text)" bin/gate scrub --index "$out/nova.index" -o /dev/null "$small"
# Dump-like text (every line full of names, e-mails, host names) against
# 100,000 known values: gate scrub (every form, every value) beside
# grep -F (plain text only, first hit of each line).
[ -s "$out/names.sql" ] || bin/namestext -size 64000000 -values 100000 -o "$out/names.sql" -values-out "$out/names-values.txt"
nbytes=$(stat -c %s "$out/names.sql")
measure "$nbytes" "grep -c -F -f values.txt (64 MB names text)" sh -c "grep -c -F -f '$out/names-values.txt' '$out/names.sql'"
measure "$nbytes" "gate scrub --values (same text, same values)" bin/gate scrub --values "$out/names-values.txt" -o /dev/null "$out/names.sql"
# The same two in CPU seconds (user + system), the figure BENCHMARKS.md
# compares: wall clock says more about the neighbours on a shared machine.
cpu() {
  local tf; tf=$(mktemp)
  /usr/bin/time -o "$tf" -f '%U %S' "$@" > /dev/null 2>&1 || true
  tail -1 "$tf" | awk '{ printf "%.2f", $1 + $2 }'
  rm -f "$tf"
}
g=$(cpu sh -c "grep -c -F -f '$out/names-values.txt' '$out/names.sql'")
s=$(cpu bin/gate scrub --values "$out/names-values.txt" -o /dev/null "$out/names.sql")
printf '%-44s %10s %12s\n' "names text, CPU s: gate scrub / grep -F" "$s / $g" "$(awk -v a="$s" -v b="$g" 'BEGIN { printf "%.2f x", a / b }')"
# fuzzy verify reads the whole anonymized dump with the same matcher, on
# the 100 MB dump too (the index of the 1 GB dump's originals: a superset).
bin/fuzzy anonymize --rules testdata/demo/rules.yaml --key-file "$key" -o "$out/small.anon.sql" "$small" 2> /dev/null
# (exit 1: the demo rules leave instance_metadata.key unmarked, and its
# words are the marked display names' words)
measure "$(stat -c %s "$out/small.anon.sql")" "fuzzy verify --index (100 MB anonymized dump)" \
  sh -c 'bin/fuzzy verify --max 1 --index "$1" "$2"; [ $? -le 1 ]' _ "$out/nova.index" "$out/small.anon.sql"
rm -f "$out/small.anon.sql"
bin/duckface scale --key-file "$key" --factor 10 --rules testdata/demo/rules.yaml -o "$out/x10.sql" "$small" > /dev/null 2>&1
written=$(stat -c %s "$out/x10.sql")
rm -f "$out/x10.sql"
measure "$written" "duckface x10 of 100 MB (MB/s written)" bin/duckface scale --key-file "$key" --factor 10 --rules testdata/demo/rules.yaml -o /dev/null "$small"
rm -f "$key"

# Loading a seed: gate (through the mariadb client, from Go) against the
# client alone, on the 100 MB dump, each into a fresh throwaway server.
lbytes=$(stat -c %s "$small")
ds=$(mktemp -d)
printf 'database: nova\nseed_data: %s\ndrift: off\n' "$PWD/$small" > "$ds/config.yaml"
bin/gate run --dataset "$ds" --migrate 'true {version}' --versions v1 --isolation off --out "$ds/out" > /dev/null 2>&1 || true
awk -v b="$(grep -o '"load_bytes": [0-9]*' "$ds/out/result.json" | grep -o '[0-9]*$')" -v s="$(grep -o '"load_seconds": [0-9.]*' "$ds/out/result.json" | grep -o '[0-9.]*$')" \
  'BEGIN { printf "%-44s %10.0f %12s\n", "gate load of 100 MB (mariadb client)", b / 1e6 / s, "-" }'
srv=$(mktemp -d)
mariadb-install-db --no-defaults --datadir="$srv/d" --user=root --auth-root-authentication-method=normal > /dev/null 2>&1
(mariadbd --no-defaults --datadir="$srv/d" --socket="$srv/s" --skip-networking --user=root --log-error="$srv/e" --innodb-buffer-pool-size=256M --innodb-log-file-size=48M > /dev/null 2>&1 &)
for _ in $(seq 100); do mariadb --no-defaults -S "$srv/s" -uroot -e 'select 1' > /dev/null 2>&1 && break; sleep 0.1; done
mariadb --no-defaults -S "$srv/s" -uroot -e 'create database nova'
measure "$lbytes" "mariadb < dump.sql (100 MB)" sh -c "mariadb --no-defaults -S '$srv/s' -uroot nova < '$small'"
mariadb --no-defaults -S "$srv/s" -uroot -e shutdown 2>/dev/null || true
rm -rf "$srv" "$ds"
