#!/usr/bin/env bash
# `make container-test`: builds the project's image and checks it works, on a
# machine with no registry and no Docker engine of its own.
#
#  1. a debian:12 base: debootstrap of bookworm (minbase) from this machine's
#     Debian mirror, kept in .container-test/cache/ for a week between runs
#     (the only thing cached: a run with no cache makes everything itself);
#  2. a private dockerd that this script starts and stops: data root, exec root,
#     socket and pidfile of its own, and a bridge and /24 of its own;
#  3. `docker import` of the base as debian:12, `docker build` of the Dockerfile;
#  4. the image run privileged with JupyterLab's port published on 127.0.0.1:
#     the lab comes up inside, JupyterLab answers on the mapped port, and
#     chapters 00 and 05 pass under `pytest --nbval` inside it;
#  5. everything it made removed: container, images, volumes, the engine, its
#     bridge, mounts and files. Only the base tarball stays, in the cache.
#
# Why a private engine in this machine's own network namespace: the lab's
# engines sit in namespaces with no route out, so a build there cannot
# apt-get. Builds here use `--network host` (the build reaches the mirror and
# PyPI as this machine does), and the engine runs with --iptables=false and
# --ip-forward=false: it adds no firewall rules and changes no sysctl. The one
# published port goes through docker-proxy, a plain userland relay over the
# engine's bridge, which needs neither NAT nor forwarding. Where this machine
# cannot grant every capability (it is itself a container), --privileged runs
# through tools/runc-within-bounds.py, which leaves out only the ones it lacks.
#
# Environment:
#   CONTAINER_TEST_FRESH=1   ignore the cached base, as on a fresh checkout
#   CONTAINER_TEST_COMMAND   what to run inside (default: chapters 00 and 05 under nbval)
#   CONTAINER_TEST_MAKE_TEST=1  then also `docker run --rm --privileged IMAGE make test`
#   CONTAINER_TEST_TIMES     a file to append "<step> <seconds>" lines to (benchmarks)
set -euo pipefail

