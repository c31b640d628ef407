"""portfolio.toml (core/portfolio.py): what init writes reads back, add keeps the file as it was
and appends a project, and every mistake is an error naming the file, the line and the key."""

from __future__ import annotations

import pytest

from kundencheck.core.portfolio import (
    DEFAULT_UNREACHABLE,
    PortfolioError,
    ProjectEntry,
    add_project,
    add_project_to_file,
    init_text,
    is_local_remote,
    portfolio_from_bytes,
)


def read(text: str):
    return portfolio_from_bytes(text.encode("utf-8"), "portfolio.toml")


def test_init_writes_a_portfolio_without_projects_that_reads_back():
    portfolio = read(init_text("Agentur Beispiel"))
    assert portfolio.projects == () and portfolio.title == "Agentur Beispiel"
    assert (portfolio.jobs, portfolio.timeout, portfolio.unreachable) == (8, 120, DEFAULT_UNREACHABLE)


def test_add_appends_projects_and_keeps_everything_else():
    text = init_text() + "# our own comment\n"
    once = add_project(
        text, ProjectEntry("shop", "git@git.example.com:clients/shop.git", "kundencheck", "Kunde GmbH", "Ana", ("retainer",))
    )
    twice = add_project(once, ProjectEntry("web", "../clients/web.git"))
    assert twice.startswith(text)
    portfolio = read(twice)
    assert [p.name for p in portfolio.projects] == ["shop", "web"]
    shop = portfolio.project("SHOP")
    assert (shop.branch, shop.client, shop.owner, shop.tags) == ("kundencheck", "Kunde GmbH", "Ana", ("retainer",))
    assert twice.splitlines()[shop.line - 1] == "[[projects]]"


@pytest.mark.parametrize(
    "raw, gap, newline",
    [
        (b'title = "T"\r\n# a comment\r\n', b"\r\n", b"\r\n"),
        (b'\xef\xbb\xbftitle = "T"\n# a comment\n', b"\n", b"\n"),
        (b'\xef\xbb\xbftitle = "T"\r\n\r\n', b"", b"\r\n"),  # a blank line there already
        (b'title = "T"', b"\n\n", b"\n"),  # no line ending at all: LF
        (b"", b"", b"\n"),
    ],
    ids=["crlf", "bom", "bom-crlf-blank-line", "no-newline-at-the-end", "empty"],
)
def test_add_keeps_the_files_bytes_its_mark_and_its_line_endings(raw, gap, newline):
    written = add_project_to_file(raw, ProjectEntry("shop", "git@git.example.com:clients/shop.git", owner="Ana"))
    table = [b"[[projects]]", b'name = "shop"', b'remote = "git@git.example.com:clients/shop.git"', b'owner = "Ana"']
    assert written == raw + gap + newline.join(table) + newline
    assert portfolio_from_bytes(written).project("shop").owner == "Ana"


@pytest.mark.parametrize(
    "text, where",
    [
        ('titel = "x"\n', "line 1, key 'titel'"),
        ("[fetch]\njobs = 0\n", "line 2, key 'fetch.jobs'"),
        ('[fetch]\ntimeout = "soon"\n', "line 2, key 'fetch.timeout'"),
        ('[check]\nunreachable = "maybe"\n', "line 2, key 'check.unreachable'"),
        ('language = "fr"\n', "line 1, key 'language'"),
        (
            '[[projects]]\nname = "a"\nremote = "x"\n\n[[projects]]\nname = "b"\nremote = "-oProxyCommand=evil"\n',
            "line 7, key 'projects[2].remote'",
        ),
        ('[[projects]]\nname = "a"\nremote = "x"\n[[projects]]\nname = "A"\nremote = "y"\n', "line 5, key 'projects[2].name'"),
        ('[[projects]]\nname = "a/b"\nremote = "x"\n', "line 2, key 'projects[1].name'"),
        ('[[projects]]\nname = "a"\n', "line 1, key 'projects[1]'"),
        ('[[projects]]\nname = "a"\nremote = "ext::sh -c touch% /tmp/x"\n', "line 3, key 'projects[1].remote'"),
        ('[[projects]]\nname = "a"\nremote = "x"\nbranch = "a..b"\n', "line 4, key 'projects[1].branch'"),
        ('[[projects]]\nname = "a"\nremote = "x"\ntags = "one"\n', "line 4, key 'projects[1].tags'"),
        ('[[projects]]\nname = "a"\nremote = "x"\nowner = 3\n', "line 4, key 'projects[1].owner'"),
        ('[[projects]]\nname = "a"\nremote = "x"\nurl = "y"\n', "line 4, key 'projects[1].url'"),
        ('projects = "all"\n', "line 1, key 'projects'"),
        ("[[projects]\n", "line 1"),
    ],
)
def test_every_mistake_names_the_file_the_line_and_the_key(text, where):
    with pytest.raises(PortfolioError) as raised:
        read(text)
    message = str(raised.value)
    assert message.startswith("portfolio.toml") and where in message
    assert raised.value.exit_code == 2


def test_add_refuses_a_name_taken_and_a_bad_entry_naming_them():
    text = add_project(init_text(), ProjectEntry("shop", "x"))
    with pytest.raises(PortfolioError, match=r"key 'projects\[1\]\.name': a project named 'shop'"):
        add_project(text, ProjectEntry("Shop", "y"))
    with pytest.raises(PortfolioError, match=r"projects\[2\]\.remote"):
        add_project(text, ProjectEntry("web", ""))


@pytest.mark.parametrize(
    "remote, local",
    [
        ("/srv/git/shop.git", True),
        ("../shop.git", True),
        ("shop.git", True),
        ("file:///srv/shop.git", True),
        ("git@git.example.com:shop.git", False),
        ("ssh://git.example.com/shop.git", False),
        ("https://git.example.com/shop.git", False),
        ("./a:b", True),
        ("C:\\repos\\shop.git", True),
    ],
)
def test_which_remotes_are_on_this_machine(remote, local):
    assert is_local_remote(remote) is local
