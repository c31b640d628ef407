"""Setting a project up: init, phase, config --show-paths, the user config, completion, --no-color."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.cli import setup as cli_setup
from kundencheck.core.checklist import KNOWN_PHASES
from kundencheck.core.config import CONFIG_PATH, load_config
from kundencheck.core.user_config import (
    UserConfigError,
    load_user_config,
    user_config_path,
)
from kundencheck.session import open_project
from tests.support.git import git


def invoke(*args: str, cwd: Path | None = None, input: str | None = None):
    if cwd is not None:
        args = ("-C", str(cwd), *args)
    return CliRunner().invoke(main, list(args), catch_exceptions=False, input=input)


def subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def files_in(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--format=", "--name-only", rev).split()


def user_config(text: str) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ----------------------------------------------------------------------------- init


def test_init_writes_every_key_with_a_comment_and_commits_only_that_file(repo):
    (repo / "README.md").write_text("# Client project\n\nstaged\n")
    git(repo, "add", "README.md")
    (repo / "scratch.txt").write_text("untracked\n")
    status_before = git(repo, "status", "--porcelain")

    result = invoke("init", "--project", "Webshop", "--client", "Müller GmbH", "--language", "de", cwd=repo)

    assert result.exit_code == 0, result.output
    assert "committet" in result.output  # a German project: told, commented and committed in German
    text = (repo / CONFIG_PATH).read_text()
    data = tomllib.loads(text)
    assert data["project"] == "Webshop" and data["client"] == "Müller GmbH" and data["language"] == "de"
    assert data["phase"] == "build" and data["cadence_days"] == 14
    assert data["checklists"] == {p: p for p in KNOWN_PHASES}
    assert data["storage"] == {"commit_msg_hook": True, "push": False}
    assert '# branch = "kundencheck"' in text  # documented, commented out: commit on the checked-out branch
    lines = text.splitlines()
    for n, line in enumerate(lines):  # a comment line right above every key
        if "=" in line and not line.startswith("#"):
            assert lines[n - 1].startswith("#"), f"no comment above {line!r}"
    for allowed in ('"de" oder "en"', "von 1 bis 366", "true oder false", "kickoff, design, build, acceptance, handover"):
        assert allowed in text
    # The commit: only the config, message with a body listing the settings; the user's work untouched.
    assert subjects(repo)[0] == "kundencheck: Projekt einrichten"
    assert files_in(repo) == [CONFIG_PATH]
    body = git(repo, "log", "-1", "--format=%b")
    assert '- client = "Müller GmbH"' in body and "- cadence_days = 14" in body
    assert git(repo, "status", "--porcelain") == status_before
    assert load_config(repo).client == "Müller GmbH"


def test_second_init_changes_only_the_flagged_key_and_keeps_user_comments(repo):
    assert invoke("init", "--client", "Kunde", "--language", "de", cwd=repo).exit_code == 0
    path = repo / CONFIG_PATH
    edited = path.read_text().replace(
        "cadence_days = 14", "# agreed with the client in the kickoff\ncadence_days = 14  # two weeks"
    )
    edited += "\n# our own note at the end\n"
    path.write_text(edited)
    git(repo, "commit", "-q", "-am", "Our config comments")

    result = invoke("init", "--cadence", "7", "--language", "en", cwd=repo)

    assert result.exit_code == 0, result.output
    after = path.read_text()
    # Byte for byte the user's file with just these two values changed.
    assert after == edited.replace("cadence_days = 14  # two weeks", "cadence_days = 7  # two weeks").replace(
        'language = "de"', 'language = "en"'
    )
    assert "# agreed with the client in the kickoff" in after and "# our own note at the end" in after
    assert git(repo, "diff", "HEAD~1", "--stat").count("|") == 1
    body = git(repo, "log", "-1", "--format=%b")
    assert "- cadence_days: 14 -> 7" in body and '- language: "de" -> "en"' in body
    # Asking for what is already there changes nothing and commits nothing.
    head = git(repo, "rev-parse", "HEAD")
    result = invoke("init", "--cadence", "7", cwd=repo)
    assert result.exit_code == 0 and "nothing to commit" in result.output
    assert git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize(
    "args, added", [(("init", "--language", "en"), 'language = "en"'), (("phase", "acceptance"), 'phase = "acceptance"')]
)
def test_a_new_key_goes_after_a_hand_written_config_that_ends_with_its_last_key(repo, args, added):
    """A config written by hand with top-level keys only (no table, no blank line after them):
    the new key is added at its end, as it would be after the last key."""
    path = repo / CONFIG_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('project = "Shop"\nclient = "Kunde GmbH"\n')
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Our config")

    result = invoke(*args, cwd=repo)

    assert result.exit_code == 0, result.output
    assert path.read_text() == 'project = "Shop"\nclient = "Kunde GmbH"\n' + added + "\n"


def test_init_branch_replaces_the_commented_example_line(repo):
    assert invoke("init", cwd=repo).exit_code == 0
    assert invoke("init", "--branch", "team/kundencheck", "--push", "--no-commit-msg-hook", cwd=repo).exit_code == 0
    text = (repo / CONFIG_PATH).read_text()
    assert 'branch = "team/kundencheck"' in text and '# branch = "kundencheck"' not in text
    config = load_config(repo)
    assert (config.branch, config.push, config.commit_msg_hook) == ("team/kundencheck", True, False)


def test_init_refuses_to_overwrite_without_flags(repo):
    assert invoke("init", cwd=repo).exit_code == 0
    before = (repo / CONFIG_PATH).read_text()
    head = git(repo, "rev-parse", "HEAD")
    result = invoke("init", cwd=repo)
    assert result.exit_code == 2
    assert "already exists" in result.output and "--cadence 7" in result.output
    assert (repo / CONFIG_PATH).read_text() == before and git(repo, "rev-parse", "HEAD") == head


def test_init_rejects_bad_flag_values_before_writing(repo):
    result = invoke("init", "--cadence", "0", cwd=repo)
    assert result.exit_code == 2 and "--cadence: must be a whole number of days from 1 to 366" in result.output
    result = invoke("init", "--phase", "nope", cwd=repo)
    assert result.exit_code == 2 and "'nope' is not a known phase. Known: kickoff, design, build" in result.output
    result = invoke("init", "--branch", "a..b", cwd=repo)
    assert result.exit_code == 2
    assert result.output == (  # the flag and the problem, not the file, line and key it would have been
        "kundencheck: --branch: 'a..b' is not a branch name git accepts: it contains two dots in a row. Use a plain "
        'name such as "kundencheck" (`git check-ref-format --branch NAME` says what git makes of a name).\n'
    )
    assert not (repo / CONFIG_PATH).exists()
    assert subjects(repo) == ["Initial commit"]


def test_init_asks_in_a_terminal_when_no_flags_are_given(repo, monkeypatch):
    monkeypatch.setattr(cli_setup, "_stdin_is_tty", lambda: True)
    result = invoke("init", cwd=repo, input="en\nShop\nKunde AG\nPixelwerk\nacceptance\nno\n")
    assert result.exit_code == 0, result.output
    config = load_config(repo)
    assert (config.project, config.client, config.agency, config.language, config.phase, config.push) == (
        "Shop",
        "Kunde AG",
        "Pixelwerk",
        "en",
        "acceptance",
        False,
    )


def test_init_asks_the_language_first_and_every_question_after_it_in_that_language(repo, monkeypatch):
    """The terminal's LANG is English; once German is chosen, the questions, the config's
    comments, the commit and what is said are German."""
    monkeypatch.setattr(cli_setup, "_stdin_is_tty", lambda: True)
    result = invoke("init", cwd=repo, input="de\nShop\nKunde AG\nPixelwerk\nacceptance\nnein\n")
    assert result.exit_code == 0, result.output
    first, rest = result.output.split("\n", 1)
    assert first.startswith("Language of kundencheck and the checklists (de: Deutsch, en: English) (de, en) [en]: ")
    for german in (
        "Projektname [project]: ",
        "Kunde: ",
        "Name der Agentur (der Kunde liest ihn auf Spiegel-Einladungen): ",
        ("Aktuelle Phase (kickoff, design, build, acceptance, handover) [build]: "),
        "Vorschlagen, die Antworten nach jedem Commit zu pushen, und diesen Commit jetzt pushen? (ja, nein) [nein]: ",
        "committet",
    ):
        assert german in rest, (german, rest)
    for english in ("Project name", "Client", "Agency", "Current phase", "Suggest pushing", "Committed"):
        assert english not in rest, (english, rest)
    config = load_config(repo)
    assert (config.project, config.client, config.language, config.phase, config.push) == (
        "Shop",
        "Kunde AG",
        "de",
        "acceptance",
        False,
    )
    assert subjects(repo)[0] == "kundencheck: Projekt einrichten"
    assert "# Name des Projekts" in (repo / CONFIG_PATH).read_text()


def test_a_wrong_answer_is_asked_again_in_the_chosen_language(repo, monkeypatch):
    monkeypatch.setattr(cli_setup, "_stdin_is_tty", lambda: True)
    result = invoke("init", cwd=repo, input="de\nShop\n\n\nbau\nbuild\nvielleicht\nja\n")
    assert result.exit_code == 0, result.output
    assert "Fehler: 'bau' ist keine der Möglichkeiten: 'kickoff', 'design', 'build', 'acceptance', 'handover'." in result.output
    assert "Fehler: 'vielleicht' ist keine der Möglichkeiten: 'ja', 'nein'." in result.output
    assert load_config(repo).push is True  # asked for; this commit is pushed too (no remote here: said why)


@pytest.fixture
def remote(repo, tmp_path):
    """A bare repository as the team's origin, with the project's branch pushed to it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "-u", "origin", "main")
    return origin


