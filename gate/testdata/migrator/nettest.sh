#!/bin/bash
# Tries the network, then migrates: gate's isolation test. GATE_TEST_PORT
# is a TCP listener on 127.0.0.1 that the test started outside.
if (exec 3<>/dev/tcp/127.0.0.1/"$GATE_TEST_PORT") 2>/dev/null; then
  echo "tcp: connected to 127.0.0.1:$GATE_TEST_PORT"
else
  echo "tcp: blocked (port $GATE_TEST_PORT)"
fi
exec "$(dirname "$0")/migrate.sh" "$@"
