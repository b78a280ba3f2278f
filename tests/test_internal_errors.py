"""An internal error stays an internal error: exit 70, naming the error, whether or not its
crash log can be written, and whatever fails after it on the way out."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# It takes open_history by name when first imported: imported here, before any test below
# replaces that function, so that it never keeps the replacement for the tests that follow.
import resetkit.history.actions  # noqa: F401


@pytest.fixture
def no_temp_dir(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    """No folder tempfile would use is there: it says 'No usable temporary directory found'."""
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "_candidate_tempdir_list", lambda: [str(isolated / "gone")])


@pytest.fixture
def a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every history command meets a bug of ours."""
    import resetkit.history.read as read_module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(read_module, "open_history", broken)


def test_an_internal_error_names_itself_and_its_log(run, isolated: Path, a_bug: None) -> None:  # type: ignore[no-untyped-def]
    result = run("sessions", "--notes-dir", str(isolated))
    assert result.exit_code == 70
    [line] = result.stderr.splitlines()
    assert line.startswith("resetkit: internal error (RuntimeError: a bug); nothing you typed")
    log = Path(line.rsplit(" ", 1)[1])
    assert "RuntimeError: a bug" in log.read_text("utf-8")
    log.unlink()


def test_with_no_usable_temp_dir_the_error_is_kept_and_the_log_failure_is_a_second_line(  # type: ignore[no-untyped-def]
    run, isolated: Path, a_bug: None, no_temp_dir: None
) -> None:
    result = run("sessions", "--notes-dir", str(isolated))
    assert result.exit_code == 70
    first, second = result.stderr.splitlines()
    assert first == (
        "resetkit: internal error (RuntimeError: a bug); nothing you typed is lost. "
        "Please report it with the command you ran"
    )
    assert second.startswith(
        "resetkit: no crash log could be written (FileNotFoundError: "
        "No usable temporary directory found in "
    )
    assert "check the path" not in result.stderr
    assert "Traceback" not in result.output


def test_a_cleanup_that_fails_after_a_bug_does_not_hide_it(  # type: ignore[no-untyped-def]
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch, no_temp_dir: None
) -> None:
    import resetkit.history.read as read_module

    @contextlib.contextmanager
    def bug_then_cleanup(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            raise RuntimeError("a bug")
        finally:
            tempfile.mkdtemp()  # a cleanup on the way out that needs the temp dir
        yield  # pragma: no cover

    monkeypatch.setattr(read_module, "open_history", bug_then_cleanup)
    result = run("sessions", "--notes-dir", str(isolated))
    assert result.exit_code == 70
    first, second = result.stderr.splitlines()
    assert first.startswith("resetkit: internal error (RuntimeError: a bug)")
    assert second.startswith("resetkit: no crash log could be written (FileNotFoundError")


def test_an_error_about_a_path_is_still_the_users_to_fix(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    missing = isolated / "no-such-answers.yaml"
    result = run("start", "reset", "--answers", str(missing), "--no-input")
    assert result.exit_code == 2
    assert "internal error" not in result.stderr


def test_an_internal_error_in_a_subcommand_is_reported_once(  # type: ignore[no-untyped-def]
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resetkit.history.read as read_module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(read_module, "open_history", broken)
    result = run("actions", "--notes-dir", str(isolated))
    assert result.exit_code == 70
    assert result.stderr.count("internal error") == 1
    for log in result.stderr.split():
        if log.startswith(tempfile.gettempdir()) and log.endswith(".log"):
            Path(log).unlink()


def test_a_usage_error_raised_while_handling_another_error_stays_a_usage_error(  # type: ignore[no-untyped-def]
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resetkit.history.read as read_module
    from resetkit.errors import UsageError

    def refused(*args: Any, **kwargs: Any) -> Any:
        try:
            {}["missing"]
        except KeyError:
            raise UsageError("no such thing", hint="try another")  # noqa: B904

    monkeypatch.setattr(read_module, "open_history", refused)
    result = run("sessions", "--notes-dir", str(isolated))
    assert result.exit_code == 2
    assert result.stderr == "resetkit: no such thing (try another)\n"


def test_with_no_index_and_no_temp_dir_the_history_says_what_to_set(  # type: ignore[no-untyped-def]
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch, no_temp_dir: None
) -> None:
    monkeypatch.setenv("RESETKIT_INDEX", "off")
    (isolated / "notes").mkdir()
    result = run("sessions", "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "the history index can be kept neither in" in line
    assert "set RESETKIT_CACHE_DIR or TMPDIR to a folder you can write to" in line
