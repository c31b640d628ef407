"""Each way a push is refused, on real repositories: which refusal it was (data), the hook's or the
remote's own output cleaned of terminal control and shortened, and the words the CLI and the TUI
make of it (kundencheck/push_texts.py), always with a command that works. Never a prompt, never
longer than the push time limit, the commit always kept."""

from __future__ import annotations

import http.server
import os
import pathlib
import socket
import threading
import time
import uuid

import pytest

from kundencheck.push_texts import failure_text, refusal_title
from kundencheck.store.git_store import GitStore, PushError
from kundencheck.store.push import Attempt, PushRefusal, classify, hook_run, output_of
from tests.support.git import commit_all, git, write_hook
from tests.support.pushing import another_clone_pushes, commit_answers, script, upstream_at

ESC = "\x1b"


def refused(repo: pathlib.Path, *, timeout: float | None = None, bring_in: bool = False):
    """Push ``repo``'s branch, which must be refused; (the failure, seconds it took)."""
    with GitStore.open(repo) as store:
        if timeout is not None:
            store.push_timeout = timeout
        started = time.monotonic()
        with pytest.raises(PushError) as caught:
            store.push(bring_in=bring_in)
        return caught.value.failure, time.monotonic() - started


def no_terminal_control(text: str) -> None:
    assert not any(c in text for c in (ESC, "\r", "\b", "\x07", "\x9b", "\u202e")), repr(text)


# ------------------------------------------------------------------------------ the pre-push hook


def test_a_refusing_pre_push_hook_is_named_with_its_own_output_cleaned(repo, remote):
    # git 2.39 gives the hook its own stdout, later versions its stderr: both are its output.
    write_hook(
        repo, "pre-push", 'echo "tests failed: \x1b[31m3 red\x1b[0m\x1b]0;pwned\x07"\nprintf "line two\\rhidden\\n" >&2\nexit 3\n'
    )
    sha = commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.HOOK
    assert failure.hook == ".git/hooks/pre-push" and failure.hook_status == 3
    assert failure.gate is None  # no kundencheck check in it
    assert failure.output == ("tests failed: 3 red", "line two", "hidden")
    said = failure_text(failure, committed=True)
    no_terminal_control(said)
    assert said.startswith(
        "Not pushed: the pre-push hook (.git/hooks/pre-push) refused to push main to origin "
        "(exit status 3).\nIt said:\n    tests failed: 3 red\n"
    )
    assert "Fix what it complains about, then push again with `kundencheck push`." in said
    assert "`git push --no-verify origin main` skips the pre-push hook; kundencheck never does that by itself." in said
    assert said.endswith("The commit is kept in your repository.")
    assert refusal_title(failure) == "not pushed: the pre-push hook refused"
    assert git(repo, "rev-parse", "HEAD") == sha and git(remote, "rev-parse", "main") != sha
    # The advice works once the hook is content: the same push goes through.
    write_hook(repo, "pre-push", "exit 0\n")
    with GitStore.open(repo) as store:
        assert store.push().branch == "main"
    assert git(remote, "rev-parse", "main") == sha


def test_a_hook_that_says_a_lot_is_shortened_and_one_that_says_nothing_is_said_so(repo, remote):
    write_hook(
        repo,
        "pre-push",
        'i=0; while [ $i -lt 500 ]; do echo "complaint $i $(printf "x%.0s" $(seq 300))"; i=$((i+1)); done\nexit 1\n',
    )
    commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.HOOK
    assert len(failure.output) == 12 and failure.output_left_out == 488
    assert all(len(line) <= 200 for line in failure.output) and failure.output[0].startswith("complaint 0 xxx")
    assert "… and 488 more lines" in failure_text(failure)
    write_hook(repo, "pre-push", "exit 1\n")
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.HOOK and failure.output == ()
    assert "(exit status 1).\nIt said nothing.\n" in failure_text(failure)


def test_a_hooks_path_hook_is_found_too(tmp_path, repo, remote):
    hooks = tmp_path / "team-hooks"
    script(hooks / "pre-push", "echo 'no pushing on Fridays' >&2\nexit 1\n")
    git(repo, "config", "core.hooksPath", str(hooks))
    commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.HOOK and failure.hook == str(hooks / "pre-push")
    assert failure.output == ("no pushing on Fridays",)


def test_a_hook_that_hangs_is_stopped_at_the_time_limit_and_what_it_said_is_kept(repo, remote):
    # A sleep no other process runs (other tests, other checkouts' suites), to find it by its command line.
    sleep = f"sleep 60.{uuid.uuid4().int % 10**9:09d}"
    write_hook(repo, "pre-push", f"echo 'waiting for the test server' >&2\n{sleep}\n")
    commit_answers(repo)
    failure, took = refused(repo, timeout=2.0)
    assert took < 8, f"took {took:.1f} s"
    assert failure.refusal is PushRefusal.TIMEOUT
    assert failure.hook == ".git/hooks/pre-push" and failure.hook_status is None
    assert failure.output == ("waiting for the test server",)
    said = failure_text(failure)
    assert said.startswith(
        "Not pushed: pushing main to origin did not finish within 2 seconds: the pre-push hook "
        "(.git/hooks/pre-push) was still running, and was stopped.\nIt said:\n"
    )
    assert "Try again with `kundencheck push`, or look at what the hook waits for." in said
    deadline = time.monotonic() + 5  # the hook's sleep went with it
    while _running(sleep) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(sleep)


