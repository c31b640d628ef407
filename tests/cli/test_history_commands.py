"""`kundencheck status`, `log` and `report` on a real repository: three sprints, two people,
actions opened, closed, dropped and carried on, and a disagreement in the latest sprint."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.history import thread_id
from tests.support.git import git

# The repository with history is built in tests/support/history.py (fixture ``history_repo`` in
# tests/cli/conftest.py), shared with the gate's tests.


def invoke(repo: Path, *args: str, env: dict | None = None):
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(repo), *args], catch_exceptions=False, env={"COLUMNS": "220", **(env or {})})
    return result


TODAY = ("--today", "2026-04-10")


def test_the_answers_file_carries_the_reviews(history_repo):
    ana2 = history_repo["runs"]["ana2"]
    shown = git(history_repo["path"], "show", f"HEAD~2:{ana2.path}")
    assert "[[reviews]]" in shown and 'decision = "dropped"' in shown and "Mood recovered" in shown


def test_status_json(history_repo):
    runs = history_repo["runs"]
    result = invoke(history_repo["path"], "status", "--json", *TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == 1 and data["today"] == "2026-04-10" and data["current_phase"] == "build"
    assert data["check_due"] is False and data["runs"] == 5 and data["problems"] == []
    [build] = data["phases"]
    last = build["last_run"]
    assert last["id"] == runs["jonas3"].id and last["author"] == "Jonas Berg <jonas@example.com>"
    assert last["counts"] == {"green": 2, "amber": 0, "red": 1, "na": 0}  # the mood of 5/5 counts
    assert last["trend"] == {"better": 2, "same": 0, "worse": 1, "new": 0}
    assert last["items"]["expectations-match"] == {"value": "red", "trend": "worse"}
    assert build["current_sprint"] == "2026-W14"
    assert [d["item"] for d in build["disagreements"]] == ["client-contacted", "team-mood"]
    assert build["disagreements"][1]["spread"] == 4
    assert {(a["author"], a["value"]) for a in build["disagreements"][0]["answers"]} == {
        ("Ana Schäfer <ana@example.com>", "red"),
        ("Jonas Berg <jonas@example.com>", "green"),
    }
    assert build["streaks"] == [
        {"item": "client-contacted", "checklist": "build", "band": "red", "length": 3, "since": "2026-W10"}
    ]
    assert build["due"] == {
        "is_due": False,
        "cadence_days": 14,
        "last_checked": "2026-03-30",
        "due_on": "2026-04-13",
        "days_since": 11,
        "days_overdue": 0,
    }
    actions = {(a["item"], a["what"]): a for a in data["open_actions"]}
    assert set(actions) == {
        ("client-contacted", "Book a review"),
        ("client-contacted", "Send the summary"),
        ("team-mood", "Talk about workload"),
    }
    carried = actions[("client-contacted", "Book a review")]
    assert carried["overdue"] and carried["days_overdue"] == 21 and carried["run"] == runs["ana2"].id
    assert [(r["decision"], r["note"]) for r in carried["reviews"]] == [("open", "Client on holiday")]
    assert not actions[("client-contacted", "Send the summary")]["overdue"]
    assert actions[("team-mood", "Talk about workload")]["days_overdue"] == 7
    assert build["open_actions"] == 3 and build["overdue_actions"] == 2 and data["overdue_actions"] == 2


def _table_column(output: str, header: str) -> list[str]:
    """The cells of the column whose header starts with ``header`` in a Rich box table, each
    cell's lines joined by spaces; the header first."""
    blocks: list[list[str]] = [[]]
    column: int | None = None
    for line in output.splitlines():
        if line[:1] in "┡├└":
            blocks.append([])
            continue
        if line[:1] not in "┃│":
            continue
        cells = [c.strip() for c in line[1:-1].replace("┃", "│").split("│")]
        if column is None:  # the first header line names the column ("" is the labels' column)
            column = next(i for i, c in enumerate(cells) if (c and c.startswith(header)) or (not header and i == 0))
        blocks[-1].append(cells)
    assert column is not None, output  # the table has a header
    return [" ".join(row[column] for row in block if row[column]) for block in blocks if block]


