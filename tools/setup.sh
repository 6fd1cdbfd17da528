#!/usr/bin/env bash
# Installs everything the book and the tests need, on Debian 12 as root.
# Idempotent: a second run with nothing to do takes about a second.
#   - Debian packages: docker.io (dockerd), busybox-static (the base image),
#     iproute2, iptables, util-linux (nsenter, unshare), python3-venv, golang-go
#     (the Go side of the benchmarks), chromium (the site's browser test), npm,
#     make (the README's commands), debootstrap (`make container-test`'s base image).
#   - .venv: requirements.txt plus this package (editable) and its Jupyter kernel.
#   - book/_static/mermaid: mermaid's ES module build, from its npm package, so
#     diagrams render with no CDN at read time.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces and runs dockerd (or set DOCKER_HOST and run pytest yourself)"

# command -> Debian package that provides it
declare -A NEED=(
  [dockerd]=docker.io [containerd]=containerd [runc]=runc [busybox]=busybox-static
  [ip]=iproute2 [iptables]=iptables [nsenter]=util-linux [unshare]=util-linux
  [go]=golang-go [chromium]=chromium [chromedriver]=chromium-driver [npm]=npm
  [make]=make [debootstrap]=debootstrap
)
missing=()
for cmd in "${!NEED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
# A CJK font, so the browser test's screenshots of the Chinese edition show characters.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
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
MERMAID_VERSION=11.12.1
mermaid_dir=book/_static/mermaid
if [ "$(cat "$mermaid_dir/VERSION" 2>/dev/null)" != "$MERMAID_VERSION" ]; then
  say "installing mermaid $MERMAID_VERSION into $mermaid_dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "mermaid@$MERMAID_VERSION" >/dev/null) || { rm -rf "$tmp"; die "npm pack mermaid@$MERMAID_VERSION failed"; }
  tar -xzf "$tmp/mermaid-$MERMAID_VERSION.tgz" -C "$tmp" package/dist/mermaid.esm.min.mjs package/dist/chunks/mermaid.esm.min package/LICENSE
  rm -rf "$mermaid_dir"
  mkdir -p "$mermaid_dir"
  cp -r "$tmp/package/dist/mermaid.esm.min.mjs" "$tmp/package/dist/chunks" "$tmp/package/LICENSE" "$mermaid_dir/"
  echo "$MERMAID_VERSION" > "$mermaid_dir/VERSION"
  rm -rf "$tmp"
fi
say "ready"