def _running(command: str) -> bool:
    for proc in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            state = (proc / "stat").read_text().split(") ", 1)[-1]
        except OSError:
            continue
        if cmdline == command and not state.startswith("Z"):
            return True
    return False


def test_the_hook_is_read_from_gits_trace_not_guessed():
    """git prints nothing of its own when the pre-push hook refuses: the trace2 record of the
    hook's run is what tells it from a remote that could not be reached. Events of programs the
    hook runs (session ids below the push's) do not count."""
    trace = "\n".join(
        [
            '{"event":"version","sid":"push-1","evt":"3"}',
            '{"event":"child_start","sid":"push-1","child_id":0,"child_class":"transport/file","argv":["git-receive-pack"]}',
            (
                '{"event":"child_start","sid":"push-1","child_id":1,"child_class":"hook","hook_name":"pre-push",'
                '"argv":[".git/hooks/pre-push","origin","/r"]}'
            ),
            '{"event":"child_start","sid":"push-1/hook-2","child_id":0,"child_class":"hook","hook_name":"pre-push","argv":["x"]}',
            '{"event":"child_exit","sid":"push-1/hook-2","child_id":0,"code":0}',
            '{"event":"child_exit","sid":"push-1","child_id":1,"code":1}',
            '{"event":"child_exit","sid":"push-1","child_id":0,"code":0}',
            '{"event":"exit", "sid":"push-1", "code":',  # cut short
        ]
    )
    hook = hook_run(trace)
    assert hook is not None and hook.path == ".git/hooks/pre-push" and hook.status == 1
    err = "error: failed to push some refs to '/r'\n"
    assert classify(Attempt(1, [], err, hook), "refs/heads/main") == (PushRefusal.HOOK, "")
    assert classify(Attempt(1, [], err, None), "refs/heads/main")[0] is PushRefusal.FAILED
    assert (
        hook_run('{"event":"child_start","sid":"a","child_id":0,"child_class":"hook","hook_name":"pre-push","argv":["h"]}').status
        is None
    )  # still running when the push was stopped
    assert hook_run("") is None


# ------------------------------------------------------------------------------ the remote is ahead


def test_a_remote_that_is_ahead_is_said_with_the_command_that_brings_it_in(tmp_path, repo, remote):
    another_clone_pushes(tmp_path, remote)
    sha = commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.BEHIND and failure.remote_reason == "fetch first"
    assert failure.bring_in is not None
    assert refusal_title(failure) == "not pushed: the remote has newer commits"
    assert git(repo, "rev-parse", "HEAD") == sha  # the commit is kept, nothing moved without `bring_in`
    # The details of bringing the remote's commits in: tests/store/test_push_bring_in.py.


# ------------------------------------------------------------------------------ the remote refuses the branch


def test_a_hook_on_the_remote_or_a_protected_branch(repo, remote):
    script(
        remote / "hooks" / "pre-receive",
        'echo "GL-HOOK-ERR: You are not allowed to push code to protected branches on this project.\x1b[2J"\nexit 1\n',
    )
    commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.REMOTE_REJECTED
    assert failure.remote_reason == "pre-receive hook declined"
    assert failure.output == ("GL-HOOK-ERR: You are not allowed to push code to protected branches on this project.",)
    said = failure_text(failure)
    no_terminal_control(said)
    assert said.startswith(
        "Not pushed: origin refused main (pre-receive hook declined): a hook on the server, or a "
        "protected branch.\norigin said:\n    GL-HOOK-ERR: You are not allowed"
    )
    assert said.endswith(
        "Ask whoever looks after origin what it needs (a pull request, permission to push to main); "
        "once that is sorted out, `kundencheck push` pushes."
    )


# ------------------------------------------------------------------------------ authentication


