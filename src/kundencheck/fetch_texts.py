"""Answers files a partial clone could not fetch, in words: the sentences the CLI prints and the
TUI shows.

The store says it as data (:class:`kundencheck.store.history_cache.LeftOut`: the file, and the
:class:`~kundencheck.store.reading.Unfetched` the fetch came back with, its
:class:`~kundencheck.store.reading.FetchFailure` and what git said); this module writes the
sentence, with the command that helps.
"""

from __future__ import annotations

from collections.abc import Iterable

from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import _
from kundencheck.store.history_cache import LeftOut
from kundencheck.store.reading import FetchFailure, Unfetched


def unfetched_reason(unfetched: Unfetched) -> str:
    """Why the remote did not give the files, in a few words."""
    if unfetched.why is FetchFailure.NO_PROMISOR:
        return _("this partial clone names no promisor remote")
    if unfetched.said:
        return unfetched.said
    return _("git fetch ended with exit status {status}").format(status=unfetched.status)


def left_out_text(left: LeftOut) -> str:
    """The file left out of the history as one paragraph: why, and how to fetch it."""
    return _(
        "{file}: is not in this partial clone and could not be fetched from {remote} ({reason}), so it is "
        "left out. Fetch it once the remote can be reached: `git fetch {remote}`."
    ).format(file=left.path, remote=left.unfetched.remote or "origin", reason=unfetched_reason(left.unfetched))


def problem_texts(problems: Iterable[KundencheckError | LeftOut]) -> list[str]:
    """The files that could not be read (:meth:`Project.summary`), each in words: an error's own
    message, the sentence of a file a partial clone could not fetch."""
    return [left_out_text(problem) if isinstance(problem, LeftOut) else str(problem) for problem in problems]
