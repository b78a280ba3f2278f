"""The command line: parses options, calls one core function, prints what it returns.

Importing this package builds the command tree: each module adds its commands to the app,
in the order `resetkit --help` lists them.
"""

from resetkit.cli import (  # noqa: F401  (they add commands)
    actions,
    between,
    playbooks,
    run,
    sessions,
    team,
)
from resetkit.cli.app import app, main

__all__ = ["app", "main"]
