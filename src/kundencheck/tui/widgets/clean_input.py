"""An input field that can only ever hold clean, one-line text."""

from __future__ import annotations

from textual.widgets import Input

from kundencheck.core.text import clean_text


class CleanInput(Input):
    """An :class:`Input` whose value never holds terminal control.

    Whatever sets the value (typing, a paste, a draft or an answers file loaded into the
    field) goes through :func:`clean_text` first, so an escape sequence, a carriage return or
    NUL is never drawn to the terminal and never stored; a line break becomes a space.
    """

    def validate_value(self, value: str) -> str:
        cleaned = clean_text(value)
        return cleaned.replace("\n", " ") if "\n" in cleaned else cleaned
