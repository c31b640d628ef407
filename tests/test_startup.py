"""The start-up work (kundencheck/startup.py): the garbage collector the console script pauses
runs again for every command's work, and every command is checked, the lazily registered ones
and the subcommands of groups included, so a new command cannot be forgotten.

Each command runs in this process through click's test runner, from the moment the console
script would pause the collector (``startup.pause_collector``, as ``kundencheck.__main__`` does)
to its end; a hook on the collector counts the collections made while it was enabled. With the
threshold at one object, an enabled collector collects at once, so even a short command's work
makes some; a paused one makes none. A command that opens the terminal UI runs it headless and
ends it at its first frame. ``tests/test_architecture.py`` checks the same through the real
console script in a subprocess for a few commands."""

from __future__ import annotations

import gc
import importlib.util
import tempfile

import click
import pytest
from click.testing import CliRunner

from kundencheck import startup
from kundencheck.cli import main
from tests.support.history import build_history


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """The path of every command that does work: leaf commands, and groups that do something of
    their own when called without a subcommand (`kundencheck drafts` lists the drafts)."""
    if not isinstance(command, click.Group):
        return {path}
    ctx = click.Context(command)
    found = {path} if path and command.invoke_without_command else set()
    for name in command.list_commands(ctx):
        found |= command_paths(command.get_command(ctx, name), (*path, name))
    return found


#: Every command, by its path, with the arguments of each way it runs (those that open the
#: terminal UI and those that do not). {run} and {answers_file} are filled in from the history.
COMMANDS: dict[tuple[str, ...], list[list[str]]] = {
    ("run",): [["run", "build"], []],  # `kundencheck` alone runs `run`
    ("home",): [["home"]],
    ("demo",): [["demo"], ["demo", "--no-run"]],
    ("answer",): [["answer", "--template"], ["answer", "--from", "{answers_file}"]],
    ("meeting",): [["meeting"], ["meeting", "--from", "{answers_file}"]],
    ("amend",): [
        ["amend", "{run}"],
        ["amend", "{run}", "--template"],
        ["amend", "{run}", "--from", "{answers_file}", "--note", "typo"],
    ],
    ("status",): [["status"], ["status", "--json"]],
    ("log",): [["log"]],
    ("report",): [["report", "--format", "json"]],
    ("actions",): [["actions"]],
    ("check",): [["check"]],
    ("push",): [["push"]],  # no upstream: refused, and said so
    ("drafts",): [["drafts"]],
    ("drafts", "list"): [["drafts", "list"]],
    ("drafts", "commit"): [["drafts", "commit", "nosuchdraft"]],  # said: there is none
    ("drafts", "discard"): [["drafts", "discard", "nosuchdraft"]],
    ("init",): [["init", "--project", "Shop", "--language", "en", "--phase", "build"]],
    ("phase",): [["phase"]],
    ("config",): [["config", "--show-paths"]],
    ("completion",): [["completion", "bash"]],
    ("validate",): [["validate"]],
    ("checklist", "add-item"): [
        [
            "checklist",
            "add-item",
            "build",
            "--id",
            "staging-shown",
            "--question",
            "Did we show the staging site?",
            "--why",
            "Seeing it early helps.",
        ]
    ],
    # The portfolio's commands run in a portfolio (one is made in the folder for all but init).
    ("portfolio",): [["portfolio"]],
    ("portfolio", "init"): [["portfolio", "init"]],
    ("portfolio", "add"): [["portfolio", "add", "shop", "git@git.example.com:clients/shop.git"]],
    ("portfolio", "fetch"): [["portfolio", "fetch"]],
    ("portfolio", "status"): [["portfolio", "status"]],
    ("portfolio", "report"): [["portfolio", "report", "--format", "html"]],
    ("portfolio", "check"): [["portfolio", "check"]],
    ("mirror", "invite"): [["mirror", "invite"]],  # no agency name in the config: refused, and said so
    ("mirror", "import"): [["mirror", "import", "{answers_file}"]],  # no block in it: refused
    ("mirror", "status"): [["mirror", "status"]],
    ("mirror", "page"): [["mirror", "page", "build-nosuch12"]],  # said: there is none
}