def test_status_table(history_repo):
    result = invoke(history_repo["path"], "status", *TODAY)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "kundencheck status of Shop | relaunch on 2026-04-10" in out
    build = _table_column(out, "build")
    assert build[0] == "build (current)"
    assert build[1:] == [
        "2026-03-30 sprint 2026-W14 Jonas Berg +1",
        "✔ 2 green ◐ 0 amber ✘ 1 red – 0 n/a",
        "↑ 2 better → 0 same ↓ 1 worse",
        "3 open ⚠ 2 overdue",
        "⚠ 2: client-contacted team-mood",
        "none",
        "✘ 9 errors next check 2026-04-13",
    ]
    assert _table_column(out, "")[1:] == ["Last run", "Answers", "Trend", "Actions", "Disagreements", "Tone", "Check"]
    runs = history_repo["runs"]
    book, talk = thread_id(runs["ana2"].id, "client-contacted"), thread_id(runs["ana3"].id, "team-mood")
    send = thread_id(runs["ana3"].id, "client-contacted")
    # Per phase, the most overdue first, each thread on one line with its id.
    assert (
        "Actions of build: 3 open, ⚠ 2 overdue\n"
        f"  ⚠ {book} Book a review (Ana, due 2026-03-20, 21 days overdue) · client-contacted\n"
        f"  ⚠ {talk} Talk about workload (Lea, due 2026-04-03, 7 days overdue) · team-mood\n"
        f"    {send} Send the summary (Ana, due 2026-04-30) · client-contacted\n"
    ) in out
    assert "⚠ client-contacted: Ana Schäfer ✘ no, Jonas Berg ✔ yes" in out
    assert "⚠ team-mood: Ana Schäfer ✘ 1/5, Jonas Berg ✔ 5/5" in out
    assert "build/client-contacted: red for 3 sprints in a row (since 2026-W10)" in out
    assert "The build check is due" not in out


def test_due_check_and_the_ci_gate(history_repo):
    repo = history_repo["path"]
    later = invoke(repo, "status", "--today", "2026-04-20")
    assert later.exit_code == 0 and "✘ 10 errors due since 2026-04-13" in " ".join(_table_column(later.output, "build"))
    assert "Check findings for build:" in later.output
    assert "✘ error check due (due): The build check is due: it was last done on 2026-03-30, 21 days ago" in " ".join(
        later.output.split()
    )
    assert invoke(repo, "status", "--check", "--today", "2026-04-20").exit_code == 1
    assert invoke(repo, "status", "--check", *TODAY).exit_code == 1  # overdue actions
    assert invoke(repo, "status", "--check", "--today", "2026-03-31").exit_code == 1  # "Book a review" is overdue
    (repo / ".kundencheck" / "config.toml").write_text('phase = "build"\ncadence_days = 7\n')
    data = json.loads(invoke(repo, "status", "--json", *TODAY).output)
    assert data["check_due"] is True and data["phases"][0]["due"]["days_overdue"] == 4
    (repo / ".kundencheck" / "config.toml").write_text('phase = "acceptance"\n')
    data = json.loads(invoke(repo, "status", "--json", *TODAY).output)
    assert [p["phase"] for p in data["phases"]] == ["build", "acceptance"]
    assert data["check_due"] is True and data["phases"][1]["last_run"] is None


def test_log_lists_runs_with_their_commits(history_repo):
    repo = history_repo["path"]
    result = invoke(repo, "log")
    assert result.exit_code == 0, result.output
    shas = git(repo, "log", "--format=%h", "--abbrev=10", "-5").split()
    rows = [line for line in result.output.splitlines() if "2026-W" in line]
    assert len(rows) == 5
    assert [re.search(r"\b[0-9a-f]{10}\b", row).group(0) for row in rows] == shas  # newest first
    assert "Jonas Berg" in rows[0] and "0 new" in rows[0] and "2026-03-30" in rows[0]
    assert "1 new, 2 reviewed" in rows[2] and "✔2 ◐0 ✘1 –0" in rows[0] and "↑2 →0 ↓1" in rows[0]
    assert "✔ yes  ◐ partly  ✘ no  – n/a" in result.output  # the legend of those symbols
    jonas = invoke(repo, "log", "--author", "JONAS").output
    assert sum("2026-W" in line for line in jonas.splitlines()) == 2 and "Ana" not in jonas
    assert "No runs matching phase kickoff" in invoke(repo, "log", "--phase", "kickoff").output
    assert sum("2026-W" in line for line in invoke(repo, "log", "-n", "2").output.splitlines()) == 2


