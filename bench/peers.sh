#!/usr/bin/env bash
# fuzzy against the peer anonymizer myanon (C, single-threaded), side by
# side on the same mariadb-dump of 1,000,000 rows and the same three
# columns (name, e-mail, phone): plain SQL to /dev/null, and .gz to .gz
# (fuzzy reads and writes gzip itself; myanon sits between zcat and gzip).
# The tools run in turn (fuzzy, myanon, fuzzy, ...) RUNS times each after
# a warm-up; each figure is a median, the ratio the median of the pairs'.
# ../shared/peers/setup.sh builds myanon and the dump (CI does not: then
# this says so and prints no rows).
set -euo pipefail
cd "$(dirname "$0")/.."
# ../shared beside the clone (a git worktree: beside the main clone)
if [ -z "${SHARED:-}" ]; then
  SHARED=$(cd .. && pwd)/shared
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  [ -d "$SHARED/peers" ] || [ -z "$common" ] || SHARED=$(dirname "$(dirname "$common")")/shared
fi
PEERS=${PEERS:-/tmp/peers}
RUNS=${RUNS:-5}
myanon=$PEERS/myanon/main/myanon
dump=$PEERS/bench/users1m.sql
conf=$SHARED/peers/myanon-users.conf
models=$SHARED/peers/models_users.py
if [ ! -x "$myanon" ] || [ ! -s "$dump" ] || [ ! -f "$conf" ] || [ ! -f "$models" ]; then
  echo "fuzzy vs myanon: skipped: the peer is not built (run $SHARED/peers/setup.sh $PEERS; looked for $myanon, $dump, $conf, $models)"
  exit 0
fi
out=bench/out
mkdir -p "$out" bin
command -v /usr/bin/time >/dev/null 2>&1 || apt-get install -y -qq time >/dev/null 2>&1 || true
go build -o bin/ ./cmd/fuzzy
gz=$out/users1m.sql.gz
[ -s "$gz" ] && [ "$gz" -nt "$dump" ] || gzip -c "$dump" > "$gz"
key=$(mktemp)
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' > "$key"
cat "$dump" "$gz" > /dev/null # warm the page cache

# once CMD...: "wall cpu peakMiB" of one run (cpu: user + sys of every
# process; peak: the largest one's).
once() {
  local tf; tf=$(mktemp)
  /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" > /dev/null 2>&1
  awk '{ printf "%.3f %.3f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$(tail -1 "$tf" > "$tf.l"; echo "$tf.l")"
  rm -f "$tf" "$tf.l"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# pair LABEL "FUZZY CMD" "PEER CMD": one row.
pair() {
  local label=$1 a=$2 b=$3 i ra rb
  local fa; fa=$(mktemp); local fb; fb=$(mktemp); local fr; fr=$(mktemp)
  sh -c "$a" > /dev/null 2>&1; sh -c "$b" > /dev/null 2>&1 # warm-up
  for i in $(seq "$RUNS"); do
    ra=$(once sh -c "$a"); rb=$(once sh -c "$b")
    echo "$ra" >> "$fa"; echo "$rb" >> "$fb"
    awk -v x="${ra%% *}" -v y="${rb%% *}" 'BEGIN { printf "%.4f\n", x / y }' >> "$fr"
  done
  printf '%-8s %9s %9s %7s %9s %9s %9s %9s\n' "$label" \
    "$(cut -d' ' -f1 "$fa" | median)" "$(cut -d' ' -f1 "$fb" | median)" "$(median < "$fr")" \
    "$(cut -d' ' -f2 "$fa" | median)" "$(cut -d' ' -f2 "$fb" | median)" \
    "$(cut -d' ' -f3 "$fa" | median)" "$(cut -d' ' -f3 "$fb" | median)"
  rm -f "$fa" "$fb" "$fr"
}

echo "fuzzy vs myanon on $dump ($(($(stat -c %s "$dump") / 1000000)) MB, 1,000,000 rows; name, email, phone), $RUNS runs each alternating, medians; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %9s %9s %7s %9s %9s %9s %9s\n' "case" "fuzzy s" "myanon s" "ratio" "fuzzy cpu" "myanon cpu" "fuzzy MiB" "myanon MiB"
pair plain \
  "bin/fuzzy anonymize --models '$models' --key-file '$key' '$dump' > /dev/null" \
  "'$myanon' -f '$conf' < '$dump' > /dev/null"
pair "gz->gz" \
  "bin/fuzzy anonymize --models '$models' --key-file '$key' '$gz' -o '$out/fuzzy.anon.sql.gz'" \
  "zcat '$gz' | '$myanon' -f '$conf' | gzip > '$out/myanon.anon.sql.gz'"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
zcat "$out/fuzzy.anon.sql.gz" | cmp -s - <(bin/fuzzy anonymize --models "$models" --key-file "$key" "$dump" 2> /dev/null) \
  || { echo "fuzzy's .gz output does not decompress to its plain output" >&2; exit 1; }
rm -f "$key" "$out/fuzzy.anon.sql.gz" "$out/myanon.anon.sql.gz"
