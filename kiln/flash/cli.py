"""Command-line registration of the flashing and device commands: flash, devices, and the REPL tools."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Adds `flash`, `devices`, `repl`, `run`, `exec`, `fs` and `reset` to the `kiln` command line."""
    from kiln import devtools
    from kiln.flash import commands

    commands.register(sub)
    devtools.register(sub)