def test_init_push_pushes_the_init_commit(repo, remote):
    result = invoke("init", "--project", "Shop", "--push", cwd=repo)
    assert result.exit_code == 0, result.output
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == "kundencheck: configure project"
    assert git(remote, "rev-parse", "main") == git(repo, "rev-parse", "HEAD")
    assert "origin" in result.output and "main" in result.output
    assert load_config(repo).push is True
    # Later changes with --push are pushed too.
    assert invoke("init", "--cadence", "7", "--push", cwd=repo).exit_code == 0
    assert git(remote, "rev-parse", "main") == git(repo, "rev-parse", "HEAD")


def _words(text: str) -> str:
    """``text`` without its white space: the console wraps long lines (and long paths) anywhere."""
    return "".join(text.split())


def test_init_push_without_a_remote_says_why_and_keeps_the_commit(repo):
    """init committed the project's setup, not answers, and says so; run again with nothing new
    to commit, it says only that nothing was pushed."""
    result = invoke("init", "--push", cwd=repo)
    assert result.exit_code == 0, result.output
    assert subjects(repo)[0] == "kundencheck: configure project"
    assert _words(
        f"kundencheck: warning: The project's setup was committed but not pushed: {repo} has no remote "
        "(`git remote -v` lists none). Add the team's with `git remote add origin URL`, then push with "
        "`git push -u origin main`."
    ) in _words(result.stderr)
    assert "answers" not in result.output and "Traceback" not in result.output
    again = invoke("init", "--push", cwd=repo)
    assert again.exit_code == 0, again.output
    assert subjects(repo)[0] == "kundencheck: configure project" and len(subjects(repo)) == 2
    assert _words(f"kundencheck: warning: Not pushed: {repo} has no remote") in _words(again.stderr)
    assert "committed" not in again.stderr


