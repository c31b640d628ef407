"""How the screen looks without colour (``NO_COLOR`` or ``--no-color``)."""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, monochrome_style

#: Foreground and background greys closer than this in brightness (0 to 1) are pulled apart.
MIN_CONTRAST = 0.4
_LIGHT = RichColor.from_rgb(224, 224, 224)
_DARK = RichColor.from_rgb(32, 32, 32)


class ReadableMonochrome(LineFilter):
    """Greys instead of colours, with every text readable against its background.

    Textual's own filter for NO_COLOR (Monochrome) maps each colour to the grey of its
    luminance: red, the colour of every "no" and "overdue", became a dark grey that all but
    vanished on a dark background. Here a foreground grey too close to its background's is moved
    to light (on dark) or dark (on light), unless it is the very same grey (text hidden on
    purpose); backgrounds stay grey, so the highlighted row still shows. States never depend on
    colour anyway: each has its symbol and word (a picked participant too: ``[✔] … · picked``).
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else _readable(style, background), control) for text, style, control in segments
        ]


@lru_cache(2048)
def _readable(style: Style, background: Color) -> Style:
    grey = monochrome_style(style)
    if grey.color is None or grey.color.triplet is None:
        return grey
    behind = grey.bgcolor
    back = (
        Color.from_rich_color(behind).brightness
        if behind is not None and behind.triplet is not None
        else background.monochrome.brightness
    )
    front = Color.from_rich_color(grey.color).brightness
    if abs(front - back) >= MIN_CONTRAST or front == back:  # the same grey: hidden on purpose
        return grey
    return grey + Style(color=_LIGHT if back < 0.5 else _DARK)