def test_log_item_strip(history_repo):
    repo = history_repo["path"]
    result = invoke(repo, "log", "--item", "client-contacted")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "client-contacted (build): Did we speak with the client during the last sprint?"
    assert lines[1].split("oldest")[0].replace(" ", "") == "✘!✘✘!"
    out = result.output
    assert "2026-W14 │ ✘ no ⚠ disagree" in out and "3 in a row" in out and "↑ better" not in out
    assert "Ana Schäfer: ✘ no: # Client on holiday <b>really</b>" in out
    assert "Jonas Berg: ✔ yes" in out
    jonas = invoke(repo, "log", "--item", "client-contacted", "--author", "jonas").output.splitlines()
    assert jonas[1].split("oldest")[0].replace(" ", "") == "✔·✔"
    mood = invoke(repo, "log", "--item", "team-mood").output
    assert "◐ 3/5" in mood and "↑ better" in mood


def test_log_of_an_unknown_item_says_which_items_exist(history_repo):
    result = invoke(history_repo["path"], "log", "--item", "nope")
    assert result.exit_code == 2
    assert "No answers to item 'nope'. Items with answers: client-contacted, expectations-match" in result.output


def test_report_markdown(history_repo):
    result = invoke(history_repo["path"], "report", *TODAY)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# kundencheck report: sprint 2026-W14\n")
    assert "Project: Shop \\| relaunch, client: Kunde GmbH, as of 2026-04-10." in text
    assert "| item | 2026-W10 | 2026-W12 | 2026-W14 |" in text
    # Items by their short title, the id small beside it (the id alone when there is no title).
    assert "| **Talked to the client** `client-contacted` | ✘ no ⚠ | ✘ no → | ✘ no → ⚠ |" in text
    assert "| **expectations-match** | ✔ yes | ◐ partly ↓ | ✘ no ↓ |" in text
    assert "Ana Schäfer: ✘ no: \\# Client on holiday &lt;b&gt;really&lt;/b&gt;" in text
    assert "Scope \\| money" in text and "<b>" not in text
    assert "Book a review (Ana, due 2026-03-20) **⚠ overdue by 21 days**" in text
    assert "red for 3 sprints in a row" in text
    assert "- open: Client on holiday: Book a review" in text


def test_report_json_of_an_earlier_sprint(history_repo):
    result = invoke(history_repo["path"], "report", "--sprint", "2026-W12", "--format", "json", *TODAY)
    data = json.loads(result.output)
    assert data["sprint"] == "2026-W12" and data["checklists"][0]["matrix"]["sprints"] == ["2026-W10", "2026-W12"]
    assert sorted((a["item"], a["decision"], a["decision_note"]) for a in data["actions"]["reviewed"]) == [
        ("client-contacted", "done", ""),
        ("team-mood", "dropped", "Mood recovered after the workshop"),
    ]
    assert [a["what"] for a in data["actions"]["raised"]] == ["Book a review"]
    missing = invoke(history_repo["path"], "report", "--sprint", "2026-W99")
    assert missing.exit_code == 2 and "Sprints with runs: 2026-W10, 2026-W12, 2026-W14" in missing.output


def test_report_html_to_a_file(history_repo, tmp_path):
    target = tmp_path / "sprint.html"
    result = invoke(history_repo["path"], "report", "-o", str(target), "--sprints", "2", *TODAY)
    assert result.exit_code == 0, result.output
    assert "Wrote the html report of sprint 2026-W14" in result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert not re.search(r"https?://|<link|src=|@import|url\(", page)  # self-contained: nothing to fetch
    assert re.search(r'<th scope="col">2026-W12</th><th scope="col">2026-W14</th></tr>', page)
    assert "2026-W10</th>" not in page  # --sprints 2
    cell = re.search(r'<tr data-item="client-contacted">.*?</tr>', page, re.DOTALL).group(0)
    assert cell.count('data-band="red"') == 2 and "title=" in cell and "Client on holiday &lt;b&gt;" in cell
    assert "&lt;b&gt;really&lt;/b&gt;" in page and "<b>really" not in page


