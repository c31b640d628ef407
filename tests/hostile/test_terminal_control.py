"""Terminal control in people's text never reaches the terminal through the CLI.

Escape sequences (colour, window title, clear screen), carriage returns, backspaces, NUL, DEL,
8-bit CSI and bidi overrides sit in checklist texts, notes, sprint labels, author names, file
names, a broken draft, broken configs and answers files. Every command that shows any of it is
run and its stdout and stderr are checked byte by byte. Markup in the same texts is printed
literally (the CLI console has markup off).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.session import RunSession, open_project
from tests.support.hostile import (
    CONTROL,
    MARKUP_LINE,
    add_checklist,
    assert_no_control,
    commit_hand_written,
    hand_written_run,
    hostile_checklist,
    set_author,
    toml_str,
)

HOSTILE = MARKUP_LINE + " " + CONTROL


@pytest.fixture
def dirty_repo(repo: Path) -> Path:
    """Checklist, author, history, a draft and stray files: all carrying terminal control."""
    add_checklist(repo, hostile_checklist(HOSTILE))
    set_author(repo, "Mallory " + HOSTILE.replace("\x00", ""))  # git config cannot hold NUL
    for n in range(2):
        run_id = f"2026111{n}T080000Z-build-m-00000{n}"
        commit_hand_written(
            repo,
            hand_written_run(
                run_id,
                f"S{n} {HOSTILE}",
                f"M {HOSTILE} <m@example.com>",
                f"Note {HOSTILE}",
                started=f"2026-11-1{n}T09:00:00+01:00",
            ),
            run_id,
        )
    project = open_project(repo)
    session = RunSession.start(project, "build", sprint="Sprint " + HOSTILE)
    session.set_value("light", "red")
    session.set_note("light", "Draft note " + HOSTILE)
    session.release()
    drafts = project.drafts.folder
    project.close()
    # A draft that cannot be read, quoting hostile content in its error.
    (drafts / "20261101T000000Z-build-x-000000.toml").write_text(f"schema = 1\nid = {toml_str(HOSTILE)}\n")
    return repo


def invoke(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def assert_clean(result) -> None:
    assert_no_control(result.stdout, "stdout")
    assert_no_control(result.stderr, "stderr")
    assert "Traceback" not in result.output


COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["log"],
    ["log", "--item", "light"],
    ["log", "--item", "mood"],
    ["report"],
    ["report", "--format", "json"],
    ["report", "--format", "html"],
    ["drafts"],
    ["answer", "build", "--template"],
    ["answer", "build", "--template", "--sprint", "Sp " + CONTROL.replace("\x00", "")],
    ["config", "--show-paths"],
    ["phase"],
    ["validate"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:3])[:30] for a in COMMANDS])
def test_history_drafts_template_and_validate_print_no_terminal_control(dirty_repo, args):
    result = invoke("-C", str(dirty_repo), *args)
    assert result.exit_code in (0, 1), result.output
    assert_clean(result)


def test_markup_in_history_is_printed_literally(dirty_repo):
    for args in (["log", "--item", "light"], ["drafts"]):
        result = invoke("-C", str(dirty_repo), *args)
        assert "[bold]" in result.stdout, (args, result.stdout)
    # Markdown escapes brackets (no link can be forged there); they still read as typed.
    assert "\\[@click=app.quit\\]" in invoke("-C", str(dirty_repo), "report").stdout
    template = invoke("-C", str(dirty_repo), "answer", "build", "--template").stdout
    for token in ("[bold]fett[/]", "[/foo]", "[link=x]Link", "[@click=app.quit]Klick"):
        assert token in template


def test_file_name_with_escape_sequences_in_validate(repo, tmp_path):
    bad = tmp_path / "x\x1b[31m\x1b]0;pwned\x07bad.en.toml"
    bad.write_text('format = 1\nid = "x"\n"\\u001b[2Jkey" = 1\ntitle = "\\u001b]0;t\\u0007"\n')
    result = invoke("validate", str(bad))
    assert result.exit_code == 1
    assert_clean(result)
    assert "bad.en.toml" in result.stderr and "unknown key" in result.stderr


def test_project_checklist_named_with_escapes_is_reported_cleanly(dirty_repo):
    folder = dirty_repo / ".kundencheck" / "checklists"
    (folder / "y\x1b[2J\rz.en.toml").write_text('format = 1\n\u00e4 = "\\u001b[31m"\n')
    result = invoke("-C", str(dirty_repo), "validate")
    assert result.exit_code == 1
    assert_clean(result)


def test_errors_quoting_an_answers_file_print_no_terminal_control(dirty_repo, tmp_path):
    filled = tmp_path / "filled\x1b[31m.toml"
    filled.write_text(
        f'schema = 1\nphase = "build"\nsprint = {toml_str(HOSTILE)}\n"\\u001b[2J" = 1\n\n'
        f'[[answers]]\nitem = "light"\nstatus = {toml_str(CONTROL)}\nnote = {toml_str(HOSTILE)}\n'
        f"[[answers]]\nitem = {toml_str('x' + CONTROL)}\n"
    )
    result = invoke("-C", str(dirty_repo), "answer", "build", "--from", str(filled))
    assert result.exit_code == 1
    assert_clean(result)
    assert "nothing was committed" in result.stderr


def test_answers_file_from_stdin_with_invalid_utf8_and_escapes(dirty_repo):
    result = CliRunner().invoke(
        main, ["-C", str(dirty_repo), "answer", "build", "--from", "-"], input=b'schema = 1\nsprint = "\x1b[31m\xff\xfe"\n'
    )
    assert result.exit_code == 1
    assert_clean(result)
    assert "<stdin>" in result.stderr and "UTF-8" in result.stderr


def test_broken_project_config_with_escapes(dirty_repo):
    config = dirty_repo / ".kundencheck" / "config.toml"
    config.write_text('"\\u001b]0;pwned\\u0007" = 1\n')
    for args in (["status"], ["run"], ["config", "--show-paths"], ["drafts"]):
        result = invoke("-C", str(dirty_repo), *args)
        assert result.exit_code == 2, (args, result.output)
        assert_clean(result)
        assert "config.toml" in result.stderr and "unknown key" in result.stderr


def test_broken_user_config_with_escapes(dirty_repo, isolated_environment):
    user = isolated_environment / ".config" / "kundencheck" / "config.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('theme = "\\u001b[2J"\n[keys]\n"\\u001b[31m" = "x"\n')
    result = invoke("-C", str(dirty_repo), "config", "--show-paths")
    assert result.exit_code == 2
    assert_clean(result)
    assert str(user) in result.stderr and "theme" in result.stderr


def test_unknown_item_and_phase_given_with_escapes(dirty_repo):
    for args in (
        ["log", "--item", "\x1b[31mx\r"],
        ["run", "\x1b]0;t\x07"],
        ["answer", "\x1b[2J", "--template"],
        ["report", "--sprint", "\x1b[31m\x08"],
        ["drafts", "commit", "\x1b[31m"],
    ):
        result = invoke("-C", str(dirty_repo), *args)
        assert result.exit_code == 2, (args, result.output)
        assert_clean(result)


def test_git_hook_output_with_escapes_is_cleaned(dirty_repo):
    """A commit-msg hook that prints escape sequences and refuses: its words are quoted, cleaned."""
    hook = dirty_repo / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nprintf 'no \\033]0;pwned\\007 \\033[2J way\\r\\n' >&2\nexit 1\n")
    hook.chmod(0o755)
    drafts = invoke("-C", str(dirty_repo), "drafts").stdout
    run_id = next(word for word in drafts.split() if "-build-" in word and not word.startswith("20261101"))
    # The draft is incomplete, so first make it complete through a filled-in file instead.
    template = invoke("-C", str(dirty_repo), "answer", "build", "--template").stdout
    parts = template.replace('status = ""', 'status = "green"', 1).split('value = ""')
    # mood, design, the optional date (left empty), advice
    filled = parts[0] + "value = 4" + parts[1] + 'value = "yes"' + parts[2] + 'value = ""' + parts[3] + 'value = "ok"' + parts[4]
    result = invoke("-C", str(dirty_repo), "answer", "build", "--from", "-", input=filled)
    assert result.exit_code == 1, result.output
    assert_clean(result)
    assert "commit-msg hook rejected" in result.stderr and "way" in result.stderr
    assert run_id  # the earlier draft is still listed
