"""A long note written in $VISUAL / $EDITOR (ctrl+e on the run screen)."""

from __future__ import annotations

import contextlib
import stat
import sys
from pathlib import Path

import pytest

from kundencheck.tui import editor
from kundencheck.tui.app import build_app
from kundencheck.tui.editor import EditorError, edit_in_app, edit_text, editor_command, note_from_field, note_to_field
from tests.support.apps import offline_app


def script(tmp_path: Path, name: str, body: str) -> Path:
    """A small editor: a Python script that gets the file to edit as its argument."""
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys\npath = sys.argv[-1]\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_editor_command_prefers_visual_then_editor_then_vi():
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "nano -R"}) == ["nano", "-R"]
    assert editor_command({"VISUAL": "  ", "EDITOR": ""}) == ["vi"]
    assert editor_command({}) == ["vi"]


def test_edit_text_runs_the_editor_on_a_temp_file_holding_the_note(tmp_path, monkeypatch):
    seen, where = tmp_path / "seen.txt", tmp_path / "where.txt"
    fake = script(
        tmp_path,
        "fake-editor",
        f"open({str(seen)!r}, 'w').write(open(path).read())\n"
        f"open({str(where)!r}, 'w').write(path)\n"
        "open(path, 'a').write('Second line, written in the editor.\\n\\n')",
    )
    monkeypatch.setenv("EDITOR", str(fake))
    result = edit_text("Only status mails.")
    assert seen.read_text() == "Only status mails.\n"  # the editor got the current note
    assert result == "Only status mails.\nSecond line, written in the editor."  # trailing blank lines go
    assert Path(where.read_text()).name.startswith("kundencheck-note-")
    assert not Path(where.read_text()).exists()  # the temporary file is gone


def test_line_breaks_show_as_a_symbol_in_the_one_line_field():
    assert note_to_field("one\ntwo\r\nthree") == "one ⏎ two ⏎ three"
    assert note_from_field("one ⏎ two ⏎ three") == "one\ntwo\nthree"
    assert note_from_field(note_to_field("a\n\nb")) == "a\n\nb"
    assert note_from_field("no breaks") == "no breaks"


def test_edit_text_with_arguments_in_editor_variable(tmp_path, monkeypatch):
    fake = script(tmp_path, "fake editor", "open(path, 'w').write(sys.argv[1])")  # a space in the path, quoted
    monkeypatch.setenv("VISUAL", f"'{fake}' --from-visual")
    monkeypatch.setenv("EDITOR", "false")
    assert edit_text("") == "--from-visual"


def test_edit_text_reports_failing_and_missing_editors(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", str(script(tmp_path, "failing", "sys.exit(3)")))
    with pytest.raises(EditorError, match="exit status 3; the note is unchanged"):
        edit_text("x")
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    with pytest.raises(EditorError, match=r"Could not start the editor .*Set \$EDITOR"):
        edit_text("x")


class FakeApp:
    """Stands in for the app around a real terminal, where suspend() works."""

    def __init__(self):
        self.events: list[str] = []
        self.notes: list[tuple[str, str]] = []

    @contextlib.contextmanager
    def suspend(self):
        self.events.append("suspend")
        yield
        self.events.append("resume")

    def notify(self, message, severity="information", timeout=None, markup=True):
        self.notes.append((severity, message))


def test_edit_in_app_suspends_around_the_editor(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", str(script(tmp_path, "ed", "open(path, 'w').write('From the editor')")))
    app = FakeApp()
    assert edit_in_app(app, "old") == "From the editor"
    assert app.events == ["suspend", "resume"]


def test_edit_in_app_resumes_and_notifies_when_the_editor_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", str(script(tmp_path, "ed", "sys.exit(1)")))
    app = FakeApp()
    assert edit_in_app(app, "old") is None
    assert app.events == ["suspend", "resume"]  # the app came back before the message
    assert app.notes and app.notes[0][0] == "error" and "exit status 1" in app.notes[0][1]


async def test_headless_app_cannot_suspend_so_it_says_so(tmp_path, monkeypatch):
    """Textual's headless driver (run_test) raises SuspendNotSupported: the note stays, a
    notification explains, nothing crashes."""
    called = tmp_path / "called"
    monkeypatch.setenv("EDITOR", str(script(tmp_path, "ed", f"open({str(called)!r}, 'w').write('x')")))
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "cannot be opened here" in " ".join(str(n.message) for n in app._notifications)
    assert not called.exists()
    assert session.run.answer("client-contacted") is None or session.run.answer("client-contacted").note == ""


async def test_ctrl_e_puts_the_edited_note_into_the_session_and_the_field(monkeypatch):
    received: list[str] = []

    def fake_edit(app, text):
        received.append(text)
        return "Long note\nwith a second line"

    monkeypatch.setattr(editor, "edit_in_app", fake_edit)
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3")  # no -> the note field has focus; ctrl+e must still open the editor
        assert app.focused.id == "note-input"
        await pilot.press(*"short", "ctrl+e")
        await pilot.pause()
        assert received == ["short"]
        assert session.run.answer("client-contacted").note == "Long note\nwith a second line"
        assert app.screen.query_one("#note-input").value == "Long note ⏎ with a second line"
        # Typing on in the field keeps the line break.
        await pilot.press("end", *" ok")
        assert session.run.answer("client-contacted").note == "Long note\nwith a second line ok"
        # In the other input fields ctrl+e keeps its usual meaning (end of line).
        app.screen.query_one("#action-what").focus()
        await pilot.press(*"Call", "home", "ctrl+e", "!")
        assert app.screen.query_one("#action-what").value == "Call!"
        assert received == ["short"]


async def test_ctrl_e_is_in_the_command_palette():
    app, _ = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Edit note in $EDITOR" in titles


async def test_user_keymap_and_theme_are_applied():
    """The [keys] of the user config remap bindings by id; the theme is set before the first screen."""
    _, session = offline_app()
    app = build_app(lambda _phase, _draft: session, theme="ansi-light", keymap={"next-item": "ctrl+n"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-light"
        await pilot.press("ctrl+n")
        assert app.screen.current.id == session.visible_items()[1].id
        await pilot.press("j")  # remapped away
        assert app.screen.current.id == session.visible_items()[1].id
