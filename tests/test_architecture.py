"""Layering rules: the core imports neither Textual nor GitPython; only the store talks to git, and
in the store only store/runner.py starts it; each part of kundencheck imports only the layers
below it (docs/architecture.md).

Checked twice: dynamically (importing the core in a fresh interpreter and looking at
``sys.modules``) and statically (every import statement, also those inside functions).

At the end, the rules the tests themselves keep (CONTRIBUTING.md, "How the tests are written"):
they start kundencheck as ``sys.executable -m kundencheck``; what they share besides fixtures is
in tests/support/, so no test module imports another or a conftest, and a conftest holds fixtures.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import SRC

CORE = SRC / "core"
STORE = SRC / "store"
FORBIDDEN_IN_CORE = ("textual", "git")


def imported_top_level_modules(source: str, filename: str = "<string>") -> set[str]:
    """The top-level package of every absolute import in ``source`` (``import git.repo`` -> ``git``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if p.is_file())


# ------------------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "code, module",
    [
        ("import textual", "textual"),
        ("import textual.app as app", "textual"),
        ("from textual.widgets import Static", "textual"),
        ("import git", "git"),
        ("from git import Repo", "git"),
        ("import os, git.repo", "git"),
        ("def f():\n    import git\n", "git"),
        ("try:\n    from textual import on\nexcept ImportError:\n    pass\n", "textual"),
        ("import importlib\nimportlib.import_module('git')", "git"),
        ("__import__('textual.app')", "textual"),
    ],
)
def test_checker_flags_forbidden_imports(code, module):
    assert module in imported_top_level_modules(textwrap.dedent(code))


@pytest.mark.parametrize(
    "code",
    [
        "import gitignore_parser",
        "from . import git",
        "from .git import x",
        "import kundencheck.store.git_store",
        "x = 'import git'",
        "# import textual",
    ],
)
def test_checker_does_not_flag_look_alikes(code):
    found = imported_top_level_modules(code)
    assert "git" not in found and "textual" not in found


# ------------------------------------------------------------------------- the rules


def test_core_exists():
    assert len(python_files(CORE)) >= 5


