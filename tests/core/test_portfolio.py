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
        (b"\xef\xbb\xbf", b"", b"\n"),  # a mark alone: as empty
        (b" \t\n", b"", b"\n"),  # blanks alone: as empty
        (b'title = "T"\n\n', b"", b"\n"),
        (b'title = "T"\r\n# a comment\n', b"\r\n", b"\r\n"),  # the first line's ending counts
        (b'\r\ntitle = "T"\r\n', b"\r\n", b"\r\n"),
    ],
    ids=[
        "crlf",
        "bom",
        "bom-crlf-blank-line",
        "no-newline-at-the-end",
        "empty",
        "bom-alone",
        "blanks",
        "blank-line",
        "mixed",
        "crlf-first",
    ],
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
    with pytest.raises(PortfolioError, match=r"^team/portfolio\.toml, line \d+, key 'projects\[2\]\.remote': must be the URL"):
        add_project(text, ProjectEntry("web", ""), "team/portfolio.toml")
    with pytest.raises(PortfolioError, match=r"^portfolio\.toml, line \d+, key 'projects\[2\]\.name': '' is not a project name"):
        add_project(text, ProjectEntry("", "x"))
    with pytest.raises(PortfolioError, match=r"^team/portfolio\.toml, line 1"):
        add_project("title = 3\n", ProjectEntry("web", "x"), "team/portfolio.toml")


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


def _tables(*projects: str) -> str:
    return "".join(f"[[projects]]\n{p}\n" for p in projects)


LONG = "x" * 200
#: Texts of portfolio.toml, each read and what came of it written down whole (tests/core/golden/
#: portfolio.en.txt): the refusals word for word with their key, and the settings and projects
#: read from the good ones; each limit from both sides.
PORTFOLIO_TEXTS = [
    "",
    'title = "T"\nlanguage = "de"\n[fetch]\njobs = 1\ntimeout = 5\n[check]\nunreachable = "off"\n',
    f'title = "{LONG}"\n[fetch]\njobs = 32\ntimeout = 3600\n[check]\nunreachable = "error"\n',
    f'title = "{LONG}x"\n',
    'title = "two\\nlines"\n',
    "title = 3\n",
    'language = "en"\n',
    'language = "fr"\n',
    "language = 1\n",
    'titel = "x"\n',
    "fetch = 1\n",
    "[fetch]\njobs = 0\n",
    "[fetch]\njobs = 33\n",
    "[fetch]\njobs = true\n",
    "[fetch]\ntimeout = 4\n",
    "[fetch]\ntimeout = 3601\n",
    "[fetch]\ntimeout = 10.5\n",
    "[fetch]\nwait = 1\n",
    '[check]\nunreachable = "maybe"\n',
    "[check]\nlate = 1\n",
    "check = []\n",
    'projects = "all"\n',
    "projects = [1]\n",
    "[[projects]\n",
    _tables('name = "a"'),
    _tables('remote = "x"'),
    _tables('name = "a"\nremote = "x"\nurl = "y"'),
    _tables('"name" = "a/b"\nremote = "x"'),
    _tables('name = "a"\nremote = "x"', 'name = "A"\nremote = "y"'),
    _tables('name = "a"\nremote = "x"', 'name = "c"\nremote = "w"', 'name = "b"\nremote = "y"', 'name = "B"\nremote = "z"'),
    _tables('name = "."\nremote = "x"'),
    _tables('name = ".."\nremote = "x"'),
    _tables('name = "-a"\nremote = "x"'),
    _tables("name = 7\nremote = 'x'"),
    _tables(f'name = "{"n" * 64}"\nremote = "x"'),
    _tables(f'name = "{"n" * 65}"\nremote = "x"'),
    _tables('name = "a.b_c-D9"\nremote = "x"\nbranch = "kc/answers"\nclient = "Kunde"\nowner = "Ana"\ntags = [" b2b ", "x"]'),
    _tables('name = "a"\nremote = ""'),
    _tables('name = "a"\nremote = "  "'),
    _tables('name = "a"\nremote = 5'),
    _tables('name = "a"\nremote = " x"'),
    _tables('name = "a"\nremote = "x\\u007f"'),
    _tables('name = "a"\nremote = "x\\ty"'),
    _tables('name = "a"\nremote = "https://ana:secret@git.example.com/x\\u001f"'),
    _tables(f'name = "a"\nremote = "{"r" * 2000}"'),
    _tables(f'name = "a"\nremote = "{"r" * 2001}"'),
    _tables('name = "a"\nremote = "-oProxyCommand=evil"'),
    _tables('name = "a"\nremote = "-https://ana:secret@x/y"'),
    _tables('name = "a"\nremote = "EXT::sh -c touch% /tmp/x"'),
    _tables('name = "a"\nremote = "Fd::7"'),
    _tables('name = "a"\nremote = "x"\nbranch = "a..b"'),
    _tables('name = "a"\nremote = "x"\nbranch = 1'),
    _tables('name = "a"\nremote = "x"\nbranch = ""'),
    _tables('name = "a"\nremote = "x"\ntags = "one"'),
    _tables('name = "a"\nremote = "x"\ntags = [' + ", ".join(['"t"'] * 20) + "]"),
    _tables('name = "a"\nremote = "x"\ntags = [' + ", ".join(['"t"'] * 21) + "]"),
    _tables('name = "a"\nremote = "x"\ntags = ["' + "t" * 40 + '"]'),
    _tables('name = "a"\nremote = "x"\ntags = ["' + "t" * 41 + '"]'),
    _tables('name = "a"\nremote = "x"\ntags = ["  "]'),
    _tables('name = "a"\nremote = "x"\ntags = ["a\\nb"]'),
    _tables('name = "a"\nremote = "x"\ntags = [1]'),
    _tables('name = "a"\nremote = "x"\nowner = 3'),
    _tables(f'name = "a"\nremote = "x"\nclient = "{LONG}"'),
    _tables(f'name = "a"\nremote = "x"\nclient = "{LONG}x"'),
    _tables('name = "a"\nremote = "x"\nclient = "a\\nb"'),
    _tables('name = "a"\nremote = "x"\n[projects.extra]\nname = "b"'),
    '[[ projects ]]\nname = "a"\nremote = "x"\n  [[projects]]\nname = "b"\nremote = "y"\nbranch = 2\n',
    "projects = [{ name = 'a', remote = 'x' }, { name = 'b', remote = 'x', tags = 1 }]\n",
    "projects = [" + ", ".join(f"{{ name = 'p{n}', remote = 'x' }}" for n in range(1000)) + "]\n",
    "projects = [" + ", ".join(f"{{ name = 'p{n}', remote = 'x' }}" for n in range(1001)) + "]\n",
]


