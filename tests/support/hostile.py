"""Hostile material: texts that try to inject markup or terminal control, checklists and
repositories full of them, answers files as a person could write them by hand.

Everything here builds real files and real repositories (no mocks), as a hostile team member,
a broken editor or a hand-edited file would leave them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.git import git

#: Rich/Textual markup that must be shown literally, never parsed or executed.
MARKUP = ["[bold]", "[/]", "[/foo]", "[link=x]", "[@click=app.quit]"]
#: One line holding all of them (with words between, so nothing merges into a tag).
MARKUP_LINE = "Mk [bold]fett[/] [/foo] [link=x]Link [@click=app.quit]Klick"

#: Terminal control: colour, OSC title (BEL- and ST-terminated), clear screen, cursor moves,
#: carriage return, backspace, NUL, DEL, an 8-bit CSI, a bidi override.
CONTROL = (
    "\x1b[31mROT\x1b[0m \x1b]0;pwned\x07 \x1b]2;pwned\x1b\\ \x1b[2J\x1b[H cr\rBS\x08\x08 nul\x00 del\x7f csi\x9b31m rlo\u202e"
)
#: Bytes that must never reach a terminal from text a person or a file supplied.
FORBIDDEN = ("\x1b", "\r", "\x08", "\x00", "\x7f", "\x9b", "\u202e", "\x07")

GERMAN = "Größe äöü ÄÖÜ ß – Übermaß"
UNICODE = f"{GERMAN} 🚀👩‍💻 שלום עולם مرحبا e\u0301 n\u0303 漢字かな全角"


def toml_str(text: str) -> str:
    """``text`` as a TOML basic string (json escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def hostile_checklist(
    text: str = MARKUP_LINE, *, items: int = 0, question_extra: str = "", cid: str = "build", phase: str = "build"
) -> str:
    """A valid checklist in which every free text (title, description, question, why, scale
    labels, option labels) carries ``text``; one item of each kind, then ``items`` more
    traffic-light items."""
    q = toml_str
    lines = [
        "format = 1",
        f'id = "{cid}"',
        f"title = {q('Titel ' + text)}",
        f'phase = "{phase}"',
        'language = "en"',
        f"version = {q('1.0')}",
        f"description = {q('Beschreibung ' + text)}",
        "",
        "[[items]]",
        'id = "light"',
        f"question = {q('Ampel ' + text + question_extra)}",
        f"why = {q('Warum ' + text)}",
        'kind = "traffic-light"',
        'note_when = ["amber", "red"]',
        'action_when = ["red"]',
        "",
        "[[items]]",
        'id = "mood"',
        f"question = {q('Skala ' + text)}",
        f"why = {q('Warum ' + text)}",
        'kind = "scale"',
        f"low = {q('Tief ' + text)}",
        f"high = {q('Hoch ' + text)}",
        "",
        "[[items]]",
        'id = "design"',
        f"question = {q('Auswahl ' + text)}",
        f"why = {q('Warum ' + text)}",
        'kind = "choice"',
        f'options = [{{ id = "yes", label = {q("Ja " + text)} }}, {{ id = "no", label = {q("Nein " + text)} }}]',
        "",
        "[[items]]",
        'id = "when"',
        f"question = {q('Datum ' + text)}",
        f"why = {q('Warum ' + text)}",
        'kind = "date"',
        "required = false",
        "",
        "[[items]]",
        'id = "advice"',
        f"question = {q('Text ' + text)}",
        f"why = {q('Warum ' + text)}",
        'kind = "text"',
    ]
    for n in range(items):
        lines += [
            "",
            "[[items]]",
            f'id = "extra-{n}"',
            f"question = {q(f'Frage {n} ' + text)}",
            f"why = {q('Warum ' + text)}",
            'kind = "traffic-light"',
        ]
    return "\n".join(lines) + "\n"


def add_checklist(repo: Path, content: str, name: str = "build.en.toml", commit: bool = True) -> Path:
    target = repo / ".kundencheck" / "checklists" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    if commit:
        git(repo, "add", ".kundencheck")
        git(repo, "commit", "-q", "-m", "Add our own checklist")
    return target


def set_author(repo: Path, name: str, email: str = "mallory@example.com") -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", email)


def hand_written_run(
    run_id: str,
    sprint: str,
    author: str,
    note: str,
    *,
    phase: str = "build",
    checklist: str = "build",
    started: str = "2026-11-13T09:00:00+01:00",
) -> str:
    """An answers file as a person could write it by hand (escapes and all): light red with a
    note and an action, mood 2 with a note, design yes."""
    q = toml_str
    return (
        "\n".join(
            [
                "schema = 1",
                f'id = "{run_id}"',
                f'checklist = "{checklist}"',
                'checklist_version = "1.0"',
                f'phase = "{phase}"',
                'language = "en"',
                f"sprint = {q(sprint)}",
                f"author = {q(author)}",
                f"started = {started}",
                f"finished = {started}",
                "",
                "[[answers]]",
                'item = "light"',
                'status = "red"',
                f"note = {q(note)}",
                "[answers.action]",
                f"what = {q('Tun ' + note)}",
                f"owner = {q(author)}",
                "due = 2026-11-20",
                "",
                "[[answers]]",
                'item = "mood"',
                "value = 2",
                f"note = {q(note)}",
                "",
                "[[answers]]",
                'item = "design"',
                'value = "yes"',
                "",
            ]
        )
        + "\n"
    )


def commit_hand_written(repo: Path, content: str, run_id: str, year: str = "2026") -> Path:
    path = repo / ".kundencheck" / "answers" / year / f"{run_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    git(repo, "add", str(path.relative_to(repo)))
    git(repo, "commit", "-q", "-m", f"answers {run_id}")
    return path


def assert_no_control(text: str, where: str = "output") -> None:
    found = [repr(c) for c in FORBIDDEN if c in text]
    assert not found, f"{where} holds terminal control characters {', '.join(found)}:\n{text!r}"


def file_tree(root: Path) -> set[str]:
    """Every path below ``root`` (files, folders, links), relative, for before/after checks."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}
