"""Session ids typed as a person types them: a prefix, any case, a trailing slash; the
candidates named when what is typed means several sessions or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import drive
from resetkit.errors import UsageError
from resetkit.record.session_ids import matching_ids, resolve_session_id

SLUG = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,2}", fullmatch=True)
SESSION = st.from_regex(r"20[0-9]{2}-[01][0-9]-[0-3][0-9]-[a-z]+(-[0-9])?", fullmatch=True)
IDS = st.lists(st.tuples(SLUG, SESSION).map("/".join), min_size=1, max_size=8, unique=True)


def with_case(text: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flips[n % len(flips)] else c for n, c in enumerate(text))


def may_mean(ids: list[str], typed: str) -> list[str]:
    """Every id that `typed` (lowered, without its slashes at the end) starts part by part."""
    customer, _, rest = typed.lower().rstrip("/").partition("/")
    return [
        other
        for other in ids
        if other.partition("/")[0].startswith(customer) and other.partition("/")[2].startswith(rest)
    ]


@given(IDS, st.data())
def test_every_typed_form_of_an_id_finds_it_or_names_it(ids: list[str], data) -> None:
    wanted = data.draw(st.sampled_from(ids))
    typed = wanted[: data.draw(st.integers(1, len(wanted)))]
    typed = with_case(typed, data.draw(st.lists(st.booleans(), min_size=1, max_size=5)))
    typed += data.draw(st.sampled_from(["", "/", "//"]))
    found = matching_ids(ids, typed)
    assert found and set(found) <= set(may_mean(ids, typed))
    customer = typed.lower().rstrip("/").partition("/")[0]
    assert wanted in found or all(f.partition("/")[0] == customer for f in found)
    if len(found) == 1:
        assert resolve_session_id(ids, typed, "notes") == found[0]
    else:
        with pytest.raises(UsageError) as raised:
            resolve_session_id(ids, typed, "notes")
        assert f"matches {len(found)} sessions" in raised.value.message
        assert found[0] in raised.value.message


@given(IDS)
def test_the_whole_id_in_any_case_with_a_slash_is_always_that_session(ids: list[str]) -> None:
    for wanted in ids:
        assert resolve_session_id(ids, f" {wanted.upper()}/ ", "notes") == wanted


def test_a_whole_customer_folder_wins_over_longer_ones() -> None:
    ids = ["acme/2026-11-24-reset", "acme-corp/2026-11-24-reset"]
    assert resolve_session_id(ids, "acme/", "notes") == "acme/2026-11-24-reset"
    assert resolve_session_id(ids, "ACME-C", "notes") == "acme-corp/2026-11-24-reset"


def test_an_unknown_id_names_the_closest(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    result = run("share", "acme-crop/2026-11-24-reset", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "no session 'acme-crop/2026-11-24-reset'" in result.stderr
    assert "did you mean acme-corp/2026-11-24-reset?" in result.stderr
    assert "resetkit resume" not in result.stderr


def test_share_takes_a_customer_prefix_in_any_case(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    result = run("share", "ACME/", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert "Acme Corp" in result.stdout


def test_an_ambiguous_prefix_lists_the_candidates(run, isolated: Path) -> None:
    notes = isolated / "notes"
    first = drive("reset", notes_dir=notes)
    second = drive("risk-check", notes_dir=notes)
    result = run("render", "acme", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert f"'acme' matches 2 sessions in {notes}" in result.stderr
    assert first.session.id in result.stderr and second.session.id in result.stderr


@pytest.mark.parametrize("typed", ["globx/", "GLOBX", "glob3x/", "globx/2026-11"])
def test_a_customer_shortened_and_mistyped_is_offered_its_sessions(typed: str) -> None:
    """The audit's case: `share globx/` named no candidate while `--customer globx` did."""
    ids = [
        "globex-corporation/2026-11-24-reset",
        "acme-corp/2026-11-24-reset",
        "hooli/2026-11-20-fire",
    ]
    with pytest.raises(UsageError, match="did you mean globex-corporation/2026-11-24-reset"):
        resolve_session_id(ids, typed, "notes")


@given(IDS)
def test_the_short_form_a_table_shows_finds_its_session_and_no_other(ids: list[str]) -> None:
    from resetkit.record.session_ids import short_form

    folders = {found.partition("/")[0] for found in ids}
    for wanted in ids:
        alike = [other for other in ids if other.startswith(wanted)]
        short = short_form(wanted, folders, alike)
        assert len(short) <= len(wanted)
        assert resolve_session_id(ids, short, "notes") == wanted