def _read_back(text: str) -> str:
    try:
        portfolio = read(text)
    except PortfolioError as error:
        return f"  {error.key}: {error}\n"
    if len(portfolio.projects) > 3:
        return f"  {len(portfolio.projects)} projects\n"
    return "  " + repr(portfolio) + "\n"


def test_every_portfolio_text_read_in_whole():
    said = "".join(f"{text[:300]!r}\n" + _read_back(text) for text in PORTFOLIO_TEXTS)
    from tests.support.golden import assert_golden

    assert_golden("portfolio.en.txt", said)


@pytest.mark.parametrize("language", ["en", "de"])
def test_init_text_in_whole(language):
    from kundencheck.core.i18n import set_language
    from tests.support.golden import assert_golden

    set_language(language)
    try:
        assert_golden(f"portfolio-init.{language}.toml", init_text())
        assert_golden(f"portfolio-init-titled.{language}.toml", init_text('Agentur "Beispiel"'))
    finally:
        set_language("en")


def test_add_writes_every_field_and_leaves_out_the_empty_ones():
    from tests.support.golden import assert_golden

    text = add_project(
        'title = "T"\n', ProjectEntry("shop", "git@git.example.com:clients/shop.git", "kc", "Kunde", "Ana", ("a", "b"))
    )
    text = add_project(text, ProjectEntry("web", "https://ana:secret@git.example.com/web.git", None, "", "", ()))
    with pytest.raises(PortfolioError) as taken:
        add_project(text, ProjectEntry("WEB", "../web.git"))
    with pytest.raises(PortfolioError) as bad:
        add_project(text, ProjectEntry("app", "-x"))
    said = [text, f"{taken.value.key}: {taken.value}\n", f"{bad.value.key}: {bad.value}\n"]
    with pytest.raises(PortfolioError) as broken:
        add_project_to_file(b"title = 3\n", ProjectEntry("shop", "x"), "team/portfolio.toml")
    said.append(f"{broken.value.key}: {broken.value}\n")
    assert_golden("portfolio-add.en.txt", "".join(said))
