"""The bar at the top of every screen: the screen's title and subtitle, never cut."""

from __future__ import annotations

from rich.text import Text

from kundencheck.tui.widgets.flow import FlowStatic


class TitleBar(FlowStatic):
    """``✔ title — subtitle`` on one line, centred; where the terminal is too narrow, the
    subtitle goes onto a line of its own and a long title wraps, so nothing is cut off.

    Used instead of Textual's Header, which is one line high and cuts what does not fit
    (``Sprint start: … — build · 2026…`` at 80 columns). It follows the screen's ``title`` and
    ``sub_title`` as the Header does.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: auto;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        text-align: center;
    }
    """

    ICON = "✔"

    def on_mount(self) -> None:
        self.show(self._text)
        self.watch(self.screen, "title", lambda: self.show(self._text), init=False)
        self.watch(self.screen, "sub_title", lambda: self.show(self._text), init=False)

    def _text(self, width: int) -> Text:
        title = Text(f"{self.ICON} {self.screen.title or self.app.title or ''}")
        sub_title = self.screen.sub_title or ""
        if not sub_title:
            return title
        line = Text.assemble(title, " — ", (sub_title, "dim"))
        if line.cell_len <= width:
            return line
        return Text.assemble(title, "\n", (sub_title, "dim"))  # the subtitle on a line of its own
