"""Writing a long note in the user's own editor (``$VISUAL``, else ``$EDITOR``, else ``vi``)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import _
from kundencheck.core.text import clean_text

if TYPE_CHECKING:
    from textual.app import App

#: How a line break of a note looks in the one-line note field.
LINE_BREAK = " ⏎ "


def note_to_field(note: str) -> str:
    """A note as the one-line note field shows it: line breaks become ⏎ (an Input cannot hold
    them; a raw newline would break the terminal's layout). Terminal control is removed."""
    return clean_text(note).replace("\n", LINE_BREAK)


def note_from_field(value: str) -> str:
    """The note back from the field: each ⏎ is a line break again."""
    return re.sub(r" ?⏎ ?", "\n", value)


class EditorError(KundencheckError):
    """The editor could not be started or did not end well; the note is unchanged."""


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """The editor to run, as an argument list: ``$VISUAL``, else ``$EDITOR``, else ``vi``.

    The variable may hold arguments too (``EDITOR="code --wait"``), split like a shell would.
    """
    import shlex  # only when a note goes to the editor, not at every start

    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                words = [value]
            if words:
                return words
    return ["vi"]


def edit_text(text: str, *, environ: Mapping[str, str] | None = None, suffix: str = ".md") -> str:
    """Open ``text`` in the editor on a temporary file and return what was saved.

    Trailing blank lines and spaces (editors add a final newline) are removed. Raises
    :class:`EditorError` when the editor cannot be started or exits with an error status.
    """
    command = editor_command(environ)
    fd, name = tempfile.mkstemp(prefix="kundencheck-note-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n" if text else "")
        try:
            status = subprocess.run([*command, str(path)], check=False).returncode
        except OSError as exc:
            raise EditorError(
                _("Could not start the editor {editor!r} ({reason}). Set $EDITOR to one you have, e.g. nano.").format(
                    editor=" ".join(command), reason=exc.strerror or exc
                )
            ) from None
        if status != 0:
            raise EditorError(
                _("The editor {editor!r} ended with exit status {status}; the note is unchanged.").format(
                    editor=" ".join(command), status=status
                )
            )
        try:
            return path.read_text(encoding="utf-8", errors="replace").rstrip()
        except OSError as exc:
            raise EditorError(
                _("Could not read the note back from {path} ({reason}).").format(path=path, reason=exc.strerror or exc)
            ) from None
    finally:
        try:
            path.unlink()
        except OSError:
            pass


def edit_in_app(app: App[Any], text: str) -> str | None:
    """Suspend the Textual ``app``, edit ``text`` in the editor, resume; the new text or None.

    None (with a notification in the app) when the terminal cannot be handed over (e.g. in a
    headless test or Textual Web) or the editor failed.
    """
    from textual.app import SuspendNotSupported

    error: Exception | None = None
    result: str | None = None
    try:
        with app.suspend():
            # Nothing may escape this block: Textual resumes the app only when it ends normally.
            try:
                result = edit_text(text)
            except Exception as exc:  # noqa: BLE001  (re-raised below, after the app is back)
                error = exc
    except SuspendNotSupported:
        app.notify(
            _("An external editor cannot be opened here; type the note in the note field."), severity="warning", markup=False
        )
        return None
    if isinstance(error, EditorError):
        # The message names the editor from $EDITOR and a path: never parsed as markup.
        app.notify(clean_text(str(error)), severity="error", timeout=8, markup=False)
        return None
    if error is not None:
        raise error
    return result