def test_init_push_without_a_remote_says_it_in_german(repo):
    result = invoke("init", "--language", "de", "--push", cwd=repo)
    assert result.exit_code == 0, result.output
    assert _words(f"Die Einrichtung des Projekts ist committet, aber nicht gepusht: {repo} hat kein Remote") in _words(
        result.stderr
    )


def test_copy_checklists_copies_the_projects_language_in_one_commit_and_says_what(repo):
    own = repo / ".kundencheck" / "checklists"
    own.mkdir(parents=True)
    (own / "build.de.toml").write_text("# our own, already customised\n")
    assert invoke("init", "--language", "de", cwd=repo).exit_code == 0
    head = git(repo, "rev-parse", "HEAD")
    result = invoke("init", "--copy-checklists", cwd=repo)
    assert result.exit_code == 0, result.output
    assert (own / "build.de.toml").read_text() == "# our own, already customised\n"
    assert git(repo, "rev-parse", "HEAD~1") == head  # one commit
    copied = sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split())
    assert copied == [f".kundencheck/checklists/{p}.de.toml" for p in ("acceptance", "design", "handover", "kickoff")]
    assert subjects(repo)[0] == "kundencheck: die mitgelieferten Checklisten kopieren (de)"
    assert "- kickoff.de.toml" in git(repo, "log", "-1", "--format=%b")
    output = " ".join(result.output.split())
    assert "1 übersprungen, die es schon gibt (nicht überschrieben): build.de.toml." in output
    assert (
        "Er enthält 4 Checklisten in .kundencheck/checklists/: acceptance.de.toml, design.de.toml, "
        "handover.de.toml, kickoff.de.toml."
    ) in output
    assert not list(own.glob("*.en.toml"))
    assert invoke("validate", str(own / "kickoff.de.toml")).exit_code == 0
    # Again: everything of the language is there, nothing is committed.
    head = git(repo, "rev-parse", "HEAD")
    result = invoke("init", "--copy-checklists", cwd=repo)
    assert result.exit_code == 0 and "Nichts zu kopieren" in result.output
    assert git(repo, "rev-parse", "HEAD") == head


