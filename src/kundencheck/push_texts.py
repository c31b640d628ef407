"""What a push did, in words: the sentences the CLI prints and the TUI shows.

The store says what happened as data (:mod:`kundencheck.store.push`: a :class:`PushResult`, or a
:class:`PushFailure` with its :class:`PushRefusal` kind, the hook's or the remote's output
already cleaned of terminal control, the gate's findings); this module turns it into sentences,
with a command that works for each case. Nothing here reads git's text.
"""

from __future__ import annotations

from enum import StrEnum

from kundencheck.core.i18n import _, ngettext, translate
from kundencheck.core.text import one_line
from kundencheck.store.push import (
    BringIn,
    GateFinding,
    GateReport,
    NotBroughtIn,
    PushFailure,
    PushRefusal,
    PushResult,
    Unpushable,
)

#: How many of the gate's findings are listed (the most important first), then "and N more".
GATE_FINDINGS_SHOWN = 5
#: How long one finding's line may get.
FINDING_WIDTH = 140
#: Levels, the most important first.
_LEVEL_ORDER = {"error": 0, "warning": 1}
_LEVEL_SYMBOLS = {"error": "✘", "warning": "⚠"}
RETRY = "kundencheck push"


class Committed(StrEnum):
    """What was committed right before the push (the commit is kept, whatever the push did)."""

    #: A run's answers (kundencheck run, answer, drafts commit).
    ANSWERS = "answers"
    #: The project's setup: its config, its checklists (kundencheck init).
    SETUP = "setup"


def pushed_text(result: PushResult) -> str:
    """One line saying what a push that went through did."""
    if result.up_to_date:
        return _("{branch} was already up to date on {remote}; nothing to push.").format(
            branch=result.branch, remote=result.remote
        )
    if result.target != result.branch:
        said = _("Pushed {branch} to {remote} ({target}).").format(
            branch=result.branch, remote=result.remote, target=result.target
        )
    else:
        said = _("Pushed {branch} to {remote}.").format(branch=result.branch, remote=result.remote)
    if result.moved:
        commits = ngettext("{n} new commit", "{n} new commits", result.brought_in).format(n=result.brought_in)
        answers = ngettext("your answers commit", "your {n} answers commits", result.moved).format(n=result.moved)
        said = (
            _("Brought in {commits} from {remote} and moved {answers} on top (the rest of your work as it was).").format(
                commits=commits, remote=result.remote, answers=answers
            )
            + " "
            + said
        )
    elif result.merged:
        said = _("Merged in the runs other clones had pushed to {remote}.").format(remote=result.remote) + " " + said
    return said


def refusal_title(failure: PushFailure) -> str:
    """A few words for a status line: which refusal it was."""
    gate = failure.gate
    titles = {
        PushRefusal.HOOK: (
            _("not pushed: the team's gate (kundencheck check) refused")
            if gate is not None and not gate.passed
            else _("not pushed: the pre-push hook refused")
        ),
        PushRefusal.BEHIND: _("not pushed: the remote has newer commits"),
        PushRefusal.AUTH: _("not pushed: the remote did not let you in"),
        PushRefusal.UNREACHABLE: _("not pushed: the remote could not be reached"),
        PushRefusal.REMOTE_REJECTED: _("not pushed: the remote refused the branch"),
        PushRefusal.TIMEOUT: _("not pushed: out of time"),
        PushRefusal.FAILED: _("not pushed: git push failed"),
        PushRefusal.NOT_PUSHABLE: _("not pushed: nowhere to push to"),
    }
    return titles[failure.refusal]


def failure_text(failure: PushFailure, *, committed: bool | Committed = False) -> str:
    """What went wrong and what to do, as a paragraph (and indented lines for the hook's or
    the remote's output, or the gate's findings). ``committed``: right after a commit, which
    is kept whatever happened to the push, and what it holds (True: a run's answers)."""
    made = Committed.ANSWERS if committed is True else committed or None
    if failure.refusal is PushRefusal.NOT_PUSHABLE:
        return _not_pushable(failure, made)
    text = _WRITERS[failure.refusal](failure)
    if made:
        text += "\n" + _("The commit is kept in your repository.")
    return text


# ---------------------------------------------------------------------- one writer per refusal


def _refspec(failure: PushFailure) -> str:
    return failure.branch if failure.target in ("", failure.branch) else f"{failure.branch}:{failure.target}"


def _sh(word: str) -> str:
    """``word`` quoted for a shell, where a command to run shows a name of the user's."""
    import shlex

    return shlex.quote(word)


