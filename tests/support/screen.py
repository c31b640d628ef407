"""What the terminal shows, as text, for "is it there" checks on the app's screens."""

from __future__ import annotations

import io
import re


def screen_text(app) -> str:
    """What the terminal shows, as plain text (the same render as ``export_screenshot``)."""
    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


def flat(text: str) -> str:
    """Screen text with box drawing and line breaks folded away: one line."""
    text = re.sub(r"[│┃╭╮╰╯─━▏▕▎▊▌▐╸╺]", " ", text)
    return " ".join(text.split())


def folded(text: str) -> str:
    """Screen text with runs of spaces folded, line by line."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())
