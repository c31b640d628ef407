"""Data between layers, sentences at the edge: the store's push path (store/remotes.py,
store/push.py) says what happened as data (a PushFailure with its refusal, why nothing was
tried, why the remote's commits were not brought in, names and paths); kundencheck/push_texts.py
writes every sentence the user reads about it. Reading history alike (store/reading.py,
store/history_cache.py): the answers files a partial clone could not fetch are data (LeftOut,
Unfetched with its FetchFailure), their words are kundencheck/fetch_texts.py's.

The rule, checked on the source: every ``_(...)`` in those modules is one of
- the ``what=`` of a git call (said only in the store's own error when git fails),
- the message of an exception raised right there (``raise StoreError(_(...))``: the store's
  error, shown as it is, or the fallback a log shows),
- the subject of a commit or reflog entry kundencheck writes (``subject = _(...)``), or the
  fallback message of PushError (``fallback = ...``).
A sentence put into a PushFailure, a BringIn or a returned reason breaks it.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from kundencheck.push_texts import Committed, failure_text
from kundencheck.store.push import PushFailure, PushRefusal, Unpushable

STORE = Path(__file__).resolve().parents[2] / "src" / "kundencheck" / "store"
#: The store's modules that report to the CLI and the TUI as data only.
DATA_ONLY = ("remotes", "push", "reading", "history_cache")
ALLOWED_NAMES = ("subject", "fallback")


def sentences_made(source: str, namespace: dict) -> list[int]:
    """Lines of ``source`` where ``_(...)`` makes a sentence outside the allowed places;
    ``namespace``: the module's names, to tell an exception class from a function."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"):
            continue
        here: ast.AST = node
        # Up through `.format(...)`, `a or _(...)`, `_(...) if c else _(...)` and the keywords of a format call.
        while True:
            up = parents.get(here)
            if isinstance(up, ast.Attribute) and up.attr == "format" and isinstance(parents.get(up), ast.Call):
                here = parents[up]
            elif isinstance(up, (ast.BoolOp, ast.IfExp)) and here is not getattr(up, "test", None):
                here = up
            elif (
                isinstance(up, ast.keyword)
                and up.arg != "what"
                and isinstance(call := parents.get(up), ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "format"
            ):
                here = parents[up]
            else:
                break
        up = parents.get(here)
        if isinstance(up, ast.keyword) and up.arg == "what":
            continue
        if (
            isinstance(up, ast.Assign)
            and len(up.targets) == 1
            and isinstance(up.targets[0], ast.Name)
            and up.targets[0].id in ALLOWED_NAMES
        ):
            continue
        if (
            isinstance(up, ast.Call)
            and up.args
            and up.args[0] is here
            and isinstance(parents.get(up), ast.Raise)
            and isinstance(up.func, ast.Name)
            and isinstance(namespace.get(up.func.id), type)
            and issubclass(namespace[up.func.id], BaseException)
        ):
            continue
        found.append(node.lineno)
    return found


NAMESPACE = {"StoreError": KeyError, "_not_pushable": print, "PushFailure": tuple, "BringIn": tuple}


@pytest.mark.parametrize(
    "code",
    [
        'raise _not_pushable(name, _("There is no branch {branch} yet.").format(branch=name))',
        'raise PushError(PushFailure(refusal, name, detail=_("no remote")))',
        'return BringIn(False, detail=_("fetching it failed: {reason}").format(reason=r))',
        'return _("the remote has runs this clone does not have yet")',
        'warnings.append(_("a shallow clone"))',
        'raise StoreError(message, hint=_("run git fetch"))',
        'return Unfetched(oids, "", _("this partial clone names no promisor remote"))',
        'errors.append(AnswersError(_("{file}: could not be fetched").format(file=path)))',
        'return Unfetched(oids, remote, reason or _("git fetch ended with exit status {status}").format(status=s))',
    ],
)
def test_the_checker_finds_a_sentence_put_into_data(code):
    assert sentences_made(code, NAMESPACE) == [1]


@pytest.mark.parametrize(
    "code",
    [
        'self._run(args, what=_("merge the answers branches"))',
        'self._run(args, what=_("move {branch} to the merge").format(branch=b), ok=None)',
        'raise StoreError(_("git could not make it. git said: {error}").format(error=err.strip() or _("(nothing)")))',
        'subject = _("kundencheck: merge answers from {remote}").format(remote=remote)',
        'self._run(args, what=_("list {prefix} in {rev}").format(prefix=p, rev=r) if p else _("list the files in {rev}"))',
    ],
)
def test_the_checker_lets_the_allowed_places_be(code):
    assert sentences_made(code, NAMESPACE) == []


@pytest.mark.parametrize("module", DATA_ONLY)
def test_the_push_path_and_the_history_reader_put_no_sentence_into_their_data(module):
    namespace = vars(importlib.import_module(f"kundencheck.store.{module}"))
    path = STORE / f"{module}.py"
    lines = sentences_made(path.read_text(encoding="utf-8"), namespace)
    assert not lines, (
        f"store/{module}.py makes sentences for the user at lines {lines}: say it as data, and the "
        "words in kundencheck/push_texts.py or fetch_texts.py"
    )


# ------------------------------------------------------------------------------ every reason has its words

FIELDS = {
    "path": "/home/ada/shop",
    "remote": "origin",
    "remotes": ("origin", "backup"),
    "target": "trunk",
    "upstream": "main",
    "upstream_remote": "origin",
    "push_default": "simple",
}


@pytest.mark.parametrize("why", list(Unpushable))
@pytest.mark.parametrize(
    "committed, lead",
    [
        (False, "Not pushed: "),
        (True, "The answers were committed but not pushed: "),
        (Committed.ANSWERS, "The answers were committed but not pushed: "),
        (Committed.SETUP, "The project's setup was committed but not pushed: "),
    ],
)
def test_every_reason_nothing_was_pushed_has_its_words(why, committed, lead):
    """Each Unpushable is said by push_texts from the failure's fields, after a lead that fits
    what was committed (and never "The commit is kept", which the lead says already)."""
    failure = PushFailure(PushRefusal.NOT_PUSHABLE, "feature", why=why, **FIELDS)
    said = failure_text(failure, committed=committed)
    assert said.startswith(lead) and "?" not in said and "{" not in said
    assert "kept" not in said
    words = said.removeprefix(lead)
    assert words == failure_text(failure).removeprefix("Not pushed: ")


def test_a_name_a_shell_would_read_as_more_than_a_word_is_quoted_in_the_command():
    failure = PushFailure(PushRefusal.NOT_PUSHABLE, "fix $(id)", "origin", why=Unpushable.NO_UPSTREAM)
    assert "`git push -u origin 'fix $(id)'`" in failure_text(failure)