def _not_pushable(failure: PushFailure, committed: Committed | None) -> str:
    """Nothing was tried (no remote, no upstream, ...): why, and the command that sets it up."""
    writer = _UNPUSHABLE.get(failure.why) if failure.why is not None else None
    reason = writer(failure) if writer is not None else failure.detail or "?"
    if committed is Committed.ANSWERS:
        return _("The answers were committed but not pushed: {reason}").format(reason=reason)
    if committed is Committed.SETUP:
        return _("The project's setup was committed but not pushed: {reason}").format(reason=reason)
    return _("Not pushed: {reason}").format(reason=reason)


def _detached(failure: PushFailure) -> str:
    return _(
        "HEAD is detached (not on a branch) in {path}, so there is no branch to push. Push by hand with "
        "`git push REMOTE HEAD:BRANCH`."
    ).format(path=failure.path)


def _not_a_branch(failure: PushFailure) -> str:
    return _("{ref} is not a branch kundencheck can push.").format(ref=repr(failure.branch))


def _no_commits(failure: PushFailure) -> str:
    return _("there is no branch {branch} in {path} yet, so there is nothing to push.").format(
        branch=failure.branch, path=failure.path
    )


def _no_remote(failure: PushFailure) -> str:
    return _(
        "{path} has no remote (`git remote -v` lists none). Add the team's with `git remote add origin URL`, "
        "then push with `git push -u origin {branch}`."
    ).format(path=failure.path, branch=_sh(failure.branch))


def _no_upstream(failure: PushFailure) -> str:
    return _(
        "your branch {branch} has no upstream, and kundencheck never creates a branch on a remote by itself. "
        "To share the branch, push it once with `git push -u {remote} {quoted}` (that sets the upstream; "
        "kundencheck pushes there from then on)."
    ).format(branch=failure.branch, remote=_sh(failure.remote), quoted=_sh(failure.branch))


def _no_upstream_remote_has_it(failure: PushFailure) -> str:
    command = f"git branch --set-upstream-to={_sh(failure.remote + '/' + failure.branch)} {_sh(failure.branch)}"
    return _(
        "your branch {branch} has no upstream, and kundencheck pushes only to a branch's upstream. {remote} has "
        "a branch {branch}; if yours should follow it, set it with `{command}`, then push with `{then}`."
    ).format(branch=failure.branch, remote=failure.remote, command=command, then=RETRY if failure.dedicated else "git push")


def _no_such_remote(failure: PushFailure) -> str:
    return _(
        "there is no remote named {remote} (the remotes here: {remotes}). Push with `git push REMOTE {branch}`, "
        "or set the upstream once with `git push -u REMOTE {branch}`."
    ).format(remote=repr(failure.remote), remotes=", ".join(failure.remotes), branch=_sh(failure.branch))


def _remote_like_an_option(failure: PushFailure) -> str:
    return _("{remote} is not a remote kundencheck pushes to.").format(remote=repr(failure.remote))


def _push_default(failure: PushFailure) -> str:
    return _(
        "a plain `git push` would not push {branch} here (push.default is {mode}, and the branch's upstream is "
        "{upstream} on {upstream_remote}), and kundencheck pushes only where `git push` would. Push it by hand "
        "to where you mean it to go (`git push {quoted_remote} {quoted_branch}:BRANCH`), or let `git push` push "
        "each branch to its upstream, whatever its name, with `git config push.default upstream`."
    ).format(
        branch=failure.branch,
        mode=failure.push_default,
        upstream=failure.upstream,
        upstream_remote=failure.upstream_remote,
        quoted_remote=_sh(failure.remote),
        quoted_branch=_sh(failure.branch),
    )


def _url_lacks_branch(failure: PushFailure) -> str:
    return _(
        "{remote} has no branch {target}, and kundencheck never creates a branch on a remote by itself. Push it "
        "once by hand with `git push {quoted_remote} {quoted_branch}`, if that is what you want."
    ).format(
        remote=failure.remote, target=failure.target, quoted_remote=_sh(failure.remote), quoted_branch=_sh(_refspec(failure))
    )


def _no_remote_branch(failure: PushFailure) -> str:
    return _(
        "{remote} has no branch {target} as far as this clone knows (`git fetch {quoted_remote}` updates what "
        "it knows), and kundencheck never creates a branch on a remote by itself. Push it once by hand with "
        "`git push {quoted_remote} {quoted_branch}`, if that is what you want."
    ).format(
        remote=failure.remote, target=failure.target, quoted_remote=_sh(failure.remote), quoted_branch=_sh(_refspec(failure))
    )


