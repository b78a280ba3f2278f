"""The command line: parses options, calls one core function, prints what it returns.

Each module adds its commands to the app when it is imported; the app imports a command's
module only when that command is run, listed or completed (cli/app.py, `LazyCommands`), from
the table in commands.json.
"""

from resetkit.cli.app import app, main

__all__ = ["app", "main"]
