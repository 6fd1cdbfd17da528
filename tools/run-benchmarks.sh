#!/usr/bin/env bash
# Runs every benchmark in benchmarks/ one after another, with the lab up, and
# records each one's numbers and printed output for the performance appendix:
#
#   benchmarks/results/<bench_name>.json   the numbers + metadata (--json)
#   benchmarks/results/<bench_name>.txt    what the script printed
#
#   tools/run-benchmarks.sh                 # every benchmarks/bench_*.py
#   tools/run-benchmarks.sh chan events     # only bench_chan.py, bench_events.py
#
# Run by hand (not by `make test`): it takes a few minutes and its numbers
# depend on the machine. A benchmark that fails keeps its previous results;
# the others still run. The lab is brought down at the end, whatever happened.
# PYTHON overrides the interpreter (default: this checkout's .venv).
set -u -o pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT/src"
py="${PYTHON:-$ROOT/.venv/bin/python}"
out="$ROOT/benchmarks/results"
mkdir -p "$out"
tmp="$(mktemp -d)"

down() {
  "$py" -m swarmnotes lab down || echo "run-benchmarks: lab down failed" >&2
  rm -rf "$tmp"
}
trap 'down; exit 130' INT TERM

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in benchmarks/bench_*.py; do
    n="$(basename "$f" .py)"
    names+=("${n#bench_}")
  done
fi

"$py" -m swarmnotes lab up --engines 3 || { down; exit 1; }

rc=0
for n in "${names[@]}"; do
  name="bench_${n#bench_}"
  echo "== $name (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # -u: unbuffered, so the output shows up as it is printed. The script writes
  # its JSON only once it has measured everything; the output is kept only then.
  if "$py" -u "benchmarks/$name.py" --json "benchmarks/results/$name.json" \
      | tee "$tmp/$name.txt"; then
    mv "$tmp/$name.txt" "$out/"
  else
    echo "run-benchmarks: $name failed; benchmarks/results/$name.* left as they were" >&2
    rc=1
  fi
done

down
exit $rc