def test_copy_checklists_of_every_language(repo):
    result = invoke("init", "--copy-checklists", "--all-languages", cwd=repo)
    assert result.exit_code == 0, result.output
    assert subjects(repo)[:2] == ["kundencheck: copy the shipped checklists", "kundencheck: configure project"]
    assert len(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == 10
    assert "It holds 10 checklists in .kundencheck/checklists/" in " ".join(result.output.split())


def test_copy_checklists_refused_by_the_repository_says_why_and_commits_nothing(repo):
    """The store's refusal is shown as it is, with what did not happen; (the CLI once stripped a
    draft hint from it that the store no longer adds, by importing a name that is gone: a crash)."""
    assert invoke("init", cwd=repo).exit_code == 0
    head = git(repo, "rev-parse", "HEAD")
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text('#!/bin/sh\nif grep -q "copy the shipped" "$1"; then echo "no copies here" >&2; exit 1; fi\n')
    hook.chmod(0o755)
    result = invoke("init", "--copy-checklists", cwd=repo)
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert "commit-msg hook rejected the commit" in message and "no copies here" in message
    assert message.endswith("(The checklists were not committed; run the command again once that is sorted out.)")
    assert git(repo, "rev-parse", "HEAD") == head and not (repo / ".kundencheck" / "checklists").exists()


# ----------------------------------------------------------------------------- phase


def test_phase_shows_the_current_one_and_moves_with_a_commit(repo):
    result = invoke("phase", cwd=repo)
    assert result.exit_code == 0, result.output
    assert "Current phase: build (the default" in result.output
    assert "▶ build" in result.output and "  kickoff" in result.output

    assert invoke("init", cwd=repo).exit_code == 0
    path = repo / CONFIG_PATH
    path.write_text(path.read_text().replace('phase = "build"', 'phase = "build"  # since the kickoff in May'))
    git(repo, "commit", "-q", "-am", "comment")

    result = invoke("phase", "acceptance", cwd=repo)
    assert result.exit_code == 0, result.output
    assert subjects(repo)[0] == "kundencheck: phase build -> acceptance"
    assert files_in(repo) == [CONFIG_PATH]
    assert 'phase = "acceptance"  # since the kickoff in May' in path.read_text()
    assert invoke("phase", "handover", cwd=repo).exit_code == 0
    history = git(repo, "log", "--format=%s", "--", CONFIG_PATH).splitlines()
    assert history[:2] == ["kundencheck: phase acceptance -> handover", "kundencheck: phase build -> acceptance"]

    result = invoke("phase", cwd=repo)
    assert "Current phase: handover (from .kundencheck/config.toml)" in result.output
    assert "▶ handover" in result.output
    result = invoke("phase", "handover", cwd=repo)
    assert result.exit_code == 0 and "already in phase handover" in result.output


def test_phase_without_a_config_creates_one(repo):
    result = invoke("phase", "design", cwd=repo)
    assert result.exit_code == 0, result.output
    assert load_config(repo).phase == "design"
    assert subjects(repo)[0] == "kundencheck: phase build -> design"


def test_phase_must_be_known(project_repo):
    result = invoke("phase", "uat", cwd=project_repo)
    assert result.exit_code == 2
    assert "'uat' is not a known phase" in result.output and "acceptance" in result.output
    assert subjects(project_repo)[0] == "Add our own build checklist"


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "text, line, key, allowed",
    [
        ('project = "x"\n\n# fortnightly\ncadence_days = "two weeks"\n', 4, "'cadence_days'", "from 1 to 366"),
        ('project = "x"\nlanguage = "fr"\n', 2, "'language'", 'Allowed: "de", "en"'),
        (
            'project = "x"\n[storage]\npush = true\nbrnach = "x"\n',
            4,
            "'storage.brnach'",
            "Allowed keys: branch, commit_msg_hook, push",
        ),
        ('projekt = "x"\n', 1, "'projekt'", "Allowed keys: agency, cadence_days, check, checklists, client"),
        ('[checklists]\nbuild = "build"\nacceptance = "../uat"\n', 3, "'checklists'", "safe ids"),
    ],
)
def test_broken_config_names_file_line_key_and_allowed_values(repo, text, line, key, allowed):
    path = repo / CONFIG_PATH
    path.parent.mkdir(parents=True)
    path.write_text(text)
    for command in (["phase"], ["init", "--cadence", "7"], ["run"], ["config", "--show-paths"]):
        result = invoke(*command, cwd=repo)
        assert result.exit_code == 2, (command, result.output)
        message = " ".join(result.output.split())
        assert f"{path}, line {line}, key {key}:" in message, (command, message)
        assert allowed in message
        assert "Traceback" not in result.output