#: The ways of running that open the terminal UI (the others must not), and the app each opens.
OPEN_THE_TUI = [["run", "build"], [], ["home"], ["demo"], ["amend", "{run}"], ["portfolio"], ["meeting"]]
APPS = {"portfolio": "PortfolioApp"}


def test_the_table_holds_every_command():
    """Every command the main group knows, the lazily registered ones loaded: a new command
    must be added to COMMANDS, so the test below runs it too."""
    assert command_paths(main) == set(COMMANDS)


@pytest.fixture
def first_frames(monkeypatch) -> list[str]:
    """The terminal UI runs headless and exits once it has drawn its first frame; the names of
    the apps that drew one are listed."""
    from textual.app import App

    display, run = App._display, App.run
    drawn = []

    def first_frame(self, screen, renderable):
        if renderable is not None and not getattr(self, "_first_frame_drawn", False):
            self._first_frame_drawn = True
            drawn.append(type(self).__name__)
            self.call_later(self.exit)
        return display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", first_frame)
    monkeypatch.setattr(App, "run", lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30)))
    return drawn


def collections_during(args: list[str]):
    """(collections made while the collector was enabled, the result) of the command line
    ``args``, started with the collector paused as the console script pauses it."""
    made = []

    def count(phase, info):
        if phase == "start" and gc.isenabled():  # not an explicit gc.collect() while paused
            made.append(info["generation"])

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.callbacks.append(count)
    startup.pause_collector()
    gc.set_threshold(1)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
        gc.unfreeze()  # the TUI froze this whole process (startup.app_starts)
        if enabled:
            gc.enable()
    return len(made), result


CASES = [args for variants in COMMANDS.values() for args in variants]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(args) or "(none)" for args in CASES])
def test_the_collector_runs_during_every_commands_work(project_repo, tmp_path, monkeypatch, first_frames, args):
    """Paused by the console script for the start-up, the collector runs again once the
    command's work begins, or, for the terminal UI, once the app runs (kundencheck.startup)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the demo's repository
    run = build_history(project_repo)["runs"]["jonas3"]
    answers_file = tmp_path / "answers.toml"
    answers_file.write_text((project_repo / run.path).read_text(encoding="utf-8"), encoding="utf-8")
    filled = [arg.format(run=run.id, answers_file=answers_file) for arg in args]
    if args[:1] == ["portfolio"] and args[1:2] != ["init"]:
        from kundencheck.core.portfolio import init_text

        (project_repo / "portfolio.toml").write_text(init_text())
    count, result = collections_during(["-C", str(project_repo), *filled])
    shown = " ".join(filled)
    assert result.exit_code in (0, 1), f"kundencheck {shown} exited {result.exit_code}: {result.output}"
    app = APPS.get(args[0], "KundencheckApp") if args else "KundencheckApp"
    assert first_frames == ([app] if args in OPEN_THE_TUI else [])
    assert count > 0, f"the collector never ran during `kundencheck {shown}`"


def test_the_probe_sees_a_collector_left_paused(project_repo):
    """`--version` does no work, so the collector stays paused: the probe can tell."""
    count, result = collections_during(["-C", str(project_repo), "--version"])
    assert (count, result.exit_code) == (0, 0)


def test_every_deferred_module_exists():
    """A misspelt name in startup.DEFERRED would pass the first-frame test unseen."""
    missing = [name for deferred in startup.DEFERRED for name in deferred.modules if importlib.util.find_spec(name) is None]
    assert missing == []


def test_the_console_script_pauses_the_collector(monkeypatch):
    """``kundencheck.__main__.main``, the console script, pauses the collector as it starts."""
    import kundencheck.__main__ as console_script

    calls = []
    monkeypatch.setattr(startup, "pause_collector", lambda: calls.append("paused"))
    monkeypatch.setattr("sys.argv", ["kundencheck", "--version"])
    with pytest.raises(SystemExit):
        console_script.main()
    assert calls == ["paused"]
