#!/usr/bin/env bash
# Every test: code checks, unit and engine tests, then the chapters under
# strict nbval. Runs every stage even when one fails; exits non-zero if any did.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
rc=0
stage() { echo "== $*" >&2; "$@" || rc=1; }
stage .venv/bin/ruff check
stage .venv/bin/mypy
stage "$py" -m pytest tests
stage "$py" -m pytest notebooks -p no:cacheprovider --nbval --nbval-current-env \
  --nbval-sanitize-with notebooks/nbval-sanitize.cfg \
  --nbval-cell-timeout=300 --nbval-kernel-startup-timeout=120
exit $rc