def test_importing_the_core_loads_neither_textual_nor_gitpython():
    script = textwrap.dedent(
        """
        import importlib, json, pkgutil, sys
        import kundencheck.core as core
        names = [m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + ".")]
        for name in names:
            importlib.import_module(name)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "git"))
        print(json.dumps({"modules": names, "loaded": loaded}))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    import json

    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {f"kundencheck.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"}
    assert expected <= set(report["modules"]), "pkgutil did not find every core module"
    assert report["loaded"] == [], f"importing kundencheck.core loaded {report['loaded']}"


def test_the_subprocess_check_can_fail():
    """The same probe reports a module that does load GitPython (so the test above can fail)."""
    script = "import sys, git\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'git')))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "'git'" in result.stdout


@pytest.mark.parametrize("path", python_files(CORE), ids=lambda p: p.name)
def test_no_core_file_imports_textual_or_git(path):
    found = imported_top_level_modules(path.read_text(encoding="utf-8"), str(path))
    assert not found & set(FORBIDDEN_IN_CORE), f"{path.relative_to(SRC.parent)} imports {sorted(found & set(FORBIDDEN_IN_CORE))}"


def test_only_the_store_imports_gitpython():
    offenders = []
    for path in python_files(SRC):
        if STORE in path.parents:
            continue
        if "git" in imported_top_level_modules(path.read_text(encoding="utf-8"), str(path)):
            offenders.append(str(path.relative_to(SRC.parent)))
    assert not offenders, f"only src/kundencheck/store/ may import GitPython; also imported by: {', '.join(offenders)}"


#: What each part of kundencheck may import of kundencheck itself: each layer only the layers
#: below it (docs/architecture.md, "The layers"). ``kundencheck`` alone is the package's
#: ``__init__`` (its version).
LAYERS: dict[str, set[str]] = {
    "core": {"kundencheck", "kundencheck.core"},
    "store": {"kundencheck.core", "kundencheck.store"},
    "startup.py": set(),
    "rich_texts.py": {"kundencheck.core"},
    "push_texts.py": {"kundencheck.core", "kundencheck.store"},
    "commit_texts.py": {"kundencheck.core", "kundencheck.store"},
    "fetch_texts.py": {"kundencheck.core", "kundencheck.store"},
    "demo.py": {"kundencheck.core", "kundencheck.store"},
    "session.py": {"kundencheck", "kundencheck.core", "kundencheck.store", "kundencheck.startup"},
    # The session layer of a portfolio: its projects fetched and opened (each through session.py).
    "portfolio_session.py": {
        "kundencheck",
        "kundencheck.core",
        "kundencheck.store",
        "kundencheck.startup",
        "kundencheck.session",
        "kundencheck.fetch_texts",
    },
    "tui": {
        "kundencheck",
        "kundencheck.core",
        "kundencheck.store",
        "kundencheck.startup",
        "kundencheck.session",
        "kundencheck.portfolio_session",
        "kundencheck.rich_texts",
        "kundencheck.push_texts",
        "kundencheck.commit_texts",
        "kundencheck.fetch_texts",
        "kundencheck.tui",
    },
}


def kundencheck_imports(source: str, filename: str = "<string>") -> set[str]:
    """The parts of kundencheck ``source`` imports, as ``kundencheck.<part>`` (``from kundencheck
    import startup`` -> ``kundencheck.startup``; ``from kundencheck import __version__`` ->
    ``kundencheck``), also inside functions and through ``importlib.import_module("...")``."""
    found: set[str] = set()

    def add(module: str) -> None:
        parts = module.split(".")
        if parts[0] == "kundencheck":
            found.add(".".join(parts[:2]))

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "kundencheck":
                for alias in node.names:
                    module = f"kundencheck.{alias.name}"
                    found.add(module if (SRC / alias.name).is_dir() or (SRC / f"{alias.name}.py").is_file() else "kundencheck")
            else:
                add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value)
    return found


@pytest.mark.parametrize(
    "code, parts",
    [
        ("from kundencheck.core.answers import Run", {"kundencheck.core"}),
        ("import kundencheck.store.git_store as gs", {"kundencheck.store"}),
        ("from kundencheck import startup, __version__", {"kundencheck.startup", "kundencheck"}),
        ("def f():\n    from kundencheck.tui.app import build_app\n", {"kundencheck.tui"}),
        ("import importlib\nimportlib.import_module('kundencheck.cli.setup')", {"kundencheck.cli"}),
        ("import kundencheckish\nfrom textual import on", set()),
    ],
)
def test_the_layer_checker_sees_every_import_of_kundencheck(code, parts):
    assert kundencheck_imports(code) == parts


def layer_of(path: Path) -> str | None:
    relative = path.relative_to(SRC)
    return relative.parts[0] if relative.parts[0] in LAYERS else None


@pytest.mark.parametrize("path", [p for p in python_files(SRC) if layer_of(p)], ids=lambda p: str(p.relative_to(SRC)))
def test_each_layer_imports_only_the_layers_below_it(path):
    allowed = LAYERS[layer_of(path)]
    imported = kundencheck_imports(path.read_text(encoding="utf-8"), str(path))
    assert imported <= allowed, f"{path.relative_to(SRC.parent)} imports {sorted(imported - allowed)}"


def test_only_the_command_line_imports_the_command_line():
    offenders = [
        str(path.relative_to(SRC.parent))
        for path in python_files(SRC)
        if path.relative_to(SRC).parts[0] not in ("cli", "__main__.py")
        and "kundencheck.cli" in kundencheck_imports(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == []


#: What starts a process: a call of one of these in a module outside store/runner.py runs a program.
PROCESS_STARTERS = {
    "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput", "getstatusoutput"},
    "os": {
        "system",
        "popen",
        "execv",
        "execve",
        "execvp",
        "execvpe",
        "execl",
        "execle",
        "execlp",
        "execlpe",
        "spawnv",
        "spawnve",
        "spawnvp",
        "spawnvpe",
        "spawnl",
        "spawnle",
        "spawnlp",
        "spawnlpe",
        "posix_spawn",
        "posix_spawnp",
        "fork",
        "forkpty",
    },
}


def process_starts(source: str, filename: str = "<string>") -> list[str]:
    """Every call in ``source`` that starts a process (``subprocess.run(...)``, ``os.system(...)``,
    ``Popen(...)`` imported from subprocess), as ``module.name``."""
    tree = ast.parse(source, filename)
    imported = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in PROCESS_STARTERS
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module, name = func.value.id, func.attr
        elif isinstance(func, ast.Name) and func.id in imported:
            module, name = imported[func.id]
        else:
            continue
        if name in PROCESS_STARTERS.get(module, ()):
            found.append(f"{module}.{name}")
    return found


def git_command_lines(source: str, filename: str = "<string>") -> list[int]:
    """Lines of ``source`` with a command line for git: a list or tuple of two or more that starts
    with "git" (a tuple of module names such as ``("git",)`` is not one)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, (ast.List, ast.Tuple))
        and len(node.elts) > 1
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value == "git"
    ]


