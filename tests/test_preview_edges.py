"""Examples with names or folders that would make `preview --check` crash or `--update` write
where it must not: each is named as an example that cannot be rendered, and the others go on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_preview import FILES, project_with_reset


def _everything_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("name", ["..yaml", "...yaml", "..yml"])
def test_an_example_with_no_name_is_named_and_the_others_are_checked(  # type: ignore[no-untyped-def]
    run, isolated: Path, name: str
) -> None:
    _, example = project_with_reset(isolated)
    shutil.copyfile(example, example.with_name(name))
    before = _everything_under(isolated)
    for flag in ("--check", "--update"):
        result = run("preview", flag, "reset")
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output
        assert (
            f"playbooks/examples/reset/{name}:1:1: an answers file named '{name}' leaves no "
            "name for the folder of its preview" in result.stdout
        )
        assert "1 cannot be rendered" in result.stderr
    # --update rendered the good example, and wrote nothing anywhere else.
    rendered = [f"playbooks/examples/reset/feature/{file}" for file in FILES]
    assert _everything_under(isolated) == sorted(
        [*before, *rendered, "playbooks/examples/reset/feature"]
    )


@pytest.mark.parametrize("linked", ["examples", "examples/reset", "examples/reset/feature"])
def test_update_never_writes_through_a_linked_example_folder(  # type: ignore[no-untyped-def]
    run, isolated: Path, linked: str
) -> None:
    project_with_reset(isolated)
    playbooks = isolated / "playbooks"
    outside = isolated / "outside"
    if linked == "examples/reset/feature":
        outside.mkdir()
    else:
        shutil.move(playbooks / linked, outside)
    (playbooks / linked).symlink_to(outside, target_is_directory=True)
    for flag in ("--update", "--check"):
        result = run("preview", flag, "reset")
        assert result.exit_code == 1, result.output
        assert f"playbooks/{linked} is a symbolic link" in result.stdout
        assert "internal error" not in result.output
    assert not any(path.name in FILES for path in outside.rglob("*"))
