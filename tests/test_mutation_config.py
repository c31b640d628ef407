"""scripts/mutation.py's configuration is valid: the mutation run itself is too slow for the suite
(CONTRIBUTING.md, "Mutation score"), so this checks, quickly, that what it would mutate and run
exists and that mutmut reads the settings the script writes the way the script means them."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def mutmut_function_names(relpath: str) -> set[str]:
    """The names mutmut gives the functions and methods of a source file (without the
    ``__mutmut_N`` of each mutant): ``module.x_function`` and ``module.xǁClassǁmethod``."""
    module = relpath.removeprefix("src/").removesuffix(".py").replace("/", ".")
    tree = ast.parse((ROOT / relpath).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(f"{module}.x_{node.name}")
        elif isinstance(node, ast.ClassDef):
            names.update(
                f"{module}.xǁ{node.name}ǁ{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
    return names


def test_every_core_module_is_mutated(mutation):
    targets = mutation.targets()
    on_disk = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src/kundencheck/core").glob("*.py") if p.name != "__init__.py")
    assert sorted(targets["core"].files) == on_disk
    assert [t.name for t in mutation.select([])] == ["core", "store.commit"]
    assert mutation.select(["core.gate"])[0].files == ("src/kundencheck/core/gate.py",)
    with pytest.raises(SystemExit):
        mutation.select(["core.nothing"])


def core_modules_imported(path: Path) -> set[str]:
    """The core modules a test file imports (``kundencheck.core.gate`` -> ``gate``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name.split(".")[2] for name in names if name.startswith("kundencheck.core.") and name.count(".") >= 2)
    return found


def test_every_core_module_is_imported_by_a_test_the_core_target_runs(mutation):
    """A core module no test of the core target imports has mutants that no test runs (they count
    as "no tests" against the score, as the portfolio's were before tests/core had tests of them)."""
    target = mutation.targets()["core"]
    files = []
    for name in target.tests:
        path = ROOT / name
        files += sorted(path.rglob("test_*.py")) if path.is_dir() else [path]
    skipped = {ROOT / name for name in target.skip}
    imported = set().union(*(core_modules_imported(path) for path in files if path not in skipped))
    assert sorted({Path(f).stem for f in target.files} - imported) == []
    assert core_modules_imported(ROOT / "tests/core/test_portfolio_health.py") >= {"portfolio_health"}


def test_every_target_names_files_and_tests_that_exist(mutation):
    for target in mutation.targets().values():
        assert target.files and target.tests, target.name
        for path in (*target.files, *target.tests, *target.skip):
            assert (ROOT / path).exists(), f"{target.name}: {path} does not exist"
    for name in mutation.ALSO_COPY:
        assert (ROOT / name).exists(), name
    store_tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests/store").glob("test_*.py"))
    for name in mutation.CHILD_PYTHONS:
        assert f"def {name}(" in store_tests, f"{name} is no store test (renamed?)"


def test_the_store_target_is_the_commit_path(mutation):
    target = mutation.targets()["store.commit"]
    assert target.files == (
        "src/kundencheck/store/committing.py",
        "src/kundencheck/store/atomic.py",
        "src/kundencheck/store/index_lock.py",
    )
    names = mutmut_function_names(target.files[0])
    for name in ("commit_file", "_swap_loop", "_build_tree", "_recover"):
        assert f"kundencheck.store.committing.xǁCommitterǁ{name}" in names
    assert "kundencheck.store.committing.x__check_relpath" in names


def test_mutmut_reads_the_settings_the_script_writes(mutation, tmp_path, monkeypatch):
    from mutmut.configuration import _load_config

    target = mutation.targets()["core.gate"]
    folder = tmp_path / "run"
    mutation.prepare(target, folder)
    monkeypatch.chdir(folder)
    config = _load_config()
    assert config.source_paths == [Path("src/kundencheck")]
    assert config.should_mutate("src/kundencheck/core/gate.py")
    assert not config.should_mutate("src/kundencheck/core/answers.py")
    assert config.pytest_add_cli_args_test_selection == [
        "tests/core",
        "tests/report/test_report_model.py",
        "tests/report/test_answers_csv.py",
        "--ignore=tests/core/test_properties.py",
    ]
    assert config.pytest_add_cli_args == ["-p", "no:unraisableexception"]
    assert config.process_isolation == "forkserver"
    mutation.prepare(target, folder, resume=True, isolation="fork")
    assert _load_config().process_isolation == "fork"
    assert {Path("checklists"), Path("docs"), Path("README.md"), Path("tests/")} <= set(config.also_copy)
    for path in ("src/kundencheck/core/gate.py", "tests/core", "tests/report/test_answers_csv.py", "checklists", "docs"):
        assert (folder / path).exists()
    assert not list(folder.rglob("__pycache__"))
    # the tests' own pytest settings (markers, asyncio) come along
    assert "asyncio_mode" in (folder / "pyproject.toml").read_text(encoding="utf-8")


