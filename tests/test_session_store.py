"""The session store on disk: safe folders for any name, where notes go, finding a session."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import drive
from resetkit.errors import InputInvalid, UsageError
from resetkit.places import customer_slug, find_notes_dir
from resetkit.record.folders import find_session
from resetkit.record.store import load


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Corp", "acme-corp"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("...", None),
        ("Ünïcødé GmbH", "unicode-gmbh"),
        ("🚀🚀", None),
        ("株式会社", "zhu-shi-hui-she"),
        ("CON", None),
        ("x" * 300, "x" * 60),
    ],
)
def test_customer_names_map_to_safe_folder_names(name: str, slug: str | None) -> None:
    result = customer_slug(name)
    if slug is None:
        assert result.startswith(("customer-", "con-"))
    else:
        assert result == slug


@given(st.text(min_size=1, max_size=1000))
def test_any_customer_name_is_one_safe_path_component(name: str) -> None:
    slug = customer_slug(name)
    assert slug and len(slug) <= 70
    assert slug == Path(slug).name and slug not in (".", "..")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


def test_notes_dir_comes_from_option_then_env_then_config(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / "resetkit.toml").write_text('notes_dir = "team-notes"\n', "utf-8")
    (isolated / "sub").mkdir()
    assert find_notes_dir(None, isolated / "sub").path == isolated / "team-notes"
    monkeypatch.setenv("RESETKIT_NOTES_DIR", str(isolated / "env"))
    assert find_notes_dir(None, isolated).path == isolated / "env"
    assert find_notes_dir(isolated / "opt").why == "--notes-dir"


def test_default_notes_dir_is_the_user_data_dir(isolated: Path) -> None:
    found = find_notes_dir(None, isolated)
    assert found.why == "your data dir"
    assert str(found.path).startswith(str(isolated.parent / "home"))


def test_a_broken_config_is_a_clear_error(isolated: Path) -> None:
    (isolated / "resetkit.toml").write_text("notes_dir = [", "utf-8")
    with pytest.raises(InputInvalid, match=r"resetkit\.toml:1:14: invalid TOML: Invalid value"):
        find_notes_dir(None, isolated)


def test_record_round_trips_unchanged() -> None:
    driven = drive("reset")
    assert load(driven.folder) == driven.session


def test_find_session_by_id_and_latest_in_progress(isolated: Path) -> None:
    notes = isolated / "notes"
    done = drive("risk-check", notes_dir=notes)
    assert find_session(notes, done.session.id) == done.folder
    with pytest.raises(UsageError, match="no session in progress"):
        find_session(notes, None)
    record = json.loads((done.folder / "session.json").read_text("utf-8"))
    record["status"] = "in_progress"
    (done.folder / "session.json").write_text(json.dumps(record), "utf-8")
    assert find_session(notes, None) == done.folder


def test_a_damaged_record_is_reported_not_crashed_on() -> None:
    driven = drive("risk-check")
    (driven.folder / "session.json").write_text('{"id": 1', "utf-8")
    with pytest.raises(UsageError, match="the session record is damaged"):
        load(driven.folder)


ANSWER = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    customer=st.text(
        st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=60
    ).filter(str.strip),
    answers=st.dictionaries(st.text(min_size=1, max_size=12), ANSWER, max_size=6),
)
def test_a_session_written_then_read_is_unchanged(
    isolated: Path, customer: str, answers: dict[str, object]
) -> None:
    from resetkit.record.store import save

    driven = drive("risk-check", notes_dir=isolated / "roundtrip", customer=customer)
    changed = driven.session.model_copy(update={"answers": answers})
    save(changed, driven.folder)
    assert load(driven.folder) == changed


def test_salvage_resets_unreadable_optional_fields_and_says_so() -> None:
    from resetkit.record.session_salvage import salvage

    driven = drive("risk-check")
    path = driven.folder / "session.json"
    record = json.loads(path.read_text("utf-8"))
    record["section_seconds"] = "garbage"
    path.write_text(json.dumps(record), "utf-8")
    session, notices = salvage(driven.folder)
    assert session.section_seconds == {} and session.answers == driven.session.answers
    assert "'section_seconds' could not be read and starts again empty" in notices


def test_salvage_gives_up_clearly_when_nothing_is_usable() -> None:
    from resetkit.record.session_salvage import salvage

    driven = drive("risk-check")
    for name in ("session.json", "session.prev.json"):
        (driven.folder / name).write_text("{", "utf-8")
    with pytest.raises(UsageError, match="the save before it cannot be used either"):
        salvage(driven.folder)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_of_a_session_get_the_mode_the_umask_gives(umask: int, mode: int) -> None:
    """A notes file is shared and opened by other tools: it gets what any file saved gets."""
    before = os.umask(umask)
    try:
        driven = drive("reset")
    finally:
        os.umask(before)
    written = sorted(p for p in driven.folder.iterdir() if p.is_file())
    assert {"notes.md", "action-plan.md", "session.json"} <= {p.name for p in written}
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in written}
    assert modes == dict.fromkeys(modes, mode)
