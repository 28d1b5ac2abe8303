#!/usr/bin/env bash
# The main job on the built-in example: read a real mariadb-dump output and
# report what fuzzy understood of it.
set -euo pipefail
cd "$(dirname "$0")/.."
./bin/fuzzy check sqldump/testdata/dumps/routines.sql
