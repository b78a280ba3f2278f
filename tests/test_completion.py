"""Tab completion as a shell asks for it (the completion environment variables): playbooks,
sessions, customers, action ids, owners and option values, read from the index without pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generate_history import generate

SCRIPT = Path(sys.executable).parent / "resetkit"


def complete(words: str, notes: Path | None = None, *, shell: str = "bash") -> list[str]:
    """What `resetkit` offers for the last word of `words` (a trailing space: a new word)."""
    env = dict(os.environ, _RESETKIT_COMPLETE=f"complete_{shell}")
    if notes is not None:
        env["RESETKIT_NOTES_DIR"] = str(notes)
    if shell == "bash":
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


@pytest.fixture
def history(isolated: Path) -> Path:
    """A small history with open action items, its index built by a history command."""
    notes = isolated / "notes"
    generate(notes, 40)
    env = dict(os.environ, RESETKIT_NOTES_DIR=str(notes))
    subprocess.run([SCRIPT, "sessions"], env=env, capture_output=True, check=True)
    return notes


def records(notes: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(p.read_text("utf-8")) for p in notes.glob("*/*/session.json")]


def test_playbook_ids_complete_built_in_and_team_ones(isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    (isolated / "playbooks" / "renewal.yaml").write_text("id: renewal\n", "utf-8")
    assert complete("resetkit start ") == [
        "fire",
        "postmortem",
        "recovery",
        "renewal",
        "reset",
        "risk-check",
    ]
    assert complete("resetkit show re") == ["recovery", "renewal", "reset"]
    assert complete("resetkit sessions --playbook ri") == ["risk-check"]


def test_session_ids_complete_by_customer_then_by_date(history: Path) -> None:
    folder = sorted(p.name for p in history.iterdir())[0]
    ids = sorted(f"{folder}/{p.name}" for p in (history / folder).iterdir())
    assert complete(f"resetkit resume {folder}/", history) == ids
    assert complete(f"resetkit share {ids[0][:-1]}", history) == [
        i for i in ids if i.startswith(ids[0][:-1])
    ]
    assert complete("resetkit render ", history)[:1] == [
        sorted(
            f"{customer.name}/{session.name}"
            for customer in history.iterdir()
            for session in customer.iterdir()
        )[0]
    ]


def test_customer_names_complete_as_written(history: Path) -> None:
    names = sorted({record["customer"] for record in records(history)})
    assert complete("resetkit sessions --customer ", history, shell="zsh") != []
    bash = [name.replace(" ", "\\ ") for name in names]  # one word each, as bash inserts it
    assert complete("resetkit sessions --customer ", history) == bash
    first = names[0]
    assert complete(f"resetkit brief {first[:3]}", history) == [
        n.replace(" ", "\\ ") for n in names if n.startswith(first[:3])
    ]


def test_open_action_ids_and_owners_complete(history: Path) -> None:
    open_ids = sorted(
        item["id"]
        for record in records(history)
        for value in record["answers"].values()
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and item.get("status", "open") == "open"
    )
    assert open_ids, "the generated history has open items"
    assert complete("resetkit actions done ", history) == open_ids
    assert complete(f"resetkit actions move {open_ids[0][:2]}", history)[0] == open_ids[0]
    owners = complete("resetkit actions --owner ", history)
    assert owners[:3] == ["us", "customer", "both"]
    assert complete("resetkit due --owner cu", history) == ["customer"]


def test_option_values_complete_from_their_choices(isolated: Path) -> None:
    assert complete("resetkit sessions --format ") == ["table", "json"]
    assert complete("resetkit export --format ") == ["md", "json", "csv"]


def test_zsh_and_fish_complete_the_same_sessions(history: Path) -> None:
    folder = sorted(p.name for p in history.iterdir())[0]
    zsh = "\n".join(complete(f"resetkit resume {folder}/", history, shell="zsh"))
    assert f'"{folder}/' in zsh
    fish = complete(f"resetkit resume {folder}/", history, shell="fish")
    assert fish and all(line.startswith(f"{folder}/") for line in fish)


def test_without_an_index_sessions_come_from_the_folders(isolated: Path) -> None:
    notes = isolated / "notes"
    generate(notes, 30)
    folders = sorted(p.name for p in notes.iterdir())
    assert len(folders) > 1
    assert complete("resetkit resume ", notes) == [f"{folder}/" for folder in folders]
    sessions = sorted(f"{folders[0]}/{p.name}" for p in (notes / folders[0]).iterdir())
    assert complete(f"resetkit resume {folders[0]}/", notes) == sessions


def test_completing_never_loads_pydantic_or_the_prompts(history: Path) -> None:
    env = dict(
        os.environ,
        _RESETKIT_COMPLETE="complete_bash",
        COMP_WORDS="resetkit resume a",
        COMP_CWORD="2",
        RESETKIT_NOTES_DIR=str(history),
    )
    code = "import sys; sys.argv = ['resetkit']; from resetkit.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True
    )
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "resetkit.history.names" in loaded
    assert not {"pydantic", "prompt_toolkit", "yaml", "rich"} & loaded


def test_show_completion_prints_the_script_for_a_shell(isolated: Path) -> None:
    # Typer names the shell it is run from; without its detection it takes the shell's name.
    env = dict(os.environ, _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    for shell, mark in [
        ("bash", "complete -o default -F"),
        ("zsh", "#compdef resetkit"),
        ("fish", "complete --command resetkit"),
    ]:
        done = subprocess.run(
            [SCRIPT, "--show-completion", shell], env=env, capture_output=True, text=True
        )
        assert mark in done.stdout and "_RESETKIT_COMPLETE" in done.stdout


def test_install_completion_writes_a_script_bash_then_uses(isolated: Path) -> None:
    home = isolated.parent / "home"
    env = dict(
        os.environ,
        HOME=str(home),
        _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1",
        PATH=f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}",
    )
    installed = subprocess.run(
        [SCRIPT, "--install-completion", "bash"], env=env, capture_output=True, text=True
    )
    assert "bash completion installed" in installed.stdout
    script = home / ".bash_completions" / "resetkit.sh"
    assert f"source '{script}'" in (home / ".bashrc").read_text("utf-8")
    # What bash does on a Tab after `resetkit start re`: the function the script defines.
    tab = (
        f"source '{script}'; COMP_WORDS=(resetkit start re); COMP_CWORD=2; "
        '_resetkit_completion resetkit; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "--norc", "-c", tab], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["recovery", "reset"]


def test_a_customer_name_is_completed_escaped_for_bash_never_as_shell_code(
    isolated: Path,
) -> None:
    """A customer named with shell syntax (a teammate's record can hold any name) must come
    back as one word: bash inserts what completion gives it as it is."""
    from conftest import QUIET_RISK_CHECK

    notes = isolated / "notes"
    answers = isolated / "answers.json"
    answers.write_text(json.dumps({"answers": QUIET_RISK_CHECK}), "utf-8")
    name = "Zed; touch pwned & Co $(id)"
    env = dict(os.environ, RESETKIT_NOTES_DIR=str(notes))
    started = subprocess.run(
        [SCRIPT, "start", "risk-check", "--customer", name, "--answers", str(answers),
         "--no-input"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    subprocess.run([SCRIPT, "sessions"], env=env, capture_output=True, check=True)  # the index
    (offered,) = complete("resetkit brief Ze", notes)
    assert offered == r"Zed\;\ touch\ pwned\ \&\ Co\ \$\(id\)"
    # Read back as bash would: one word, the name itself.
    echoed = subprocess.run(
        ["bash", "--norc", "-c", f"printf '%s' {offered}"], capture_output=True, text=True
    )
    assert echoed.stdout == name and not (isolated / "pwned").exists()
    assert complete("resetkit brief Ze", notes, shell="zsh") != []
