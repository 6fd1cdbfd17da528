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
# PYTHON overrides the interpreter (default: this checkout's .venv); SETTLE the
# most seconds to wait for the load to settle before each benchmark (default 90).
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

# pygolang, a peer of bench_chan and bench_pipeline, lives in its own venv: its
# PyPI package (0.1) builds from source with gcc and only with Cython < 3.
# Built once; a failed build leaves the peer out (the tables say so).
pyg="$ROOT/.venv-pygolang"
if [ -z "${SWARMNOTES_PYGOLANG_PYTHON:-}" ] && [ ! -x "$pyg/bin/python" ]; then
  echo "== building pygolang in $pyg (a few minutes, once)" >&2
  echo "cython<3" > "$tmp/pygolang-constraints.txt"
  if ! { "$py" -m venv "$pyg" &&
         PIP_CONSTRAINT="$tmp/pygolang-constraints.txt" "$pyg/bin/pip" install -q pygolang==0.1 &&
         "$pyg/bin/python" -c "import golang"; }; then
    echo "run-benchmarks: pygolang did not build; its rows are left out" >&2
    rm -rf "$pyg"
  fi
fi

"$py" -m swarmnotes lab up --engines 3 || { down; exit 1; }

# Before each benchmark, wait (at most SETTLE seconds, default 90) for the 1-minute
# load average to drop below the CPU count: the previous benchmark's own threads
# (a pipeline, md5_all's workers) would otherwise still weigh on the next one.
settle() {
  local cpus end
  cpus="$(nproc)"
  end=$((SECONDS + ${SETTLE:-90}))
  while [ "$SECONDS" -lt "$end" ] &&
      awk -v c="$cpus" '{ exit !($1 >= c) }' /proc/loadavg; do
    sleep 5
  done
}

rc=0
for n in "${names[@]}"; do
  name="bench_${n#bench_}"
  settle
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
