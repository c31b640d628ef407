"""The run screen's progress: "Answered 3 of 12" and a bar, in one line and one widget."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget


class ProgressLine(Widget):
    """A label and a bar drawn as text.

    One widget instead of Textual's ProgressBar (a ProgressBar, its Bar and a row around
    them): the run screen's first frame is the one every sprint start waits for, and each
    widget costs styling and layout there. The bar reads without colour too: the answered
    part is drawn with heavy lines, the rest with thin ones.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress-line--done", "progress-line--rest"}

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        padding: 0 1;
    }
    ProgressLine > .progress-line--done {
        color: $primary;
    }
    ProgressLine > .progress-line--rest {
        color: $foreground 30%;
    }
    """

    #: The gap between the label and the bar, in cells.
    GAP = 2

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = ""
        self.done = 0
        self.total = 0

    def show(self, label: str, done: int, total: int) -> None:
        """Show ``label`` and a bar ``done`` of ``total`` full (an empty bar when total is 0)."""
        if (label, done, total) != (self.label, self.done, self.total):
            self.label, self.done, self.total = label, done, total
            self.refresh()

    def render(self) -> Text:
        text = Text(self.label, no_wrap=True, overflow="ellipsis")
        bar = self.content_size.width - cell_len(self.label) - self.GAP
        if bar > 0:
            full = bar * min(self.done, self.total) // self.total if self.total > 0 else 0
            text.append(" " * self.GAP)
            text.append("━" * full, style=self.get_component_rich_style("progress-line--done"))
            text.append("─" * (bar - full), style=self.get_component_rich_style("progress-line--rest"))
        return text
