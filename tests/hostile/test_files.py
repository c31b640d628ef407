"""Broken files of every kind kundencheck reads: a clear error naming the file, or a correct
result; never a traceback, never a hang.

Five kinds of file (a checklist, an answers file given to ``answer --from``, a draft, the
project config, the user config) meet nine defects: invalid UTF-8, a byte-order mark, CRLF
line endings, a duplicate key, an empty file, a directory where the file should be, a named
pipe (reading it would block forever: as root, permission bits do not stop reads, so a FIFO is
the real way to make a file unreadable here), a dangling symbolic link, and 10 MB of bulk.
Each case runs the command a person would run in a subprocess with a timeout, so a hang fails
the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.checklist import load_checklist
from kundencheck.core.errors import ChecklistError
from kundencheck.store.history_cache import CACHE_NAME
from tests.support.git import git
from tests.support.hostile import assert_no_control
from tests.support.paths import DATA

DRAFT_ID = "20261127T083000Z-build-erika-0a0b0c"
TEN_MB = 10 * 1024 * 1024


def draft_text() -> str:
    return (
        f'schema = 1\nid = "{DRAFT_ID}"\nchecklist = "build"\nchecklist_version = "test-1"\nphase = "build"\n'
        'language = "en"\nsprint = "2026-W48"\nauthor = "Erika Mustermann <erika@example.com>"\n'
        'started = 2026-11-27T09:30:00+01:00\n\n[[answers]]\nitem = "client-contacted"\nstatus = "green"\n'
    )


def filled_text() -> str:
    return (
        'schema = 1\nphase = "build"\nsprint = "2026-W48"\n\n'
        '[[answers]]\nitem = "client-contacted"\nstatus = "green"\n\n'
        '[[answers]]\nitem = "team-mood"\nvalue = 4\n\n'
        '[[answers]]\nitem = "own-design"\nvalue = "no"\n\n'
        '[[answers]]\nitem = "expectations-match"\nstatus = "green"\n\n'
        '[[answers]]\nitem = "self-critical"\nvalue = "Mehr Rückfragen, früher."\n'
    )


# kind -> (where the file goes, valid content, the command that reads it, what success shows)
KINDS = {
    "checklist": (
        lambda repo, home: repo / ".kundencheck/checklists/build.en.toml",
        (DATA / "sprint.en.toml").read_text,
        ["validate"],
        "build (en, version test-1, 7 items)",
    ),
    "answers": (
        lambda repo, home: repo.parent / "filled.toml",
        filled_text,
        ["answer", "build", "--from", "{path}"],
        "Committed",
    ),
    "draft": (lambda repo, home: repo / f".git/kundencheck/drafts/{DRAFT_ID}.toml", draft_text, ["drafts"], DRAFT_ID),
    "project-config": (
        lambda repo, home: repo / ".kundencheck/config.toml",
        lambda: 'project = "Shop"\nclient = "Kunde GmbH"\ncadence_days = 7\n',
        ["status"],
        "status of Shop",
    ),
    "user-config": (
        lambda repo, home: home / ".config/kundencheck/config.toml",
        lambda: 'theme = "ansi-light"\nlanguage = "en"\n',
        ["config", "--show-paths"],
        "ansi-light (from the user config)",
    ),
}


def make(kind: str, defect: str, path: Path) -> None:
    valid = KINDS[kind][1]()
    path.parent.mkdir(parents=True, exist_ok=True)
    if defect == "bad-utf8":
        lines = valid.splitlines(keepends=True)
        path.write_bytes("".join(lines[:2]).encode() + b"# caf\xe9 \xff\xfe\n" + "".join(lines[2:]).encode())
    elif defect == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + valid.encode())
    elif defect == "crlf":
        path.write_bytes(valid.replace("\n", "\r\n").encode())
    elif defect == "duplicate-key":
        lines = valid.splitlines(keepends=True)
        first = next(n for n, line in enumerate(lines) if "=" in line and not line.startswith("#"))
        path.write_text("".join([*lines[: first + 1], lines[first], *lines[first + 1 :]]))  # the same key twice
    elif defect == "empty":
        path.write_bytes(b"")
    elif defect == "directory":
        path.mkdir()
    elif defect == "fifo":
        os.mkfifo(path)
    elif defect == "dangling-link":
        path.symlink_to(path.parent / "gone.toml")
    elif defect == "10mb":
        with path.open("wb") as handle:
            handle.write(valid.encode())
            handle.write((b"# " + b"x" * 1021 + b"\n") * (TEN_MB // 1024))
    else:  # pragma: no cover
        raise AssertionError(defect)


DEFECTS = ["bad-utf8", "bom", "crlf", "duplicate-key", "empty", "directory", "fifo", "dangling-link", "10mb"]

#: (kind, defect) -> "ok" or the words the one-paragraph error must hold (besides the file name).
EXPECTED = {
    **{(k, "bom"): "ok" for k in KINDS},
    **{(k, "crlf"): "ok" for k in KINDS},
    **{(k, "bad-utf8"): ("line 3", "not valid UTF-8") for k in KINDS},
    **{(k, "duplicate-key"): ("line", "TOML syntax error") for k in KINDS},
    **{(k, "directory"): ("is a directory",) for k in KINDS},
    **{(k, "fifo"): ("named pipe",) for k in KINDS if k != "answers"},
    **{(k, "dangling-link"): ("cannot be read", "No such file") for k in KINDS},
    ("checklist", "empty"): ("is empty",),
    ("answers", "empty"): ("nothing was committed", "required items not answered"),
    ("draft", "empty"): ("key 'schema' must be 1",),
    ("project-config", "empty"): "ok",
    ("user-config", "empty"): "ok",
    ("checklist", "10mb"): ("at most 1,000,000 bytes",),
    ("answers", "10mb"): ("larger than 1,000,000 bytes",),
    ("project-config", "10mb"): ("at most 1,000,000 bytes",),
    ("user-config", "10mb"): ("at most 1,000,000 bytes",),
    ("draft", "10mb"): "ok",  # a draft is kundencheck's own file: read whole, however long
}
CASES = [(k, d) for k in KINDS for d in DEFECTS if (k, d) in EXPECTED]


def kundencheck(repo: Path, args: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
    """In a child process with a time limit: for the cases that could hang (named pipes)."""
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, NO_COLOR="1"),
    )


def kundencheck_here(repo: Path, args: list[str]) -> subprocess.CompletedProcess:
    """In this process (faster); the same result fields as :func:`kundencheck`."""
    result = CliRunner().invoke(main, ["-C", str(repo), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("kind, defect", CASES, ids=[f"{k}-{d}" for k, d in CASES])
def test_broken_file_gives_a_clear_error_or_a_correct_result(project_repo, isolated_environment, kind, defect):
    where, _valid, command, success = KINDS[kind]
    path = where(project_repo, isolated_environment)
    if kind == "checklist":
        path = path.with_name("other.en.toml")  # next to the tests' valid build checklist
    make(kind, defect, path)
    if kind == "checklist" and defect in ("bom", "crlf"):
        success = "other.en.toml: build (en, version test-1, 7 items)"
    if defect == "empty" and kind.endswith("config"):  # every setting is optional: the defaults
        success = {"project-config": "status of project", "user-config": "textual-dark (from the default)"}[kind]
    started = time.monotonic()
    run = kundencheck if defect == "fifo" else kundencheck_here
    result = run(project_repo, [a.replace("{path}", str(path)) for a in command])
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert_no_control(output)
    expected = EXPECTED[(kind, defect)]
    if expected == "ok":
        assert result.returncode == 0, output
        assert success in " ".join(output.split()), output
        return
    assert result.returncode != 0 or kind == "draft", output  # `drafts` lists a broken draft and goes on
    error = " ".join(output.split())
    assert path.name in error, f"the error does not name {path}:\n{output}"
    for words in expected:
        assert words in error, f"{words!r} not in:\n{output}"
    if defect == "10mb":
        assert elapsed < 5, f"refusing a 10 MB file took {elapsed:.1f} s: it was parsed"


def test_ten_megabyte_checklist_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.en.toml"
    make("checklist", "10mb", path)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    started = time.perf_counter()
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    assert time.perf_counter() - started < 0.1
    assert "at most 1,000,000 bytes" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("what", ["validate", "status", "drafts"])
def test_named_pipes_in_kundencheck_folders_never_block(project_repo, what):
    """A FIFO where the history cache, a project checklist or a draft lives: every command
    starts, says which file it cannot read, and ends."""
    os.mkfifo(project_repo / ".kundencheck/checklists/pipe.en.toml")
    drafts = project_repo / ".git/kundencheck/drafts"
    drafts.mkdir(parents=True)
    os.mkfifo(drafts / f"{DRAFT_ID}.toml")
    cache = project_repo / ".git/kundencheck/cache"
    cache.mkdir(parents=True)
    os.mkfifo(cache / CACHE_NAME)
    args = {"validate": ["validate"], "status": ["status"], "drafts": ["drafts"]}[what]
    result = kundencheck(project_repo, args, timeout=20)
    output = " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in output
    if what == "validate":
        assert result.returncode == 1 and "pipe.en.toml: cannot be read: it is a named pipe" in output
    elif what == "drafts":
        assert f"{DRAFT_ID}.toml: cannot be read: it is a named pipe" in output
    else:
        assert result.returncode == 0  # the cache is only a help: ignored and rebuilt


def test_circular_and_forward_conditions_are_rejected(tmp_path):
    text = (DATA / "sprint.en.toml").read_text()
    # own-design now depends on deviations-announced, which depends on own-design: a cycle.
    text = text.replace('id = "own-design"\n', 'id = "own-design"\nwhen = { item = "deviations-announced", equals = "green" }\n')
    path = tmp_path / "cycle.en.toml"
    path.write_text(text)
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    message = str(info.value)
    assert str(path) in message and "item 'own-design', key 'when'" in message
    assert "earlier item" in message and "circular" in message


def test_drafts_folder_that_is_a_file(project_repo):
    (project_repo / ".git/kundencheck").mkdir()
    (project_repo / ".git/kundencheck/drafts").write_text("not a folder")
    listed = kundencheck_here(project_repo, ["drafts"])
    assert listed.returncode == 0 and "No drafts here" in listed.stdout
    filled = project_repo.parent / "filled.toml"
    filled.write_text(filled_text())
    result = kundencheck_here(project_repo, ["answer", "build", "--from", str(filled)])
    output = " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in output
    assert result.returncode == 1 and "drafts" in output and "lock" in output, output
    assert "kundencheck(" not in git(project_repo, "log", "--format=%s")
