"""The only code in kundencheck that talks to git: :class:`GitStore`, the front the rest of
kundencheck uses (``GitStore.open(path)``), made of one part per job:

- store/runner.py, running git: the processes, their time limits and environment;
- store/state.py, the repository's state: opening it, HEAD, branches, worktrees, config;
- store/reading.py, reading history: answers files from a ref's tree, the commits that added
  them, blobs a partial clone lacks (store/history_cache.py keeps what was read);
- store/committing.py, the commit protocol (store/index_lock.py: the lock and its journal);
- store/remotes.py, pushing and bringing the remote's commits in (store/push.py: what a push
  did, as data).

Each part is a class that builds on the ones it needs (runner <- state <- reading, committing
<- remotes); :class:`GitStore` is all of them. Callers import from this module only.

GitPython and git itself. Every git call runs the git program, never a reimplementation:
GitPython's own index and ref writers sweep staged changes into commits, ignore
``commit.gpgsign`` and lose commits under concurrency, so its object model (``Repo``, its
index, its refs) is not used. GitPython's ``Git`` command wrapper runs the calls that build
and write a commit and run its hooks (with its time limit, which stops a hook or a signing
program that waits). Everything else runs git directly: repository discovery (one ``git
rev-parse`` in :meth:`GitStore.open` answers where the work tree, the git dirs and the state
files are), HEAD, the config and the history reads, because importing GitPython costs about a
third of Textual's import and the first screen needs them; and the calls that reach a remote,
which run in a session of their own so that nothing can prompt and everything they started
stops at the deadline. store/runner.py says which call goes which way.
"""

from __future__ import annotations

from typing import Self

from kundencheck.store.committing import ANSWERS_ROOT, Caveat, CommitResult, CommitWarning
from kundencheck.store.push import PushFailure, PushRefusal, PushResult
from kundencheck.store.reading import HistoryReader, Unfetched
from kundencheck.store.remotes import PushError, RemoteSync
from kundencheck.store.runner import MIN_GIT_VERSION
from kundencheck.store.state import Identity

__all__ = [
    "ANSWERS_ROOT",
    "MIN_GIT_VERSION",
    "Caveat",
    "CommitResult",
    "CommitWarning",
    "GitStore",
    "Identity",
    "PushError",
    "PushFailure",
    "PushRefusal",
    "PushResult",
    "Unfetched",
]


class GitStore(RemoteSync, HistoryReader):
    """One repository's work tree, opened with :meth:`open`; a context manager."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitStore({str(self.root)!r})"
