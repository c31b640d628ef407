"""A portfolio: every client project of an agency at once (docs/portfolio.md).

``portfolio.toml`` lists the projects, one ``[[projects]]`` table each (``name``, ``remote``,
optional ``branch``, ``client``, ``owner``, ``tags``), and a few settings: the report's
``title`` and ``language``, ``[fetch]`` (``jobs``: how many projects are fetched at once,
``timeout``: seconds per project) and ``[check]`` (``unreachable``: what a remote that cannot be
reached does to ``kundencheck portfolio check``).

Pure: bytes in, a :class:`Portfolio` out, every problem a :class:`PortfolioError` naming the
file, the line and the key. Also the text ``kundencheck portfolio init`` writes and the edit
``kundencheck portfolio add`` makes (tomlkit keeps the file's comments and layout).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any, NamedTuple

from kundencheck.core.checklist import describe_value, parse_toml_bytes
from kundencheck.core.config import (
    CHECK_LEVELS,
    ConfigError,
    branch_problem,
    setting_problem,
)
from kundencheck.core.i18n import _
from kundencheck.core.text import hide_credentials

#: The file that makes a folder a portfolio.
PORTFOLIO_FILE = "portfolio.toml"
DEFAULT_JOBS = 8
MAX_JOBS = 32
DEFAULT_TIMEOUT = 120
MIN_TIMEOUT, MAX_TIMEOUT = 5, 3600
#: What an unreachable remote is for ``portfolio check`` unless ``[check] unreachable`` says.
DEFAULT_UNREACHABLE = "warning"
MAX_PROJECTS = 1000

_TOP = {"title", "language", "fetch", "check", "projects"}
_FETCH = {"jobs", "timeout"}
_CHECK = {"unreachable"}
_PROJECT = {"name", "remote", "branch", "client", "owner", "tags"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: git transports that run a command given in the URL (``ext::sh -c …``) or use a file
#: descriptor: a portfolio file shared in a repository must not be able to start programs.
_COMMAND_TRANSPORTS = ("ext::", "fd::")


class PortfolioError(ConfigError):
    """``portfolio.toml`` is broken, or a project in it cannot be added: the message names the
    file, the line and the key (``projects[2].remote``) and what to do. Exit status 2."""


class ProjectEntry(NamedTuple):
    """One ``[[projects]]`` table of the portfolio."""

    name: str
    #: Any URL git understands (ssh, https, file) or a path (relative to the portfolio folder).
    remote: str
    #: Where the answers live; None: the project's config says (storage.branch), else the
    #: remote's default branch.
    branch: str | None = None
    client: str = ""
    owner: str = ""
    tags: tuple[str, ...] = ()
    #: Its line in portfolio.toml (the ``[[projects]]`` header), for messages; 0 when unknown.
    line: int = 0


class Portfolio(NamedTuple):
    """The settings and the projects of ``portfolio.toml``."""

    projects: tuple[ProjectEntry, ...] = ()
    title: str = ""
    language: str | None = None
    jobs: int = DEFAULT_JOBS
    timeout: int = DEFAULT_TIMEOUT
    #: "error", "warning" or "off": what an unreachable remote does to ``portfolio check``.
    unreachable: str = DEFAULT_UNREACHABLE
    #: The file as messages name it.
    source: str = PORTFOLIO_FILE

    def project(self, name: str) -> ProjectEntry | None:
        folded = name.casefold()
        return next((p for p in self.projects if p.name.casefold() == folded), None)


# --------------------------------------------------------------------------------- reading


def portfolio_from_bytes(raw: bytes, shown: str = PORTFOLIO_FILE) -> Portfolio:
    """The portfolio in a file's bytes; ``shown`` names the file in messages."""
    data = parse_toml_bytes(raw, shown, PortfolioError)
    text = raw.decode("utf-8-sig", "replace")  # pragma: no mutate (codec names ignore case; bytes not UTF-8 were refused)
    return portfolio_from_dict(data, shown, text)


