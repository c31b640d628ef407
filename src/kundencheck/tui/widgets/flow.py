"""Text laid out for the width it is drawn at: parts that belong together stay on one line.

Textual wraps text at every space, so a choice such as ``4 Noch nichts vereinbart`` or a count
such as ``– 0 n. z.`` could be split over two lines, half of it at the end of one line and half
at the start of the next. :func:`flow` puts whole parts on a line while they fit and starts a
new line before a part that does not; only a part wider than the whole line is wrapped inside.
:class:`FlowStatic` draws such text, made anew for the width it gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

#: A part of :func:`flow` that starts a new line.
LINE_BREAK = Text("\n")


def flow(parts: Iterable[Text], width: int, gap: int = 2, separator: str | None = None) -> Text:
    """``parts`` side by side, ``gap`` spaces apart (or ``separator`` between two parts on one
    line), a new line before each that would not fit into ``width`` cells. A part wider than
    ``width`` stays one part (the widget wraps it); :data:`LINE_BREAK` starts a new line."""
    between = separator if separator is not None else " " * gap
    text = Text()
    used = 0
    for part in parts:
        if part is LINE_BREAK:
            text.append("\n")
            used = 0
            continue
        size = part.cell_len
        if used and used + cell_len(between) + size > width:
            text.append("\n")
            used = 0
        elif used:
            text.append(between, style="dim")
            used += cell_len(between)
        text.append_text(part)
        used += size
    return text


class FlowStatic(Static):
    """A Static whose content is made for the width it is drawn at.

    :meth:`show` takes a function of the width (in cells) that returns what to draw; it is
    called again whenever the width changes, and for the height Textual asks for.
    """

    DEFAULT_CSS = """
    FlowStatic {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._build: Callable[[int], RenderableType] = lambda width: Text()

    def show(self, build: Callable[[int], RenderableType]) -> None:
        """Draw ``build(width)`` from now on."""
        self._build = build
        self._content_height_cache = (None, 0)
        self._content_width_cache = (None, 0)
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        return self._build(max(1, self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not width:
            return 0
        from textual.visual import visualize

        # The styles as the rules, as Textual's own Widget passes them (its annotation says RulesMap).
        return visualize(self, self._build(width)).get_height(self.styles, width)  # type: ignore[arg-type]
