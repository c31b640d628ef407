"""`kundencheck portfolio` on real client projects behind file:// and ssh:// remotes
(tests/support/portfolio.py, ``agency``): shop fails its own rules (an overdue action), intranet
only warns (its [check] table makes overdue actions warnings), web's remote is gone (its last
fetched state is judged, "unreachable since"). Every verdict is the one `kundencheck check` and
`status` give in the project itself."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.portfolio_session import cache_folder_of
from tests.support.portfolio import (
    TODAY,
    add_run,
    agency,
    client_project,
    git,
    make_portfolio,
    plain_project,
)


def invoke(folder: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(
        main, ["-C", str(folder), "portfolio", *args], catch_exceptions=False, env={"COLUMNS": "250", **(env or {})}
    )


@pytest.fixture
def portfolio(tmp_path) -> dict:
    return agency(tmp_path)


def test_init_and_add_write_the_file(tmp_path):
    folder = tmp_path / "agency"
    folder.mkdir()
    (folder / ".gitignore").write_text("*.log")
    assert invoke(folder, "init", "--title", "Agentur Beispiel").exit_code == 0
    assert (folder / ".gitignore").read_text() == "*.log"  # the cache is not in the folder: nothing to ignore
    result = invoke(
        folder,
        "add",
        "shop",
        "git@git.example.com:clients/shop.git",
        "--client",
        "Kunde GmbH",
        "--owner",
        "Ana",
        "--tag",
        "retainer",
    )
    assert result.exit_code == 0, result.output
    text = (folder / "portfolio.toml").read_text()
    assert text.endswith(
        '[[projects]]\nname = "shop"\nremote = "git@git.example.com:clients/shop.git"\n'
        'client = "Kunde GmbH"\nowner = "Ana"\ntags = ["retainer"]\n'
    )
    again = invoke(folder, "init")
    assert again.exit_code == 2 and "exists already" in again.output
    taken = invoke(folder / "sub" if (folder / "sub").mkdir() is None else folder, "add", "Shop", "x")
    assert taken.exit_code == 2 and "key 'projects[1].name'" in taken.output  # found upwards from sub/


@pytest.mark.parametrize(
    "before",
    [b'title = "T"\r\n# our comment\r\n', b'\xef\xbb\xbftitle = "T"\n# our comment\n'],
    ids=["crlf", "byte-order-mark"],
)
def test_add_keeps_a_crlf_file_and_a_byte_order_mark_byte_for_byte(tmp_path, before):
    (tmp_path / "portfolio.toml").write_bytes(before)
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    for name in ("shop", "web"):
        result = invoke(tmp_path, "add", name, f"../{name}.git")
        assert result.exit_code == 0, result.output
    after = (tmp_path / "portfolio.toml").read_bytes()
    assert after == before + newline + newline.join(
        [
            b"[[projects]]",
            b'name = "shop"',
            b'remote = "../shop.git"',
            b"",
            b"[[projects]]",
            b'name = "web"',
            b'remote = "../web.git"',
            b"",
        ]
    )
    status = invoke(tmp_path, "status", "--format", "json")
    assert [p["name"] for p in json.loads(status.stdout)["projects"]] == ["shop", "web"]


def test_mistakes_are_one_paragraph_naming_file_line_and_key(tmp_path):
    nowhere = invoke(tmp_path, "status")
    assert nowhere.exit_code == 2 and "There is no portfolio.toml in" in nowhere.output
    (tmp_path / "portfolio.toml").write_text('[[projects]]\nname = "shop"\nremote = "x"\n\n[fetch]\njobs = 100\n')
    for command in ("status", "fetch", "check"):
        result = invoke(tmp_path, command)
        assert result.exit_code == 2, result.output
        assert "portfolio.toml, line 6, key 'fetch.jobs': must be a whole number from 1 to 32" in result.output
        assert "Traceback" not in result.output
    (tmp_path / "portfolio.toml").write_text('[[projects]]\nname = "shop"\nremote = "x"\n')
    unknown = invoke(tmp_path, "fetch", "blog")
    assert unknown.exit_code == 2 and "There is no project 'blog'" in unknown.output and "shop" in unknown.output


def test_fetch_reports_each_project_and_exits_0_with_an_unreachable_remote(portfolio):
    result = invoke(portfolio["folder"], "fetch")
    assert result.exit_code == 0, result.output
    assert "Fetched 2 of 3 projects: 0 with news, 0 new answers files." in result.output
    assert "shop: nothing new" in result.output and "intranet: nothing new" in result.output
    assert "web: not fetched: the remote" in result.output and "could not be reached" in result.output
    add_run(portfolio["shop"])
    news = invoke(portfolio["folder"], "fetch", "shop")
    assert "Fetched 1 of 1 project: 1 with news, 1 new answers file." in news.output


def check_document(work: Path) -> dict:
    result = CliRunner().invoke(main, ["-C", str(work), "check", "--format", "json", "--today", TODAY], catch_exceptions=False)
    return json.loads(result.stdout)


def test_each_project_is_judged_as_check_judges_it_in_its_repository(portfolio):
    result = invoke(portfolio["folder"], "check", "--format", "json", "--today", TODAY)
    data = json.loads(result.stdout)
    assert result.exit_code == data["exit_code"] == 1
    projects = {p["name"]: p for p in data["projects"]}
    for name in ("shop", "intranet", "web"):
        assert projects[name]["check"] == check_document(portfolio[name]["work"]), name
    assert [f["rule"] for f in projects["web"]["findings"]] == ["unreachable"]
    assert projects["web"]["state"] == "stale" and projects["web"]["unreachable_since"].startswith("2026-03-20")
    assert (projects["shop"]["passed"], projects["intranet"]["passed"]) == (False, True)
    assert data["errors"] == sum(p["check"]["errors"] for p in projects.values())
    assert data["warnings"] == sum(p["check"]["warnings"] for p in projects.values()) + 1  # web's unreachable


def test_the_cells_are_the_verdicts_status_gives_in_the_project(portfolio):
    data = json.loads(invoke(portfolio["folder"], "status", "--format", "json", "--today", TODAY).stdout)
    assert [p["name"] for p in data["projects"]] == ["web", "shop", "intranet"]  # the worst first
    for project in data["projects"]:
        status = CliRunner().invoke(
            main, ["-C", str(portfolio[project["name"]]["work"]), "status", "--json", "--today", TODAY], catch_exceptions=False
        )
        phases = {p["phase"]: p["verdict"] for p in json.loads(status.stdout)["phases"]}
        for phase, cell in project["phases"].items():
            if cell is None:
                continue
            assert {k: cell[k] for k in ("passed", "errors", "warnings", "findings")} == phases[phase]


@pytest.mark.parametrize("level", ["warning", "error", "off"])
def test_whether_an_unreachable_remote_fails_the_gate_is_configured(tmp_path, level):
    from kundencheck.core.config import CHECK_RULES

    warnings_only = "[check]\n" + "".join(f'{rule} = "warning"\n' for rule in CHECK_RULES)
    ok = client_project(tmp_path, "ok", runs=1, check=warnings_only)
    gone = client_project(tmp_path, "gone", runs=1, check=warnings_only)
    folder = make_portfolio(tmp_path, [ok, gone], unreachable=level)
    invoke(folder, "fetch")
    import shutil

    shutil.rmtree(gone["remote"])
    invoke(folder, "fetch")
    # The projects' own findings are warnings: only the unreachable remote can fail the gate.
    result = invoke(folder, "check", "--format", "json", "--today", "2026-03-03")
    data = json.loads(result.stdout)
    findings = [f for p in data["projects"] for f in p["findings"]]
    assert [f["level"] for f in findings] == ([] if level == "off" else [level])
    assert result.exit_code == (1 if level == "error" else 0)


def test_github_annotations_name_the_project(portfolio):
    result = invoke(portfolio["folder"], "check", "--format", "github", "--today", TODAY)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert any(
        line.startswith("::error title=kundencheck%3A shop%3A overdue action::shop: build/client-contacted") for line in lines
    )
    assert any(line.startswith("::warning title=kundencheck%3A intranet%3A overdue action::") for line in lines)
    assert any(
        line.startswith("::warning title=kundencheck%3A web%3A unreachable::web: the remote could not be reached")
        for line in lines
    )
    assert lines[-1] == "kundencheck portfolio check: failed, 2 of 3 projects (4 errors, 2 warnings)."


def test_text_status_and_check(portfolio):
    status = invoke(portfolio["folder"], "status", "--today", TODAY)
    assert status.exit_code == 0
    out = status.output
    assert out.startswith("Agentur Beispiel on 2026-03-20: 3 projects, the worst first")
    assert out.index("web") < out.index("shop") < out.index("intranet")
    assert "unreachable since 2026-03-20" in out and "✘ 1 ↑ *" in out and "⚠ 1 ↑ *" in out
    check = invoke(portfolio["folder"], "check", "--today", TODAY)
    assert check.exit_code == 1
    assert "✘ shop (Shop relaunch)" in check.output and "⚠ intranet (Intranet)" in check.output
    assert "✘ error    overdue action (overdue_action): build/client-contacted" in check.output
    assert check.output.rstrip().endswith("✘ kundencheck portfolio check: failed, 2 of 3 projects (4 errors, 2 warnings).")


def test_csv_markdown_and_the_report_file(portfolio, tmp_path):
    rows = list(csv.DictReader(io.StringIO(invoke(portfolio["folder"], "status", "--format", "csv", "--today", TODAY).stdout)))
    assert [(r["name"], r["state"], r["passed"], r["build"], r["overdue_actions"]) for r in rows] == [
        ("web", "stale", "no", "error", "1"),
        ("shop", "ok", "no", "error", "1"),
        ("intranet", "ok", "yes", "warning", "1"),
    ]
    markdown = invoke(portfolio["folder"], "report", "--today", TODAY).stdout
    assert markdown.startswith("# Agentur Beispiel\n") and "| shop (Shop relaunch) |" in markdown
    assert "**unreachable since 2026-03-20**" in markdown
    page = tmp_path / "public" / "index.html"
    page.parent.mkdir()
    result = invoke(portfolio["folder"], "report", "-o", str(page), "--today", TODAY)
    assert result.exit_code == 0 and page.read_text().startswith("<!DOCTYPE html>")
    assert "http" not in page.read_text().replace("http-equiv", "")  # self-contained


def test_a_project_whose_config_is_broken_cannot_be_checked(tmp_path):
    broken = client_project(tmp_path, "broken", runs=1, check='[check]\ndue = "sometimes"\n')
    folder = make_portfolio(tmp_path, [broken])
    invoke(folder, "fetch")
    result = invoke(folder, "check", "--format", "json", "--today", TODAY)
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["projects"][0]["state"] == "broken"
    (finding,) = data["projects"][0]["findings"]
    assert finding["rule"] == "cannot_check" and finding["level"] == "error"
    assert "broken:.kundencheck/config.toml, line" in finding["message"] and "key 'check.due'" in finding["message"]
    text = invoke(folder, "status", "--today", TODAY)
    assert text.exit_code == 0 and "cannot be checked" in text.output


def test_a_project_without_kundencheck_is_judged_as_check_judges_it_there(tmp_path):
    """No .kundencheck/ in the project: `kundencheck check` passes it in its repository, with a
    note (gate.not_started); the portfolio's check, status and report say the same."""
    plain = client_project(tmp_path, "shop", runs=1)
    bare = plain_project(tmp_path, "plain")
    folder = make_portfolio(tmp_path, [plain, bare])
    assert invoke(folder, "fetch").exit_code == 0
    result = invoke(folder, "check", "--format", "json", "--today", TODAY)
    data = json.loads(result.stdout)
    projects = {p["name"]: p for p in data["projects"]}
    own = check_document(bare["work"])
    assert own["passed"] and own["started"] is False
    assert projects["plain"]["check"] == own
    assert projects["plain"]["state"] == "not-set-up" and projects["plain"]["passed"] and projects["plain"]["findings"] == []
    assert result.exit_code == 1 and data["errors"] == projects["shop"]["check"]["errors"]  # shop's overdue action only
    text = invoke(folder, "check", "--today", TODAY).output
    assert "✔ passed: plain" in text and "✘ plain" not in text
    status = json.loads(invoke(folder, "status", "--format", "json", "--today", TODAY).stdout)
    row = next(p for p in status["projects"] if p["name"] == "plain")
    assert (row["state"], row["passed"], row["errors"], row["warnings"], row["due"]) == ("not-set-up", True, 0, 0, None)
    assert row["phases"] == {"build": None}
    table = invoke(folder, "status", "--today", TODAY).output
    line = next(line for line in table.splitlines() if "plain" in line)
    assert "not set up for kundencheck" in line and "✘" not in line and "never checked" not in line
    report = invoke(folder, "report", "--format", "md", "--today", TODAY).stdout
    assert "No .kundencheck/ folder here" in report
    assert check_document(bare["work"]) == own  # the project itself is untouched


