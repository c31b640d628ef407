"""What a commit of answers went ahead despite, in words: the sentences the CLI prints and the
TUI shows.

The store says it as data (:class:`kundencheck.store.committing.CommitWarning`: its
:class:`~kundencheck.store.committing.Caveat` and the file); this module writes the sentence,
with the command that helps.
"""

from __future__ import annotations

from kundencheck.core.i18n import _
from kundencheck.store.committing import Caveat, CommitWarning


def warning_text(warning: CommitWarning) -> str:
    """The warning as one paragraph: what kundencheck did anyway, and what to do about it."""
    if warning.kind is Caveat.SHALLOW:
        return _(
            "This repository is a shallow clone, so its history is incomplete: the answers "
            "are committed normally, but older runs are missing from history views. Run "
            "`git fetch --unshallow` to fetch the full history."
        )
    return _(
        "{path} is ignored by .gitignore; committed anyway. `git check-ignore -v "
        "{path}` shows the rule; add a `!` rule for .kundencheck/ to see the "
        "answers in `git status`."
    ).format(path=warning.path)