def test_help_has_examples():
    for command in ("status", "log", "report"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, command


def test_no_color_keeps_symbols_and_drops_colours(history_repo):
    coloured = invoke(history_repo["path"], "status", *TODAY, env={"FORCE_COLOR": "1"}).output
    plain = invoke(history_repo["path"], "status", *TODAY, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).output
    assert "\x1b[32m" in coloured and "\x1b[32m" not in plain and "\x1b[31m" not in plain.replace("\x1b[1;31m", "")
    assert "✘ 1" in plain and "✔ 2" in plain


def test_commands_outside_a_repository_fail_cleanly(tmp_path):
    result = invoke(tmp_path, "status")
    assert result.exit_code != 0 and "not inside a git repository" in result.output and "Traceback" not in result.output


def test_log_into_a_pipe_uses_the_width_it_needs(history_repo):
    """A pipe has no width; Rich assumed 80 columns and cut dates, sprints and commit ids short
    (``2026-0…``). Without $COLUMNS, every cell is printed whole, one run a line."""
    repo = history_repo["path"]
    result = invoke(repo, "log", env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    rows = [line for line in result.output.splitlines() if "2026-W" in line]
    assert len(rows) == 5 and all(re.search(r"2026-03-\d\d │ 2026-W1\d │ build │", row) for row in rows), rows
    shas = git(repo, "log", "--format=%h", "--abbrev=10", "-5").split()
    assert all(sha in row for sha, row in zip(shas, rows, strict=True))
    item = invoke(repo, "log", "--item", "client-contacted", env={"COLUMNS": None}).output
    assert "Ana Schäfer: ✘ no: # Client on holiday <b>really</b>" in item and "…" not in item


def test_status_without_a_project_config_says_how_to_set_it_up(repo):
    result = invoke(repo, "status")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == "Not set up: `kundencheck init` writes .kundencheck/config.toml and commits it."
    assert len(first) <= 80
    german = invoke(repo, "status", env={"LANG": "de_DE.UTF-8"}).output.splitlines()[0]
    assert german == "Einrichten: `kundencheck init` schreibt und committet .kundencheck/config.toml" and len(german) <= 80
    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('project = "Shop"\n')
    assert "kundencheck init" not in invoke(repo, "status").output


def test_the_report_headline_is_the_verdict_of_check(history_repo):
    """One truth: the report's headline is what `kundencheck check` says, at the levels of the
    project's [check] table, and the checks that are due come before the details."""
    repo = history_repo["path"]
    config = repo / ".kundencheck" / "config.toml"
    config.write_text(config.read_text() + '\n[check]\ndisagreement = "warning"\nred_without_action = "off"\n')
    later = ("--today", "2026-04-20")
    check = invoke(repo, "check", *later)
    assert check.exit_code == 1
    *_findings, verdict, hint = check.output.strip().splitlines()
    assert hint.startswith("Switch a rule off")
    assert verdict == "✘ kundencheck check: failed, 7 errors, 2 warnings."
    text = invoke(repo, "report", *later).output
    head = text[: text.index("Legend:")]
    assert head.startswith(
        "# kundencheck report: sprint 2026-W14\n\nProject: Shop \\| relaunch, client: Kunde GmbH, "
        "as of 2026-04-20.\n\n## " + verdict + "\n\n- **build** (current phase): ✘ 7 errors, 2 warnings, "
        "failing since 2026-03-02 (sprint 2026-W10)\n"
    )
    assert "  - ⚠ disagreement: Talked to the client, team-mood, since sprint 2026-W14 (2026-03-30)\n" in head
    # Items red since different sprints each say since when, the longest-standing first.
    assert (
        "  - ✘ key signal red: Talked to the client since sprint 2026-W10 (2026-03-02), team-mood since sprint "
        "2026-W14 (2026-03-30), expectations-match since sprint 2026-W14 (2026-03-30)\n"
    ) in head
    assert "red answer without action" not in head  # off in the config
    assert "- ⚠ Overdue actions: 2 of 3 open.\n" in head
    assert "- Checks due: build (last checked 2026-03-30, due since 2026-04-13).\n" in head
    for line in check.output.splitlines():
        if line.startswith(("✘ error", "⚠ warning")):
            message = line.split("): ", 1)[1]
            assert message.replace("`", "\\`").replace("_", "\\_")[:60] in head, message
    data = json.loads(invoke(repo, "report", "--format", "json", *later).output)
    assert (data["verdict"]["passed"], data["verdict"]["errors"], data["verdict"]["warnings"]) == (False, 7, 2)


def test_report_and_log_as_csv(history_repo, tmp_path):
    """One row per answer, RFC 4180 (CRLF, UTF-8, no byte order mark), English headers in a
    German project, from the console script itself: what a spreadsheet opens."""
    import csv
    import io
    import subprocess
    import sys

    repo = history_repo["path"]
    config = repo / ".kundencheck" / "config.toml"
    config.write_text(config.read_text() + 'language = "de"\n')

    def raw(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "kundencheck", "-C", str(repo), *args], capture_output=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr.decode()
        text = result.stdout.decode("utf-8")
        assert text.startswith(
            "run,date,sprint,phase,checklist,item,title,kind,value,band,author,note,action_what,"
            "action_owner,action_due,corrected_by,corrected_on,correction_note,future,source,votes,voters\r\n"
        )
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # no note here has a line break
        return text

    rows = list(csv.DictReader(io.StringIO(raw("report", "--format", "csv", *TODAY), newline="")))
    runs = history_repo["runs"]
    # The sprint's runs that count (each person's latest), every answer with a value.
    assert {r["run"] for r in rows} == {runs["ana3"].id, runs["jonas3"].id} and len(rows) == 10
    ana = {r["item"]: r for r in rows if r["run"] == runs["ana3"].id}
    contact = ana["client-contacted"]
    # The title in the project's language (the shipped German checklist); kind and band stay English.
    assert (contact["title"], contact["kind"], contact["value"], contact["band"]) == (
        "Mit dem Kunden geredet",
        "traffic-light",
        "red",
        "red",
    )
    assert contact["note"] == "# Client on holiday <b>really</b>" and contact["author"] == "Ana Schäfer <ana@example.com>"
    assert (ana["team-mood"]["value"], ana["team-mood"]["band"], ana["team-mood"]["action_owner"]) == ("1", "red", "Lea")

    target = tmp_path / "sprint.csv"
    written = invoke(repo, "report", "--sprint", "2026-W12", "-o", str(target), *TODAY)
    assert written.exit_code == 0 and "sprint.csv" in written.output
    data = target.read_bytes()
    assert (
        data.startswith(b"run,date,")
        and data.endswith(b"\r\n")
        and {r["sprint"] for r in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))} == {"2026-W12"}
    )

    every = list(csv.DictReader(io.StringIO(raw("log", "--format", "csv"), newline="")))
    assert len({r["run"] for r in every}) == 5 and every[0]["sprint"] == "2026-W14"  # newest first, as log lists
    mood = list(csv.DictReader(io.StringIO(raw("log", "--format", "csv", "--item", "team-mood", "-n", "2"), newline="")))
    assert [(r["sprint"], r["value"]) for r in mood] == [("2026-W14", "5"), ("2026-W14", "1"), ("2026-W12", "3")]
    unknown = invoke(repo, "log", "--format", "csv", "--item", "nope")
    assert unknown.exit_code == 2 and "Keine Antworten zur Frage 'nope'" in unknown.output


def test_csv_and_calendar_bytes_need_no_deprecated_click_call(history_repo):
    """CSV and iCalendar go to stdout as bytes through sys.stdout.buffer, not through
    click.get_binary_stream, which Click 8.5 deprecates and Click 9 removes: with Python's
    deprecation warnings as errors, every byte-writing command still works."""
    import subprocess
    import sys

    repo = history_repo["path"]
    for args in (["log", "--format", "csv"], ["report", "--format", "csv", *TODAY], ["actions", "--format", "ics", *TODAY]):
        result = subprocess.run(
            [sys.executable, "-W", "error::DeprecationWarning", "-m", "kundencheck", "-C", str(repo), *args],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr.decode())
        assert result.stdout.endswith(b"\r\n"), args
