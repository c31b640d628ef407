"""The words for what the store reports as data (kundencheck/commit_texts.py,
kundencheck/fetch_texts.py): every kind has its sentence, with the facts put in and the command
that helps; the sentences are the ones the store used to write itself."""

from __future__ import annotations

import pytest

from kundencheck.commit_texts import warning_text
from kundencheck.core.errors import AnswersError
from kundencheck.fetch_texts import left_out_text, problem_texts, unfetched_reason
from kundencheck.store.committing import Caveat, CommitWarning
from kundencheck.store.history_cache import LeftOut
from kundencheck.store.reading import FetchFailure, Unfetched


@pytest.mark.parametrize(
    "warning, words",
    [
        (
            CommitWarning(Caveat.SHALLOW),
            (
                "This repository is a shallow clone, so its history is incomplete: the answers are committed normally, but "
                "older runs are missing from history views. Run `git fetch --unshallow` to fetch the full history."
            ),
        ),
        (
            CommitWarning(Caveat.IGNORED, ".kundencheck/answers/2026/a.toml"),
            (
                ".kundencheck/answers/2026/a.toml is ignored by .gitignore; committed anyway. `git check-ignore -v "
                ".kundencheck/answers/2026/a.toml` shows the rule; add a `!` rule for .kundencheck/ to see the answers in "
                "`git status`."
            ),
        ),
    ],
)
def test_every_commit_warning_has_its_words(warning, words):
    assert warning_text(warning) == words


def test_there_is_a_test_for_every_caveat():
    assert set(Caveat) == {Caveat.SHALLOW, Caveat.IGNORED}  # a new one gets its words above


@pytest.mark.parametrize(
    "unfetched, reason",
    [
        (Unfetched(frozenset({"a"}), "", FetchFailure.NO_PROMISOR), "this partial clone names no promisor remote"),
        (Unfetched(frozenset({"a"}), "origin", FetchFailure.NOT_STARTED, "[Errno 2] No such file"), "[Errno 2] No such file"),
        (
            Unfetched(frozenset({"a"}), "origin", FetchFailure.FAILED, "fatal: could not read from remote repository", 128),
            "fatal: could not read from remote repository",
        ),
        (Unfetched(frozenset({"a"}), "origin", FetchFailure.FAILED, "", 128), "git fetch ended with exit status 128"),
    ],
)
def test_every_fetch_failure_has_its_words(unfetched, reason):
    assert unfetched_reason(unfetched) == reason
    left = LeftOut(".kundencheck/answers/2026/a.toml", unfetched)
    remote = unfetched.remote or "origin"
    assert left_out_text(left) == (
        f".kundencheck/answers/2026/a.toml: is not in this partial clone and could not be fetched from {remote} "
        f"({reason}), so it is left out. Fetch it once the remote can be reached: `git fetch {remote}`."
    )


def test_the_problems_of_a_summary_in_words():
    broken = AnswersError("broken.toml: line 1: not TOML")
    left = LeftOut("a.toml", Unfetched(frozenset({"a"}), "origin", FetchFailure.FAILED, "offline", 1))
    assert problem_texts([broken, left]) == ["broken.toml: line 1: not TOML", left_out_text(left)]