def portfolio_from_dict(data: dict[str, Any], shown: str = PORTFOLIO_FILE, text: str = "") -> Portfolio:
    """Check ``data`` (a parsed portfolio.toml) and make a Portfolio of it; ``text``, the file's
    raw text, adds the line to messages."""

    def fail(key: str, problem: str, line: int | None = None) -> PortfolioError:
        return PortfolioError(setting_problem(shown, line if line is not None else _line_of(text, key), key, problem), key=key)

    for key in data:
        if key not in _TOP:
            raise fail(key, _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_TOP))))
    title = data.get("title", "")
    if not isinstance(title, str) or "\n" in title or len(title) > 200:
        raise fail("title", _("must be one line of text, at most 200 characters."))
    language = data.get("language")
    if language is not None and language not in ("de", "en"):
        raise fail("language", _('{value} is not supported. Allowed: "de", "en".').format(value=describe_value(language)))
    fetch = _table(data, "fetch", _FETCH, fail)
    jobs = fetch.get("jobs", DEFAULT_JOBS)
    if not _whole(jobs, 1, MAX_JOBS):
        raise fail(
            "fetch.jobs",
            _("must be a whole number from 1 to {most}: how many projects are fetched at the same time.").format(most=MAX_JOBS),
        )
    timeout = fetch.get("timeout", DEFAULT_TIMEOUT)
    if not _whole(timeout, MIN_TIMEOUT, MAX_TIMEOUT):
        raise fail(
            "fetch.timeout",
            _("must be a whole number of seconds from {least} to {most}: how long one project's fetch may take.").format(
                least=MIN_TIMEOUT, most=MAX_TIMEOUT
            ),
        )
    check = _table(data, "check", _CHECK, fail)
    unreachable = check.get("unreachable", DEFAULT_UNREACHABLE)
    if unreachable not in CHECK_LEVELS:
        raise fail("check.unreachable", _('must be "error", "warning" or "off".'))
    raw_projects = data.get("projects", [])
    if not isinstance(raw_projects, list):
        raise fail("projects", _("must be tables written [[projects]], one for each project."))
    if len(raw_projects) > MAX_PROJECTS:
        raise fail(
            "projects", _("lists {n} projects; at most {most} are allowed.").format(n=len(raw_projects), most=MAX_PROJECTS)
        )
    projects: list[ProjectEntry] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_projects):
        entry = _project(raw, index, text, shown)
        folded = entry.name.casefold()
        if folded in seen:
            raise PortfolioError(
                setting_problem(
                    shown,
                    _key_in_table_line(text, entry.line or None, "name"),
                    f"projects[{index + 1}].name",
                    _(
                        "{name} is the name of project {other} already. Each project needs a name of its own (it names "
                        "its folder in the portfolio's cache)."
                    ).format(name=repr(entry.name), other=seen[folded] + 1),
                ),
                key=f"projects[{index + 1}].name",
            )
        seen[folded] = index
        projects.append(entry)
    return Portfolio(
        projects=tuple(projects),
        title=title,
        language=language,
        jobs=jobs,
        timeout=timeout,
        unreachable=unreachable,
        source=shown,
    )


def _table(data: dict[str, Any], name: str, allowed: set[str], fail: Callable[..., PortfolioError]) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise fail(name, _("must be a table ([{name}]).").format(name=name))
    for key in table:
        if key not in allowed:
            raise fail(f"{name}.{key}", _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(allowed))))
    return table