_UNPUSHABLE = {
    Unpushable.DETACHED: _detached,
    Unpushable.NOT_A_BRANCH: _not_a_branch,
    Unpushable.NO_COMMITS: _no_commits,
    Unpushable.NO_REMOTE: _no_remote,
    Unpushable.NO_UPSTREAM: _no_upstream,
    Unpushable.NO_UPSTREAM_REMOTE_HAS_IT: _no_upstream_remote_has_it,
    Unpushable.NO_SUCH_REMOTE: _no_such_remote,
    Unpushable.REMOTE_LIKE_AN_OPTION: _remote_like_an_option,
    Unpushable.PUSH_DEFAULT: _push_default,
    Unpushable.URL_LACKS_BRANCH: _url_lacks_branch,
    Unpushable.NO_REMOTE_BRANCH: _no_remote_branch,
}


def _output(failure: PushFailure, said: str, silent: str) -> str:
    """``said`` and the hook's or remote's output as indented lines, or ``silent``."""
    if not failure.output:
        return silent
    lines = [said] + ["    " + line for line in failure.output]
    if failure.output_left_out:
        lines.append(
            "    "
            + ngettext("… and {n} more line", "… and {n} more lines", failure.output_left_out).format(n=failure.output_left_out)
        )
    return "\n".join(lines)


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _no_verify(failure: PushFailure) -> str:
    return _(
        "If your team allows pushing past it, `git push --no-verify {remote} {refspec}` skips the pre-push "
        "hook; kundencheck never does that by itself."
    ).format(remote=failure.remote, refspec=_refspec(failure))


def _hook(failure: PushFailure) -> str:
    gate = failure.gate
    where = {"hook": failure.hook or "pre-push", "branch": failure.branch, "remote": failure.remote}
    if gate is not None and gate.exit_code == 1:
        return _gate_refused(failure, gate)
    if gate is not None and gate.exit_code == 2:
        head = _(
            "Not pushed: the pre-push hook ({hook}) refused to push {branch} to {remote}, because the team's "
            "gate in it, `kundencheck check`, could not check the project: {error}"
        ).format(error=gate.error or _("(it gave no reason)"), **where)
        return "\n".join(
            [head, _("Sort that out, then push again with `{command}`.").format(command=RETRY) + " " + _no_verify(failure)]
        )
    status = "?" if failure.hook_status is None else str(failure.hook_status)
    head = _("Not pushed: the pre-push hook ({hook}) refused to push {branch} to {remote} (exit status {status}).").format(
        status=status, **where
    )
    if gate is not None:  # it ran the gate, which passed: something else in the hook refused
        head += " " + _("The team's gate in it, `kundencheck check`, passed, so something else in the hook refused.")
    body = _output(failure, _("It said:"), _("It said nothing."))
    advice = _("Fix what it complains about, then push again with `{command}`.").format(command=RETRY)
    return "\n".join([head, body, advice + " " + _no_verify(failure)])


def _gate_refused(failure: PushFailure, gate: GateReport) -> str:
    findings = sorted(gate.findings, key=lambda f: _LEVEL_ORDER.get(f.level, 2))  # stable: the gate's order within
    errors = sum(1 for f in gate.findings if f.level == "error")
    lines = [
        ngettext(
            "Not pushed: the pre-push hook refused to push {branch} to {remote}, and what refused is the team's own "
            "gate, `kundencheck check`: it found {n} problem the team agreed must not be pushed past.",
            "Not pushed: the pre-push hook refused to push {branch} to {remote}, and what refused is the team's own "
            "gate, `kundencheck check`: it found {n} problems the team agreed must not be pushed past.",
            errors,
        ).format(branch=failure.branch, remote=failure.remote, n=errors)
    ]
    lines += ["  " + _finding_line(found) for found in findings[:GATE_FINDINGS_SHOWN]]
    if len(findings) > GATE_FINDINGS_SHOWN:
        lines.append("  " + _("and {n} more (`kundencheck check` lists them all)").format(n=len(findings) - GATE_FINDINGS_SHOWN))
    todo = _what_to_do(findings)
    lines.append(
        _("To push: {todo}; then push again with `{command}`.").format(todo="; ".join(todo), command=RETRY)
        + " "
        + _no_verify(failure)
    )
    return "\n".join(lines)


