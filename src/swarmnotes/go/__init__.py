"""Go runtime pieces: channels, select, goroutines, sync, context, pipelines.

Each submodule ports one Go source file; the names most chapters need are
re-exported here one by one.
"""

from __future__ import annotations

from swarmnotes.go.chan import Chan as Chan
from swarmnotes.go.chan import ClosedChannelError as ClosedChannelError
from swarmnotes.go.chan import Recv as Recv
from swarmnotes.go.chan import Send as Send
from swarmnotes.go.chan import after as after
from swarmnotes.go.chan import go as go
from swarmnotes.go.chan import select as select
from swarmnotes.go.errors import GoError as GoError
from swarmnotes.go.leak import LeakError as LeakError
from swarmnotes.go.sync import WaitGroup as WaitGroup

__all__ = [
    "Chan",
    "ClosedChannelError",
    "GoError",
    "LeakError",
    "Recv",
    "Send",
    "WaitGroup",
    "after",
    "go",
    "select",
]
