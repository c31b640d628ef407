"""Any value TOML allows, in any file the repository brings (issue 16, item 6).

An answers file with a whole number of 5,000 digits, a date at either end of the calendar, a
date-time without a time in UTC, infinity, an array of 10,000 values or arrays nested too deep,
in any of its keys, is that file's problem: named and left out, and every other run is shown
by `status`, `log`, `report`, `check` and the TUI's home and history screens. In the project
config, the user config or a checklist it is a clear error naming the file, the line and the
key. Never a traceback, never the internal error's exit status 70, and `check` exits 2 (not 1)
for a config it cannot read. The values themselves are in tests/support/values.py; the
property tests (tests/core/test_properties.py) set them in every key in-process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.apps import project_app
from tests.support.git import git
from tests.support.history import build_history
from tests.support.hostile import assert_no_control
from tests.support.properties import config_text
from tests.support.screen import screen_text
from tests.support.values import LITERALS, commit_hostile_answers, key_paths, path_name, with_value

TODAY = "2026-04-10"


def kundencheck(repo: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, NO_COLOR="1", COLUMNS="200"),
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    assert result.returncode != 70, output[-3000:]
    assert_no_control(output)
    return result


@pytest.fixture
def hostile_history(project_repo):
    """The shared history (five good runs) and one answers file per key and hostile value."""
    history = build_history(project_repo)
    git(project_repo, "add", ".kundencheck/config.toml")
    git(project_repo, "commit", "-q", "-m", "Configure kundencheck")
    template = (project_repo / history["runs"]["ana2"].path).read_text(encoding="utf-8")
    written = commit_hostile_answers(project_repo, template)
    return project_repo, history, written


def test_any_value_in_any_key_of_an_answers_file_is_that_files_problem(hostile_history):
    repo, history, written = hostile_history
    status = kundencheck(repo, "status", "--json", "--today", TODAY)
    assert status.returncode == 0
    shown = json.loads(status.stdout)
    named = {path for path in written if any(problem.startswith(path + ":") for problem in shown["problems"])}
    # Every hostile file is either named as a problem or a run like any other (a date-time at
    # the end of the calendar that still has a time in UTC, a number within 64 bits, ...).
    accepted = set(written) - named
    assert shown["runs"] == 5 + len(accepted)
    assert len(named) > 0.8 * len(written)
    for path, (key, literal) in written.items():
        if literal in ("int-5000-digits", "hex-beyond-64-bits", "nested-too-deep", "datetime-before-min-in-utc"):
            assert path in named, (path_name(key), literal)
    for problem in shown["problems"]:
        assert len(problem) < 1000, problem  # nothing of 5,000 digits or 10,000 values echoed
    # The good history is all there: the latest sprint, its disagreement, the overdue actions.
    build = next(p for p in shown["phases"] if p["phase"] == "build")
    assert build["last_run"]["sprint"] in ("2026-W14", "2026-W13") or build["runs"] >= 5

    text = kundencheck(repo, "status", "--today", TODAY)
    assert text.returncode == 0 and "answers files could not be read and are left out" in text.stderr
    assert "status of Shop | relaunch" in text.stdout

    log = kundencheck(repo, "log", "--phase", "build")
    assert log.returncode == 0
    for run in history["runs"].values():
        assert run.sprint in log.stdout
    item_log = kundencheck(repo, "log", "--item", "client-contacted")
    assert item_log.returncode == 0 and "2026-W10" in item_log.stdout

    for fmt in ("md", "json", "html"):
        report = kundencheck(repo, "report", "--sprint", "2026-W14", "--format", fmt, "--today", TODAY)
        assert report.returncode == 0, report.stderr
        assert "Book a review" in report.stdout

    check = kundencheck(repo, "check", "--format", "json", "--today", TODAY)
    assert check.returncode == 1  # the real findings of the history: overdue actions
    result = json.loads(check.stdout)
    assert "overdue_action" in {f["rule"] for f in result["findings"]}
    assert sum("Left out, could not be read" in note for note in result["notes"]) == len(named)


async def test_home_and_history_screens_show_the_rest_of_the_history(hostile_history):
    from kundencheck.tui.screens.history import HistoryScreen

    repo, _history, _written = hostile_history
    app, project = project_app(repo)
    try:
        async with app.run_test(size=(200, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            home = " ".join(screen_text(app).split())
            assert re.search(
                r"\d+ runs · a check is due every 14 days · ⚠ \d+ overdue actions · "
                r"\d+ answers files unreadable \(kundencheck status\)",
                home,
            ), home
            assert "Actions" in home and "Book a review" in home
            await pilot.press("h")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            matrix = " ".join(screen_text(app).split())
            for sprint in ("2026-W10", "2026-W12", "2026-W14"):
                assert sprint in matrix
    finally:
        project.close()


def _config_keys() -> list[tuple]:
    import tomllib

    return key_paths(tomllib.loads(config_text()))


#: The literals the command-line tests of settings files and checklists use, each in a key of
#: its own (the property tests set every literal in every key, in-process).
CASES = [
    "int-5000-digits",
    "hex-beyond-64-bits",
    "date-max",
    "date-min",
    "datetime-before-min-in-utc",
    "local-time",
    "inf",
    "nan",
    "array-10000-ints",
    "nested-too-deep",
    "nested-deep",
    "inline-table-10000-keys",
]


@pytest.mark.parametrize("literal", CASES)
def test_any_value_in_the_project_config_is_an_error_naming_file_line_and_key(project_repo, literal):

    keys = _config_keys()
    key = keys[CASES.index(literal) % len(keys)]
    config = project_repo / ".kundencheck" / "config.toml"
    config.write_text(with_value(config_text(), key, LITERALS[literal]), encoding="utf-8")
    git(project_repo, "add", ".kundencheck/config.toml")
    git(project_repo, "commit", "-q", "-m", "A config with a hostile value")
    for command in (["check"], ["status"]):
        result = kundencheck(project_repo, *command)
        if result.returncode == 0:  # a value that is allowed there (a number in 64 bits as a number)
            continue
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert re.search(re.escape(str(config)) + r"[:,] line \d+, key '", result.stderr), result.stderr
        assert len(result.stderr) < 2000


@pytest.mark.parametrize("literal", CASES)
def test_any_value_in_the_user_config_is_an_error_naming_file_line_and_key(project_repo, isolated_environment, literal):
    text = 'language = "en"\ntheme = "ansi-light"\n[keys]\nnext-item = "ctrl+n"\n'
    import tomllib

    keys = key_paths(tomllib.loads(text))
    key = keys[CASES.index(literal) % len(keys)]
    config = isolated_environment / ".config" / "kundencheck" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(with_value(text, key, LITERALS[literal]), encoding="utf-8")
    result = kundencheck(project_repo, "config", "--show-paths")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert re.search(re.escape(str(config)) + r"[:,] line \d+, key '", result.stderr), result.stderr


@pytest.mark.parametrize("literal", CASES)
def test_any_value_in_a_checklist_is_an_error_naming_file_line_and_key(project_repo, literal):
    import tomllib

    checklist = project_repo / ".kundencheck" / "checklists" / "build.en.toml"
    text = checklist.read_text(encoding="utf-8")
    keys = key_paths(tomllib.loads(text))
    key = keys[(CASES.index(literal) * 7) % len(keys)]
    checklist.write_text(with_value(text, key, LITERALS[literal]), encoding="utf-8")
    git(project_repo, "commit", "-q", "-a", "-m", "A checklist with a hostile value")
    validate = kundencheck(project_repo, "validate")
    template = kundencheck(project_repo, "answer", "build", "--template")
    if validate.returncode == 0:  # the value is allowed there (a version written as a number)
        assert template.returncode == 0
        return
    assert validate.returncode == 1
    assert str(checklist) in validate.stderr
    assert re.search(r"line \d+", validate.stderr), validate.stderr
    assert template.returncode == 1 and str(checklist) in template.stderr
    assert len(validate.stderr) < 5000


def test_any_value_in_any_key_of_a_filled_in_template_is_refused_or_committed(project_repo):
    """`answer --from FILE`: every key of a filled-in template, each hostile value in turn (in
    changing pairs): a clear refusal naming the file, or a commit; never an internal error. The
    verdict is the one reader's (core/answers_file.py): the command refuses what it refuses,
    with its first problem, and commits what it reads."""
    import tomllib

    from click.testing import CliRunner

    from kundencheck.cli import main
    from kundencheck.core.answers_file import Form, parse_filled, read_filled
    from kundencheck.core.errors import AnswersError
    from kundencheck.session import open_project

    project = open_project(project_repo)
    try:
        form = Form(project.checklist_for("build"), project.store.identity(), "build")
    finally:
        project.close()
    runner = CliRunner()
    template = runner.invoke(main, ["-C", str(project_repo), "answer", "build", "--template"]).stdout
    filled = _answered(template, form.checklist)
    assert read_filled(parse_filled(filled.encode("utf-8"), "filled.toml"), "filled.toml", form).run.answers
    paths = key_paths(tomllib.loads(filled))
    committed = 0
    names = sorted(LITERALS)
    target = project_repo.parent / "filled.toml"
    for n in range(max(len(paths), len(names)) * 2):
        path, name = paths[n % len(paths)], names[(n * 7) % len(names)]
        text = with_value(filled, path, LITERALS[name])
        target.write_text(text, encoding="utf-8")
        try:
            read_filled(parse_filled(text.encode("utf-8"), str(target)), str(target), form)
            problems = []
        except AnswersError as error:
            problems = error.problems or [str(error).removeprefix(f"{target}: ")]
        result = runner.invoke(main, ["-C", str(project_repo), "answer", "build", "--from", str(target)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (path, name, result.exception)
        assert result.exit_code in (0, 1, 2), (path, name, result.output)
        assert "internal error" not in result.output and len(result.output) < 5000, (path, name, result.output)
        assert (result.exit_code == 0) == (not problems), (path_name(path), name, problems[:3], result.output[-500:])
        if result.exit_code:
            assert str(target) in " ".join(result.output.split()).replace(" ", "") or "answers" in result.output, result.output
            said = "".join(result.output.split())
            assert "".join(problems[0].split())[:200] in said, (problems[0], result.output[-500:])
        else:
            committed += 1
    assert 0 < committed < n / 2  # most values are refused; some, such as a number within 64 bits as a note, not


def _answered(template: str, checklist) -> str:
    """The template with every item answered green, 4, its first option, a date or a text."""
    import tomlkit

    from kundencheck.core.checklist import Kind

    doc = tomlkit.parse(template)
    for table in doc["answers"]:
        item = checklist.item(table["item"])
        if item.kind is Kind.TRAFFIC_LIGHT:
            table["status"] = "green"
        else:
            table["value"] = {
                Kind.SCALE: 4,
                Kind.CHOICE: item.options[0].id if item.options else "",
                Kind.DATE: "2026-12-31",
                Kind.TEXT: "ok",
            }[item.kind]
    return tomlkit.dumps(doc)
