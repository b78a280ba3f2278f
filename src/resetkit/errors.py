"""The one family of errors resetkit raises; the CLI prints them and exits with their code."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NO_MATCH = 3
EXIT_INTERRUPTED = 130


class ResetkitError(Exception):
    """A failure a user can act on: one line of what, where and what to do, and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(ResetkitError):
    """The command line or an input file is wrong."""


class PlaybookNotFound(ResetkitError):
    """No playbook on the search path has the id asked for."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a playbook, at a place in its file."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class InputInvalid(ResetkitError):
    """An input file has problems; all of them are listed, each with its line and column."""

    def __init__(self, problems: list[Problem], hint: str = "") -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}", hint=hint)


class PlaybookInvalid(InputInvalid):
    """A playbook file has problems."""

    def __init__(self, problems: list[Problem], file: str | None = None) -> None:
        # `file`: the playbook, when a problem may be in a file it includes or extends.
        super().__init__(
            problems,
            hint=f"run 'resetkit validate {file or problems[0].file}' to see every problem",
        )


class AnswersInvalid(InputInvalid):
    """An answers file does not fit its playbook; nothing was written."""


class StorageError(ResetkitError):
    """Writing or reading a file under the notes dir failed; earlier files are intact."""


class NothingMatched(ResetkitError):
    """A filter (customer, owner, playbook) matches nothing in the whole history: most likely
    a typo, which must not read as "nothing to do"."""

    exit_code = EXIT_NO_MATCH


def did_you_mean(word: str, candidates: list[str], *, names: bool = False) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when none is close. With
    `names` (people's and companies' names), in any case, and a word of a name counts:
    'globx' is close to 'Globex Corporation'. The one candidate a word starts is always
    close."""
    import difflib

    typed = word.strip().casefold()
    started = {c for c in candidates if typed and c.casefold().startswith(typed)}
    if len(started) == 1:  # the start of one ('risk' for 'risk-check')
        return f" (did you mean '{started.pop()}'?)"
    if not names:
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        return f" (did you mean '{close[0]}'?)" if close else ""
    keys: dict[str, str] = {}
    for candidate in candidates:
        for key in [candidate, *candidate.split()]:
            keys.setdefault(key.casefold(), candidate)
    found = difflib.get_close_matches(word.casefold(), list(keys), n=1, cutoff=0.6)
    return f" (did you mean '{keys[found[0]]}'?)" if found else ""
