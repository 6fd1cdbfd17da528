"""Port of docker/swarm v1.2.5 cluster/config.go: the container configs swarm schedules.

Go's ``cluster.ContainerConfig`` embeds engine-api's ``container.Config`` and adds
two named fields, ``HostConfig`` and ``NetworkingConfig``. Its JSON form is
therefore exactly the body of ``POST /containers/create``: the Config fields at
the top level, next to ``"HostConfig"`` and ``"NetworkingConfig"``. The Python
port keeps that JSON form: a :class:`ContainerConfig` *is* a ``dict`` with the
Engine API's PascalCase keys, so it can be sent to dockerd as it is
(``docker.APIClient.create_container_from_config(cfg, name)``).

Swarm keeps its scheduling hints in container labels, as compact JSON lists of
strings:

* ``com.docker.swarm.id``: the swarm ID of the container;
* ``com.docker.swarm.constraints`` and ``com.docker.swarm.affinities``: the
  expressions of the constraint and affinity filters;
* ``com.docker.swarm.reschedule-policies``: ``off`` or ``on-node-failure``.

:func:`build_container_config` moves ``constraint:``, ``affinity:`` and
``reschedule:`` entries from ``Env`` into those labels (that is how
``docker run -e constraint:region==us-east`` reaches the scheduler).

Units: inside swarm ``HostConfig["CpuShares"]`` counts **CPUs**, not cgroup
shares; the engine converts when it talks to dockerd.
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = [
    "SWARM_LABEL_NAMESPACE",
    "ContainerConfig",
    "OldContainerConfig",
    "build_container_config",
    "consolidate_resource_fields",
]

SWARM_LABEL_NAMESPACE = "com.docker.swarm"
"""The key prefix of every label swarm itself sets. Go: cluster.SwarmLabelNamespace"""

# The legacy top-level resource keys of a pre-1.19 create body, with the
# HostConfig key each one is consolidated into.
_OLD_RESOURCE_FIELDS = {
    "Memory": "Memory",
    "MemorySwap": "MemorySwap",
    "CpuShares": "CpuShares",
    "Cpuset": "CpusetCpus",
}

_VALID_RESCHEDULE_POLICIES = ("off", "on-node-failure")


def _go_json_marshal(values: list[str]) -> str:
    """Encode a list of strings the way Go's ``json.Marshal`` does.

    Go writes compact JSON (no spaces), keeps non-ASCII text as UTF-8, and
    escapes ``<``, ``>`` and ``&`` (HTML safety) as well as U+2028/U+2029.
    These characters can only occur inside the strings, so replacing them
    after encoding is safe.
    """
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    # Python: json.dumps has no HTML-escaping switch; Go's encoder escapes these.
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _reject_constant(name: str) -> Any:
    # Go's JSON parser has no NaN/Infinity literals; Python's accepts them.
    raise ValueError(f"invalid JSON literal {name}")


def _go_json_unmarshal_strings(text: str) -> list[str]:
    """Decode a label into ``[]string`` as ``json.Unmarshal`` would, errors ignored.

    Go checks the whole document before decoding, so invalid JSON leaves the
    slice nil (an empty list here). ``null`` and any non-array value also
    give nothing. An element of the wrong type (a number in the list) is
    skipped by Go's decoder and keeps the zero value ``""``.
    """
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return []
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        out.append(item if isinstance(item, str) else "")
    return out


class ContainerConfig(dict):  # type: ignore[type-arg]
    """Go's ``cluster.ContainerConfig`` in its JSON form, the body of ``POST /containers/create``.

    The ``container.Config`` fields (``"Image"``, ``"Env"``, ``"Labels"``,
    ``"ExposedPorts"``...) sit at the top level, next to ``"HostConfig"`` and
    ``"NetworkingConfig"``.

    Like a Go struct literal, the constructor does **no** env or label
    processing (that is :func:`build_container_config`'s job). It deep-copies
    ``config`` into the new dict, then sets ``"HostConfig"`` to
    ``host_config``, else to ``config["HostConfig"]``, else to ``{}`` (the same
    rule for ``"NetworkingConfig"``). So ``ContainerConfig()`` is the empty
    config and ``ContainerConfig(body)`` wraps a whole create body.
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        host_config: dict[str, Any] | None = None,
        networking_config: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(copy.deepcopy(config) if config else {})
        if host_config is not None:
            self["HostConfig"] = copy.deepcopy(host_config)
        elif self.get("HostConfig") is None:
            self["HostConfig"] = {}
        if networking_config is not None:
            self["NetworkingConfig"] = copy.deepcopy(networking_config)
        elif self.get("NetworkingConfig") is None:
            self["NetworkingConfig"] = {}

    @property
    def host_config(self) -> dict[str, Any]:
        """``self["HostConfig"]``, the same dict (writes go into the config). Go: HostConfig"""
        host_config: dict[str, Any] = self["HostConfig"]
        return host_config

    @property
    def networking_config(self) -> dict[str, Any]:
        """``self["NetworkingConfig"]``, the same dict. Go: NetworkingConfig"""
        networking_config: dict[str, Any] = self["NetworkingConfig"]
        return networking_config

    def _labels(self) -> dict[str, str]:
        # Go: c.Labels is a map; writing into a nil map panics. Python: create it.
        labels = self.get("Labels")
        if labels is None:
            labels = {}
            self["Labels"] = labels
        return labels  # type: ignore[no-any-return]

    def _extract_exprs(self, key: str) -> list[str]:
        """The JSON list in label ``com.docker.swarm.<key>``; [] if absent or invalid.

        Go: (*ContainerConfig).extractExprs
        """
        labels = self.get("Labels") or {}
        text = labels.get(SWARM_LABEL_NAMESPACE + "." + key)
        if text is None:
            return []
        return _go_json_unmarshal_strings(text)

    def swarm_id(self) -> str:
        """The swarm ID (label ``com.docker.swarm.id``), ``""`` when unset. Go: SwarmID"""
        labels = self.get("Labels") or {}
        swarm_id: str = labels.get(SWARM_LABEL_NAMESPACE + ".id", "")
        return swarm_id

    def set_swarm_id(self, id: str) -> None:
        """Set or override the swarm ID; creates ``"Labels"`` if missing. Go: SetSwarmID"""
        self._labels()[SWARM_LABEL_NAMESPACE + ".id"] = id

    def affinities(self) -> list[str]:
        """The affinity expressions, re-read from the label on every call. Go: Affinities"""
        return self._extract_exprs("affinities")

    def constraints(self) -> list[str]:
        """The constraint expressions, re-read from the label on every call. Go: Constraints"""
        return self._extract_exprs("constraints")

    def add_affinity(self, affinity: str) -> None:
        """Append an affinity and rewrite the label. Go: AddAffinity"""
        affinities = self._extract_exprs("affinities")
        affinities.append(affinity)
        self._labels()[SWARM_LABEL_NAMESPACE + ".affinities"] = _go_json_marshal(affinities)

    def remove_affinity(self, affinity: str) -> None:
        """Drop every entry equal to ``affinity``.

        The label is **always** rewritten, so with nothing left (or nothing to
        remove from an absent label) it becomes ``"[]"``. Go: RemoveAffinity
        """
        affinities = [a for a in self._extract_exprs("affinities") if a != affinity]
        self._labels()[SWARM_LABEL_NAMESPACE + ".affinities"] = _go_json_marshal(affinities)

    def add_constraint(self, constraint: str) -> None:
        """Append a constraint and rewrite the label. Go: AddConstraint"""
        constraints = self._extract_exprs("constraints")
        constraints.append(constraint)
        self._labels()[SWARM_LABEL_NAMESPACE + ".constraints"] = _go_json_marshal(constraints)

    def have_node_constraint(self) -> bool:
        """True iff a hard ``node==`` constraint pins the container.

        ``node==~x`` (soft) and ``node!=x`` do not count. Go: HaveNodeConstraint
        """
        for constraint in self._extract_exprs("constraints"):
            if constraint.startswith("node==") and not constraint.startswith("node==~"):
                return True
        return False

    def has_reschedule_policy(self, policy: str) -> bool:
        """True if ``policy`` is in the reschedule-policies label. Go: HasReschedulePolicy"""
        return policy in self._extract_exprs("reschedule-policies")

    def validate(self) -> None:
        """Raise ``ValueError`` (Go's text) for a bad reschedule policy.

        Affinities and constraints are not checked here: a bad expression only
        shows up at scheduling time. Go: Validate
        """
        policies = self._extract_exprs("reschedule-policies")
        if len(policies) > 1:
            raise ValueError("too many reschedule policies")
        if len(policies) == 1 and policies[0] not in _VALID_RESCHEDULE_POLICIES:
            raise ValueError(f"invalid reschedule policy: {policies[0]}")


def _parse_env(entry: str) -> tuple[bool, str, str]:
    """Split an env entry at its first ``:``. Go: parseEnv"""
    key, sep, value = entry.partition(":")
    if sep:
        return True, key, value
    return False, "", ""


def build_container_config(
    config: dict[str, Any] | None = None,
    host_config: dict[str, Any] | None = None,
    networking_config: dict[str, Any] | None = None,
) -> ContainerConfig:
    """Build the scheduler's config from the three parts of a create request.

    Scheduling hints may arrive in two ways, and both end up in labels:

    1. the ``com.docker.swarm.{affinities,constraints,reschedule-policies}``
       labels (JSON lists; invalid JSON counts as an empty list);
    2. ``Env`` entries ``affinity:<expr>``, ``constraint:<expr>`` and
       ``reschedule:<policy>`` (the prefix is case-sensitive and must be
       exactly that word). They are appended *after* the label entries and
       removed from ``Env``.

    Each list that is non-empty is written back as compact JSON with Go's
    escaping. ``"Labels"`` is always a dict afterwards, and ``"Env"`` is the
    list of the remaining entries (possibly ``[]``).

    Go: cluster.BuildContainerConfig
    """
    # Go: c is copied by value but its Labels map is shared, so Go mutates
    # the caller's labels. Python: every input is deep-copied; the caller's
    # dicts are never touched.
    # A whole create body may come in as `config`: its own "HostConfig" and
    # "NetworkingConfig" are used unless the parts are given separately.
    cfg = ContainerConfig(config, host_config, networking_config)
    labels = cfg._labels()

    affinities: list[str] = []
    constraints: list[str] = []
    reschedule_policies: list[str] = []
    env: list[str] = []

    if SWARM_LABEL_NAMESPACE + ".affinities" in labels:
        affinities = _go_json_unmarshal_strings(labels[SWARM_LABEL_NAMESPACE + ".affinities"])
    if SWARM_LABEL_NAMESPACE + ".constraints" in labels:
        constraints = _go_json_unmarshal_strings(labels[SWARM_LABEL_NAMESPACE + ".constraints"])
    if SWARM_LABEL_NAMESPACE + ".reschedule-policies" in labels:
        reschedule_policies = _go_json_unmarshal_strings(
            labels[SWARM_LABEL_NAMESPACE + ".reschedule-policies"]
        )

    for entry in cfg.get("Env") or []:
        ok, key, value = _parse_env(entry)
        if ok and key == "affinity":
            affinities.append(value)
        elif ok and key == "constraint":
            constraints.append(value)
        elif ok and key == "reschedule":
            reschedule_policies.append(value)
        else:
            env.append(entry)

    # Go: c.Env = env (nil when empty). Python: always a list, [] when empty.
    cfg["Env"] = env

    if affinities:
        labels[SWARM_LABEL_NAMESPACE + ".affinities"] = _go_json_marshal(affinities)
    if constraints:
        labels[SWARM_LABEL_NAMESPACE + ".constraints"] = _go_json_marshal(constraints)
    if reschedule_policies:
        labels[SWARM_LABEL_NAMESPACE + ".reschedule-policies"] = _go_json_marshal(
            reschedule_policies
        )
    return cfg


class OldContainerConfig(ContainerConfig):
    """A pre-1.19 create body: a :class:`ContainerConfig` with legacy resource keys.

    Besides the usual keys it may carry ``"Memory"``, ``"MemorySwap"``,
    ``"CpuShares"`` and ``"Cpuset"`` at the top level (API versions before
    ``HostConfig`` held the resources).
    """

    # Go: OldContainerConfig embeds ContainerConfig and adds four fields.
    # Python: a subclass; the four fields are plain top-level keys.

    def container_config(self) -> ContainerConfig:
        """The same body without the four legacy keys (Go: the embedded ContainerConfig)."""
        body = {k: v for k, v in self.items() if k not in _OLD_RESOURCE_FIELDS}
        return ContainerConfig(body)


def consolidate_resource_fields(c: OldContainerConfig) -> None:
    """Copy legacy top-level resource fields into ``HostConfig``.

    A legacy field wins only if it is non-zero (non-empty for ``Cpuset``) and
    differs from the HostConfig value:
    ``Memory``, ``MemorySwap``, ``CpuShares`` and ``Cpuset`` → ``CpusetCpus``.

    Go: cluster.ConsolidateResourceFields
    """
    host_config = c.host_config
    for old_key, new_key in _OLD_RESOURCE_FIELDS.items():
        zero: Any = "" if old_key == "Cpuset" else 0
        old_value = c.get(old_key) or zero
        if old_value != (host_config.get(new_key) or zero) and old_value != zero:
            host_config[new_key] = old_value
