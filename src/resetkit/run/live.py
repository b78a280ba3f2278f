"""A run in the terminal: section panels, the time status line, autosave, review, the notes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resetkit import dates
from resetkit.errors import EXIT_INTERRUPTED, ResetkitError
from resetkit.format.model import AnyQuestion, Playbook, Section
from resetkit.question_types import (
    AnswerError,
    Asking,
    asked_as,
    check_answer,
    default_answer,
    shown_answer,
)
from resetkit.record.lock import SessionLock
from resetkit.record.notes import write_notes
from resetkit.record.render import reflow
from resetkit.record.session import Recommended, Session, merge_attendees
from resetkit.record.store import keep_changes_of_others, locked, save
from resetkit.run.headstart import FirstScreen
from resetkit.run.prompts import Prompter
from resetkit.run.screen import (
    SectionView,
    draw_review,
    draw_section,
    escape_markup,
    minutes_text,
    plain_clock,
    status_fragments,
)
from resetkit.run.terminal import GoBack, Interrupted
from resetkit.run.walk import (
    active,
    active_sections,
    next_step,
    outcome,
    planned_minutes,
    prune,
    recommend,
    section_budget_seconds,
    step_done,
    steps,
)

if TYPE_CHECKING:
    from rich.console import Console


# The review's "Which answer?" choice that changes none; no question id can be it.
BACK_TO_REVIEW = " back"


class SessionInterrupted(ResetkitError):
    """Ctrl-C or EOF during a run: everything answered so far is saved."""

    exit_code = EXIT_INTERRUPTED


def section_view(playbook: Playbook, answers: dict[str, Any], section: Section) -> SectionView:
    """The section as its panel shows it, given the answers so far."""
    sections = active_sections(playbook, answers)
    body = [reflow(section.guidance)] if section.guidance else []
    if section.talking_points:
        body.append("\n".join(f"› {point}" for point in section.talking_points))
    return SectionView(
        number=sections.index(section) + 1 if section in sections else 0,
        total=len(sections),
        title=section.title,
        timing=(
            "before the call"
            if section.minutes == 0
            else minutes_text(section_budget_seconds(playbook, section, answers))
        ),
        body="\n\n".join(body),
    )


def meeting_seconds(playbook: Playbook, session: Session) -> float:
    """Time spent in the meeting itself: sections timed at 0m are preparation before it."""
    untimed = {section.id for section in playbook.sections if section.minutes == 0}
    return sum(s for sid, s in session.section_seconds.items() if sid not in untimed)


def fit_answers(playbook: Playbook, answers: dict[str, Any], today: date) -> list[str]:
    """Keep the answers that still fit the playbook; return a line for each one dropped.

    Each line names the question by its prompt, as the person saw it; a question the playbook
    no longer has is named by the answer it had.
    """
    notices = []
    for question_id in list(answers):
        try:
            question = playbook.question(question_id)
        except KeyError:
            value = _quoted_answer(answers.pop(question_id))
            notices.append(f"the answer {value} is dropped: its question is no longer asked")
            continue
        try:
            answers[question_id] = check_answer(question, answers[question_id], today)
        except AnswerError as error:
            notices.append(f"{error}: the earlier answer no longer fits and is dropped")
            del answers[question_id]
    notices += [no_longer_applies(playbook, q) for q in prune(playbook, answers)]
    return notices


def no_longer_applies(playbook: Playbook, question_id: str) -> str:
    """The notice for an answer dropped because its question no longer applies."""
    return f"{asked_as(playbook.question(question_id))} no longer applies: its answer is dropped"


def _quoted_answer(value: Any) -> str:
    """An answer whose question is gone, on one short line, quoted."""
    if isinstance(value, list):
        parts = [item.get("what", "") if isinstance(item, dict) else str(item) for item in value]
        value = "; ".join(parts)
    text = " ".join(str(value).split())
    return f'"{text if len(text) <= 60 else text[:57] + "..."}"'


def first_screen(playbook: Playbook) -> FirstScreen | None:
    """What `start` shows before the first answer, as plain data to keep (see headstart.py)."""
    step = next_step(playbook, {}, [])
    if step is None or step[1] is None:
        return None  # a first section without questions is drawn by the run itself
    section, question = step[0], step[1]
    return FirstScreen(
        playbook_id=playbook.id,
        title=playbook.title,
        section_id=section.id,
        view=section_view(playbook, {}, section),
        budget=section_budget_seconds(playbook, section, {}),
        planned=planned_minutes(playbook, {}) * 60.0,
        question=plain_question(question),
    )


def plain_question(question: AnyQuestion) -> dict[str, Any]:
    """A question's fields as JSON data, each choice with its `shown` text (see stand_in)."""
    fields = question.model_dump(mode="json")
    choices = getattr(question, "choices", None)
    if choices is not None:
        fields["choices"] = [
            {"value": c.value, "label": c.label, "shown": c.shown} for c in choices
        ]
    return fields


