"""The embedded Docker lab: private dockerd engines, each a separate host.

Usage::

    from swarmnotes.lab import Lab
    lab = Lab.up(engines=3)           # idempotent
    with lab.engine(1).client() as client:
        print(client.info()["Name"])  # lab-1

``single_engine()`` is what one-engine chapters use: the engine named by
``SWARMNOTES_DOCKER_HOST`` or ``DOCKER_HOST`` when set, else lab engine 1.
"""

from __future__ import annotations

from swarmnotes.lab.cleanup import LABEL, LABEL_FILTER, Registry, count_labelled, remove_labelled
from swarmnotes.lab.engine import LabEngine
from swarmnotes.lab.errors import CONTAINER_COMMAND, LabError, LabUnavailableError
from swarmnotes.lab.external import ExternalEngine, single_engine
from swarmnotes.lab.image import BASE_IMAGE, ensure_base_image
from swarmnotes.lab.lab import DEFAULT_ENGINES, MAX_ENGINES, EngineStatus, Lab, down

__all__ = [
    "BASE_IMAGE",
    "CONTAINER_COMMAND",
    "DEFAULT_ENGINES",
    "LABEL",
    "LABEL_FILTER",
    "MAX_ENGINES",
    "EngineStatus",
    "ExternalEngine",
    "Lab",
    "LabEngine",
    "LabError",
    "LabUnavailableError",
    "Registry",
    "count_labelled",
    "down",
    "ensure_base_image",
    "remove_labelled",
    "single_engine",
]