# The whole script is one function, read in full before it starts: bash reads
# a script as it runs it, and an edit to the file during a 10-minute run would
# otherwise change what the rest of the run does.
main() {
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf 'container-test: %s\n' "$*" >&2; }
die() { printf 'container-test: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: it starts a dockerd and runs debootstrap"
for cmd in debootstrap dockerd docker ip; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is missing: run \`make setup\`"
done

WORK=$ROOT/.container-test
CACHE=$WORK/cache
STATE=$WORK/engine
ID=$(printf '%s' "$ROOT" | sha1sum | cut -c1-4)
BRIDGE=swnct$ID
EXEC_ROOT=/run/swnct-$ID      # short: containerd's socket path must fit in 108 bytes
SOCKET=$STATE/docker.sock
PIDFILE=$STATE/docker.pid
IMAGE=swarmnotes-container-test:$ID
CONTAINER=swarmnotes-container-test-$ID
BASE_TAR=$CACHE/debian-12-minbase.tar.gz
COMMAND=${CONTAINER_TEST_COMMAND:-". .venv/bin/activate && pytest --nbval notebooks/00-the-lab.ipynb notebooks/05-swarmd-node.ipynb"}
export DOCKER_HOST=unix://$SOCKET
# The CLI's legacy builder: no buildx plugin here, and it honours --network host.
export DOCKER_BUILDKIT=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timed() {  # timed STEP COMMAND...: run it, report and record its wall time
  local step=$1 start rc=0
  shift
  start=$(now)
  "$@" || rc=$?
  local took
  took=$(elapsed "$start")
  say "$step took $took s"
  [ -z "${CONTAINER_TEST_TIMES:-}" ] || echo "$step $took" >> "$CONTAINER_TEST_TIMES"
  return $rc
}

# -- clean-up: runs on every exit, also after a failure or Ctrl+C ----------------

unmount_under() {  # every mount below a directory, deepest first
  local dir=$1
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts \
    | sort -r | while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
}

stop_engine() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd $pid did not stop within 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "removing what it made"
  if [ -S "$SOCKET" ]; then
    docker rm -f -v "$CONTAINER" >/dev/null 2>&1 || true
    docker image rm -f "$IMAGE" debian:12 >/dev/null 2>&1 || true
    docker volume prune -f >/dev/null 2>&1 || true
  fi
  stop_engine
  unmount_under "$STATE"
  unmount_under "$EXEC_ROOT"
  rm -rf "$STATE" "$EXEC_ROOT" "$WORK/rootfs"
  if [ -e "/sys/class/net/$BRIDGE" ]; then ip link del "$BRIDGE" || true; fi
  rmdir "$WORK" 2>/dev/null || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -- 1. the base image ------------------------------------------------------------

debian_mirror() {
  # The URI apt uses for bookworm's main component here, else Debian's own.
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null \
        | awk '$2 == "bookworm" { print $1; exit }')
  echo "${uri:-http://deb.debian.org/debian/}"
}

make_base() {
  local mirror rootfs=$WORK/rootfs
  mirror=$(debian_mirror)
  say "debootstrap bookworm (minbase) from $mirror"
  rm -rf "$rootfs"
  mkdir -p "$rootfs" "$CACHE"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  # An image's apt has nothing to clean up after itself; drop debootstrap's downloads.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --numeric-owner -czf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$rootfs"
}

# The cached base is kept a week: bookworm's point releases change it slowly,
# and the image's own apt-get brings in whatever it installs, current.
if [ "${CONTAINER_TEST_FRESH:-0}" = 1 ] || [ -z "$(find "$BASE_TAR" -mtime -7 2>/dev/null)" ]; then
  timed debootstrap make_base
else
  say "reusing the cached base $BASE_TAR (CONTAINER_TEST_FRESH=1 makes a new one)"
fi

# -- 2. the private engine ----------------------------------------------------------

free_prefix() {  # the first 172.29.N not configured on this machine
  local used n
  used=$(ip -4 -o addr show | awk '{ split($4, a, "."); print a[1] "." a[2] "." a[3] }')
  for n in $(seq 0 255); do
    grep -qx "172\.29\.$n" <<< "$used" || { echo "172.29.$n"; return; }
  done
  die "no free 172.29.N.0/24 for the engine's bridge"
}

full_bounding_set() {
  # Every capability up to the kernel's last one in this process's bounding set?
  # (Not so when this machine is itself a container; see runc-within-bounds.py.)
  local last bound
  last=$(cat /proc/sys/kernel/cap_last_cap)
  bound=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  [ $(( 16#$bound )) -eq $(( (1 << (last + 1)) - 1 )) ]
}

start_engine() {
  mkdir -p "$STATE" "$EXEC_ROOT"
  chmod 700 "$STATE" "$EXEC_ROOT"
  if [ ! -e "/sys/class/net/$BRIDGE" ]; then
    local prefix
    prefix=$(free_prefix)
    ip link add "$BRIDGE" type bridge
    ip addr add "$prefix.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  local runtime=()
  if ! full_bounding_set; then
    say "this machine cannot grant every capability: --privileged runs through tools/runc-within-bounds.py"
    runtime=(--add-runtime="within-bounds=$ROOT/tools/runc-within-bounds.py"
             --default-runtime=within-bounds)
  fi
  dockerd --data-root="$STATE/data" --exec-root="$EXEC_ROOT" --pidfile="$PIDFILE" \
    --host="$DOCKER_HOST" --bridge="$BRIDGE" --iptables=false --ip-forward=false \
    --ip-masq=false "${runtime[@]}" > "$STATE/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    docker version >/dev/null 2>&1 && return 0
    kill -0 $! 2>/dev/null || break
    sleep 0.5
  done
  tail -20 "$STATE/dockerd.log" >&2
  die "the private dockerd did not answer within 60 s (log above)"
}

say "starting a private dockerd on $SOCKET, bridge $BRIDGE"
start_engine
timed import docker import "$BASE_TAR" debian:12 >/dev/null

# -- 3. the project's image -------------------------------------------------------

extra_ca_certs() {
  # Certificates this machine trusts beyond Debian's own set (a proxy that
  # re-signs TLS): the build's pip and npm must trust them too.
  python3 - <<'PY'
import glob, re
pem = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
try:
    bundle = pem.findall(open("/etc/ssl/certs/ca-certificates.crt").read())
except OSError:
    bundle = []
debian = set()
for path in glob.glob("/usr/share/ca-certificates/**/*.crt", recursive=True):
    debian.update(pem.findall(open(path).read()))
print("\n".join(cert for cert in bundle if cert not in debian))
PY
}

extra=$(extra_ca_certs)
[ -z "$extra" ] || say "passing $(grep -c 'BEGIN CERT' <<< "$extra") extra CA certificate(s) to the build"
build_image() {
  docker build --network host --build-arg BASE=debian:12 \
    --build-arg EXTRA_CA_CERTS="$extra" -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; die "docker build failed (log: $WORK/build.log)"; }
}
say "building the image (log: $WORK/build.log)"
timed build build_image

# -- 4. run it ------------------------------------------------------------------------

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

wait_for_jupyter() {
  local url="http://127.0.0.1:$port/api/status?token=$token"
  for _ in $(seq 1 240); do
    if python3 - "$url" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
    then return 0; fi
    [ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" = true ] || break
    sleep 1
  done
  docker logs --tail 40 "$CONTAINER" >&2 || true
  die "JupyterLab did not answer on 127.0.0.1:$port within 240 s (its log is above)"
}

check_jupyter_lab_page() {
  # The page a reader opens: JupyterLab's HTML, with the token accepted.
  python3 - "http://127.0.0.1:$port/lab/tree/00-the-lab.ipynb?token=$token" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    page = response.read().decode()
if response.status != 200 or "JupyterLab" not in page:
    sys.exit(f"{sys.argv[1]}: status {response.status}, no JupyterLab page")
PY
}

say "running the image (JupyterLab on 127.0.0.1:$port)"
run_start=$(now)
docker run -d --privileged --name "$CONTAINER" -p "127.0.0.1:$port:8888" \
  -e JUPYTER_TOKEN="$token" "$IMAGE" >/dev/null
timed jupyter-answers wait_for_jupyter
check_jupyter_lab_page || die "JupyterLab's page did not load"
say "JupyterLab answers on 127.0.0.1:$port"
docker exec "$CONTAINER" .venv/bin/swarmnotes lab status >&2 \
  || die "the lab inside the container is not up"
say "inside: $COMMAND"
timed inside docker exec "$CONTAINER" bash -c "$COMMAND" \
  || die "inside the container, \`$COMMAND\` failed"
# The default command's own clean-up: SIGTERM stops JupyterLab and the lab.
docker stop -t 60 "$CONTAINER" >/dev/null
[ "$(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")" = 0 ] \
  || { docker logs --tail 20 "$CONTAINER" >&2; die "the container did not stop cleanly"; }
say "run took $(elapsed "$run_start") s; all checks passed"
if [ "${CONTAINER_TEST_MAKE_TEST:-0}" = 1 ]; then
  # The README's command for the whole suite, in a container of its own.
  timed make-test docker run --rm --privileged "$IMAGE" make test \
    || die "\`docker run --rm --privileged IMAGE make test\` failed"
fi
}

main "$@"; exit
