"""The README tells the truth: its test command is CI's, and it documents every command."""

from __future__ import annotations

import re

from conftest import REPO
from resetkit.cli import app


def readme() -> str:
    return (REPO / "README.md").read_text("utf-8")


def test_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    match = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.MULTILINE)
    assert match is not None
    assert f"\n    {match.group(1)}\n" in readme()


def test_readme_documents_every_command() -> None:
    import typer.main

    group = typer.main.get_command(app)
    commands = group.every_command()  # type: ignore[attr-defined]
    names = sorted(name for name, command in commands.items() if not command.hidden)
    # The merge drivers git calls are hidden from --help, and named where the team setup is.
    hidden = sorted(name for name, command in commands.items() if command.hidden)
    assert hidden == ["merge-derived", "merge-record"]
    assert all(f"`resetkit {name}`" in readme() for name in hidden)
    assert names == [
        "actions",
        "answers-template",
        "brief",
        "calendar",
        "customer",
        "discard",
        "due",
        "export",
        "ledger",
        "list",
        "new",
        "preview",
        "render",
        "report",
        "resume",
        "schema",
        "sessions",
        "share",
        "show",
        "start",
        "team",
        "timing",
        "validate",
        "where",
    ]
    for name in names:
        assert f"### `resetkit {name}" in readme(), name


def test_readme_validate_example_is_what_validate_prints(run, isolated) -> None:  # type: ignore[no-untyped-def]
    folder = isolated / "playbooks"
    folder.mkdir()
    (folder / "renewal.yaml").write_text(
        "id: renewal\ntitle: R\nduration: 5m\nsections:\n  - id: s\n    title: S\n"
        "    timebox: 5m\n    questions:\n"
        "      - id: outcome\n        type: choice\n        prompt: O?\n        choices: [a]\n"
        "      - id: goals\n        type: long_text\n        promt: G?\n",
        "utf-8",
    )
    printed = run("validate", "playbooks/renewal.yaml").stdout
    line = printed.splitlines()[-1].split(": ", 1)[1]
    assert line in readme()


def test_the_architecture_tree_names_every_module() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "src" / "resetkit"
    readme = (package.parent.parent / "README.md").read_text("utf-8")
    tree = readme.split("## Architecture", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    modules = sorted(
        path.relative_to(package)
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )
    missing = [str(module) for module in modules if f" {module.name} " not in tree]
    assert missing == []


def test_readme_keeps_its_exit_codes_and_playbook_format() -> None:
    """Every exit code is in the table, every top-level key of a playbook in the format's
    section (a bad edit of the README once cut both out and no test noticed)."""
    from resetkit.cli.app import INTERNAL_ERROR
    from resetkit.errors import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_USAGE
    from resetkit.format.model import Playbook

    text = readme()
    codes = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    for code in (0, EXIT_INVALID, EXIT_USAGE, INTERNAL_ERROR, EXIT_INTERRUPTED):
        assert f"\n| {code} |" in codes
    assert "\n## The playbook format\n" in text
    playbook_format = text.split("\n## The playbook format\n", 1)[1].split("\n## ", 1)[0]
    for key in Playbook.model_fields:
        assert f"`{key}`" in playbook_format or f"{key}:" in playbook_format, key
