"""The command line in German and English on real repositories: the language comes from the
project's config, else the user config, else LANG, else English, and is chosen before anything
is said, the `--help` texts included (click reads them at import time, in English)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.config import CONFIG_PATH, DEFAULT_CADENCE_DAYS
from tests.support.git import git
from tests.support.paths import python_env

GERMAN = {"LANG": "de_DE.UTF-8"}


def invoke(*args: str, env: dict[str, str] | None = None, directory: Path | None = None):
    prefix = ["-C", str(directory)] if directory is not None else []
    return CliRunner().invoke(
        main, [*prefix, *args], prog_name="kundencheck", catch_exceptions=False, env={"COLUMNS": "200", **(env or {})}
    )


def german_project(repo: Path) -> Path:
    """The project says German; the environment (LANG=C.UTF-8 from conftest) says nothing."""
    (repo / CONFIG_PATH).parent.mkdir(exist_ok=True)
    (repo / CONFIG_PATH).write_text('project = "Shop"\nlanguage = "de"\nphase = "build"\n', encoding="utf-8")
    git(repo, "add", CONFIG_PATH)
    git(repo, "commit", "-q", "-m", "German project")
    return repo


def all_commands() -> list[list[str]]:
    """Every command path: [], ["run"], ["drafts"], ["drafts", "commit"], ..."""
    found: list[list[str]] = [[]]
    ctx = click.Context(main)
    for name in main.list_commands(ctx):  # also the commands imported only when asked for
        command = main.get_command(ctx, name)
        found.append([name])
        if isinstance(command, click.Group):
            found += [[name, sub] for sub in command.commands]
    return found


# ----------------------------------------------------------------------------- --help


def test_help_is_english_by_default(tmp_path):
    result = invoke("--help", directory=tmp_path)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: kundencheck")
    for words in ("Options:", "Commands:", "Examples:", "Show this message and exit.", "run in another repository"):
        assert words in result.output, result.output


def test_help_follows_lang(tmp_path):
    result = invoke("--help", env=GERMAN, directory=tmp_path)
    assert result.exit_code == 0
    assert result.output.startswith("Aufruf: kundencheck")
    for words in (
        "Optionen:",
        "Befehle:",
        "Beispiele:",
        "Diese Hilfe zeigen und beenden.",
        "in einem anderen Repository beantworten",
        "Die Version zeigen und beenden.",
    ):
        assert words in result.output, result.output
    assert "Examples:" not in result.output and "Show this message" not in result.output


def test_help_of_a_command_follows_the_project_config(repo):
    """`-C` is read first (eager), so even `kundencheck -C DIR --help` knows the project."""
    german_project(repo)
    top_help = invoke("--help", directory=repo)  # first: no earlier command has chosen the language
    assert top_help.output.startswith("Aufruf: kundencheck"), top_help.output
    status_help = invoke("status", "--help", directory=repo)
    assert "Wo das Projekt steht" in status_help.output, status_help.output
    assert "JSON für Skripte statt einer Tabelle ausgeben" in status_help.output  # an option's help
    assert "Where the project stands" not in status_help.output


def test_the_project_config_wins_over_lang(repo):
    (repo / CONFIG_PATH).parent.mkdir(exist_ok=True)
    (repo / CONFIG_PATH).write_text('language = "en"\n', encoding="utf-8")
    result = invoke("status", "--help", env=GERMAN, directory=repo)
    assert "Where the project stands" in result.output, result.output


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "kundencheck")
def test_every_command_has_examples_in_both_languages(command, tmp_path):
    english = invoke(*command, "--help", directory=tmp_path)
    german = invoke(*command, "--help", env=GERMAN, directory=tmp_path)
    assert english.exit_code == 0 and german.exit_code == 0
    assert "\nExamples:\n" in english.output.replace("  ", ""), english.output
    assert "\nBeispiele:\n" in german.output.replace("  ", ""), german.output
    # The command's own help text is translated too, not only click's words around it.
    english_text = english.output.split("\n\n")[1].strip()
    german_text = german.output.split("\n\n")[1].strip()
    assert english_text and german_text and english_text != german_text


def test_metavars_follow_lang_in_the_help_and_in_a_usage_error(tmp_path):
    """The words click writes for what an option or argument takes (FILE, DIRECTORY, [OPTIONS])
    are in the catalog too: kundencheck's own where they are given, click's in click_texts."""
    import subprocess
    import sys

    def run(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kundencheck", *args],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=python_env(LANG=lang, COLUMNS="200"),
        )

    german = run("de_DE.UTF-8", "answer", "--help").stdout
    assert german.startswith("Aufruf: kundencheck answer [OPTIONEN] [PHASE]\n"), german
    assert re.search(r"\n  --from DATEI +Eine ausgefüllte Antwortdatei lesen", german), german
    assert re.search(r"\n  --participant \"NAME <E-MAIL>\" +Jemand", german), german
    assert "FILE" not in german and "[OPTIONS]" not in german
    top = run("de_DE.UTF-8", "--help").stdout
    assert top.startswith("Aufruf: kundencheck [OPTIONEN] [BEFEHL] [ARGUMENTE]...\n"), top
    assert re.search(r"\n  -C ORDNER +So laufen, als wäre kundencheck in ORDNER gestartet", top), top
    assert re.search(r"\n  --jobs GANZZAHL +Wie viele Projekte", run("de_DE.UTF-8", "portfolio", "fetch", "--help").stdout)
    mistake = run("de_DE.UTF-8", "mirror", "import", "a", "b")
    assert mistake.returncode == 2 and "Aufruf: kundencheck mirror import [OPTIONEN] [DATEI|-]\n" in mistake.stderr
    english = run("C.UTF-8", "answer", "--help").stdout
    assert english.startswith("Usage: kundencheck answer [OPTIONS] [PHASE]\n") and "\n  --from FILE " in english, english


def _metavars(command: click.Command, ctx: click.Context):
    for param in command.get_params(ctx):
        if not (isinstance(param, click.Option) and (param.is_flag or param.count)):
            yield param, param.make_metavar(ctx)
    if isinstance(command, click.Group):
        yield None, command.subcommand_metavar
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _metavars(sub, click.Context(sub, info_name=name, parent=ctx))
    yield None, command.options_metavar


def test_every_metavar_the_help_shows_is_in_the_catalog():
    """A metavar click shows is looked up in the catalog whole: one not marked with N_() (where
    it is given, or in click_texts for click's own) would stay English; only choices, values to
    type as they are, are not in it."""
    from babel.messages.pofile import read_po

    from tests.support.paths import SRC

    with open(SRC / "locale" / "kundencheck.pot", "rb") as handle:
        catalog = {message.id for message in read_po(handle)}
    ctx = click.Context(main, info_name="kundencheck")
    missing = {
        f"{metavar} ({param.name if param else 'click'})"
        for param, metavar in _metavars(main, ctx)
        if metavar not in catalog and not (param is not None and isinstance(param.type, click.Choice))
    }
    assert not missing, "metavars not in the catalog (mark them with N_()):\n" + "\n".join(sorted(missing))


def test_examples_are_shown_as_written_not_rewrapped(tmp_path):
    """The examples' columns stay even when a line is longer than the terminal."""
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "status", "--help"], env={"COLUMNS": "60"})
    assert "  kundencheck status --json           the same for scripts (docs/status-json.md)\n" in result.output