def test_broken_user_config_names_file_line_key_and_allowed_values(repo):
    path = user_config('# mine\ntheme = "textual-dark"\n[keys]\nnext-item = "ctrl+n"\nnext-itme = "j"\n')
    result = invoke("config", "--show-paths", cwd=repo)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"{path}, line 5, key 'keys.next-itme': 'next-itme' is not a binding id. Allowed:" in message
    assert "next-item" in message and "external-editor" in message
    path.write_text('theme = "dracla"\n')
    message = " ".join(invoke("config", cwd=repo).output.split())
    assert f"{path}, line 1, key 'theme': 'dracla' is not a theme. Allowed:" in message and "dracula" in message
    path.write_text('language = "fr"\n')
    with pytest.raises(UserConfigError, match=r'line 1, key \'language\'.*Allowed: "de", "en"'):
        load_user_config()


# ----------------------------------------------------------------------------- config --show-paths, language


def test_config_show_paths_says_where_each_setting_comes_from(repo, monkeypatch):
    result = invoke("config", "--show-paths", cwd=repo)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Project config: {repo / CONFIG_PATH} (does not exist)" in out
    assert f"User config:    {user_config_path()} (does not exist)" in out
    assert "language: en (from the default)" in out  # LANG=C.UTF-8 in the tests
    assert "phase:    build (from the default)" in out
    assert "theme:    textual-dark (from the default)" in out

    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # and so the output is German
    assert "language: de (Quelle: die Umgebung" in invoke("config", "--show-paths", cwd=repo).output

    user_config('language = "en"\ntheme = "ansi-light"\n[keys]\nnext-item = "ctrl+n"\n')
    out = invoke("config", "--show-paths", cwd=repo).output
    assert f"User config:    {user_config_path()} (exists)" in out
    assert "language: en (from the user config)" in out
    assert "theme:    ansi-light (from the user config)" in out
    assert "next-item = ctrl+n" in out

    invoke("init", "--language", "de", "--phase", "design", cwd=repo)
    out = invoke("config", "--show-paths", cwd=repo).output  # German now: the project says so
    assert f"Projektkonfiguration:  {repo / CONFIG_PATH} (vorhanden)" in out
    assert "language: de (Quelle: die Projektkonfiguration)" in out
    assert "phase:    design (Quelle: die Projektkonfiguration)" in out