def test_a_password_or_token_in_a_remote_url_is_never_shown(tmp_path):
    """Remotes with a token in them (https://user:TOKEN@host/..., https://TOKEN@host/...,
    ssh://user:TOKEN@host/...): no output says the token, not the fetch's errors (also where
    ssh, run by git, echoes it), not JSON, CSV, Markdown, HTML or the check's messages."""
    secret = "ghp_S3CRET4711"
    ssh = tmp_path / "ssh"  # says what OpenSSH says for a key the server refuses
    ssh.write_text('#!/bin/sh\necho "$*: Permission denied (publickey)." >&2\nexit 255\n')
    ssh.chmod(0o755)
    folder = tmp_path / "agency"
    folder.mkdir()
    invoke(folder, "init")
    outputs = []
    for name, remote in (
        ("shop", f"https://ana:{secret}@127.0.0.1:1/clients/shop.git"),
        ("web", f"https://{secret}@127.0.0.1:1/clients/web.git"),
        ("intranet", f"ssh://ana:{secret}@git.example.invalid/clients/intranet.git"),
    ):
        added = invoke(folder, "add", name, remote)
        assert added.exit_code == 0, added.output
        outputs.append(added.output)
    taken = invoke(folder, "add", "shop", "/somewhere/else.git")
    assert taken.exit_code == 2 and "https://ana:***@127.0.0.1:1/clients/shop.git" in taken.output
    outputs.append(taken.output)
    env = {"GIT_SSH_COMMAND": str(ssh)}
    fetched = invoke(folder, "fetch", env=env)
    assert "Fetched 0 of 3 projects" in fetched.output and "Permission denied" in fetched.output
    assert "ana:***@git.example.invalid" in fetched.output  # what ssh said, the token hidden
    outputs.append(fetched.output)
    for command in (
        ("status",),
        ("status", "--format", "json"),
        ("status", "--format", "csv"),
        ("status", "--format", "md"),
        ("report", "--format", "html"),
        ("check",),
        ("check", "--format", "json"),
        ("check", "--format", "github"),
    ):
        outputs.append(invoke(folder, *command, "--today", TODAY).output)
    for output in outputs:
        assert secret not in output, output
    status = json.loads(invoke(folder, "status", "--format", "json", "--today", TODAY).stdout)
    remotes = {p["name"]: p["remote"] for p in status["projects"]}
    assert remotes == {
        "shop": "https://ana:***@127.0.0.1:1/clients/shop.git",
        "web": "https://***@127.0.0.1:1/clients/web.git",
        "intranet": "ssh://ana:***@git.example.invalid/clients/intranet.git",
    }
    check = json.loads(invoke(folder, "check", "--format", "json", "--today", TODAY).stdout)
    messages = " ".join(f["message"] for p in check["projects"] for f in p["findings"])
    assert "git ls-remote https://ana:***@127.0.0.1:1/clients/shop.git" in messages


