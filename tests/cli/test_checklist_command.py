"""`kundencheck checklist add-item`: a team's own question, added without copying the shipped
checklist, checked, committed; and what `validate` says about extensions and languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.cli import setup as cli_setup
from kundencheck.core.catalog import load_catalog, shipped_dir
from kundencheck.core.checklist import load_checklist
from tests.support.git import git

FILE = ".kundencheck/checklists/build.en.toml"
STAGING = [
    "--id",
    "staging-shown",
    "--question",
    "Did we show the client the staging site?",
    "--why",
    "Seeing it early turns surprises into feedback.",
]


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False)


def test_add_item_writes_an_extension_checks_and_commits_it(repo):
    (repo / "README.md").write_text("# staged work\n")
    git(repo, "add", "README.md")
    result = invoke(repo, "checklist", "add-item", "build", *STAGING, "--after", "client-contacted")
    assert result.exit_code == 0, result.output
    # One commit with only the extension file; the user's staged work stays staged.
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [FILE]
    assert git(repo, "log", "-1", "--format=%s").strip() == "kundencheck: add item staging-shown to the build checklist (en)"
    assert git(repo, "diff", "--cached", "--name-only").split() == ["README.md"]
    data = tomllib.loads((repo / FILE).read_text())
    assert (data["format"], data["extends"], data["language"]) == (1, "build", "en")
    assert data["items"] == [
        {
            "id": "staging-shown",
            "after": "client-contacted",
            "question": "Did we show the client the staging site?",
            "why": "Seeing it early turns surprises into feedback.",
            "kind": "traffic-light",
            "note_when": ["amber", "red"],
            "action_when": ["red"],
        }
    ]
    assert "[[items]]" in (repo / FILE).read_text() and "build" not in data.get("title", "")
    # The run asks it second; every shipped question is there, as shipped.
    checklist = load_catalog(repo).find("build", "en")
    shipped = load_checklist(shipped_dir() / "build.en.toml")
    assert [i.id for i in checklist.items] == [shipped.items[0].id, "staging-shown", *[i.id for i in shipped.items[1:]]]
    output = " ".join(result.output.split())
    assert "now asks 13 questions; staging-shown is question 2" in output
    assert "The shipped questions stay inherited" in output
    assert (
        "The de checklist does not ask staging-shown yet" in output
        and "kundencheck checklist add-item build --language de --id staging-shown --kind traffic-light" in output
    )
    # A second one goes into the same file, at the end.
    result = invoke(
        repo,
        "checklist",
        "add-item",
        "build",
        "--id",
        "hosting",
        "--kind",
        "choice",
        "--option",
        "ours=Ours",
        "--option",
        "theirs=Theirs",
        "--question",
        "Who hosts it?",
        "--why",
        "Late hosting delays the launch.",
        "--note-when",
        "theirs",
        "--optional",
        "--title",
        "Hosting",
    )
    assert result.exit_code == 0, result.output
    items = tomllib.loads((repo / FILE).read_text())["items"]
    assert [i["id"] for i in items] == ["staging-shown", "hosting"]
    assert items[1]["options"] == [{"id": "ours", "label": "Ours"}, {"id": "theirs", "label": "Theirs"}]
    assert items[1]["note_when"] == ["theirs"] and items[1]["required"] is False and "action_when" not in items[1]
    assert items[1]["title"] == "Hosting" and "title" not in items[0]
    assert load_catalog(repo).find("build", "en").items[-1].id == "hosting"
    assert invoke(repo, "validate", str(repo / FILE)).exit_code == 0


def test_a_wrong_item_is_refused_and_nothing_is_written(repo):
    head = git(repo, "rev-parse", "HEAD")
    for args, needle in (
        (["--id", "client-contacted", "--question", "Q?", "--why", "W."], "item 'client-contacted', key 'id': duplicate id"),
        ([*STAGING, "--after", "nope"], "key 'after': 'nope' is not an item of the build checklist"),
        (["--id", "Bad Id", "--question", "Q?", "--why", "W."], "is not a safe id"),
        ([*STAGING, "--kind", "scale"], "key 'low': required"),
        ([*STAGING, "--kind", "choice", "--option", "only=Only"], "needs at least two options"),
        ([*STAGING, "--option", "a=A"], "--option is for choice items"),
        ([*STAGING, "--kind", "choice", "--option", "nolabel"], "write it as ID=Label"),
    ):
        result = invoke(repo, "checklist", "add-item", "build", *args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert needle in " ".join(result.output.split()), (needle, result.output)
        assert "Traceback" not in result.output
    assert not (repo / FILE).exists() and git(repo, "rev-parse", "HEAD") == head


def test_without_a_terminal_the_missing_flags_are_named(repo):
    result = invoke(repo, "checklist", "add-item", "build", "--id", "x")
    assert result.exit_code == 2
    assert "give --question, --why" in result.output


def test_add_item_asks_in_a_terminal_in_the_projects_language(repo, monkeypatch):
    monkeypatch.setattr(cli_setup, "_stdin_is_tty", lambda: True)
    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('language = "de"\n')
    answers = (
        "\n".join(
            [
                "staging-gezeigt",
                "Haben wir dem Kunden Staging gezeigt?",
                "Früh gesehen wird aus Überraschung Feedback.",
                "scale",
                "Staging gezeigt",
                "Gar nicht",
                "Jede Woche",
                "team-mood",
            ]
        )
        + "\n"
    )
    result = invoke(repo, "checklist", "add-item", "build", input=answers)
    assert result.exit_code == 0, result.output
    for german in (
        "Id der neuen Frage",
        "Die Frage",
        "Warum sie gestellt wird",
        "Art (",
        "Ein kurzer Titel",
        "Beschriftung von 1",
        "Nach welcher Frage?",
        "committet",
    ):
        assert german in result.output, (german, result.output)
    item = tomllib.loads((repo / ".kundencheck/checklists/build.de.toml").read_text())["items"][0]
    assert (item["kind"], item["title"], item["low"], item["high"], item["after"]) == (
        "scale",
        "Staging gezeigt",
        "Gar nicht",
        "Jede Woche",
        "team-mood",
    )
    ids = [i.id for i in load_catalog(repo).find("build", "de").items]
    assert ids[ids.index("team-mood") + 1] == "staging-gezeigt"


def test_a_project_with_its_own_copy_gets_the_question_in_its_copy(repo):
    own = repo / FILE
    own.parent.mkdir(parents=True)
    shipped = load_checklist(shipped_dir() / "build.en.toml")
    own.write_text((shipped_dir() / "build.en.toml").read_text().replace(f'version = "{shipped.version}"', 'version = "ours-3"'))
    result = invoke(repo, "checklist", "add-item", "build", *STAGING)
    assert result.exit_code == 0, result.output
    checklist = load_catalog(repo).find("build", "en")
    assert checklist.version == "ours-3" and checklist.items[-1].id == "staging-shown" and not checklist.extends
    assert "extends" not in tomllib.loads(own.read_text())
    assert (
        invoke(
            repo, "checklist", "add-item", "build", "--id", "y", "--question", "Q?", "--why", "W.", "--after", "client-contacted"
        ).exit_code
        == 2
    )  # after needs an extension


def test_add_item_follows_the_config_mapping_of_phase_to_checklist(repo):
    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('[checklists]\nbuild = "design"\n')
    result = invoke(repo, "checklist", "add-item", "build", *STAGING)
    assert result.exit_code == 0, result.output
    assert (repo / ".kundencheck/checklists/design.en.toml").exists()
    assert "design" in git(repo, "log", "-1", "--format=%s")


def test_validate_reads_extensions_and_warns_where_languages_differ(repo):
    assert invoke(repo, "checklist", "add-item", "build", *STAGING).exit_code == 0
    result = invoke(repo, "validate")
    assert result.exit_code == 0, result.output  # a warning does not fail the check
    output = " ".join(result.output.split())
    shipped = load_checklist(shipped_dir() / "build.en.toml").version
    assert f"{repo / FILE}: build (en, version {shipped}+team, 13 items: the shipped build checklist and 1 of your own)" in output
    assert "⚠ The de and en versions of the build checklist differ: staging-shown is only in en (not in de)." in output
    assert output.endswith("11 valid, 0 invalid, 1 warning")
    # Only the file: compared with the German one the project uses.
    alone = " ".join(invoke(repo, "validate", str(repo / FILE)).output.split())
    assert "staging-shown is only in en (not in de)" in alone and alone.endswith("1 valid, 0 invalid, 1 warning")
    # Once German asks it too, the languages agree.
    german = ["--id", "staging-shown", "--question", "Haben wir Staging gezeigt?", "--why", "Früh gesehen.", "--language", "de"]
    assert invoke(repo, "checklist", "add-item", "build", *german).exit_code == 0
    assert "⚠" not in invoke(repo, "validate").output
    # A kind that differs is named too.
    de = repo / ".kundencheck/checklists/build.de.toml"
    de.write_text(
        de.read_text()
        .replace('kind = "traffic-light"', 'kind = "date"')
        .replace('note_when = ["amber", "red"]\naction_when = ["red"]\n', "")
    )
    output = " ".join(invoke(repo, "validate").output.split())
    assert "staging-shown is a date item in de but traffic-light in en" in output


def test_validate_names_a_broken_extension(repo):
    folder = repo / ".kundencheck/checklists"
    folder.mkdir(parents=True)
    (folder / "build.en.toml").write_text(
        'format = 1\nextends = "build"\nlanguage = "en"\n\n[[items]]\nid = "x"\n'
        'after = "nope"\nquestion = "Q?"\nwhy = "W."\nkind = "traffic-light"\n'
    )
    result = invoke(repo, "validate")
    assert result.exit_code == 1
    assert "item 'x', key 'after': 'nope' is not an item of the build checklist" in " ".join(result.output.split())
