#!/usr/bin/env bash
# Runs a command with the lab up (3 engines), and always brings the lab down
# after it, whatever the command's outcome. Exits with the command's status.
set -u
cd "$(dirname "$0")/.."
swarmnotes() { .venv/bin/swarmnotes "$@"; }
down() { swarmnotes lab down || echo "with-lab: lab down failed" >&2; }
trap 'down; exit 130' INT TERM
swarmnotes lab up --engines 3 || { down; exit 1; }
"$@"
rc=$?
down
exit $rc