@pytest.mark.parametrize(
    "code, found",
    [
        ("import subprocess\nsubprocess.run(['ls'])", "subprocess.run"),
        ("from subprocess import Popen\nPopen(x)", "subprocess.Popen"),
        ("import os\nos.system('git status')", "os.system"),
        ("def f():\n    import os\n    os.execvp('git', args)", "os.execvp"),
    ],
)
def test_the_process_checker_flags_a_process_start(code, found):
    assert process_starts(code) == [found]


def test_the_process_checker_does_not_flag_an_exception_or_a_constant():
    assert (
        process_starts("import subprocess\ntry:\n    pass\nexcept subprocess.SubprocessError:\n    pass\nx = subprocess.DEVNULL")
        == []
    )


def test_the_git_command_line_checker_flags_a_git_argv():
    assert git_command_lines("import subprocess\nsubprocess.run(['git', 'status'])") == [2]
    assert git_command_lines("args = ('git', 'log')") == [1]
    assert git_command_lines("x = ['gitk', 'git']") == []
    assert git_command_lines("modules = ('git',)") == []


def test_only_the_store_runs_git():
    """No module outside store/ holds a git command line; the TUI's editor (the user's $EDITOR)
    is the one other program kundencheck starts."""
    offenders = [
        f"{path.relative_to(SRC.parent)}:{line}"
        for path in python_files(SRC)
        if STORE not in path.parents
        for line in git_command_lines(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not offenders, f"only src/kundencheck/store/ runs git; a git command line in: {', '.join(offenders)}"
    starters = {
        str(path.relative_to(SRC))
        for path in python_files(SRC)
        if STORE not in path.parents and process_starts(path.read_text(encoding="utf-8"), str(path))
    }
    assert starters == {"tui/editor.py"}, f"modules outside the store that start a program: {sorted(starters)}"


def test_in_the_store_only_the_runner_starts_git():
    """store/runner.py runs every git process (directly, through GitPython's command wrapper or
    in a session of its own); the other parts of the store ask it."""
    starters = {path.name for path in python_files(STORE) if process_starts(path.read_text(encoding="utf-8"), str(path))}
    assert starters == {"runner.py"}, f"store modules that start a process themselves: {sorted(starters)}"
    gitpython = {
        path.name
        for path in python_files(STORE)
        if "git" in imported_top_level_modules(path.read_text(encoding="utf-8"), str(path))
    }
    assert gitpython == {"runner.py"}, f"store modules that import GitPython: {sorted(gitpython)}"


# ------------------------------------------------------------------------- a fast command line

#: Runs the console script's entry point with the arguments given (JSON in argv[1]), then prints,
#: as JSON, the expression put in for REPORT.
AFTER_COMMAND = textwrap.dedent(
    """
    import gc, json, sys
    from kundencheck.__main__ import main
    sys.argv = ["kundencheck", *json.loads(sys.argv[1])]
    try:
        main()
    except SystemExit:
        pass
    print(json.dumps(REPORT))
    """
)


def after_command(args: list[str], report: str, before: str = "") -> Any:
    """What ``report`` (a Python expression) is once the command line has run ``args``."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", before + AFTER_COMMAND.replace("REPORT", report), json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def cli_loads(args: list[str], before: str = "") -> list[str]:
    """Which of Textual and GitPython the command line loaded: `--version` and `--help` answer at
    once, without the TUI or git."""
    return after_command(args, 'sorted({m.split(".")[0] for m in sys.modules} & {"textual", "git"})', before)


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["--help"], ["run", "--help"], ["status", "--help"]])
def test_version_and_help_load_neither_textual_nor_gitpython(args):
    assert cli_loads(args) == []


def test_the_cli_probe_can_fail():
    """The probe sees Textual when something loads it (so the test above can fail)."""
    assert cli_loads(["--version"], before="import kundencheck.tui.app\n") == ["textual"]


# ------------------------------------------------------------------------- a quick first frame

#: Runs `kundencheck run`'s app headless on a project and prints, at its first drawn frame, the
#: screen drawn, how many screens are in the stack, how many input fields are mounted and which
#: of the modules the first frame must not wait for (kundencheck.startup.DEFERRED) were loaded by then.
FIRST_FRAME_PROBE = textwrap.dedent(
    """
    import gc, sys
    from textual.app import App
    from kundencheck.startup import DEFERRED
    WATCHED = [module for deferred in DEFERRED if deferred.after_first_frame for module in deferred.modules]
    draw = App._display
    def first_frame(self, screen, renderable):
        if renderable is not None and not getattr(self, "_probed", False):
            self._probed = True
            loaded = sorted(m for m in WATCHED if m in sys.modules)
            import json  # watched too: only now
            print(json.dumps([type(screen).__name__, len(self.screen_stack), len(screen.query("Input")), loaded,
                              gc.isenabled(), gc.get_freeze_count() > 0]), flush=True)
            self.call_later(self.exit)
        return draw(self, screen, renderable)
    App._display = first_frame
    run = App.run
    App.run = lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30))
    sys.argv = ["kundencheck", "-C", sys.argv[1], "run", "build"]
    from kundencheck.__main__ import main
    main()
    """
)


@pytest.mark.parametrize("user_config", ["", 'theme = "textual-light"\n[keys]\nnext-item = "ctrl+n,j,down"\n'])
def test_the_run_screens_first_frame_waits_for_no_home_screen_history_or_git(project_repo, user_config):
    """`kundencheck run` (started as the console script starts it) draws the run screen first,
    as the app's only screen and without its input fields (the note field comes just after),
    before the home screen (made on ``g``), the history model (read in a worker), the dialogs,
    GitPython, the other commands' modules or what only a commit needs are even imported:
    benchmarks/bench_startup.py measures that first frame. A user config that remaps keys
    changes none of that (its binding ids were once gathered by importing every screen)."""
    if user_config:
        path = Path(os.environ["XDG_CONFIG_HOME"]) / "kundencheck" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(user_config)
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(project_repo)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # The collector, paused for the start-up, runs again (over what is not frozen) once the app does.
    assert json.loads(result.stdout.strip().splitlines()[0]) == ["RunScreen", 1, 0, [], True, True]


@pytest.mark.parametrize(
    "args, collecting", [(["status"], True), (["log"], True), (["completion", "bash"], True), (["--version"], False)]
)
def test_the_collector_paused_for_the_start_up_runs_again_for_the_commands_work(project_repo, args, collecting):
    """The console script pauses the cyclic garbage collector while it starts up; every command
    resumes it when its work begins (the TUI once its app runs: the first-frame test above).
    `--version` does no work, so the collector stays paused: the probe can tell the two apart."""
    assert after_command(["-C", str(project_repo), *args], "gc.isenabled()") is collecting


def test_every_command_kept_in_a_module_of_its_own_is_found_by_its_name():
    """The main group imports those modules when a command of theirs is asked for (or listed
    by the help): each name must lead to the command of that name."""
    import click

    from kundencheck.cli import main

    ctx = click.Context(main)
    assert set(main.lazy_commands) <= set(main.list_commands(ctx))
    for name in main.lazy_commands:
        assert main.get_command(ctx, name).name == name


def frozen_dataclasses(source: str) -> list[str]:
    """The classes in ``source`` decorated ``@dataclass(frozen=True)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", None) == "dataclass"
                    and any(k.arg == "frozen" and getattr(k.value, "value", False) is True for k in decorator.keywords)
                ):
                    found.append(node.name)
    return found


