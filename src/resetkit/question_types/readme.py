"""The README's tables of how each question type is answered, made from the type table."""

from __future__ import annotations

from resetkit.question_types.kinds import KINDS

README_START = "<!-- question-types -->"
README_END = "<!-- /question-types -->"
README_PLAIN_START = "<!-- plain-question-types -->"
README_PLAIN_END = "<!-- /plain-question-types -->"


def readme_table(plain: bool = False) -> str:
    """The README's table of how each type is answered (in plain mode with `plain`); types
    answered alike share a row."""
    rows: list[tuple[list[str], str]] = []
    for name, kind in KINDS.items():
        how = kind.plain_how if plain else kind.how
        if rows and rows[-1][1] == how:
            rows[-1][0].append(name)
        else:
            rows.append(([name], how))
    heading = "how you answer in plain mode" if plain else "how you answer"
    lines = [f"| question type | {heading} |", "| --- | --- |"]
    lines += [f"| {', '.join(f'`{n}`' for n in names)} | {how} |" for names, how in rows]
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    """The README's text with each table between its markers made from this table."""
    readme = _between(readme, README_START, README_END, readme_table())
    return _between(readme, README_PLAIN_START, README_PLAIN_END, readme_table(plain=True))


def _between(readme: str, start_mark: str, end_mark: str, table: str) -> str:
    before, start, rest = readme.partition(start_mark + "\n")
    _, end, after = rest.partition(end_mark)
    if not start or not end:
        raise ValueError(f"the README has no {start_mark} ... {end_mark} markers")
    return before + start + table + "\n" + end + after
