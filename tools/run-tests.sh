#!/usr/bin/env bash
# Every test: code checks, unit and engine tests, the chapters under strict
# nbval, then the site: built with warnings as errors and loaded page by page
# in headless chromium. Runs every stage even when one fails; exits non-zero
# if any did.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
# This checkout's code, also in the chapters' kernels (started in notebooks/).
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
rc=0
stage() { echo "== $*" >&2; "$@" || rc=1; }
stage .venv/bin/ruff check
stage .venv/bin/mypy
stage "$py" -m pytest tests --ignore=tests/site
stage "$py" -m pytest notebooks -p no:cacheprovider --nbval --nbval-current-env \
  --nbval-sanitize-with notebooks/nbval-sanitize.cfg \
  --nbval-cell-timeout=300 --nbval-kernel-startup-timeout=120
stage "$py" tools/build_book.py --stored
stage "$py" -m pytest tests/site
exit $rc
