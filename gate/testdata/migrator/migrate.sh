#!/bin/sh
# A small migration tool for gate's tests: numbered SQL steps in up/ and
# down/, the version in schema_version, turbo-hipster's markers
# ("N -> M..." then "done"). Usage: migrate.sh TARGET|head [USER]
# The database comes from GATE_DATABASE, the server from MYSQL_UNIX_PORT /
# MYSQL_HOST / MYSQL_TCP_PORT, the password from MYSQL_PWD.
set -e
dir=$(dirname "$0")
target=$1
user=${2:-root}
db=${GATE_DATABASE:?no GATE_DATABASE}
client() { mariadb --no-defaults --user="$user" "$db" "$@"; }
if [ "$target" = head ]; then
  target=$(ls "$dir/up" | sed 's/\.sql$//' | sort -n | tail -1 | sed 's/^0*//')
fi
client -e "CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL); INSERT INTO schema_version SELECT 0 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM schema_version)"
current=$(client -N -e "SELECT version FROM schema_version")
while [ "$current" -lt "$target" ]; do
  next=$((current + 1))
  echo "$current -> $next..."
  client < "$dir/up/$(printf %03d "$next").sql"
  client -e "UPDATE schema_version SET version = $next WHERE version = $current"
  echo "done"
  current=$next
done
while [ "$current" -gt "$target" ]; do
  prev=$((current - 1))
  echo "$current -> $prev..."
  client < "$dir/down/$(printf %03d "$current").sql"
  client -e "UPDATE schema_version SET version = $prev WHERE version = $current"
  echo "done"
  current=$prev
done
