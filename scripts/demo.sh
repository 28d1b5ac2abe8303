#!/usr/bin/env bash
# The main job on built-in defaults: the whole pipeline on real OpenStack
# Nova (examples/nova/pipeline.sh): a generated Nova cloud, audit,
# anonymize, index, scale x10, gate run with the real nova-manage.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./examples/nova/pipeline.sh
