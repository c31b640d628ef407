"""The git store: the only part of kundencheck that talks to git.

Nothing in here imports GitPython at module level: ``import git`` raises ``ImportError`` when no
git binary is installed, and :meth:`GitStore.open` turns that into a readable ``StoreError``.
"""

from kundencheck.store.git_store import (
    ANSWERS_ROOT,
    MIN_GIT_VERSION,
    CommitResult,
    GitStore,
    Identity,
)

__all__ = [
    "ANSWERS_ROOT",
    "MIN_GIT_VERSION",
    "CommitResult",
    "GitStore",
    "Identity",
]
