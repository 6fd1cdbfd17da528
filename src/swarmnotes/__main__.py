"""``python -m swarmnotes`` runs the ``swarmnotes`` command."""

import sys

from swarmnotes.cli import main

sys.exit(main())
