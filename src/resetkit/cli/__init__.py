"""The command line: parses options, calls one core function, prints what it returns.

Importing this package builds the command tree: each module adds its commands to the app,
in the order `resetkit --help` lists them.
"""

import importlib

from resetkit.cli.app import app, main

# Each module adds its commands to the app; `resetkit --help` lists them in this order.
for _group in ("playbooks", "run", "sessions", "between", "actions", "customers", "team"):
    importlib.import_module(f"resetkit.cli.{_group}")

__all__ = ["app", "main"]