def _finding_line(found: GateFinding) -> str:
    from kundencheck.core.gate import RULE_TITLES

    title = translate(RULE_TITLES[found.rule]) if found.rule in RULE_TITLES else found.title or found.rule
    symbol = _LEVEL_SYMBOLS.get(found.level, "•")
    return one_line(f"{symbol} {title}: {found.message}", FINDING_WIDTH)


def _what_to_do(findings: list[GateFinding]) -> list[str]:
    """One thing to do per rule that found something (errors only: warnings do not refuse)."""
    rules = dict.fromkeys(f.rule for f in findings if f.level == "error")
    todo = []
    for rule in rules:
        if rule == "due":
            phases = sorted({f.phase for f in findings if f.rule == "due" and f.phase}) or ["PHASE"]
            todo.append(_("answer the due check (`kundencheck run {phase}`)").format(phase=phases[0]))
        elif rule == "overdue_action":
            todo.append(
                _(
                    "decide the overdue actions: done, still open with a new due date, or dropped (the action "
                    "review at the start of `kundencheck run`; `kundencheck actions --overdue` lists them)"
                )
            )
        elif rule == "red_without_action":
            todo.append(_("give each red answer an action (`kundencheck amend` corrects your run)"))
        elif rule == "disagreement":
            todo.append(_("talk through the items the team disagrees on and answer them again"))
        else:
            todo.append(_("sort out what `kundencheck check` reports"))
    return todo or [_("sort out what `kundencheck check` reports")]


def _behind(failure: PushFailure) -> str:
    where = {"branch": failure.branch, "remote": failure.remote, "target": failure.target or failure.branch}
    bring = failure.bring_in
    pull = _("`git pull --rebase {remote} {target}`").format(**where)
    if failure.dedicated:
        return _(
            "Not pushed: {remote}'s {target} has runs this clone does not have yet, and kundencheck could not "
            "merge them in: {detail}. Try again with `{command}`."
        ).format(detail=_not_brought_in(bring, failure) if bring else "?", command=RETRY, **where)
    if bring is None or bring.possible:
        return _(
            "Not pushed: {remote}'s {target} has commits your {branch} does not have yet (someone pushed "
            "first). `{command}` brings them in and pushes: it moves your answers commits on top of them "
            "(answers files never conflict) and leaves the rest of your work as it is."
        ).format(command=RETRY, **where)
    if bring.own_commits:
        commits = "; ".join(one_line(c, 70) for c in bring.own_commits)
        if bring.own_total > len(bring.own_commits):
            commits += "; " + _("and {n} more").format(n=bring.own_total - len(bring.own_commits))
        return _(
            "Not pushed: {remote}'s {target} has commits your {branch} does not have yet, and your {branch} has "
            "commits of your own that {remote} lacks ({commits}); kundencheck moves only its own answers "
            "commits. Bring {remote}'s commits in with {pull}, then push with `{command}`."
        ).format(commits=commits, pull=pull, command=RETRY, **where)
    if bring.changed_files:
        files = ", ".join(bring.changed_files[:5])
        if len(bring.changed_files) > 5:
            files += ", " + _("and {n} more").format(n=len(bring.changed_files) - 5)
        return _(
            "Not pushed: {remote}'s {target} has commits your {branch} does not have yet, and they change files "
            "you have changed and not committed ({files}), so kundencheck did not bring them in. Commit or stash "
            "those changes (`git stash`), then {pull} (and `git stash pop`), then push with `{command}`."
        ).format(files=files, pull=pull, command=RETRY, **where)
    if bring.why is NotBroughtIn.BRANCH_MOVED:
        return _(
            "Not pushed: {remote}'s {target} has commits your {branch} does not have yet, and your {branch} moved "
            "while kundencheck brought them in (nothing was changed). Try again with `{command}`."
        ).format(command=RETRY, **where)
    return _(
        "Not pushed: {remote}'s {target} has commits your {branch} does not have yet, and kundencheck could not "
        "bring them in: {detail}. Bring them in with {pull}, then push with `{command}`."
    ).format(detail=_not_brought_in(bring, failure), pull=pull, command=RETRY, **where)


