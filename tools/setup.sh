#!/usr/bin/env bash
# Installs everything the book and the tests need, on Debian 12 as root.
# Idempotent: a second run with nothing to do takes about a second.
#   - Debian packages: docker.io (dockerd), busybox-static (the base image),
#     iproute2, iptables, util-linux (nsenter, unshare), python3-venv, golang-go
#     (the Go side of the benchmarks), chromium (the site's browser test).
#   - .venv: requirements.txt plus this package (editable) and its Jupyter kernel.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces and runs dockerd (or set DOCKER_HOST and run pytest yourself)"

# command -> Debian package that provides it
declare -A NEED=(
  [dockerd]=docker.io [containerd]=containerd [runc]=runc [busybox]=busybox-static
  [ip]=iproute2 [iptables]=iptables [nsenter]=util-linux [unshare]=util-linux
  [go]=golang-go [chromium]=chromium [chromedriver]=chromium-driver
)
missing=()
for cmd in "${!NEED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install them with your package manager"
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  say "installing Debian packages: $pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $pkgs >/dev/null || die "apt-get install $pkgs failed"
fi
for cmd in dockerd busybox ip iptables nsenter unshare; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after apt-get (package ${NEED[$cmd]})"
done

# The Python environment, rebuilt only when its inputs change.
stamp_value=$( (cat requirements.txt pyproject.toml; python3 --version) | sha256sum | cut -c1-16)
stamp=.venv/.setup-stamp
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$stamp_value" ]; then
  say "creating .venv from requirements.txt"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  # The kernel that chapters name (python3) is this venv's interpreter.
  .venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (swarmnotes)" >/dev/null
  echo "$stamp_value" > "$stamp"
fi
say "ready"
