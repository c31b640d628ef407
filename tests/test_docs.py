"""The documentation stays true to the repository: every relative link in README.md,
CONTRIBUTING.md and docs/*.md leads to a file that exists (and to a heading that exists, for
``#anchor`` links), every repository path in a code span (`src/...`, `tests/...::test_name`)
names a file (and a function) that exists, nothing refers to a folder outside the repository,
and the README's test command is the one `.ci/run` runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.paths import ROOT

DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
#: Repository paths in code spans: `src/kundencheck/session.py`, `tests/x.py::test_y`.
_REPO_PATH = re.compile(r"^(?:src|tests|docs|scripts|benchmarks|checklists|\.ci)/[\w./-]*(?:::\w+)?$")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines of a Markdown text outside fenced code blocks, with their line numbers."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its text without markup, lower case, without
    punctuation, spaces as dashes."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor the headings of a Markdown text make (a repeated one gets -1, -2, ...)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _number, line in prose_lines(text):
        match = _HEADING.match(line)
        if not match:
            continue
        anchor = github_anchor(match.group(2))
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 0
        found.add(anchor)
    return found


def links(text: str) -> list[tuple[int, str]]:
    """The targets of the inline links of a Markdown text (not in code), with line numbers."""
    found = []
    for number, line in prose_lines(text):
        for match in _LINK.finditer(_CODE_SPAN.sub("", line)):
            found.append((number, match.group(1)))
    return found


def code_span_paths(text: str) -> list[tuple[int, str]]:
    """Repository paths written in code spans outside code blocks."""
    found = []
    for number, line in prose_lines(text):
        for match in _CODE_SPAN.finditer(line):
            if _REPO_PATH.match(match.group(2)):
                found.append((number, match.group(2)))
    return found


def broken_links(document: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the relative links of ``document``, one line per problem."""
    problems = []
    text = document.read_text(encoding="utf-8")
    shown = document.relative_to(root)
    for number, target in links(text):
        if _SCHEME.match(target):
            continue  # http(s), mailto: not checked offline
        path, _hash, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            problems.append(f"{shown}:{number}: {target}: no such file")
            continue
        if root not in (linked, *linked.parents):
            problems.append(f"{shown}:{number}: {target}: outside the repository")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            problems.append(f"{shown}:{number}: {target}: no heading with the anchor #{anchor} in {linked.relative_to(root)}")
    for number, written in code_span_paths(text):
        path, _sep, name = written.partition("::")
        file = root / path
        if not file.exists():
            problems.append(f"{shown}:{number}: `{written}`: no such file")
        elif name and not re.search(rf"^\s*(?:async\s+)?def {re.escape(name)}\b", file.read_text(encoding="utf-8"), re.M):
            problems.append(f"{shown}:{number}: `{written}`: no function {name} in {path}")
    return problems


# ------------------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("A team's own questions", "a-teams-own-questions"),
        ("`kundencheck check`: the gate for CI and git hooks", "kundencheck-check-the-gate-for-ci-and-git-hooks"),
        ("The steps, and why each is there (the checked-out branch)", "the-steps-and-why-each-is-there-the-checked-out-branch"),
        ("Errors, warnings, off: the `[check]` table", "errors-warnings-off-the-check-table"),
        ("Answers format, schema 1", "answers-format-schema-1"),
        ("Über [die Marke](x.md) – Äpfel", "über-die-marke--äpfel"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading, anchor):
    assert github_anchor(heading) == anchor


def test_the_checker_finds_what_is_broken_and_only_that(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text("def there():\n    pass\n")
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## A section\n\n## A section\n\n```\n# not a heading\n```\n")
    doc = tmp_path / "docs" / "page.md"
    doc.write_text(
        "# Page\n\n"
        "[fine](other.md), [fine](other.md#a-section), [fine](other.md#a-section-1), [fine](#page),\n"
        "[fine](https://example.com/missing), [fine](../src/mod.py), `src/mod.py::there`, `[x](gone.md)`\n"
        "[missing](gone.md), [no anchor](other.md#nowhere), [fenced heading](other.md#not-a-heading)\n"
        "[outside](../../elsewhere.md) `src/gone.py` `src/mod.py::not_there` [self](#nothing)\n"
        "```\n[in a code block](gone.md)\n```\n"
    )
    (tmp_path.parent / "elsewhere.md").write_text("# Elsewhere\n")
    problems = broken_links(doc, tmp_path)
    assert problems == [
        "docs/page.md:5: gone.md: no such file",
        "docs/page.md:5: other.md#nowhere: no heading with the anchor #nowhere in docs/other.md",
        "docs/page.md:5: other.md#not-a-heading: no heading with the anchor #not-a-heading in docs/other.md",
        "docs/page.md:6: ../../elsewhere.md: outside the repository",
        "docs/page.md:6: #nothing: no heading with the anchor #nothing in docs/page.md",
        "docs/page.md:6: `src/gone.py`: no such file",
        "docs/page.md:6: `src/mod.py::not_there`: no function not_there in src/mod.py",
    ]


# ------------------------------------------------------------------------- the documents


def test_the_documents_are_there():
    names = {path.relative_to(ROOT).as_posix() for path in DOCUMENTS}
    assert {"README.md", "CONTRIBUTING.md", "docs/architecture.md", "docs/security.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_and_path_leads_somewhere(document):
    assert broken_links(document) == []


#: A folder outside the repository that notes of the people working on it live in.
_OUTSIDE = re.compile(r"(?<![\w~.])/" + "work/")
_TEXT_FOLDERS = ("src", "tests", "docs", "scripts", "benchmarks", "checklists", ".ci")


def test_nothing_refers_to_folders_outside_the_repository():
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "pyproject.toml"]
    for folder in _TEXT_FOLDERS:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".toml", ".po", ".pot", "")]
    offenders = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if _OUTSIDE.search(line)]
    assert offenders == []


def test_the_outside_pattern_can_fail():
    assert _OUTSIDE.search("see " + "/work" + "/helpers/notes.md")
    assert not _OUTSIDE.search("kundencheck -C ~/work/shop run")


def test_the_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"Run the tests[^\n]*:\n\n```sh\n(.+?)\n```", readme).group(1)
    assert command.startswith("python3 -m venv .venv")
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