class _AskForAPassword(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="team"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def password_server():
    """An HTTP git server that wants a password for everything."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AskForAPassword)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/team/shop.git"
    server.shutdown()
    server.server_close()


def test_a_remote_that_wants_a_password_is_authentication_and_nothing_prompts(repo, password_server):
    upstream_at(repo, password_server)
    commit_answers(repo)
    failure, took = refused(repo, timeout=20)
    assert took < 15
    assert failure.refusal is PushRefusal.AUTH
    assert any("could not read Username" in line and "terminal prompts disabled" in line for line in failure.output)
    said = failure_text(failure)
    assert said.startswith(
        "Not pushed: origin did not let you push main (authentication: missing or wrong "
        "credentials, or an ssh key it does not accept). kundencheck never asks for a password or "
        "passphrase.\ngit said:\n"
    )
    assert said.endswith(
        "Check that `git push origin main` works in a terminal (a credential helper, your key in the "
        "ssh agent), then push with `kundencheck push`."
    )


def test_an_ssh_key_the_server_refuses_is_authentication(tmp_path, repo, monkeypatch):
    fake = script(tmp_path / "bin" / "ssh", 'echo "git@example.invalid: Permission denied (publickey)." >&2\nexit 255\n')
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    upstream_at(repo, "ssh://git@example.invalid/team/shop.git")
    commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.AUTH
    assert failure.output[0] == "git@example.invalid: Permission denied (publickey)."


# ------------------------------------------------------------------------------ unreachable


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("where", ["missing-path", "closed-port", "ssh-refused"])
def test_a_remote_that_cannot_be_reached(tmp_path, repo, monkeypatch, where):
    if where == "missing-path":
        url = str(tmp_path / "no-such-remote.git")
    elif where == "closed-port":
        url = f"http://127.0.0.1:{_closed_port()}/team/shop.git"
    else:
        fake = script(
            tmp_path / "bin" / "ssh", 'echo "ssh: connect to host example.invalid port 22: Connection refused" >&2\nexit 255\n'
        )
        monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
        url = "ssh://example.invalid/team/shop.git"
    upstream_at(repo, url)
    sha = commit_answers(repo)
    failure, _took = refused(repo)
    assert failure.refusal is PushRefusal.UNREACHABLE, failure
    said = failure_text(failure, committed=True)
    assert said.startswith("Not pushed: origin could not be reached, or there is no repository there.\ngit said:\n")
    assert "Check the network and the remote's address (`git remote -v`), then push with `kundencheck push`." in said
    assert git(repo, "rev-parse", "HEAD") == sha


# ------------------------------------------------------------------------------ out of time


def test_a_hanging_remote_is_given_up_promptly(tmp_path, repo, monkeypatch):
    # An ssh that never answers (a server that swallows packets, or a prompt nobody sees).
    monkeypatch.setenv("GIT_SSH_COMMAND", str(script(tmp_path / "slow-ssh", "sleep 30\n")))
    upstream_at(repo, "ssh://example.invalid/x")
    sha = commit_answers(repo)
    failure, took = refused(repo, timeout=1.0)
    assert took < 10, f"push took {took:.1f} s"
    assert failure.refusal is PushRefusal.TIMEOUT and failure.hook == ""
    said = failure_text(failure)
    assert "did not finish within 1 seconds" in said and said.endswith("Try again with `kundencheck push`.")
    assert git(repo, "rev-parse", "HEAD") == sha


def test_ssh_runs_in_batch_mode_without_a_terminal_prompt(tmp_path, repo, monkeypatch):
    # A fake `ssh` on PATH records how git runs it, then fails like an unreachable host.
    log = tmp_path / "ssh.log"
    fake = script(
        tmp_path / "bin" / "ssh",
        f'echo "args: $*" >> "{log}"\necho "prompt: $GIT_TERMINAL_PROMPT" >> "{log}"\n'
        f'(: < /dev/tty) 2>/dev/null && echo "tty: yes" >> "{log}" || '
        f'echo "tty: no" >> "{log}"\n'
        'echo "ssh: connect to host example.invalid: unreachable" >&2\nexit 255\n',
    )
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    upstream_at(repo, "ssh://example.invalid/x")
    commit_answers(repo)
    failure, _took = refused(repo)
    recorded = log.read_text()
    assert "BatchMode=yes" in recorded
    assert "prompt: 0" in recorded
    assert "tty: no" in recorded  # its own session: nothing it starts can prompt on the terminal
    assert failure.refusal is PushRefusal.UNREACHABLE
    assert "ssh: connect to host example.invalid: unreachable" in failure.output


# ------------------------------------------------------------------------------ the output


def test_output_keeps_the_hooks_words_and_drops_gits_own_lines():
    err = "\x1b[1mlint\x1b[0m: 2 problems\n\nhint: ignore me\n  indented detail\nerror: failed to push some refs to 'origin'\n"
    assert output_of(err, PushRefusal.HOOK) == (("lint: 2 problems", "  indented detail"), 0)
    remote_said = "remote: first\nremote:   second   \nTo /r\nerror: failed to push some refs to '/r'\n"
    assert output_of(remote_said, PushRefusal.REMOTE_REJECTED) == (("first", "second"), 0)


def test_the_commit_stays_and_the_branch_is_not_touched_by_any_refusal(tmp_path, repo, remote):
    """The refusals above leave the branch, the index and the work tree alone (here: the hook)."""
    commit_all(repo, "work", **{"work.txt": "mine\n"})
    (repo / "work.txt").write_text("changed\n")
    (repo / "new.txt").write_text("untracked\n")
    write_hook(repo, "pre-push", "exit 1\n")
    commit_answers(repo)
    before = (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), git(repo, "ls-files", "-s"))
    refused(repo)
    refused(repo, bring_in=True)
    assert (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), git(repo, "ls-files", "-s")) == before
