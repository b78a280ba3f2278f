"""The wheel a `pipx install` or `uv tool install` builds: installed in a fresh virtualenv outside
the repository, it lists the built-in playbooks, runs one from an answers file and prints help,
so the playbooks, the schema, the examples and the first screens ship in it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import QUIET_RISK_CHECK, REPO

pytestmark = pytest.mark.wheel


def build_wheel(into: Path) -> Path:
    """The project's wheel, built by its backend (hatchling) from this checkout, offline."""
    pytest.importorskip("hatchling", reason="the build backend is needed: pip install hatchling")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(into), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = into.glob("resetkit-*.whl")
    return wheel


def fresh_install(wheel: Path, venv: Path) -> Path:
    """A new virtualenv holding the wheel; its resetkit script.

    Its dependencies (typer, rich, pydantic, ...) come from the environment running the tests,
    added after its own site-packages, so that no network is needed and resetkit itself can
    only come from the wheel.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "borrowed-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", "utf-8"
    )
    pip_install = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    subprocess.run(
        [*pip_install, "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv / "bin" / "resetkit"


def test_the_wheel_installed_outside_the_repository_runs_a_playbook(
    tmp_path: Path, isolated: Path
) -> None:
    wheel = build_wheel(tmp_path / "dist")
    shipped = zipfile.ZipFile(wheel).namelist()
    for name in ("reset.yaml", "playbook.schema.json", "first-screens.json"):
        assert f"resetkit/playbooks/{name}" in shipped
    assert any(n.startswith("resetkit/playbooks/examples/reset/") for n in shipped)

    resetkit = fresh_install(wheel, tmp_path / "fresh")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "RESETKIT_", "VIRTUAL_ENV"))
    }
    env["RESETKIT_NOTES_DIR"] = str(outside / "notes")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(resetkit), *args], cwd=outside, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [
            str(tmp_path / "fresh" / "bin" / "python"),
            "-c",
            "import resetkit; print(resetkit.__file__)",
        ],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "fresh")), where

    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert all(p in listed.stdout for p in ("reset", "fire", "postmortem", "risk-check"))
    answers = outside / "answers.yaml"
    lines = [f"  {key}: {str(value).lower()}" for key, value in QUIET_RISK_CHECK.items()]
    answers.write_text("customer: Globex\nanswers:\n" + "\n".join(lines) + "\n", "utf-8")
    started = run("start", "risk-check", "--answers", str(answers), "--no-input")
    assert started.returncode == 0, started.stderr
    assert "notes.md" in started.stdout and (outside / "notes" / "globex").is_dir()
    helped = run("--help")
    assert helped.returncode == 0 and "start" in helped.stdout