def test_init_help_names_the_real_default_cadence(tmp_path):
    def flat(result) -> str:
        return " ".join(result.output.split())

    assert f"(default: {DEFAULT_CADENCE_DAYS})" in flat(invoke("init", "--help", directory=tmp_path))
    assert f"(Standard: {DEFAULT_CADENCE_DAYS})" in flat(invoke("init", "--help", env=GERMAN, directory=tmp_path))


# ----------------------------------------------------------------------------- output


def test_status_and_check_in_german(history_repo):
    repo = german_project(history_repo["path"])
    status = invoke("status", "--today", "2026-04-10", directory=repo)
    assert status.exit_code == 0, status.output
    assert "kundencheck-Status von Shop am 2026-04-10 (aktuelle Phase: build; alle 14 Tage ist ein Check fällig)" in status.output
    for words in (
        "Letzter Lauf",
        "Maßnahmen",
        "Uneinigkeiten",
        "Maßnahmen in build: 3 offen, ⚠ 2 überfällig",
        "fällig 2026-03-20, seit 21 Tagen überfällig) · client-contacted",
        "Ana Schäfer ✘ nein, Jonas Berg ✔ ja",
        "3 Sprints in Folge",
    ):
        assert words in status.output, status.output
    assert "Overdue" not in status.output and "open" not in status.output

    check = invoke("check", "--today", "2026-04-10", directory=repo)
    assert check.exit_code == 1
    assert "kundencheck check von Shop am 2026-04-10 (aktuelle Phase: build)" in check.output
    assert re.search(r"^✘ Fehler   ", check.output, re.MULTILINE), check.output
    # Machine output stays as it is: JSON keys and GitHub annotations are read by tools.
    as_json = invoke("check", "--today", "2026-04-10", "--format", "json", directory=repo)
    assert '"passed": false' in as_json.output and '"level": "error"' in as_json.output


