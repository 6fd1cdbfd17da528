#!/usr/bin/env bash
# The image's entry point: prepares cgroups for the lab's engines, then runs
# the command (JupyterLab by default, or `make test`).
#
# On a cgroup v2 host (Docker Desktop, Codespaces, current Linux) a container
# starts with its processes in the root of its cgroup namespace, and dockerd
# cannot then enable controllers for the containers it makes ("no internal
# processes" rule). So move every process into a child group, /init, and hand
# all controllers down. moby's hack/dind does the same for docker-in-docker.
# On cgroup v1 (this project's CI machine) there is nothing to do.
set -euo pipefail
cgroup=${CONTAINER_INIT_CGROUP:-/sys/fs/cgroup}  # another root only for its test
if [ -f "$cgroup/cgroup.controllers" ] && [ ! -d "$cgroup/init" ]; then
  mkdir -p "$cgroup/init"
  # Processes may appear while they are moved: retry until the root is empty.
  for _ in 1 2 3 4 5; do
    while read -r pid; do
      echo "$pid" > "$cgroup/init/cgroup.procs" 2>/dev/null || true
    done < "$cgroup/cgroup.procs"
    [ -s "$cgroup/cgroup.procs" ] || break
  done
  controllers=$(sed -e 's/ / +/g' -e 's/^/+/' "$cgroup/cgroup.controllers")
  echo "$controllers" > "$cgroup/cgroup.subtree_control" \
    || echo "container-init: could not enable cgroup controllers ($controllers)" >&2
fi
exec "$@"
