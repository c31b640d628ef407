"""The project's own error types.

Every error a user can cause is one of these, carrying a one-paragraph message that names the
file, line, item or state and says what to do. The CLI and TUI show ``str(error)``; they
never show a traceback for them.
"""

from __future__ import annotations

from kundencheck.core.i18n import _

#: How many problems a message lists at most: a file can hold thousands of broken values, and
#: the first ones say what is wrong (the rest are counted).
SHOWN_PROBLEMS = 30


class KundencheckError(Exception):
    """Base class: an error with a message meant for the user."""

    #: Process exit status the CLI uses for this error.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(KundencheckError):
    """The command line or the config asks for something that does not exist."""

    exit_code = 2


def listed(path: str, problems: list[str]) -> str:
    """A file's problems as one message: ``path: problem`` for one, else a count and the first
    :data:`SHOWN_PROBLEMS` of them, one a line (a file can hold thousands of broken values: the
    first ones say what is wrong, the rest are counted)."""
    if len(problems) == 1:
        return f"{path}: {problems[0]}"
    shown = problems[:SHOWN_PROBLEMS]
    message = _("{path}: {n} problems:").format(path=path, n=len(problems)) + "\n" + "\n".join(f"  - {p}" for p in shown)
    if len(problems) > len(shown):
        message += "\n  " + _("… and {n} more.").format(n=len(problems) - len(shown))
    return message


class ChecklistError(KundencheckError):
    """A checklist file is unreadable, not TOML, or breaks the format.

    ``problems`` holds one line per problem, so ``validate`` can list all of them at once
    (the message shows the first :data:`SHOWN_PROBLEMS`).
    """

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(listed(path, self.problems))


class AnswersError(KundencheckError):
    """An answers file (or a filled-in template) is unreadable or does not fit its checklist.

    ``source``: the file, where the error is about one; ``problems``: what is wrong with it, one
    sentence each (empty when the message says it whole: a file that cannot be read at all).
    """

    def __init__(self, message: str, *, source: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.problems = list(problems or [])

    @classmethod
    def listing(cls, source: str, problems: list[str]) -> AnswersError:
        """The error for every one of ``problems`` of the file ``source``."""
        return cls(listed(source, problems), source=source, problems=problems)


class StoreError(KundencheckError):
    """The repository is in a state where kundencheck will not write, or git failed.

    Nothing was committed when a commit raises it. ``refused``: kundencheck would not commit in
    the repository's present state (a merge in progress, a detached HEAD, a lock, the branch
    checked out in another worktree, ...), so nothing was tried. ``draft_id``: the draft that
    holds the answers to commit later; set by the session once it has really saved that draft,
    never by the store. The CLI and the TUI say what it means.
    """

    def __init__(self, message: str, *, refused: bool = False, draft_id: str | None = None) -> None:
        super().__init__(message)
        self.refused = refused
        self.draft_id = draft_id
