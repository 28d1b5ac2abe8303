#!/usr/bin/env bash
# Installs what fuzzyduck's tests and examples need from Debian's packages,
# only when missing: MariaDB server and client (the real database every
# integration test starts privately), the real OpenStack Nova code
# (python3-nova) for the Nova tests and the example pipeline, the
# models of the other OpenStack projects and buildbot, Chromium for the
# browser tests of gate's HTML reports, xxd, hexdump and uuencode (the
# scrubber's tests of real tool dumps), and bubblewrap, the sandbox gate
# runs each migration step in.
set -euo pipefail

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb-dump >/dev/null 2>&1 || need+=(mariadb-client)
python3 -c 'import sys; sys.path.insert(0, "/usr/lib/python3/dist-packages"); import nova.db.main.models' >/dev/null 2>&1 \
  || [ -f /usr/lib/python3/dist-packages/nova/db/main/models.py ] || need+=(python3-nova)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# The models of the projects Debian packages: modelmarkup's test reads
# them as text and compares with what SQLAlchemy itself maps.
for p in aodh barbican cinder cloudkitty designate glance gnocchi heat ironic magnum manila \
    masakari mistral murano octavia placement sahara senlin vitrage watcher zaqar; do
  [ -d "/usr/lib/python3/dist-packages/$p" ] || need+=("python3-$p")
done
[ -d /usr/lib/python3/dist-packages/buildbot ] || need+=(buildbot)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v git >/dev/null 2>&1 || need+=(git)
# The real tool dumps gate scrub's tests scrub (od is coreutils').
command -v xxd >/dev/null 2>&1 || need+=(xxd)
command -v hexdump >/dev/null 2>&1 || need+=(bsdextrautils)
command -v uuencode >/dev/null 2>&1 || need+=(sharutils)
# gate's sandbox for migration steps.
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "installing: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