def test_log_of_an_item_in_german(history_repo):
    repo = german_project(history_repo["path"])
    result = invoke("log", "--item", "client-contacted", directory=repo)
    assert result.exit_code == 0, result.output
    for words in ("älteste → neueste", "Antworten und Notizen", "⚠ uneinig", "Ana Schäfer: ✘ nein"):
        assert words in result.output, result.output
    assert "✘ no" not in result.output


def test_a_usage_error_is_german_before_the_repository_is_opened(repo):
    result = invoke("answer", env=GERMAN, directory=repo)
    assert result.exit_code == 2
    assert "Gib entweder --template an" in result.output, result.output


def test_validate_reports_in_german(repo):
    german_project(repo)
    broken = repo / "broken.toml"
    broken.write_text("id = \n", encoding="utf-8")
    result = invoke("validate", str(broken), directory=repo)
    assert result.exit_code == 1
    assert "0 gültig, 1 ungültig" in result.output, result.output


def test_init_in_german_writes_german_comments_and_commit(repo):
    """`init --language de` makes the project German: what is said, the file's comments, the commit."""
    result = invoke("init", "--language", "de", "--project", "Shop", directory=repo)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^[0-9a-f]{10} auf \w+ committet: kundencheck: Projekt einrichten \(\.kundencheck/config\.toml\)$",
        result.output,
        re.MULTILINE,
    ), result.output
    text = (repo / CONFIG_PATH).read_text(encoding="utf-8")
    assert "# Name des Projekts, wird mit den Ergebnissen gezeigt. Beliebiger Text." in text
    assert 'language = "de"' in text and "[storage]" in text  # keys stay the file format's
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("kundencheck: Projekt einrichten\n\n.kundencheck/config.toml angelegt:\n"), message

    again = invoke("init", "--cadence", "7", directory=repo)
    assert "Geändert in .kundencheck/config.toml:" in git(repo, "log", "-1", "--format=%B")
    assert "committet" in again.output


def test_english_stays_the_default(repo):
    result = invoke("init", "--project", "Shop", directory=repo)
    assert result.exit_code == 0, result.output
    assert "kundencheck: configure project" in result.output
    assert "# Name of the project, shown with the results. Any text." in (repo / CONFIG_PATH).read_text()
    status = invoke("status", directory=repo)
    assert "(current phase: build; a check is due every 14 days)" in status.output, status.output


def test_mistakes_on_the_command_line_are_reported_in_the_project_language(tmp_path):
    """click's own messages (usage, hint, the error itself) follow the project's language, even
    for a mistake in the main command's arguments, and stay English by default."""
    import subprocess
    import sys

    project = tmp_path / "p"
    (project / ".kundencheck").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".kundencheck" / "config.toml").write_text('language = "de"\n', encoding="utf-8")

    def stderr(*args: str, cwd=project) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "kundencheck", *args], check=False, cwd=cwd, capture_output=True, text=True
        )
        assert result.returncode == 2, result.stderr
        return result.stderr

    assert "Fehler: Kein Befehl 'statsu'. Meintest du 'status'?" in stderr("statsu")
    assert "Fehler: Keine Option '--frobnicate'." in stderr("--frobnicate")
    german = stderr("run", "build", "extra")
    assert "Aufruf: kundencheck run" in german and "Fehler: Unerwartetes zusätzliches Argument (extra)" in german
    assert "Ungültiger Wert für '--format': 'pdf' ist keine der Möglichkeiten:" in stderr("report", "--format", "pdf")
    assert "Fehler: Kein Befehl 'statsu'." in stderr("-C", str(project), "statsu", cwd=tmp_path)
    english = stderr("statsu", cwd=tmp_path)
    assert "Error: No such command 'statsu'. Did you mean 'status'?" in english and "Usage:" in english
