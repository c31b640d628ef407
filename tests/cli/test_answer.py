"""`kundencheck answer`: the fill-in template, and a filled-in file committed like the TUI would."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.core.checklist import load_checklist
from kundencheck.core.errors import AnswersError
from kundencheck.core.message import TRAILER_KEYS
from tests.support.git import git
from tests.support.history import build_history
from tests.support.paths import DATA
from tests.support.template import COMPLETE, fill, template

CHECKLIST = load_checklist(DATA / "sprint.en.toml")


def invoke(repo: Path, *args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False)


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


# ------------------------------------------------------------------------------ template


def test_template_parses_and_lists_every_item_with_kind_and_options(project_repo):
    text = template(project_repo, "--sprint", "2026-S24")
    data = tomllib.loads(text)
    assert data["schema"] == 1
    assert (data["checklist"], data["phase"], data["language"], data["sprint"]) == ("build", "build", "en", "2026-S24")
    assert [a["item"] for a in data["answers"]] == [item.id for item in CHECKLIST.items]
    for entry, item in zip(data["answers"], CHECKLIST.items, strict=True):
        assert entry["kind"] == str(item.kind)
        key = "status" if item.kind == "traffic-light" else "value"
        assert entry[key] == "" and ("value" if key == "status" else "status") not in entry
        if item.kind == "choice":
            assert entry["options"] == ["yes", "no"]
        else:
            assert "options" not in entry
        # The question and the why are comments right above the answer.
        assert f"# {item.question}\n# Why: {item.why}\n" in text
    assert "Only asked when own-design is yes" in text


def test_template_sprint_defaults_to_the_iso_week(project_repo):
    data = tomllib.loads(template(project_repo))
    assert data["sprint"] == answers_mod.sprint_label(dt.date.today())


def test_template_and_from_need_exactly_one_of_them(project_repo):
    assert invoke(project_repo, "answer", "build").exit_code == 2
    both = invoke(project_repo, "answer", "build", "--template", "--from", "x.toml")
    assert both.exit_code == 2 and "either --template" in both.output


def test_help_has_examples():
    result = CliRunner().invoke(main, ["answer", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "--template" in result.output


# ------------------------------------------------------------------------------ round trip


def test_filled_template_round_trip_commits_one_file_like_the_tui(project_repo, tmp_path):
    filled = tmp_path / "answers.toml"
    filled.write_text(fill(template(project_repo, "--sprint", "2026-S24"), COMPLETE))
    before = commits(project_repo)
    result = invoke(project_repo, "answer", "build", "--from", str(filled))
    assert result.exit_code == 0, result.output
    assert "Committed" in result.output
    assert commits(project_repo) == before + 1

    subject = git(project_repo, "log", "-1", "--format=%s").strip()
    # The mood of 4/5 counts; "Talked to the client" is a key signal, and red.
    assert subject == "kundencheck(build): 2 green, 1 amber, 1 red; Talked to the client no"
    body = git(project_repo, "log", "-1", "--format=%B")
    trailers = git(project_repo, "log", "-1", "--format=%(trailers:only,unfold)").strip().splitlines()
    assert [t.split(":")[0] for t in trailers] == list(TRAILER_KEYS)
    assert "Kundencheck-Score: 5/8" in trailers and "Kundencheck-Checklist: build@test-1" in trailers
    assert "Sprint 2026-S24, answered by Erika Mustermann <erika@example.com>." in body
    assert "Action (Ana, due 2026-12-04): Call" in body

    files = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].startswith(".kundencheck/answers/")
    run = answers_file.loads((project_repo / files[0]).read_bytes())
    assert run.answer("team-mood").value == 4
    assert run.answer("next-review").value == dt.date(2026, 12, 10)
    assert run.answer("client-contacted").action.due == dt.date(2026, 12, 4)
    assert run.sprint == "2026-S24" and run.author == "Erika Mustermann <erika@example.com>"
    # The same file the TUI writes: dumps() of the committed run gives it back byte for byte.
    assert answers_mod.dumps(run, CHECKLIST) == (project_repo / files[0]).read_text()
    # Nothing is left behind: no draft, no lock, a clean work tree.
    assert not list((project_repo / ".git" / "kundencheck" / "drafts").glob("*"))
    assert git(project_repo, "status", "--porcelain") == ""


def test_from_stdin_and_phase_from_the_file(project_repo):
    text = fill(template(project_repo), {**COMPLETE, "own-design": {"value": "no"}, "deviations-announced": {}})
    result = invoke(project_repo, "answer", "--from", "-", input=text)
    assert result.exit_code == 0, result.output
    assert (
        git(project_repo, "log", "-1", "--format=%s").strip()
        == "kundencheck(build): 2 green, 0 amber, 1 red; Talked to the client no"
    )


def test_unanswered_optional_items_and_empty_notes_are_left_out(project_repo):
    text = fill(template(project_repo), {**COMPLETE, "next-review": {}})
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert result.exit_code == 0, result.output
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    data = tomllib.loads((project_repo / path).read_text())
    items = [a["item"] for a in data["answers"]]
    assert "next-review" not in items and len(items) == 6
    assert "note" not in data["answers"][items.index("team-mood")]


# ------------------------------------------------------------------------------ invalid files


def assert_refused(project_repo, result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "nothing was committed" in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    assert "Traceback" not in result.output


def test_invalid_answers_are_all_named_and_nothing_is_committed(project_repo):
    before = commits(project_repo)
    bad = {
        **COMPLETE,
        "client-contacted": {"status": "blue"},
        "team-mood": {"value": 9},
        "expectations-match": {"status": "red"},  # needs a note
        "self-critical": {"value": ""},  # required, unanswered
        "own-design": {"value": ""},  # required, unanswered
        "deviations-announced": {},
    }
    text = fill(template(project_repo), bad) + '\n[[answers]]\nitem = "budget-ok"\nstatus = "green"\n'
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert_refused(
        project_repo,
        result,
        "item 'client-contacted': status 'blue' is not one of green, amber, red, na.",
        "item 'team-mood': value 9 is not a whole number from 1 to 5.",
        "item 'budget-ok': not in the build checklist",
    )
    assert commits(project_repo) == before
    assert not (project_repo / ".git" / "kundencheck" / "drafts").exists() or not list(
        (project_repo / ".git" / "kundencheck" / "drafts").glob("*.toml")
    )


def test_missing_required_items_are_listed_together_and_red_needs_note_and_action(project_repo):
    before = commits(project_repo)
    bad = {**COMPLETE, "client-contacted": {"status": "red"}, "self-critical": {}, "expectations-match": {}}
    result = invoke(project_repo, "answer", "build", "--from", "-", input=fill(template(project_repo), bad))
    assert_refused(
        project_repo,
        result,
        "item 'client-contacted': the answer 'no' needs a note saying why.",
        "item 'client-contacted': the answer 'no' needs an action with what, owner and due date.",
        "required items not answered: expectations-match, self-critical.",
    )
    assert commits(project_repo) == before


def test_answer_to_an_item_that_is_not_asked_is_refused(project_repo):
    bad = {**COMPLETE, "own-design": {"value": "no"}}  # deviations-announced is only asked for "yes"
    result = invoke(project_repo, "answer", "build", "--from", "-", input=fill(template(project_repo), bad))
    assert_refused(
        project_repo, result, "item 'deviations-announced': answered, but it is only asked when 'own-design' is 'yes'."
    )


def test_wrong_checklist_unknown_keys_and_syntax_errors(project_repo, tmp_path):
    text = fill(template(project_repo), COMPLETE)
    wrong = text.replace('checklist = "build"', 'checklist = "kickoff"').replace(
        'note = "Two not yet"', 'note = "Two not yet"\ncolour = "x"'
    )
    result = invoke(project_repo, "answer", "build", "--from", "-", input=wrong)
    assert_refused(
        project_repo, result, "top level: 'checklist' is 'kickoff'", "item 'deviations-announced': unknown key 'colour'"
    )

    broken = tmp_path / "broken.toml"
    broken.write_text('schema = 1\nsprint = "x\n')
    result = invoke(project_repo, "answer", "build", "--from", str(broken))
    assert result.exit_code == 1 and f"{broken}: line 2, column" in result.output

    missing = invoke(project_repo, "answer", "build", "--from", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 1 and "cannot be read" in missing.output


def test_detached_head_is_refused_unless_allowed(project_repo):
    git(project_repo, "checkout", "-q", "--detach")
    text = fill(template(project_repo), COMPLETE)
    refused = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert refused.exit_code == 1 and "detached" in refused.output
    result = invoke(project_repo, "answer", "build", "--allow-detached", "--from", "-", input=text)
    assert result.exit_code == 0, result.output
    assert git(project_repo, "log", "-1", "--format=%s").startswith("kundencheck(build)")


# ------------------------------------------------------------------------------ action reviews


def test_from_takes_reviews_of_earlier_actions(project_repo):

    runs = build_history(project_repo)["runs"]
    text = fill(template(project_repo), COMPLETE) + (
        f'\n[[reviews]]\nrun = "{runs["ana2"].id}"\nitem = "client-contacted"\ndecision = "done"\n'
        f'\n[[reviews]]\nrun = "{runs["ana3"].id}"\nitem = "team-mood"\ndecision = "dropped"\nnote = "Fine again"\n'
        f'\n[[reviews]]\nrun = "{runs["ana1"].id}"\nitem = "team-mood"\ndecision = "open"\n'
    )
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert result.exit_code == 0, result.output
    # ana1 raised no action on team-mood: said, and recorded anyway.
    assert f"review of 'team-mood' from run {runs['ana1'].id}: there is no open action" in result.output
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    run = answers_file.loads((project_repo / path).read_bytes())
    assert [(r.item, r.decision, r.note) for r in run.reviews] == [
        ("client-contacted", "done", ""),
        ("team-mood", "dropped", "Fine again"),
        ("team-mood", "open", ""),
    ]
    body = git(project_repo, "log", "-1", "--format=%B")
    assert "Actions reviewed:" in body and "    Action: Book a review" in body and "    Note: Fine again" in body


def test_broken_reviews_are_all_named(project_repo):
    run_id = "20260302T080000Z-build-ana-abcdef"
    text = fill(template(project_repo), COMPLETE) + (
        f'\n[[reviews]]\nrun = "{run_id}"\nitem = "client-contacted"\ndecision = "maybe"\n'
        f'\n[[reviews]]\nrun = "{run_id}"\nitem = "team-mood"\ndecision = "dropped"\n'
        f'\n[[reviews]]\nrun = "{run_id}"\nitem = "own-design"\ndecision = "done"\nwhy = "x"\n'
    )
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert_refused(
        project_repo,
        result,
        "review 1 (item 'client-contacted'): key 'decision' must be one of done, open, dropped",
        "review 3: unknown key 'why'",
        "2 problems",
    )
    dropped = (
        fill(template(project_repo), COMPLETE) + f'\n[[reviews]]\nrun = "{run_id}"\nitem = "team-mood"\ndecision = "dropped"\n'
    )
    result = invoke(project_repo, "answer", "build", "--from", "-", input=dropped)
    assert_refused(project_repo, result, f"review of the action on 'team-mood' from run {run_id}: a dropped action needs a note")
    result = invoke(
        project_repo, "answer", "build", "--from", "-", input='reviews = "all done"\n' + fill(template(project_repo), COMPLETE)
    )
    assert_refused(project_repo, result, "key 'reviews' must be an array of [[reviews]] tables.")


def test_template_lists_the_open_threads_as_empty_reviews_and_from_takes_them(history_repo):
    repo, runs = history_repo["path"], history_repo["runs"]
    from kundencheck.core.history import thread_id

    text = template(repo)
    data = tomllib.loads(text)
    book, talk, send = (
        thread_id(runs["ana2"].id, "client-contacted"),
        thread_id(runs["ana3"].id, "team-mood"),
        thread_id(runs["ana3"].id, "client-contacted"),
    )
    # Every open thread of the phase, the most overdue first, undecided.
    assert [(r["run"], r["item"], r["decision"], r["note"]) for r in data["reviews"]] == [
        (runs["ana2"].id, "client-contacted", "", ""),
        (runs["ana3"].id, "team-mood", "", ""),
        (runs["ana3"].id, "client-contacted", "", ""),
    ]
    assert f"# Action {book} on client-contacted: Book a review\n# Owner Ana, due 2026-03-20, ⚠ overdue by" in text
    assert f"# Action {talk} on team-mood: Talk about workload\n# Owner Lea, due 2026-04-03" in text
    assert f"# Action {send} on client-contacted: Send the summary\n# Owner Ana, due 2026-04-30" in text
    assert "# raised 2026-03-16 by Ana Schäfer" in text
    # The item with open threads says what an action there does.
    assert "An action here joins the open action" in text
    # Left empty, the reviews decide nothing: the file commits, the threads stay open.
    filled = fill(text, COMPLETE)
    result = invoke(repo, "answer", "build", "--from", "-", input=filled)
    assert result.exit_code == 0, result.output
    assert answers_file.loads(git(repo, "show", "HEAD:" + _last_path(repo)).encode()).reviews == []
    # The new action on client-contacted joined the newest open thread of the item, and said so.
    assert f"the action on 'client-contacted' joins the open action {send} (Send the summary, Ana)" in result.output
    # Decided: the decisions are committed.
    doc = _with_decisions(template(repo), {talk: ("dropped", "Mood is fine"), book: ("done", "")})
    result = invoke(repo, "answer", "build", "--from", "-", input=fill(doc, COMPLETE | {"client-contacted": {"status": "green"}}))
    assert result.exit_code == 0, result.output
    committed = answers_file.loads(git(repo, "show", "HEAD:" + _last_path(repo)).encode())
    assert [(r.run, r.item, r.decision, r.note) for r in committed.reviews] == [
        (runs["ana2"].id, "client-contacted", "done", ""),
        (runs["ana3"].id, "team-mood", "dropped", "Mood is fine"),
    ]
    # As of today: the runs just committed are today's (as of 2026-04-10 they would be from the future).
    status = invoke(repo, "actions", "--format", "json")
    assert [a["id"] for a in __import__("json").loads(status.output)["actions"]] == [send]


def test_an_empty_decision_with_a_note_is_a_problem_and_separate_must_be_a_boolean(history_repo):
    repo = history_repo["path"]
    import tomlkit

    doc = tomlkit.parse(fill(template(repo), COMPLETE))
    doc["reviews"][0]["note"] = "forgot the decision"
    doc["answers"][0]["action"]["separate"] = "yes"
    result = invoke(repo, "answer", "build", "--from", "-", input=tomlkit.dumps(doc))
    assert_refused(
        repo,
        result,
        "review 1: has a note but no decision",
        "item 'client-contacted': the action's 'separate' must be true or false",
    )


def test_separate_true_makes_a_new_thread_from_a_file(history_repo):
    repo = history_repo["path"]
    answers = COMPLETE | {
        "client-contacted": {
            "status": "red",
            "note": "x",
            "action": {"what": "New", "owner": "Jo", "due": dt.date(2026, 12, 4), "separate": True},
        }
    }
    result = invoke(repo, "answer", "build", "--from", "-", input=fill(template(repo), answers))
    assert result.exit_code == 0, result.output
    assert "joins the open action" not in result.output
    assert "separate = true" in git(repo, "show", "HEAD:" + _last_path(repo))
    listed = __import__("json").loads(invoke(repo, "actions", "--format", "json").output)
    assert "New" in [a["what"] for a in listed["actions"]] and len(listed["actions"]) == 4


def _last_path(repo: Path) -> str:
    return git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]


def _with_decisions(text: str, decisions: dict[str, tuple[str, str]]) -> str:
    """The template with the reviews of the given thread ids decided, as a person would."""
    import tomlkit

    from kundencheck.core.history import thread_id

    doc = tomlkit.parse(text)
    for table in doc["reviews"]:
        decided = decisions.get(thread_id(table["run"], table["item"]))
        if decided:
            table["decision"], table["note"] = decided
    return tomlkit.dumps(doc)


def test_dates_in_quotes_as_people_type_them(project_repo):
    """A date answer and an action's due date may be written as typed in the TUI: "31.12.",
    "+7", "fr", "31.12.2026"; they are read as of the run's day and committed as dates."""
    today = dt.date.today()
    typed = {
        **COMPLETE,
        "client-contacted": {**COMPLETE["client-contacted"], "action": {"what": "Call", "owner": "Ana", "due": "+7"}},
        "next-review": {"value": "freitag"},
    }
    result = invoke(project_repo, "answer", "build", "--from", "-", input=fill(template(project_repo), typed))
    assert result.exit_code == 0, result.output
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    run = answers_file.loads((project_repo / path).read_bytes())
    started = run.started.date()  # the run's day, which "+7" and "freitag" count from
    assert started in (today, today + dt.timedelta(days=1))
    assert run.answer("client-contacted").action.due == started + dt.timedelta(days=7)
    friday = run.answer("next-review").value
    assert friday.weekday() == 4 and 1 <= (friday - started).days <= 7
    body = git(project_repo, "log", "-1", "--format=%B")
    assert f"due {started + dt.timedelta(days=7)}" in body


