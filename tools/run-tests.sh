#!/usr/bin/env bash
# Every test: code checks, unit and engine tests, the chapters under strict
# nbval, then the site: built with warnings as errors and loaded page by page
# in headless chromium. Runs every stage even when one fails; exits non-zero
# if any did.
#
# Each stage is the command a reader types with the venv active; the chapters'
# stage in particular is exactly `pytest --nbval notebooks/` (notebooks/conftest.py
# supplies the sanitizing, the kernel and the timeouts).
set -u
cd "$(dirname "$0")/.."
export VIRTUAL_ENV="$PWD/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
rc=0
stage() { echo "== $*" >&2; "$@" || rc=1; }
stage ruff check
stage ruff format --check
stage mypy
stage pytest tests --ignore=tests/site
stage pytest --nbval notebooks/
stage python tools/build_book.py --stored
stage pytest tests/site
exit $rc
