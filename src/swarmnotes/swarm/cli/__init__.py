"""Classic Swarm's command line (docker/swarm v1.2.5 cli/): ``swarmnotes manage``.

* :mod:`~swarmnotes.swarm.cli.flags`: the flags and their defaults (cli/flags.go);
* :mod:`~swarmnotes.swarm.cli.manage`: what ``manage`` builds from them (cli/manage.go).
"""

from __future__ import annotations

from swarmnotes.swarm.cli.flags import DEFAULT_FILTER_NUMBER, add_manage_flags, get_discovery
from swarmnotes.swarm.cli.manage import (
    ManageError,
    ManageOptions,
    Manager,
    main,
    parse_manage_args,
)

__all__ = [
    "DEFAULT_FILTER_NUMBER",
    "ManageError",
    "ManageOptions",
    "Manager",
    "add_manage_flags",
    "get_discovery",
    "main",
    "parse_manage_args",
]