def _not_brought_in(bring: BringIn, failure: PushFailure) -> str:
    """Why kundencheck could not bring (or merge) the remote's commits in, as a clause."""
    where = {"remote": failure.remote, "target": failure.target or failure.branch, "branch": failure.branch}
    if bring.why is NotBroughtIn.URL_REMOTE:
        return _("{remote} is a URL, not a named remote, so kundencheck has no copy of its branch to bring in").format(**where)
    if bring.why is NotBroughtIn.GIT_TOO_OLD:
        return _("merging them without touching your work tree needs git 2.38 or newer")
    if bring.why is NotBroughtIn.FETCH_FAILED:
        return _("fetching it failed: {reason}").format(reason=bring.detail.rstrip(".") or "?")
    if bring.why is NotBroughtIn.SAME_FILES_CHANGED:
        return _("{remote}'s {target} and yours changed the same files").format(**where)
    if bring.why is NotBroughtIn.BRANCH_MOVED:
        return _("your {branch} moved meanwhile (nothing was changed)").format(**where)
    if bring.why is NotBroughtIn.CHANGES_IN_THE_WAY:
        return _("git would not update your files to the remote's commits: {reason}").format(
            reason=bring.detail.rstrip(".") or "?"
        )
    return bring.detail.rstrip(".") or "?"


def _auth(failure: PushFailure) -> str:
    head = _(
        "Not pushed: {remote} did not let you push {branch} (authentication: missing or wrong credentials, or an "
        "ssh key it does not accept). kundencheck never asks for a password or passphrase."
    ).format(remote=failure.remote, branch=failure.branch)
    advice = _(
        "Check that `git push {remote} {refspec}` works in a terminal (a credential helper, your key in the "
        "ssh agent), then push with `{command}`."
    ).format(remote=failure.remote, refspec=_refspec(failure), command=RETRY)
    return _lines(head, _output(failure, _("git said:"), ""), advice)


def _unreachable(failure: PushFailure) -> str:
    head = _("Not pushed: {remote} could not be reached, or there is no repository there.").format(remote=failure.remote)
    advice = _("Check the network and the remote's address (`git remote -v`), then push with `{command}`.").format(command=RETRY)
    return _lines(head, _output(failure, _("git said:"), ""), advice)


def _remote_rejected(failure: PushFailure) -> str:
    head = _("Not pushed: {remote} refused {target} ({reason}): a hook on the server, or a protected branch.").format(
        remote=failure.remote,
        target=failure.target or failure.branch,
        reason=one_line(failure.remote_reason, 120) or _("no reason given"),
    )
    advice = _(
        "Ask whoever looks after {remote} what it needs (a pull request, permission to push to {target}); once "
        "that is sorted out, `{command}` pushes."
    ).format(remote=failure.remote, target=failure.target or failure.branch, command=RETRY)
    said = _output(failure, _("{remote} said:").format(remote=failure.remote), "")
    return _lines(head, said, advice)


def _timeout(failure: PushFailure) -> str:
    where = {"branch": failure.branch, "remote": failure.remote, "seconds": failure.seconds}
    if failure.hook and failure.hook_status is None:
        head = _(
            "Not pushed: pushing {branch} to {remote} did not finish within {seconds:g} seconds: the pre-push "
            "hook ({hook}) was still running, and was stopped."
        ).format(hook=failure.hook, **where)
        return "\n".join(
            [
                head,
                _output(failure, _("It said:"), _("It said nothing.")),
                _("Try again with `{command}`, or look at what the hook waits for.").format(command=RETRY),
            ]
        )
    return _(
        "Not pushed: pushing {branch} to {remote} did not finish within {seconds:g} seconds (a slow network, a "
        "server that does not answer, other clones pushing at the same time, or git waiting for a password or "
        "passphrase, which kundencheck never lets it ask for). Try again with `{command}`."
    ).format(command=RETRY, **where)


def _failed(failure: PushFailure) -> str:
    reason = failure.detail or "; ".join(failure.output) or _("git push failed without saying why")
    if failure.remote_reason:
        reason += f" ({failure.remote_reason})"
    target = failure.remote or _("the remote")
    return _("Not pushed: pushing {branch} to {remote} failed: {reason}. Try again with `{command}`.").format(
        branch=failure.branch or "HEAD", remote=target, reason=one_line(reason, 600).rstrip("."), command=RETRY
    )


_WRITERS = {
    PushRefusal.HOOK: _hook,
    PushRefusal.BEHIND: _behind,
    PushRefusal.AUTH: _auth,
    PushRefusal.UNREACHABLE: _unreachable,
    PushRefusal.REMOTE_REJECTED: _remote_rejected,
    PushRefusal.TIMEOUT: _timeout,
    PushRefusal.FAILED: _failed,
}
