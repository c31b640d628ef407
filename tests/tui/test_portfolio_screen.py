"""The portfolio screen (`kundencheck portfolio`) through Textual's pilot, on a real portfolio
(tests/support/portfolio.py, ``agency``: web unreachable and failing, shop failing, intranet
only warning), and its snapshots."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kundencheck.portfolio_session import load_portfolio
from kundencheck.tui.portfolio_app import build_portfolio_app
from tests.support.portfolio import agency, make_portfolio, plain_project

TODAY = dt.date(2026, 3, 20)
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


async def until(pilot, ready, what: str, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_name(pilot) -> str:
    return type(pilot.app.screen).__name__


def read(pilot) -> bool:
    return getattr(pilot.app.screen, "healths", None) is not None


def rows(pilot) -> list[str]:
    return [str(key.value) for key in pilot.app.screen.query_one("DataTable").rows]


async def test_the_worst_first_then_by_name_and_the_key_signals(tmp_path):
    folder = agency(tmp_path)["folder"]
    app = build_portfolio_app(load_portfolio(folder), today=lambda: TODAY)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: read(pilot), "the projects")
        assert rows(pilot) == ["web", "shop", "intranet"]
        table = app.screen.query_one("DataTable")
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["Project", "build", "Overdue", "Check"]
        assert str(table.get_row("web")[0]) == "web Web\nunreachable since 2026-03-20"
        assert str(table.get_row("shop")[0]) == "shop Shop relaunch\nKunde Shop · Ana"
        assert str(table.get_row("shop")[1]) == "✘ 1 ↑ *" and str(table.get_row("intranet")[1]) == "⚠ 1 ↑ *"
        await pilot.press("s")
        assert rows(pilot) == ["intranet", "shop", "web"]
        await pilot.press("v")
        labels = [str(column.label) for column in table.columns.values()]
        assert labels[:2] == ["Project", "Phase"] and "Talked to the client" in labels
        assert rows(pilot) == ["intranet", "shop", "web"]


async def test_enter_opens_the_project_read_only_and_escape_comes_back(tmp_path):
    folder = agency(tmp_path)["folder"]
    app = build_portfolio_app(load_portfolio(folder), today=lambda: TODAY)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: read(pilot), "the projects")
        await pilot.press("down")  # shop
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ReadOnlyHomeScreen" and app.screen.data is not None, "the home")
        home = app.screen
        assert home.project.config.project == "Shop relaunch"
        assert home.sub_title == "home, read-only (portfolio)"
        assert "start-run" not in {b.id for b in home._bindings.key_to_bindings.get("enter", [])}
        assert home.data.verdicts["build"].errors  # the overdue action, as on the project's own home
        await pilot.press("e")  # no correction here
        assert screen_name(pilot) == "ReadOnlyHomeScreen" and app.session is None
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "HistoryScreen", "the history")
        await pilot.press("escape")
        await pilot.press("escape")
        assert screen_name(pilot) == "PortfolioScreen"
        await pilot.press("h")
        await until(pilot, lambda: screen_name(pilot) == "HistoryScreen", "the history of shop")
        assert app.screen.phase == "build"


async def test_a_project_not_fetched_yet_is_a_row_that_says_so(tmp_path):
    info = agency(tmp_path)
    folder = info["folder"]
    text = (folder / "portfolio.toml").read_text()
    (folder / "portfolio.toml").write_text(text + '\n[[projects]]\nname = "blog"\nremote = "/nowhere/blog.git"\n')
    app = build_portfolio_app(load_portfolio(folder), today=lambda: TODAY)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: read(pilot), "the projects")
        assert rows(pilot)[0] == "blog"  # nobody knows how it stands: first
        assert str(app.screen.query_one("DataTable").get_row("blog")[0]) == "blog\nnot fetched yet"
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "PortfolioScreen"  # a notice instead of a screen


async def test_a_project_without_kundencheck_passes_as_check_passes_it_there(tmp_path):
    """No .kundencheck/ in the project: no verdict in its cells, nothing due, not among the
    projects failing their rules; its home screen opens (gate.not_started, as `kundencheck
    check` in its repository)."""
    from kundencheck.portfolio_session import fetch_projects

    bare = plain_project(tmp_path, "plain")
    folder = make_portfolio(tmp_path, [bare])
    loaded = load_portfolio(folder)
    assert all(r.error is None for r in fetch_projects(loaded, list(loaded.portfolio.projects)))
    app = build_portfolio_app(loaded, today=lambda: TODAY)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: read(pilot), "the projects")
        (health,) = app.screen.healths
        assert health.state == "not-set-up" and health.passed and health.errors == 0
        row = [str(cell) for cell in app.screen.query_one("DataTable").get_row("plain")]
        assert row == ["plain\nnot set up for kundencheck", "· *", "·", ""]
        status = app.screen._status_line(200).plain
        assert "1 project" in status and "1 projects" not in status and "failing" not in status and "not up to date" not in status
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ReadOnlyHomeScreen", "the home")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
def test_portfolio_screen_snapshot(snap_compare, tmp_path, size, language):
    """You should see the title bar with the portfolio's title, the status line (today, 3 projects,
    fetched 2026-03-20, 2 failing their rules, 1 not up to date, the worst first), the table with
    web (✘ 3 *, unreachable since 2026-03-20 in red below its name, due since 2026-03-16) first,
    shop (✘ 1 ↑ *, its client and owner below it) and intranet (⚠ 1 ↑ *), each with one overdue
    action, every column whole at 80x24 in both languages, the legend whole and the keys."""
    from kundencheck.core.i18n import set_language

    folder = agency(tmp_path)["folder"]
    if language == "de":
        text = (folder / "portfolio.toml").read_text()
        (folder / "portfolio.toml").write_text(text.replace('# language = "de"', 'language = "de"'))
        set_language("de")  # as the CLI does for a portfolio whose file says so
    app = build_portfolio_app(load_portfolio(folder), today=lambda: TODAY)

    async def ready(pilot) -> None:
        await until(pilot, lambda: read(pilot), "the projects")

    assert snap_compare(app, terminal_size=SIZES[size], run_before=ready)
