"""Port of docker/swarm v1.2.5 scheduler/scheduler.go: filters, then a strategy; soft, then hard.

:meth:`Scheduler.select_nodes_for_container` makes two attempts:

1. ``soft=True``: every filter, soft expressions (``==~``) **enforced**;
2. if that fails for **any** reason (a filter, no node left, or the
   strategy's "no resources"), once more with ``soft=False``, soft
   expressions ignored. The second attempt's result or error is final.

So a soft constraint is a preference: it wins when it can be met, and is
dropped, not reported, when it cannot.
"""

from __future__ import annotations

import threading
from types import TracebackType

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import SwarmError
from swarmnotes.swarm.scheduler.filter import Filter, apply_filters
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy import PlacementStrategy

__all__ = ["ErrNoNodeAvailable", "Scheduler", "new"]


class ErrNoNodeAvailable(SwarmError):
    """The filters accepted no node. Go: scheduler.errNoNodeAvailable"""

    message = "No nodes available in the cluster"


class Scheduler:
    """A placement strategy and a list of filters. Go: scheduler.Scheduler

    Go: Scheduler embeds sync.Mutex; the cluster holds it while it picks a
    node and registers the pending container. Python: lock()/unlock() on
    a threading.Lock, and `with scheduler:` for the same thing.
    """

    def __init__(self, strategy: PlacementStrategy, filters: list[Filter]) -> None:
        self._mutex = threading.Lock()
        self._strategy = strategy
        self._filters = [*filters]

    def select_nodes_for_container(self, nodes: list[Node], config: ContainerConfig) -> list[Node]:
        """The nodes that can run ``config``, best first. Go: SelectNodesForContainer

        Soft expressions enforced first; on any failure, ignored on the second
        attempt, whose exception (if any) propagates.
        """
        try:
            return self._select_nodes_for_container(nodes, config, True)
        except SwarmError:  # Go: if err != nil (filters, strategy, no node: all SwarmErrors)
            return self._select_nodes_for_container(nodes, config, False)

    def _select_nodes_for_container(
        self, nodes: list[Node], config: ContainerConfig, soft: bool
    ) -> list[Node]:
        accepted = apply_filters(self._filters, config, nodes, soft)
        if not accepted:
            raise ErrNoNodeAvailable()
        return self._strategy.rank_and_sort(config, accepted)

    def strategy(self) -> str:
        """The strategy's name. Go: Strategy"""
        return self._strategy.name()

    def filters(self) -> str:
        """The filter names joined by ``", "``. Go: Filters"""
        return ", ".join(f.name() for f in self._filters)

    def lock(self) -> None:
        """Go: Lock (the embedded sync.Mutex)."""
        self._mutex.acquire()

    def unlock(self) -> None:
        """Go: Unlock"""
        self._mutex.release()

    def __enter__(self) -> Scheduler:
        self.lock()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.unlock()

    def __repr__(self) -> str:
        return f"<Scheduler strategy={self.strategy()} filters=[{self.filters()}]>"


def new(strategy: PlacementStrategy, filters: list[Filter]) -> Scheduler:
    """Go: scheduler.New"""
    return Scheduler(strategy, filters)
