"""The most of a damaged session record that can be kept: answers and fields that still
read, or the save before it."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from resetkit.errors import UsageError
from resetkit.record.session import Session
from resetkit.record.store import PREVIOUS_FILE, load
from resetkit.storage import RECORD_FILE, read_bytes_no_follow


def salvage(folder: Path) -> tuple[Session, list[str]]:
    """The most of a damaged record that can be kept, and a line for each thing given up.

    Fields that no longer validate fall back to their defaults; a record that cannot be read
    at all is replaced by the save before it. UsageError when neither can be used.
    """
    try:
        return load(folder), []
    except UsageError as damage:
        problem = damage.message
    notices = [problem]
    try:
        data = json.loads(read_bytes_no_follow(folder / RECORD_FILE))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        # One damaged action item costs its own answer, not every answer of the session.
        for question_id, value in list(data["answers"].items()):
            try:
                Session.model_validate({**data, "answers": {question_id: value}})
            except ValidationError as error:
                if any(e["loc"][:1] == ("answers",) for e in error.errors()):
                    notices.append(
                        f"the answer to '{question_id}' could not be read and is asked again"
                    )
                    del data["answers"][question_id]
            except (TypeError, ValueError):
                continue
    if isinstance(data, dict):
        defaults = {name for name, info in Session.model_fields.items() if not info.is_required()}
        for _ in range(len(Session.model_fields)):
            try:
                return Session.model_validate(data), notices
            except ValidationError as error:
                bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
                if not bad or not bad <= defaults:
                    break
                for name in sorted(bad):
                    notices.append(f"'{name}' could not be read and starts again empty")
                    data.pop(name, None)
    previous = folder / PREVIOUS_FILE
    try:
        kept = Session.model_validate_json(read_bytes_no_follow(previous))
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{problem}; the save before it cannot be used either ({type(error).__name__})",
            hint="restore the folder from a backup, or start a new session",
        ) from None
    notices.append(f"using the save before it ({previous.name}): the last answer may be missing")
    return kept, notices