class Run:
    """One walk through a playbook with a person, saving the record after every answer."""

    def __init__(
        self,
        playbook: Playbook,
        session: Session,
        folder: Path,
        prompter: Prompter,
        console: Console,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.playbook = playbook
        self.session = session
        self.folder = folder
        self.prompter = prompter
        self.console = console
        self.clock = clock
        self.today = session.started_at.date()
        self.section: Section | None = None
        self.mark = clock()
        # The session's lock when a command holds one: a save first checks it is still ours.
        self.lock: SessionLock | None = None
        # Sections and the review as plain lines, the clock said: the prompter writes line by
        # line (plain.py); a scripted prompter has no such attribute.
        self.plain: bool = getattr(prompter, "plain", False)

    # --- time ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """Add the time since the last mark to the current section."""
        now = self.clock()
        if self.section is not None:
            spent = self.session.section_seconds.get(self.section.id, 0.0)
            self.session.section_seconds[self.section.id] = spent + (now - self.mark)
            self.session.meeting_seconds = meeting_seconds(self.playbook, self.session)
        self.mark = now

    def _status_now(self) -> list[tuple[str, str]] | None:
        """The clock line of the section being asked, counting the time since the last mark."""
        section = self.section
        if section is None:
            return None
        answers = self.session.answers
        budget = section_budget_seconds(self.playbook, section, answers)
        if budget == 0:
            return None  # preparation before the call is not timed against the meeting
        running = self.clock() - self.mark
        spent = self.session.section_seconds.get(section.id, 0.0) + running
        planned = planned_minutes(self.playbook, answers) * 60
        return status_fragments(spent, budget, self.session.meeting_seconds + running, planned)

    # --- the walk -----------------------------------------------------------------------

    def _enter(self, section: Section) -> None:
        self._tick()
        self.section = section
        view = section_view(self.playbook, self.session.answers, section)
        draw_section(self.console, view, self.plain, self._clock_said() if self.plain else "")

    def _clock_said(self) -> str:
        """The clock as plain mode says it when a section starts; '' when it is not timed."""
        status = self._status_now()
        return plain_clock(status) if status else ""

    def _save(self) -> None:
        if self.lock is not None:
            self.lock.check()  # taken over in another terminal: its answers are not overwritten
        save(self.session, self.folder)

    def _ask(
        self, section: Section, question: AnyQuestion, current: Any, can_go_back: bool = False
    ) -> None:
        """Ask one question and record its answer; GoBack passes through unrecorded."""
        if section is not self.section:
            self._enter(section)
        asking = Asking(
            status=self._status_now,
            keep=lambda items: self._keep_draft(question.id, items),
            can_go_back=can_go_back,
        )
        try:
            value = self.prompter.ask(question, current, self.today, asking)
        except Interrupted:
            raise self._interrupted("interrupted: every answer so far is saved") from None
        self._record(question.id, value)

    def _pass(self, section: Section, can_go_back: bool) -> None:
        """Show a section without questions and wait until the person goes on."""
        if section is not self.section:
            self._enter(section)
        asking = Asking(status=self._status_now, can_go_back=can_go_back)
        try:
            self.prompter.pause(section.title, asking)
        except Interrupted:
            raise self._interrupted("interrupted: every answer so far is saved") from None
        if section.id not in self.session.passed:
            self.session.passed.append(section.id)
        self._tick()
        self._save()

    def _keep_draft(self, question_id: str, items: Any) -> None:
        """Save the items of an unfinished list or action-items answer as they are entered."""
        self.session.drafts[question_id] = items
        self._tick()
        self._save()

    def _record(self, question_id: str, value: Any) -> None:
        self.session.answers[question_id] = value
        self.session.drafts.pop(question_id, None)
        self._tick()
        for dropped in prune(self.playbook, self.session.answers):
            notice = escape_markup(no_longer_applies(self.playbook, dropped))
            self.console.print(f"[yellow]{notice}[/]")
        self._save()

    def _interrupted(self, message: str) -> SessionInterrupted:
        """Save what the run holds; the error that says so and how to go on."""
        self._tick()
        self._save()
        return SessionInterrupted(
            message, hint=f"continue with 'resetkit resume {self.session.id}'"
        )

    def keep_early_draft(self, question_id: str, items: Any) -> None:
        """Keep the items of the first question while it is still asked by the head start
        (called from its prompt, once this run exists)."""
        self.session.drafts[question_id] = items
        save(self.session, self.folder)

    def take_answers(self, answers: dict[str, Any]) -> int:
        """Record answers known before the walk (an answers file, checked); how many.

        They are saved at once and not asked: the walk goes on to the first question they
        leave open, and the review shows them with the rest.
        """
        self.session.answers.update(answers)
        for dropped in prune(self.playbook, self.session.answers):
            self.console.print(
                f"[yellow]{escape_markup(no_longer_applies(self.playbook, dropped))}[/]"
            )
        self._save()
        return len(answers)

    def take_over(
        self,
        section_id: str,
        entered: float,
        answered: tuple[str, Any] | None,
        draft: tuple[str, Any] | None = None,
    ) -> None:
        """Carry on after a first question asked before this run existed (see headstart.py).

        Its section was entered at `entered` on this run's clock; `answered` is (question id,
        value), or None when the person interrupted, which is saved and raised as here, with
        the items of an unfinished list answer in `draft` (question id, items).
        """
        self.section = next(s for s in self.playbook.sections if s.id == section_id)
        self.mark = entered
        if answered is None:
            if draft is not None and draft[1]:
                self.session.drafts[draft[0]] = draft[1]
            raise self._interrupted("interrupted: every answer so far is saved")
        self._record(*answered)

    def current(self, question: AnyQuestion) -> Any:
        """What a question's field starts with: its answer, the items kept of an unfinished
        one, or its default."""
        answers, drafts = self.session.answers, self.session.drafts
        if question.id in answers:
            return answers[question.id]
        if question.id in drafts:
            return drafts[question.id]
        return default_answer(question, self.today)

    def walk(self) -> None:
        """Ask every question that applies and is not answered yet, saving after each.

        Shift-Tab (or Ctrl-B) at a prompt goes back one step, across sections, with its answer
        filled in; from there the walk goes forward again step by step, conditions evaluated
        afresh after every answer.
        """
        session = self.session
        step = next_step(self.playbook, session.answers, session.passed)
        revisiting = False  # going forward again over steps taken before, after going back
        while step is not None:
            order = steps(self.playbook, session.answers)
            place = order.index(step)
            section, question = step
            try:
                if question is None:
                    self._pass(section, can_go_back=place > 0)
                else:
                    self._ask(section, question, self.current(question), can_go_back=place > 0)
            except GoBack:
                step, revisiting = order[place - 1], True
                continue
            order = steps(self.playbook, session.answers)
            later = order[order.index(step) + 1 :] if step in order else []
            revisiting = revisiting and any(
                step_done(later_step, session.answers, session.passed) for later_step in later
            )
            step = (
                later[0]
                if revisiting
                else next_step(self.playbook, session.answers, session.passed)
            )

    # --- review and finish --------------------------------------------------------------

    def review(self) -> str:
        """Show every answer; let the person change any, then save or discard."""
        while True:
            self._tick()
            answered = [
                (s, q)
                for s, q in active(self.playbook, self.session.answers)
                if q.id in self.session.answers
            ]
            draw_review(
                self.console,
                [(q.prompt, _short(q, self.session.answers[q.id])) for _, q in answered],
                self.plain,
            )
            action = self._pick(
                "What now?",
                [
                    ("save", "Save and write the notes"),
                    ("change", "Change an answer"),
                    ("discard", "Discard this session"),
                ],
            )
            if action == "save":
                return "save"
            if action == "discard":
                sure = self._pick(
                    "Discard it? No notes will be written.",
                    [("keep", "No, keep it"), ("discard", "Yes, discard")],
                )
                if sure == "discard":
                    return "discard"
                continue
            options = [(q.id, q.prompt) for _, q in answered]
            # A way out that needs no back key: plain mode has none at this menu.
            chosen = self._pick("Which answer?", [*options, (BACK_TO_REVIEW, "None: back")])
            if chosen == BACK_TO_REVIEW:
                continue
            section, question = next((s, q) for s, q in answered if q.id == chosen)
            try:
                self._ask(section, question, self.session.answers[question.id], can_go_back=True)
            except GoBack:
                continue  # back to the review, nothing changed
            self.walk()

    def _pick(self, message: str, options: list[tuple[str, str]]) -> str:
        try:
            return self.prompter.pick(message, options)
        except Interrupted:
            raise self._interrupted("interrupted at the review: every answer is saved") from None

    def finish(self, decision: str) -> list[Path]:
        """Mark the session complete (writing the notes) or discarded."""
        if self.lock is not None:
            self.lock.check()
        self._tick()
        self.settle()
        session = self.session
        if decision == "discard":
            session.status = "discarded"
            self._save()
            return []
        session.status = "complete"
        with locked(self.folder):
            # The notes show what others changed meanwhile (an item closed with `actions`).
            keep_changes_of_others(session, self.folder)
            return write_notes(session, self.playbook, self.folder)

    def settle(self) -> None:
        """What the end of a walk decides: planned length, outcome, recommendation, the
        attendees a question named (the notes of a run and of a preview are written from it)."""
        session = self.session
        session.ended_at = dates.now()
        session.planned_minutes = planned_minutes(self.playbook, session.answers)
        session.outcome = outcome(self.playbook, session.answers)
        rule = recommend(self.playbook, session.answers)
        session.recommendation = (
            Recommended(playbook=rule.playbook, because=rule.because) if rule else None
        )
        named = self.playbook.attendees_question
        if named is not None and isinstance(session.answers.get(named.id), list):
            session.attendees = merge_attendees(session.attendees, session.answers[named.id])


def _short(question: AnyQuestion, value: Any) -> str:
    """An answer on one line, as the person picked or typed it."""
    text = " ".join(shown_answer(question, value).split())
    return text if len(text) <= 120 else text[:117] + "..."
