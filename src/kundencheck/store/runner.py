"""Running git: the one place in kundencheck that starts a git process.

:class:`GitRunner` is the bottom of the store (store/git_store.py shows how the parts fit). It
runs git three ways, each for a reason:

- directly (:class:`StartedGit`, ``run_git(..., quick=True)``), in the C locale and never
  prompting, as GitPython would run it: opening the repository, HEAD, the config and the
  history reads. What the first screen needs from git runs before GitPython is imported
  (importing it costs about a third of Textual's import), and a read can be started ahead
  (``GitStore.start_reading_state``) while Python imports the terminal UI;
- through GitPython's ``Git`` command wrapper (``run_git``), imported on first use, usually in a
  worker thread: every other call, chiefly the commands that build and write a commit and run
  its hooks. Its time limit (``kill_after_timeout``) stops a hook or a signing program that
  waits for input kundencheck cannot give;
- in a session of its own (``_network``): a git that talks to a remote (push, fetch,
  ls-remote) has no controlling terminal, so nothing it starts can prompt inside the TUI, and
  at the deadline it is killed with everything it started (GitPython's wrapper kills git only).

What the other parts of the store use: :class:`GitRunner` (they build on it; its
``git_version`` says which git runs), :func:`find_git` and :func:`start_finding_git` (opening a
repository, store/state.py), :class:`StartedGit` and :func:`run_plain` (git started directly,
for the quick reads of store/state.py and store/reading.py), :func:`git_reason` (what git said,
as one short paragraph) and ``MIN_GIT_VERSION``.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import _

if TYPE_CHECKING:
    import git

#: `git hook run --ignore-missing` appeared in git 2.36.
MIN_GIT_VERSION = (2, 36)

_GIT_VERSIONS: dict[str, tuple[int, ...]] = {}  # executable -> version, checked once


class GitRunner:
    """Runs git in one work tree (``root``), within the time limits below."""

    #: Seconds after which any single git call is killed (a hook or gpg waiting forever).
    timeout: float = 60.0

    #: Seconds a push may take, with the fetch and second push a team's answers branch may need
    #: (a slow network, a server that does not answer); then it is stopped. Never prompts.
    push_timeout: float = 60.0

    def __init__(self, root: pathlib.Path, exe: str, options: tuple[str, ...] = ()) -> None:
        self._git_cmd: git.Git | None = None
        #: GitPython's own error, caught around its calls (known once GitPython is imported).
        self._git_error: type[Exception] = OSError
        self.root = root
        self._exe = exe
        #: Options given to every git this runner starts, before the command (``-c key=value``):
        #: a portfolio's cache turns hooks off this way (store/portfolio_cache.py).
        self.options = options
        #: Quick reads started ahead (start_reading_state), by their git arguments; each is
        #: taken by the first run_git of the same arguments, so it is never read twice.
        self._started: dict[tuple[str, ...], StartedGit] = {}

    @property
    def _git(self) -> git.Git:
        """GitPython's command wrapper, imported on first use.

        Importing GitPython costs about as much as a third of Textual's import, so the calls
        made before the first screen (opening, HEAD, identity) run git directly and GitPython
        is loaded when the store first commits or reads history, usually in a worker thread.
        """
        if self._git_cmd is None:
            git_class, self._git_error = _import_gitpython()
            self._git_cmd = git_class(str(self.root))
            self._git_cmd.update_environment(GIT_TERMINAL_PROMPT="0")
        return self._git_cmd

    def close(self) -> None:
        """End any helper processes GitPython keeps, and reads started ahead but never taken."""
        while self._started:
            self._started.popitem()[1].abandon()
        if self._git_cmd is not None:
            self._git_cmd.clear_cache()

    def run_git(
        self,
        args: list[str],
        *,
        what: str,
        stdin: bytes | None = None,
        ok: tuple[int, ...] | None = (0,),
        user_locale: bool = False,
        quick: bool = False,
        env: dict[str, str] | None = None,
    ) -> tuple[int, bytes, str]:
        """Run git; return (status, stdout bytes, stderr). ok=None: caller checks status.

        GitPython runs git with LC_ALL=C; ``user_locale`` gives the user's locale back to
        programs the user wrote or reads (hooks, gpg's pinentry). Empty LC_ALL means unset.
        ``env``: more environment variables for this call (not with ``quick``).
        """
        if quick:  # a read (before the first screen, or of history): git directly, no GitPython import
            started = self._started.pop(tuple(args), None) if stdin is None else None
            try:
                if started is not None:
                    status, out, err = started.result()
                else:
                    status, out, err = run_plain(self.argv(args), self.root, self.timeout, stdin)
            except (OSError, subprocess.SubprocessError) as exc:
                raise StoreError(_("Could not {what}: running git failed ({error}).").format(what=what, error=exc)) from exc
            if ok is not None and status not in ok:
                raise StoreError(_git_failed(what, args, status, err))
            return status, out, err
        env = dict(env or {})
        if user_locale:
            env.update({k: os.environ.get(k, "") for k in ("LC_ALL", "LANGUAGE")})
        git_cmd = self._git  # imports GitPython on first use
        stream = None
        try:
            if stdin is not None:
                # GitPython wants a real file as stdin; a pipe could deadlock on big output.
                stream = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
                stream.write(stdin)
                stream.seek(0)
            timers = _kill_timers()
            try:
                status, out, err = git_cmd.execute(
                    self.argv(args),
                    istream=stream,
                    with_extended_output=True,
                    with_exceptions=False,
                    stdout_as_string=False,
                    strip_newline_in_stdout=False,
                    kill_after_timeout=_timeout(self.timeout),
                    env=env or None,
                )
            except BaseException:
                # Interrupted (ctrl+c): GitPython leaves git running and its time-limit timer
                # pending (the interpreter would wait for it); end both now.
                for timer in _kill_timers() - timers:
                    timer.cancel()
                    with contextlib.suppress(Exception):
                        timer.function(*timer.args)
                raise
        except (self._git_error, OSError) as exc:
            raise StoreError(_("Could not {what}: running git failed ({error}).").format(what=what, error=exc)) from exc
        finally:
            if stream is not None:
                stream.close()
        if status is not None and status < 0 and "Timeout:" in err:
            # GitPython killed git (and a hook it ran) after self.timeout seconds.
            raise StoreError(
                _(
                    "Could not {what}: git did not finish within {seconds:g} seconds "
                    "and was stopped. Something it ran (a hook, a signing program, a password "
                    "prompt) was waiting, perhaps for input kundencheck cannot give; a `git "
                    "commit` by hand in a terminal shows what waits."
                ).format(what=what, seconds=self.timeout)
            )
        if ok is not None and status not in ok:
            raise StoreError(_git_failed(what, args, status, err))
        return status, out, err

    def git_version(self) -> tuple[int, ...]:
        """The version of the git this runner starts, as checked when it was found ((0,) when unknown)."""
        return _GIT_VERSIONS.get(self._exe, (0,))

    def argv(self, args: list[str] | tuple[str, ...]) -> list[str]:
        """The command line of the git command ``args``: git, this runner's :attr:`options`, ``args``."""
        return [self._exe, *self.options, *args]

    @contextlib.contextmanager
    def _within(self, deadline: float) -> Iterator[None]:
        """Each git call made meanwhile is stopped at ``deadline`` at the latest."""
        before = self.__dict__.get("timeout")
        self.timeout = max(min(self.timeout, deadline - time.monotonic()), 1.0)
        try:
            yield
        finally:
            if before is None:
                del self.timeout
            else:
                self.timeout = before

    def _network(
        self, args: list[str], config: dict[str, str | None], deadline: float, *, env: dict[str, str] | None = None
    ) -> tuple[int | None, list[str], str]:
        """Run a git command that talks to a remote: (exit status or None when it was stopped
        at the deadline, porcelain stdout lines, stderr, what of it there was when stopped).

        It runs in a session of its own (no controlling terminal, so nothing it starts can
        open /dev/tty and prompt inside the TUI) and is killed with everything it started.
        git's own messages are in the C locale (they are read); LANGUAGE names the language
        kundencheck speaks, which programs in a hook that honour it use (git ignores it in
        the C locale), so `kundencheck check` in a pre-push hook speaks it too.
        """
        status, out, err, _stopped = self.run_in_session(args, config, deadline, env=env)
        return status, out.decode("utf-8", "replace").splitlines(), err

    def run_in_session(
        self,
        args: list[str],
        config: dict[str, str | None],
        deadline: float,
        *,
        env: dict[str, str] | None = None,
        stdin: bytes | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[int | None, bytes, str, bool]:
        """:meth:`_network`'s way of running git (a session of its own, never prompting, killed
        with everything it started at ``deadline``), with ``stdin`` given to it and, when
        ``cancel`` is set meanwhile, stopped the same way: (exit status or None when it was
        stopped, stdout, stderr, whether ``cancel`` stopped it)."""
        from kundencheck.core.i18n import current_language

        environ = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",
            "GCM_INTERACTIVE": "never",
            "LC_ALL": "C",
            "LANGUAGE": current_language(),
            **(env or {}),
        }
        environ.pop("GIT_TRACE2_PARENT_SID", None)  # run from a git hook: the push's events are its own
        if not (environ.get("GIT_SSH_COMMAND") or environ.get("GIT_SSH") or config.get("core.sshcommand")):
            environ["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        posix = os.name == "posix"
        if cancel is not None and cancel.is_set():
            return None, b"", "", True  # stopped before it started
        try:
            proc = subprocess.Popen(
                self.argv(args),
                cwd=self.root,
                env=environ,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=posix,
            )
        except OSError as exc:
            raise StoreError(_("Could not run git to reach the remote: {error}.").format(error=exc)) from exc
        given, stopped = stdin, False
        while True:
            left = deadline - time.monotonic()
            # With ``cancel`` to watch, wait in short steps; else at once for the whole time left.
            step = min(left, 0.2) if cancel is not None else left
            try:
                out, err = proc.communicate(given, timeout=max(step, 0.1))
                return proc.returncode, out, err.decode("utf-8", "replace"), False
            except subprocess.TimeoutExpired:
                given = None  # sent with the first call; later calls only wait
                stopped = cancel is not None and cancel.is_set()
                if not stopped and time.monotonic() < deadline:
                    continue
            break
        with contextlib.suppress(OSError):
            if posix:
                os.killpg(proc.pid, 9)  # git, ssh and whatever they started
            else:
                proc.kill()
        out, err = b"", b""
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            out, err = proc.communicate(timeout=5)  # what a hook said before it was stopped
        return None, out, err.decode("utf-8", "replace"), stopped


# ---------------------------------------------------------------------- module helpers


def find_git(timeout: float) -> str:
    """The git executable, checked once per process to be new enough."""
    exe, check_version = start_finding_git(timeout)
    check_version()
    return exe


def start_finding_git(timeout: float) -> tuple[str, Callable[[], None]]:
    """The git executable, and a call that finishes checking its version (it raises when git is
    too old or cannot run). The check runs meanwhile: opening a repository starts it, runs its
    own first git command alongside (each git start is some milliseconds of every kundencheck
    start) and finishes it before reading that command's answer."""
    wanted = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"
    found = shutil.which(wanted)
    needed = ".".join(map(str, MIN_GIT_VERSION))
    if found is None:
        raise StoreError(
            _(
                "git was not found (looked for `{program}` on PATH). kundencheck keeps the answers in "
                "your project's git history and needs git {needed} or newer: install it "
                "(https://git-scm.com/downloads, or your system's package manager) and try again."
            ).format(program=wanted, needed=needed)
        )

    def cannot_run(exc: BaseException) -> StoreError:
        return StoreError(
            _("Could not run `{program} version` ({error}). kundencheck needs git {needed} or newer.").format(
                program=found, error=exc, needed=needed
            )
        )

    proc: subprocess.Popen[bytes] | None = None
    if found not in _GIT_VERSIONS:
        try:
            proc = subprocess.Popen(
                [found, "version"],
                cwd=pathlib.Path.cwd() if os.path.isdir(os.curdir) else pathlib.Path("/"),
                env=_plain_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise cannot_run(exc) from exc

    def check_version() -> None:
        if proc is not None:
            try:
                out, _err = proc.communicate(timeout=_timeout(timeout))
            except (OSError, subprocess.SubprocessError) as exc:
                proc.kill()
                proc.wait()
                raise cannot_run(exc) from exc
            match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out.decode("ascii", "replace"))
            _GIT_VERSIONS[found] = tuple(int(p) for p in match.groups(default="0")) if match and proc.returncode == 0 else (0,)
        if _GIT_VERSIONS[found][:2] < MIN_GIT_VERSION:
            found_version = ".".join(map(str, _GIT_VERSIONS[found]))
            raise StoreError(
                _(
                    "git {version} is too old ({program}): kundencheck needs git {needed} "
                    "or newer (for `git hook run`). Please upgrade git and try again."
                ).format(version=found_version, program=found, needed=needed)
            )

    return found, check_version


def _import_gitpython() -> tuple[type[git.Git], type[git.GitError]]:
    """GitPython's command wrapper and its error."""
    needed = ".".join(map(str, MIN_GIT_VERSION))
    try:
        import git as gitmod
    except ImportError as exc:
        raise StoreError(
            _(
                "git could not be used from Python ({error}). Check that `git --version` "
                "works in this terminal; kundencheck needs git {needed} or newer."
            ).format(error=exc, needed=needed)
        ) from exc
    return gitmod.Git, gitmod.GitError


def _plain_env() -> dict[str, str]:
    """git's environment: C locale (its messages are parsed), never prompting."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"}


class StartedGit:
    """A git command run without GitPython, the way GitPython would (C locale, never
    prompting), started now and answered by :meth:`result`."""

    def __init__(
        self, argv: list[str], cwd: pathlib.Path, timeout: float, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> None:
        self._timeout = _timeout(timeout)
        self._stdin = stdin
        self._proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**_plain_env(), **(env or {})},
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def result(self) -> tuple[int, bytes, str]:
        """(exit status, stdout, stderr); raises subprocess.TimeoutExpired after the timeout,
        having stopped git."""
        # communicate() writes the input while it reads the output: no pipe deadlock.
        try:
            out, err = self._proc.communicate(self._stdin, timeout=self._timeout)
        except BaseException:
            self.abandon()
            raise
        return self._proc.returncode, out, err.decode("utf-8", "replace")

    def abandon(self) -> None:
        """Stop git if it still runs, and reap it."""
        with contextlib.suppress(OSError):
            self._proc.kill()
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self._proc.communicate(timeout=5)


def run_plain(argv: list[str], cwd: pathlib.Path, timeout: float, stdin: bytes | None = None) -> tuple[int, bytes, str]:
    """Run git without GitPython, the way GitPython would (C locale, never prompting)."""
    return StartedGit(argv, cwd, timeout, stdin).result()


def _git_failed(what: str, args: list[str], status: int, err: str) -> str:
    return _("Could not {what}: `git {args}` failed (exit status {status}). git said: {error}").format(
        what=what, args=" ".join(args), status=status, error=err.strip() or _("(nothing)")
    )


def git_reason(err: str) -> str:
    """git's error output as one short paragraph, without hints and progress lines."""
    from kundencheck.core.text import one_line

    kept: list[str] = []
    for line in err.splitlines():
        line = line.strip()
        if not line or line.startswith(("hint:", "To ", "Done")):
            continue
        bare = re.sub(r"^(fatal|error|remote): ", "", line)
        new_sentence = bare != line or bare[:1].isupper()
        if kept and new_sentence and not kept[-1].endswith((".", "!", "?", ":")):
            kept[-1] += "."
        kept.append(bare)
    return one_line(" ".join(kept), 400).rstrip(".")


def _kill_timers() -> set[threading.Timer]:
    """The pending timers GitPython starts to stop a git call at its time limit."""
    import threading

    return {
        thread
        for thread in threading.enumerate()
        if isinstance(thread, threading.Timer) and getattr(thread.function, "__name__", "") == "kill_process"
    }


def _timeout(seconds: float) -> float | None:
    # GitPython refuses kill_after_timeout on Windows instead of ignoring it.
    return None if sys.platform == "win32" else seconds
