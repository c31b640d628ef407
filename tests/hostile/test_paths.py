"""Hostile ids and names never become paths outside ``.kundencheck/`` and the git directory.

Ids (checklist, phase, item, option) end up in file names and trailers, so validation rejects
``../x``, ``/etc/passwd``, ``a/b``, ``CON``, NUL and trailing dots with an error naming the file
and the key (tests/core/test_checklist.py has the unit cases; here a project's own checklist
and config go through the commands). Sprint labels and author names are free text: accepted,
and only ever used in a file name through the slug. The end-to-end check compares the whole
file tree around the repository before and after a full run / draft / commit / history cycle.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.session import RunSession, open_project
from tests.support.git import git
from tests.support.hostile import file_tree, toml_str

HOSTILE_IDS = ["../x", "/etc/passwd", "a/b", "CON", "con", "nul.en", "x\x00y", "abc.", "..", ".git", "a\\b", "com1"]


def invoke(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def evil_checklist(value: str) -> str:
    v = toml_str(value)
    return (
        f'format = 1\nid = {v}\ntitle = "t"\nphase = {v}\nlanguage = "en"\nversion = "1"\n\n'
        f'[[items]]\nid = {v}\nquestion = "q"\nwhy = "w"\nkind = "choice"\n'
        f'options = [{{ id = {v}, label = "a" }}, {{ id = "ok", label = "b" }}]\n\n'
        f'[[items]]\nid = "later"\nquestion = "q"\nwhy = "w"\nkind = "traffic-light"\n'
        f'when = {{ item = {v}, equals = "ok" }}\n'
    )


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=[repr(v) for v in HOSTILE_IDS])
def test_project_checklist_with_hostile_ids_is_rejected_naming_file_and_keys(project_repo, value):
    path = project_repo / ".kundencheck" / "checklists" / "evil.en.toml"
    path.write_text(evil_checklist(value))
    before = file_tree(project_repo.parent)
    result = invoke("-C", str(project_repo), "validate")
    assert result.exit_code == 1
    error = " ".join(result.stderr.split())
    assert "evil.en.toml" in error
    for where in ("top level, key 'id'", "top level, key 'phase'", "item 1, key 'id'"):
        assert where in error, error
    assert "not a safe id" in error
    # Running the phase by that name is refused before anything is opened or written.
    for args in (["run", value], ["answer", value, "--template"]):
        refused = invoke("-C", str(project_repo), *args)
        assert refused.exit_code == 2, refused.output
    assert file_tree(project_repo.parent) == before


@pytest.mark.parametrize("value", ["../x", "/etc/passwd", "a/b", "CON"])
def test_project_config_mapping_to_hostile_ids_is_rejected(project_repo, value):
    config = project_repo / ".kundencheck" / "config.toml"
    config.write_text(f'phase = "build"\n\n[checklists]\nbuild = {toml_str(value)}\n')
    result = invoke("-C", str(project_repo), "status")
    assert result.exit_code == 2
    error = " ".join(result.stderr.split())
    assert "config.toml, line 4, key 'checklists'" in error and "safe ids" in error


SPRINTS = ["../../../../tmp/kc-evil-sprint", "/etc/passwd", "a/b\\c", "CON", "nul.", "x\x00y", ".git/hooks/pre-commit"]
AUTHORS = [
    ("../../../../tmp/kc-evil-name", "../../../tmp/kc-evil@example.com"),
    ("CON", "/etc/passwd@x"),
    ("Jürgen Groß/..", ".git@x"),
]


def answer_all(session: RunSession, note: str) -> None:
    for item, value in (
        ("client-contacted", "red"),
        ("team-mood", 3),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", note),
    ):
        session.set_value(item, value)
    session.set_note("client-contacted", note)
    session.set_action("client-contacted", what=note, owner=note, due=None)
    session.set_action("client-contacted", due=__import__("datetime").date(2026, 12, 4))


def test_full_cycle_with_hostile_sprints_and_authors_writes_only_inside_kundencheck_and_git(project_repo, tmp_path):
    outside = tmp_path.parent  # the test's own temp folder and its siblings
    before = file_tree(tmp_path)
    kundencheck_dirs = (project_repo / ".kundencheck", project_repo / ".git")
    for n, ((name, email), sprint) in enumerate(zip(AUTHORS * 3, SPRINTS, strict=False)):
        git(project_repo, "config", "user.name", name)
        git(project_repo, "config", "user.email", email)
        project = open_project(project_repo)
        try:
            session = RunSession.start(project, "build", sprint=sprint)
            answer_all(session, f"Notiz {sprint}")
            if n % 2:  # every other run is left as a draft, then committed through the CLI
                session.release()
                drafts = invoke("-C", str(project_repo), "drafts")
                assert session.run.id in drafts.stdout
                committed = invoke("-C", str(project_repo), "drafts", "commit", session.run.id)
                assert committed.exit_code == 0, committed.output
            else:
                session.commit()
        finally:
            project.close()
    template = invoke("-C", str(project_repo), "answer", "build", "--template", "--sprint", SPRINTS[0]).stdout
    assert "kc-evil-sprint" in template
    filled = (
        f"schema = 1\nsprint = {toml_str(SPRINTS[1])}\n"
        '[[answers]]\nitem = "client-contacted"\nstatus = "green"\n'
        '[[answers]]\nitem = "team-mood"\nvalue = 4\n[[answers]]\nitem = "own-design"\nvalue = "no"\n'
        '[[answers]]\nitem = "expectations-match"\nstatus = "green"\n'
        '[[answers]]\nitem = "self-critical"\nvalue = "../../x"\n'
    )
    result = invoke("-C", str(project_repo), "answer", "build", "--from", "-", input=filled)
    assert result.exit_code == 0, result.output
    for args in (["status"], ["log"], ["report"], ["drafts"], ["report", "--format", "html"]):
        assert invoke("-C", str(project_repo), *args).exit_code == 0

    after = file_tree(tmp_path)
    new = sorted(after - before)
    stray = [p for p in new if not any((tmp_path / p).is_relative_to(d) for d in kundencheck_dirs)]
    assert not stray, f"written outside .kundencheck/ and .git/: {stray}"
    # Every committed path is an answers file named by the run id alone (time, phase, slug, hex).
    committed = git(project_repo, "log", "--format=", "--name-only", "--", ".kundencheck/answers").split()
    assert len(committed) == len(SPRINTS) + 1
    for path in committed:
        parts = path.split("/")
        assert parts[:2] == [".kundencheck", "answers"] and len(parts) == 4, path
        assert re.fullmatch(r"\d{8}T\d{6}Z-build-[a-z0-9-]{1,16}-[0-9a-f]{6}\.toml", parts[3]), path
    assert not list(Path("/tmp").glob("kc-evil*")) and not list(outside.glob("kc-evil*"))
    assert git(project_repo, "status", "--porcelain") == ""
