#!/usr/bin/env bash
# Benchmarks on a deterministic 1 GB Nova-like dump (SIZE=... to change).
# Prints one table: MB/s and peak RSS per tool, against `cat`.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1G}
out=bench/out
mkdir -p "$out" bin
dump="$out/nova-$SIZE.sql"
go build -o bin/ ./cmd/... ./bench/gendump ./bench/passthrough
if [ ! -s "$dump" ]; then
  echo "generating $dump ..." >&2
  bin/gendump -size "$SIZE" -o "$dump"
fi
bytes=$(stat -c %s "$dump")
cat "$dump" > /dev/null # warm the page cache

mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
timed() { # prints seconds and peak RSS (MB) of a command
  local t0 t1 rss
  t0=$(date +%s.%N)
  rss=$( { /usr/bin/env time -f '%M' "$@" > /dev/null; } 2>&1 | tail -1 ) || true
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
}
if ! command -v /usr/bin/time >/dev/null 2>&1 && ! [ -x /usr/bin/time ]; then
  apt-get install -y -qq time >/dev/null 2>&1 || true
fi

printf "%-40s %10s %12s\n" "step ($((bytes / 1000000)) MB input)" "MB/s" "peak RSS MB"
read -r s rss < <(timed cat "$dump")
printf '%-40s %10s %12s\n' "cat > /dev/null" "$(mbps "$s")" "$rss"
read -r s rss < <(GOMAXPROCS=1 timed bin/passthrough "$dump" /dev/null)
printf '%-40s %10s %12s\n' "sqldump pass-through (1 core)" "$(mbps "$s")" "$rss"
key=$(mktemp); printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' > "$key"
read -r s rss < <(timed bin/fuzzy anonymize --rules testdata/demo/rules.yaml --key-file "$key" -o /dev/null "$dump")
printf '%-40s %10s %12s\n' "fuzzy anonymize (2 cores)" "$(mbps "$s")" "$rss"
rm -f "$key"