def test_a_date_that_is_none_says_how_to_write_one(project_repo):
    bad = {
        **COMPLETE,
        "client-contacted": {**COMPLETE["client-contacted"], "action": {"what": "Call", "owner": "Ana", "due": "soon"}},
        "next-review": {"value": "31.13."},
    }
    result = invoke(project_repo, "answer", "build", "--from", "-", input=fill(template(project_repo), bad))
    assert_refused(
        project_repo,
        result,
        "item 'next-review': value '31.13.' is not a date: write 2026-12-31, or in quotes as you would type it",
        "item 'client-contacted': the action's 'due' must be a date: 2026-12-31, or in quotes as you would type it",
    )


def test_a_filled_in_file_gets_the_verdict_of_the_one_reader(project_repo):
    """`answer --from` asks the reader the history uses (core/answers_file.py): what kundencheck
    fills in itself (id, author, started, finished) may be left out, but where a file has it, it
    is read by the rule of a committed file (it was ignored before, whatever it held); an
    answer with both status and value is refused everywhere."""
    from kundencheck.core.answers_file import Form, parse_filled, read_filled
    from kundencheck.session import open_project

    before = commits(project_repo)
    text = fill(template(project_repo), COMPLETE)
    broken = {
        "started": text.replace("schema = 1\n", "schema = 1\nstarted = 0001-01-01T00:00:00+23:59\n", 1),
        "id": text.replace("schema = 1\n", 'schema = 1\nid = "../../x"\n', 1),
        "author": re.sub(r"(?m)^author = .*$", "author = 5", text, count=1),  # the template's own author line
        "finished": text.replace("schema = 1\n", "schema = 1\nfinished = 2026-12-01\n", 1),
        "status": text.replace('status = "green"\n', 'status = "green"\nvalue = "green"\n', 1),
    }
    project = open_project(project_repo)
    try:
        form = Form(project.checklist_for("build"), project.store.identity(), "build")
    finally:
        project.close()
    for key, filled in broken.items():
        with pytest.raises(AnswersError) as core:
            read_filled(parse_filled(filled.encode(), "<stdin>"), "<stdin>", form)
        assert f"'{key}'" in core.value.problems[0]
        result = invoke(project_repo, "answer", "build", "--from", "-", input=filled)
        assert_refused(project_repo, result, core.value.problems[0])
    assert commits(project_repo) == before