def test_the_checker_of_the_record_convention_finds_a_frozen_dataclass():
    assert frozen_dataclasses("@dataclass(frozen=True)\nclass A:\n    x: int\n") == ["A"]
    assert frozen_dataclasses("@dataclass(slots=True)\nclass A:\n    x: int\n") == []


def test_small_immutable_records_are_named_tuples():
    """CONTRIBUTING.md, "The rules the code follows": a small immutable record is a NamedTuple,
    a record changed in place a dataclass. The checklist is the one frozen dataclass (it builds
    its item index when it is made)."""
    found = {
        f"{path.relative_to(SRC)}:{name}"
        for path in python_files(SRC)
        for name in frozen_dataclasses(path.read_text(encoding="utf-8"))
    }
    assert found == {"core/checklist.py:Checklist"}


# ------------------------------------------------------------------------- the tests' own rules

TESTS = Path(__file__).resolve().parent

#: The command of a shell command line is kundencheck: at the start of a line or after ; & | ( or
#: exec, perhaps quoted or by a path (``kundencheck check``, ``exec "/usr/bin/kundencheck" run``).
_SHELL_KUNDENCHECK = re.compile(r"""(?:^|[\n;&|(])\s*(?:exec\s+)?["']?(?:[^\s"';&|()]*/)?kundencheck["']?(?=[\s;&|)]|$)""")
#: Calls whose text argument is a command line or a script: a terminal's keys (tests/e2e's tmux),
#: a hook's or a script's body (write_hook, script, ...).
_TYPED_OR_SCRIPT = re.compile(r"^(type|send_keys)$|hook|script")