def test_config_outside_a_repository(tmp_path):
    result = invoke("config", "--show-paths", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Project config: none (not inside a git repository)" in result.output


def test_user_config_language_is_used_when_the_project_has_none_and_the_project_wins(repo, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    user_config('language = "de"\n')
    project = open_project(repo)
    try:
        assert project.language == "de"  # user config over LANG
        assert project.checklist_for("build").language == "de"
    finally:
        project.close()
    invoke("init", "--language", "en", cwd=repo)
    project = open_project(repo)
    try:
        assert project.language == "en"  # project config over user config
    finally:
        project.close()


def test_init_takes_the_user_config_language_as_default(repo):
    user_config('language = "de"\n')
    assert invoke("init", cwd=repo).exit_code == 0
    assert load_config(repo).language == "de"


# ----------------------------------------------------------------------------- completion, colour


@pytest.mark.parametrize(
    "shell, marker",
    [
        ("bash", "complete -o nosort -F _kundencheck_completion kundencheck"),
        ("zsh", "#compdef kundencheck"),
        ("fish", "complete --no-files --command kundencheck"),
    ],
)
def test_completion_prints_a_script(shell, marker):
    result = invoke("completion", shell)
    assert result.exit_code == 0, result.output
    assert marker in result.output and "_KUNDENCHECK_COMPLETE" in result.output


def test_completion_works_through_click(repo, monkeypatch):
    monkeypatch.setenv("_KUNDENCHECK_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "kundencheck ph")
    monkeypatch.setenv("COMP_CWORD", "1")
    result = CliRunner().invoke(main, [], prog_name="kundencheck")
    assert "plain,phase" in result.output
    monkeypatch.setenv("COMP_WORDS", f"kundencheck -C {repo} phase acc")
    monkeypatch.setenv("COMP_CWORD", "4")
    result = CliRunner().invoke(main, [], prog_name="kundencheck")
    assert "plain,acceptance" in result.output


def test_completion_rejects_an_unknown_shell():
    assert invoke("completion", "tcsh").exit_code == 2


def test_no_color_flag_sets_no_color_for_every_console(repo, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "x")
    monkeypatch.delenv("NO_COLOR")  # restored to "not set" after the test
    result = invoke("--no-color", "phase", cwd=repo)
    assert result.exit_code == 0, result.output
    assert os.environ.get("NO_COLOR") == "1"
    assert cli_setup._console().no_color  # the CLI's consoles (Rich reads NO_COLOR when one is made)


def test_help_of_the_new_commands_has_examples():
    for command in ("init", "phase", "config", "completion"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Examples:" in result.output, command


@pytest.mark.parametrize("name", ["HEAD", "@", "refs/heads/kundencheck", "origin/kundencheck", "origin", "a..b", "x.lock"])
def test_init_refuses_branch_names_git_would_read_as_something_else(repo, tmp_path, name):
    git(repo, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))
    before = subjects(repo)
    result = invoke("init", "--branch", name, cwd=repo)
    assert result.exit_code == 2, result.output
    assert "--branch:" in result.output and "kundencheck" in result.output
    assert subjects(repo) == before and not (repo / CONFIG_PATH).exists()


@pytest.mark.parametrize("name", ["HEAD", "origin/main", "origin"])
def test_a_config_whose_branch_git_would_read_as_something_else_is_refused_at_load(repo, tmp_path, name):
    """Before, `branch = "HEAD"` or "origin/main" went on to the commit, which failed with
    "kept moving ... committing busily"; now every command names the file, line and key."""
    git(repo, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))
    config = repo / CONFIG_PATH
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'project = "Shop"\n\n[storage]\nbranch = "{name}"\n')
    git(repo, "add", CONFIG_PATH)
    git(repo, "commit", "-q", "-m", "config")
    for command in (["status"], ["check"], ["answer", "build", "--template"], ["run", "build"]):
        result = invoke(*command, cwd=repo)
        assert result.exit_code == 2, (command, result.output)
        assert f"{config}, line 4, key 'storage.branch':" in " ".join(result.output.split()), result.output
        assert "busily" not in result.output