def test_the_score_counts_what_mutmut_recorded(mutation, tmp_path):
    target = mutation.targets()["store.commit"]
    meta = tmp_path / "mutants" / "src/kundencheck/store/committing.py.meta"
    meta.parent.mkdir(parents=True)
    method = "kundencheck.store.committing.xǁCommitterǁ_swap_loop__mutmut_{}"
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": {
                    method.format(1): 1,
                    method.format(2): 0,
                    method.format(3): 33,
                    method.format(4): 36,
                    method.format(5): 255,  # the fork server could not run the tests: not killed
                    "kundencheck.store.committing.x__check_relpath__mutmut_1": None,
                }
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "mutants" / "src/kundencheck/store/atomic.py.meta").write_text("", encoding="utf-8")  # half-written
    scores = mutation.read_results(target, tmp_path)
    score = scores["src/kundencheck/store/committing.py"]
    assert (score.killed, score.total, score.count("not checked")) == (2, 6, 1)
    assert score.not_killed == [
        ("kundencheck.store.committing.x__check_relpath__mutmut_1", "not checked"),
        (method.format(2), "survived"),
        (method.format(3), "no tests"),
        (method.format(5), "timeout"),
    ]
    assert round(score.percent, 1) == 33.3 and scores["src/kundencheck/store/atomic.py"].total == 0
    only = mutation.read_results(target, tmp_path, ("*_swap_loop__*",))["src/kundencheck/store/committing.py"]
    assert only.total == 5
    assert mutation._codes_of(target, tmp_path, mutation.RUN_AGAIN_IN_FORK) == [method.format(5)]


def test_resume_keeps_the_results_and_brings_the_copy_up_to_date(mutation, tmp_path):
    target = mutation.targets()["core.bands"]
    folder = tmp_path / "run"
    mutation.prepare(target, folder)
    meta = folder / "mutants" / "src/kundencheck/core/bands.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"a": 1, "b": 0, "c": 33}}), encoding="utf-8")
    (folder / "tests" / "core" / "test_bands.py").write_text("# stale\n", encoding="utf-8")
    mutation.prepare(target, folder, resume=True)
    assert json.loads(meta.read_text(encoding="utf-8")) == {"exit_code_by_key": {"a": 1, "b": 0, "c": 33}}
    assert (folder / "tests" / "core" / "test_bands.py").read_text(encoding="utf-8") != "# stale\n"
    mutation.prepare(target, folder)  # without resume: a fresh start
    assert not meta.exists()


def test_resume_removes_what_is_gone_from_the_checkout(mutation, tmp_path, monkeypatch):
    """A test file deleted from the checkout must not run on in the copy (nor in mutmut's own
    copy of the tests in mutants/); mutmut's results of files still there stay."""
    checkout = tmp_path / "checkout"
    for name in ("src", "tests", *mutation.ALSO_COPY):
        if name.endswith(".md"):
            (checkout / name).write_text("# the README\n", encoding="utf-8")
        else:
            (checkout / name).mkdir(parents=True)
    (checkout / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (checkout / "src" / "kundencheck" / "core").mkdir(parents=True)
    (checkout / "src" / "kundencheck" / "core" / "bands.py").write_text("X = 1\n", encoding="utf-8")
    (checkout / "tests" / "core").mkdir()
    for name in ("test_bands.py", "test_gone.py"):
        (checkout / "tests" / "core" / name).write_text("def test_x():\n    pass\n", encoding="utf-8")
    monkeypatch.setattr(mutation, "ROOT", checkout)
    target = mutation.targets()["core.bands"]
    folder = tmp_path / "run"
    mutation.prepare(target, folder)
    mutants = folder / "mutants"
    (mutants / "tests" / "core").mkdir(parents=True)
    (mutants / "tests" / "core" / "test_gone.py").write_text("# mutmut's copy\n", encoding="utf-8")
    meta = mutants / "src" / "kundencheck" / "core" / "bands.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"a": 1}}), encoding="utf-8")
    (mutants / "src" / "kundencheck" / "core" / "bands.py").write_text("X = 2\n", encoding="utf-8")
    (mutants / "src" / "kundencheck" / "core" / "bands.py.spans").write_text("{}", encoding="utf-8")
    assert (folder / "tests" / "core" / "test_gone.py").exists()
    assert (folder / "README.md").read_text(encoding="utf-8") == "# the README\n"  # a file, copied as one
    (checkout / "tests" / "core" / "test_gone.py").unlink()
    mutation.prepare(target, folder, resume=True)
    assert not (folder / "tests" / "core" / "test_gone.py").exists()
    assert not (mutants / "tests" / "core" / "test_gone.py").exists()
    assert (folder / "tests" / "core" / "test_bands.py").exists()
    assert meta.exists() and meta.with_suffix(".spans").exists()
    assert (mutants / "src" / "kundencheck" / "core" / "bands.py").exists()


def test_only_narrows_what_counts(mutation):
    target = mutation.targets()["store.commit"]
    swap = "kundencheck.store.committing.xǁCommitterǁ_swap_loop__mutmut_1"
    assert mutation.counted(swap, target) and mutation.counted(swap, target, ("*_swap_loop*",))
    assert not mutation.counted(swap, target, ("*_check_relpath*",))
    assert mutation.counted("anything", mutation.targets()["core"])