def test_the_same_answers_over_ssh_as_over_file(tmp_path, ssh_server):
    """Two portfolios of the same projects, one fetching over file://, one over ssh:// from a
    real sshd with the user's ssh settings: the same verdicts come out."""
    shop = client_project(tmp_path, "shop")
    intranet = client_project(tmp_path, "intranet", dedicated=True)
    for info in (shop, intranet):
        git(info["remote"], "config", "uploadpack.allowFilter", "true")  # as git hosts allow it
    over_file = make_portfolio(tmp_path / "file", [shop, intranet])
    over_ssh = make_portfolio(
        tmp_path / "ssh",
        [{**shop, "remote": ssh_server.url(shop["remote"])}, {**intranet, "remote": ssh_server.url(intranet["remote"])}],
    )
    env = {"GIT_SSH_COMMAND": ssh_server.ssh_command}
    for folder in (over_file, over_ssh):
        fetched = invoke(folder, "fetch", env=env)
        assert "Fetched 2 of 2 projects: 2 with news, 4 new answers files." in fetched.output, fetched.output

    def verdicts(folder: Path) -> list:
        data = json.loads(invoke(folder, "status", "--format", "json", "--today", TODAY).stdout)
        return [{k: v for k, v in p.items() if k not in ("remote", "fetched")} for p in data["projects"]]

    assert verdicts(over_ssh) == verdicts(over_file)