def _whole(value: Any, least: int, most: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most


def _project(raw: Any, index: int, text: str, shown: str) -> ProjectEntry:
    """One ``[[projects]]`` table, checked; ``index`` counts from 0."""
    number = index + 1
    header = _projects_header_line(text, index)

    def fail(key: str | None, problem: str) -> PortfolioError:
        dotted = f"projects[{number}]" + (f".{key}" if key else "")
        line = _key_in_table_line(text, header, key) if key else header
        return PortfolioError(setting_problem(shown, line, dotted, problem), key=dotted)

    if not isinstance(raw, dict):
        raise fail(
            None, _("must be a table ([[projects]]) with name and remote, found {found}.").format(found=describe_value(raw))
        )
    for key in raw:
        if key not in _PROJECT:
            raise fail(key, _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_PROJECT))))
    for key in ("name", "remote"):
        if key not in raw:
            raise fail(
                None,
                _("has no {key}. Every project needs a name and a remote (the URL you would give `git clone`).").format(key=key),
            )
    name = raw["name"]
    problem = name_problem(name)
    if problem:
        raise fail("name", problem)
    problem = remote_problem(raw["remote"])
    if problem:
        raise fail("remote", problem)
    branch = raw.get("branch")
    if branch is not None:
        problem = branch_problem(branch) if isinstance(branch, str) else _('must be a branch name such as "kundencheck".')
        if problem:
            raise fail("branch", problem)
    values = {}
    for key in ("client", "owner"):
        value = raw.get(key, "")
        if not isinstance(value, str) or "\n" in value or len(value) > 200:
            raise fail(key, _("must be one line of text, at most 200 characters."))
        values[key] = value
    tags = raw.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > 20
        or not all(isinstance(t, str) and t.strip() and "\n" not in t and len(t) <= 40 for t in tags)
    ):
        raise fail("tags", _('must be a list of up to 20 short words, e.g. ["retainer", "b2b"].'))
    return ProjectEntry(
        name=name,
        remote=raw["remote"],
        branch=branch,
        client=values["client"],
        owner=values["owner"],
        tags=tuple(t.strip() for t in tags),
        line=header or 0,
    )


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a project of a portfolio, or None. It names the project's
    folder in the cache, so: letters, digits, dots, dashes and underscores."""
    if isinstance(name, str) and _NAME.fullmatch(name) and name.casefold() not in (".", ".."):
        return None
    return _(
        "{name} is not a project name kundencheck can use: up to 64 letters, digits, dots, dashes and "
        "underscores, starting with a letter or digit (it names the project's folder in the portfolio's "
        'cache), e.g. "shop-relaunch".'
    ).format(name=describe_value(name))


def remote_problem(remote: Any) -> str | None:
    """Why ``remote`` cannot be a project's remote, or None. Whatever git understands is fine
    (ssh, https, file, a path); git itself says whether it can be reached."""
    if not isinstance(remote, str) or not remote.strip():
        return _(
            "must be the URL of the project's repository, as you would give it to `git clone` (e.g. "
            '"git@git.example.com:clients/shop.git" or "https://git.example.com/clients/shop.git").'
        )
    if remote != remote.strip() or any(c < " " or c == "\x7f" for c in remote) or len(remote) > 2000:
        return _(
            "{remote} has spaces at either end, control characters or more than 2,000 characters; give the "
            "URL as `git clone` takes it."
        ).format(remote=describe_value(hide_credentials(remote)))
    if remote.startswith("-"):
        return _("{remote} starts with a dash, which git would read as an option. Give the URL as `git clone` takes it.").format(
            remote=describe_value(hide_credentials(remote))
        )
    if remote.lower().startswith(_COMMAND_TRANSPORTS):
        return _(
            "{remote} uses a git transport that runs a program given in the URL; a portfolio only fetches "
            "over ssh, https, git or from a path."
        ).format(remote=describe_value(hide_credentials(remote)))
    return None


def is_local_remote(remote: str) -> bool:
    """Whether git reaches ``remote`` on this machine: a ``file://`` URL or a path (git's own
    rule: an scp-like ``host:path`` has a colon before any slash; ``C:\\`` is a drive)."""
    if remote.lower().startswith("file://"):
        return True
    if "://" in remote:
        return False
    colon, slash = remote.find(":"), remote.find("/")
    if colon == -1 or (slash != -1 and slash < colon):
        return True
    return bool(re.match(r"[A-Za-z]:[\\/]", remote))  # a Windows drive letter


# --------------------------------------------------------------------------------- lines in the file


def _projects_header_line(text: str, index: int) -> int | None:
    """The line (1-based) of the ``index``-th ``[[projects]]`` header, if it can be found."""
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*\[\[\s*projects\s*\]\]", line):
            seen += 1
            if seen == index:
                return number
    return None


def _key_in_table_line(text: str, header: int | None, key: str) -> int | None:
    """The line of ``key = …`` in the table that starts at line ``header``; the header's line
    when the key is not found there (an inline value, or a key left out)."""
    if header is None:
        return None
    lines = text.splitlines()
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return header


def _line_of(text: str, key: str) -> int | None:
    from kundencheck.core.config import key_line

    return key_line(text, key) if text else None


# --------------------------------------------------------------------------------- writing


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 88, break_long_words=False, break_on_hyphens=False)]


def init_text(title: str = "") -> str:
    """The portfolio.toml ``kundencheck portfolio init`` writes: every setting with a comment
    (in the language of the output) and a commented example project."""
    import tomlkit

    shown_title = tomlkit.item(title or _("Our client projects")).as_string()
    lines = [
        *_comment(
            _(
                "kundencheck portfolio: every client project at once (docs/portfolio.md). "
                "`kundencheck portfolio add NAME REMOTE` adds a project, `kundencheck portfolio fetch` brings "
                "their answers into a cache outside this folder, `kundencheck portfolio` shows them."
            )
        ),
        "",
        *_comment(_("The name of the portfolio, shown above its reports. Any text.")),
        f"title = {shown_title}",
        "",
        *_comment(_('The language of the reports, "de" or "en". Commented out: your own setting (user config), else LANG.')),
        '# language = "de"',
        "",
        "[fetch]",
        *_comment(_("How many projects are fetched at the same time (1 to {most}).").format(most=MAX_JOBS)),
        f"jobs = {DEFAULT_JOBS}",
        *_comment(
            _(
                "Seconds one project's fetch may take ({least} to {most}); a project that takes longer is "
                "shown with its last fetched state, as unreachable."
            ).format(least=MIN_TIMEOUT, most=MAX_TIMEOUT)
        ),
        f"timeout = {DEFAULT_TIMEOUT}",
        "",
        "[check]",
        *_comment(
            _(
                'What a remote that cannot be reached does to `kundencheck portfolio check`: "error" fails it, '
                '"warning" reports it, "off" ignores it. Its last fetched answers are judged either way.'
            )
        ),
        f'unreachable = "{DEFAULT_UNREACHABLE}"',
        "",
        *_comment(_("One table for each project (`kundencheck portfolio add` writes them):")),
        "# [[projects]]",
        '# name = "shop"' + "  " + _comment(_("short and unique: letters, digits, . _ -"))[0],
        '# remote = "git@git.example.com:clients/shop.git"' + "  " + _comment(_("what you would give `git clone`"))[0],
        '# branch = "kundencheck"' + "  " + _comment(_("where the answers live; left out: the project's config says"))[0],
        '# client = "Kunde GmbH"',
        '# owner = "Ana"',
        '# tags = ["retainer"]',
    ]
    text = "\n".join(lines) + "\n"
    portfolio_from_bytes(text.encode("utf-8"))  # what init writes must read back
    return text


#: The byte-order mark some editors (on Windows) put at the start of a UTF-8 file.
BOM = b"\xef\xbb\xbf"


def add_project_to_file(raw: bytes, entry: ProjectEntry, shown: str = PORTFOLIO_FILE) -> bytes:
    """The bytes of portfolio.toml (``raw``) with ``entry`` added at the end, the file's bytes
    before it as they were: a byte-order mark stays, and the new table is written with the
    file's own line ending (CRLF when its first line ends so). Raises :class:`PortfolioError`
    as :func:`add_project` does, and for a file that is not UTF-8."""
    portfolio_from_bytes(raw, shown)  # a file that is not UTF-8 or not TOML: said as for any command
    mark = BOM if raw.startswith(BOM) else b""
    text = raw[len(mark) :].decode()  # UTF-8: portfolio_from_bytes refused anything else
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return mark + add_project(text, entry, shown, newline=newline).encode()


def add_project(text: str, entry: ProjectEntry, shown: str = PORTFOLIO_FILE, *, newline: str = "\n") -> str:
    """``text`` (a portfolio.toml) with ``entry`` added as a ``[[projects]]`` table at its end,
    everything else kept as it was; ``newline`` ends the new lines. Raises
    :class:`PortfolioError` when the file is broken or the entry cannot be added (a name taken,
    a bad remote)."""
    import tomlkit

    before = portfolio_from_bytes(text.encode(), shown)
    taken = before.project(entry.name)
    if taken is not None:
        number = before.projects.index(taken) + 1
        raise PortfolioError(
            setting_problem(
                shown,
                _key_in_table_line(text, taken.line or None, "name"),
                f"projects[{number}].name",
                _(
                    "a project named {name} is in the portfolio already (remote {remote}). Choose another name, or edit "
                    "that project's table in the file."
                ).format(name=repr(taken.name), remote=hide_credentials(taken.remote)),
            ),
            key=f"projects[{number}].name",
        )
    values = {
        "name": entry.name,
        "remote": entry.remote,
        "branch": entry.branch,
        "client": entry.client,
        "owner": entry.owner,
        "tags": list(entry.tags),
    }
    # Appended as text: the file above stays byte for byte as it was, comments and all, with a
    # blank line between it and the new table.
    lines = ["[[projects]]"] + [
        f"{key} = {tomlkit.item(value).as_string()}" for key, value in values.items() if value or key in ("name", "remote")
    ]
    if not text or text.isspace() or text.endswith(("\n\n", "\n\r\n")):
        gap = ""
    elif text.endswith("\n"):
        gap = newline
    else:
        gap = newline * 2
    written = text + gap + newline.join(lines) + newline
    after = portfolio_from_bytes(written.encode(), shown)  # raises, naming the key, for a bad entry
    if len(after.projects) != len(before.projects) + 1:
        raise PortfolioError(
            _("{file}: the project could not be added as a [[projects]] table at the end of the file; add it by hand.").format(
                file=shown
            )
        )
    return written