def _text_of(node: ast.AST | None, names: dict[str, ast.AST]) -> str | None:
    """The text of a string literal, an f-string (its fields as ``\\0``), a concatenation of them
    or a name bound to one in the same module; None for anything else."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "\0" for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text_of(node.left, names), _text_of(node.right, names)
        return None if left is None and right is None else (left or "\0") + (right or "\0")
    return None


def bare_kundencheck(source: str, filename: str = "<string>") -> list[int]:
    """Lines of ``source`` that start whatever ``kundencheck`` comes first on the PATH instead of
    ``sys.executable -m kundencheck``: a process started with an argument list that begins with
    it, a command line or script that runs it (given to a process, typed into a terminal,
    written as a hook or script), a script file written with it, or a look-up of it on the PATH."""
    tree = ast.parse(source, filename)
    names = {
        target.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        texts: list[ast.expr | None] = []
        if any(name in starters for starters in PROCESS_STARTERS.values()) or name.startswith("create_subprocess_"):
            command = node.args[0] if node.args else None
            command = names.get(command.id, command) if isinstance(command, ast.Name) else command
            if isinstance(command, (ast.List, ast.Tuple)):
                first = _text_of(command.elts[0], names) if command.elts else None
                if first is not None and first.strip("\"'").rsplit("/", 1)[-1] == "kundencheck":
                    found.append(node.lineno)
            else:
                texts = [command]
        elif _TYPED_OR_SCRIPT.search(name):
            texts = list(node.args)
        elif name == "which":
            if any(_text_of(arg, names) == "kundencheck" for arg in node.args):
                found.append(node.lineno)
        elif name in ("write_text", "write_bytes"):
            texts = [arg for arg in node.args[:1] if (_text_of(arg, names) or "").startswith("#!")]
        if any(_SHELL_KUNDENCHECK.search(_text_of(arg, names) or "") for arg in texts):
            found.append(node.lineno)
    return sorted(set(found))


@pytest.mark.parametrize(
    "code",
    [
        'subprocess.run(["kundencheck", "status"], check=True)',
        'subprocess.Popen(("/usr/local/bin/kundencheck", "-C", str(repo)))',
        'ARGV = ["kundencheck", "run"]\nsubprocess.run(ARGV, check=True)',
        'os.system("kundencheck check")',
        'subprocess.run(f"cd {repo} && kundencheck status", shell=True)',
        'tmux.type(f"kundencheck -C {repo}; echo EXIT=$?")',
        'write_hook(repo, "pre-push", "exec kundencheck check\\n")',
        'HOOK = "set -e\\nkundencheck check\\n"\nwrite_hook(repo, HOOK)',
        'hook.write_text("#!/bin/sh\\n" + "kundencheck check \\"$@\\"\\n")',
        "hook.write_text(f\"#!/bin/sh\\ncd {repo}\\n'kundencheck' check\\n\")",
        'where = shutil.which("kundencheck")',
    ],
)
def test_the_bare_kundencheck_checker_flags_a_command_from_the_path(code):
    assert bare_kundencheck(code) != []


@pytest.mark.parametrize(
    "code",
    [
        'subprocess.run([sys.executable, "-m", "kundencheck", "status"], check=True)',
        'tmux.type(f"{sys.executable} -m kundencheck -C {repo}; echo EXIT=$?")',
        "GATE_HOOK = f'exec \"{sys.executable}\" -m kundencheck check\\n'\nwrite_hook(repo, GATE_HOOK)",
        'assert "kundencheck check: failed, 1 error." in out',
        'assert hook["entry"] == "kundencheck check"',
        'path = repo / ".git" / "kundencheck" / "drafts"',
        'CliRunner().invoke(main, [], prog_name="kundencheck")',
        'subprocess.run(["git", "commit", "-m", "kundencheck check"], check=True)',
        'assert config.branch == ("team/kundencheck", True)',
        'monkeypatch.setattr("sys.argv", ["kundencheck", "--version"])',
    ],
)
def test_the_bare_kundencheck_checker_lets_the_module_and_mere_words_pass(code):
    assert bare_kundencheck(code) == []


def test_the_tests_start_kundencheck_as_sys_executable_m_kundencheck():
    """A test that starts kundencheck as a process runs ``sys.executable -m kundencheck``: the
    kundencheck of this checkout and this Python, never whatever ``kundencheck`` comes first on
    the PATH (another version, another checkout's editable install, none at all).

    The one exception is not in the tests: the pre-commit tests (tests/cli/test_precommit_hook.py)
    have pre-commit install this checkout into a virtual environment of its own and run the
    hook's entry ``kundencheck check`` from .pre-commit-hooks.yaml there, as it runs for a
    team; that entry point, installed from this checkout, is what those tests test."""
    offenders = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in python_files(TESTS)
        for line in bare_kundencheck(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == []


def _test_folders() -> set[str]:
    """What the tests' own modules can be imported as: ``tests`` and, as pytest puts tests/ on the
    path, each of its folders (``core``) and modules (``conftest``, ``test_docs``); not support."""
    names = {path.stem for path in TESTS.iterdir() if path.suffix == ".py" or (path.is_dir() and path.name != "__pycache__")}
    return (names | {"tests"}) - {"support"}


def imports_of_test_modules(source: str, path: Path) -> list[str]:
    """The modules of the tests that ``source`` (the file at ``path``, below tests/) imports
    besides tests/support/: a test module or a conftest, by its full name (``tests.core.test_x``),
    a relative one (``.conftest``) or the name pytest's path makes work (``conftest``, ``core.test_x``)."""
    package = path.relative_to(TESTS.parent).parent.parts
    found = []
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            names = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["tests", "support"]:
                continue
            if parts[0] in _test_folders():
                found.append(name)
    return found


@pytest.mark.parametrize(
    "code, where, found",
    [
        ("from tests.core.test_history import run", "core/test_gate.py", ["tests.core.test_history"]),
        ("from tests.conftest import git", "cli/test_cli.py", ["tests.conftest"]),
        ("from .conftest import git", "store/test_push.py", ["tests.store.conftest"]),
        ("from . import test_push", "store/test_x.py", ["tests.store.test_push"]),
        ("from ..hostile.conftest import flat", "tui/test_x.py", ["tests.hostile.conftest"]),
        ("from conftest import git", "test_x.py", ["conftest"]),
        ("from core.test_history import run", "test_x.py", ["core.test_history"]),
        ("def f():\n    import tests.e2e.test_tmux", "cli/test_x.py", ["tests.e2e.test_tmux"]),
        ("from tests.support.git import git\nfrom tests.support import runs", "cli/test_x.py", []),
        ("from kundencheck.core import history\nimport pytest", "core/test_x.py", []),
    ],
)
def test_the_test_import_checker_finds_imports_of_other_test_modules(code, where, found):
    assert imports_of_test_modules(code, TESTS / where) == found


def test_no_test_module_imports_another_or_a_conftest():
    """What the tests share besides fixtures lives in tests/support/ (its docstring lists it): a
    test module imports nothing from another test module or a conftest, and nor does support."""
    offenders = [
        f"{path.relative_to(TESTS)}: {name}"
        for path in python_files(TESTS)
        for name in imports_of_test_modules(path.read_text(encoding="utf-8"), path)
    ]
    assert offenders == []


def not_fixtures(source: str) -> list[str]:
    """What a conftest module holds at its top besides imports, its docstring, fixtures, pytest's
    hooks (``pytest_*``) and plain calls (``os.environ.setdefault(...)``)."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr)):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            fixture = any("fixture" in ast.unparse(decorator).split("(")[0].split(".")[-1] for decorator in node.decorator_list)
            if fixture or node.name.startswith("pytest_"):
                continue
            found.append(node.name)
        else:
            found.append(f"line {node.lineno}: {ast.unparse(node).splitlines()[0]}")
    return found


def test_the_conftest_checker_finds_what_is_not_a_fixture():
    source = (
        '"""Doc."""\nimport os\n@pytest.fixture\ndef repo(): ...\ndef git(): ...\nDATA = 1\nos.environ.setdefault("A", "b")\n'
    )
    assert not_fixtures(source) == ["git", "line 6: DATA = 1"]
    assert not_fixtures("@pytest.fixture(autouse=True)\ndef a(): ...\ndef pytest_configure(config): ...\n") == []


def test_conftest_modules_hold_only_fixtures():
    offenders = {
        str(path.relative_to(TESTS)): not_fixtures(path.read_text(encoding="utf-8")) for path in TESTS.rglob("conftest.py")
    }
    assert {path: found for path, found in offenders.items() if found} == {}