def test_the_console_script_runs_the_portfolio_commands(portfolio):
    """As a CI job runs it: the installed command, a process of its own."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kundencheck",
            "-C",
            str(portfolio["folder"]),
            "portfolio",
            "check",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and json.loads(result.stdout)["exit_code"] == 1 and result.stderr == ""


def test_a_kept_health_document_serves_until_anything_it_was_made_from_changes(portfolio):
    """Each project's judged health is kept in its cache; the next status reads it instead of
    the project's history, while the commits, the day and the language are the same. One that
    is not what kundencheck makes is made again, never believed."""
    folder = portfolio["folder"]
    first = invoke(folder, "status", "--format", "json", "--today", TODAY).stdout
    kept = cache_folder_of(folder) / "shop.git" / "kundencheck" / "health.json"
    data = json.loads(kept.read_text())
    assert data["key"]["today"] == TODAY and data["document"]["check"]["errors"] == 1
    assert invoke(folder, "status", "--format", "json", "--today", TODAY).stdout == first
    data["document"]["check"]["errors"] = "many"
    kept.write_text(json.dumps(data))
    assert invoke(folder, "status", "--format", "json", "--today", TODAY).stdout == first
    assert json.loads(kept.read_text())["document"]["check"]["errors"] == 1  # made again
    later = json.loads(invoke(folder, "status", "--format", "json", "--today", "2026-04-01").stdout)
    shop = next(p for p in later["projects"] if p["name"] == "shop")
    assert shop["due"]["is_due"] and json.loads(kept.read_text())["key"]["today"] == "2026-04-01"
    german = invoke(folder, "check", "--today", TODAY, env={"LANG": "de_DE.UTF-8"})
    assert "überfällig" in german.output  # another language: its own document


def test_ctrl_c_stops_the_fetches_under_way_and_kills_what_git_started(tmp_path):
    """kundencheck portfolio fetch interrupted while a remote hangs: exit 130 at once, the
    hanging ssh (which git started in a session of its own) is killed, and nothing is recorded
    against the remote: the next fetch takes it up."""
    import os
    import signal
    import time

    marker = tmp_path / "ssh-still-ran"
    ssh = tmp_path / "slow-ssh"
    ssh.write_text(f"#!/bin/sh\nsleep 20\ntouch {marker}\n")
    ssh.chmod(0o755)
    folder = make_portfolio(tmp_path, [{"name": "slow", "remote": "ssh://git.example.invalid/slow.git"}])
    proc = subprocess.Popen(
        [sys.executable, "-m", "kundencheck", "-C", str(folder), "portfolio", "fetch"],
        env={**os.environ, "GIT_SSH_COMMAND": str(ssh)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    cache = cache_folder_of(folder) / "slow.git"
    while not (cache / "kundencheck" / "fetch.lock").exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(1.0)  # git and its ssh are running now
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "Interrupted: the fetches under way were stopped" in err and "Traceback" not in err
    time.sleep(0.5)
    assert not marker.exists()
    state = (
        json.loads((cache / "kundencheck" / "portfolio.json").read_text())
        if (cache / "kundencheck" / "portfolio.json").exists()
        else {}
    )
    assert not state.get("failing_since")
