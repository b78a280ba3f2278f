"""An internationalised email domain in `share --eml`: written in its ASCII (IDNA) form, so the
draft's addresses parse back as addresses, never as an RFC 2047 encoded-word inside one."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resetkit.record.recap import recap_email
from resetkit.record.session import Attendee
from test_recap import WHEN, builtin, parse_eml, session_with

# Letters of several scripts, as a domain's labels may hold them.
LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßéèçñøåłżšžčřğıđ日本語中文한국어ασδφжизнь"
labels = st.text(LETTERS, min_size=1, max_size=12)
domains = st.lists(labels, min_size=1, max_size=3).map(lambda parts: ".".join([*parts, "example"]))


def _idna(domain: str) -> str:
    return domain.encode("idna").decode("ascii")


def test_every_address_of_a_draft_parses_back_with_its_domain_in_ascii(isolated: Path) -> None:
    session = session_with("fire", [])

    @settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
    @given(domain=domains, sender_domain=domains)
    def drafted(domain: str, sender_domain: str) -> None:
        session.attendees = [Attendee(name=f"Dana Smith <dana@{domain}>", role="CTO")]
        payload = recap_email(
            session, builtin("fire"), sender=f"Sam <sam@{sender_domain}>", written=WHEN
        )
        headers = payload.split(b"\r\n\r\n", 1)[0]
        assert b"@=?" not in headers and b".=?" not in headers
        message = parse_eml(payload)
        [to] = message["To"].addresses
        [sender] = message["From"].addresses
        assert (to.display_name, to.username, to.domain) == ("Dana Smith", "dana", _idna(domain))
        assert (sender.username, sender.domain) == ("sam", _idna(sender_domain))
        assert not message["To"].defects and not message["From"].defects

    drafted()


def test_share_writes_an_idna_domain_that_the_email_package_reads_back(  # type: ignore[no-untyped-def]
    run, isolated: Path
) -> None:
    session = session_with("reset", [Attendee(name="Jürgen Weiß <jw@bücher.example>")])
    draft = isolated / "draft.eml"
    notes = isolated / "notes"
    result = run(
        "share", session.id, "--eml", str(draft), "--from", "Sam <sam@münchen.example>",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = draft.read_bytes()
    assert b"<jw@xn--bcher-kva.example>" in raw and b"<sam@xn--mnchen-3ya.example>" in raw
    message = parse_eml(raw)
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Jürgen Weiß", "jw@xn--bcher-kva.example")
    assert message["From"].addresses[0].addr_spec == "sam@xn--mnchen-3ya.example"


def test_a_domain_idna_cannot_write_is_refused_in_one_line(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    session = session_with("reset", [Attendee(name=f"Dana <dana@{'ä' * 70}.example>")])
    draft = isolated / "draft.eml"
    notes = isolated / "notes"
    result = run("share", session.id, "--eml", str(draft), "--notes-dir", str(notes))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "is not a valid email address" in line
    assert not draft.exists()
