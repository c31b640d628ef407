"""The panel for the item in focus: question, why, last time's answer, the answer choices."""

from __future__ import annotations

from rich.text import Text

from kundencheck.core.answers import Answer, display_value
from kundencheck.core.checklist import STATUS_SYMBOLS, STATUS_WORDS, STATUSES, Item, Kind
from kundencheck.core.i18n import _, translate
from kundencheck.core.text import clean_text, one_line
from kundencheck.tui.widgets.flow import LINE_BREAK as _LINE_BREAK
from kundencheck.tui.widgets.flow import FlowStatic, flow

#: Keys that answer a traffic-light item, in the order shown.
TRAFFIC_KEYS = {"1": "green", "2": "amber", "3": "red", "0": "na"}


def status_text(status: str | None) -> Text:
    """A status as symbol and word, styled; readable without colour too."""
    if status not in STATUSES:
        return Text("· " + _("open"), style="dim")
    return Text(f"{STATUS_SYMBOLS[status]} {translate(STATUS_WORDS[status])}", style=_STATUS_STYLE[status])


_STATUS_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "na": "dim"}


def answer_symbol(item: Item, answer: Answer | None) -> str:
    value = answer.value if answer else None
    if value in (None, ""):
        return "·"
    if item.kind is Kind.TRAFFIC_LIGHT:
        return STATUS_SYMBOLS.get(str(value), "?")
    if item.kind is Kind.SCALE:
        return str(value)
    return "•"


def answer_text(item: Item, answer: Answer | None, *, limit: int = 1000) -> Text:
    """An answer as shown to people: symbol and word for statuses, a scale with its range and
    band (``✘ 2/5``), a choice whose option has a band with that band's symbol, else the value;
    text longer than ``limit`` characters ends in "…"."""
    from kundencheck.core.bands import answer_band

    if answer is None or answer.value in (None, ""):
        return Text(_("not answered"), style="dim")
    if item.kind is Kind.TRAFFIC_LIGHT:
        return status_text(str(answer.value))
    band = answer_band(item, answer.value)  # the one definition every view uses
    if item.kind is Kind.SCALE:
        from kundencheck.core.report import display_answer

        return Text(display_answer(answer.value, item.kind, band=band), style=_STATUS_STYLE.get(band or "", ""))
    shown = one_line(display_value(item, answer.value), limit)
    if band is None:
        return Text(shown)
    return Text(f"{STATUS_SYMBOLS[band]} {shown}", style=_STATUS_STYLE[band])


#: Last time's note is shown up to this many characters (the whole of any note people write;
#: a pasted megabyte is not drawn at every key).
LAST_NOTE_LIMIT = 1000


class QuestionPanel(FlowStatic):
    """Shows one item: where it is in the list, the question, why it is asked, last time's
    answer and the answer choices, a blank line between each.

    One widget drawing one ``Text``, rather than a widget per part: the run screen's first frame
    pays for every widget. The choices are laid out for the width the panel has (see
    :func:`~kundencheck.tui.widgets.flow.flow`): a choice is never split over two lines. All
    text goes in as plain ``Text`` so markup in it is never parsed; ``parts`` keeps each part as
    shown (tests read them; the choices as laid out in one line).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: dict[str, Text] = {}

    def show_item(self, item: Item, position: int, total: int, answer: Answer | None, last: Answer | None) -> None:
        required = "" if item.required else "  " + _("(optional)")
        parts = {
            "position": Text(
                _("Question {n} of {total}").format(n=position, total=total) + required + f"  ·  {item.id}", style="dim"
            ),
            "question": Text(clean_text(item.question), style="bold"),
            "why": Text(_("Why: ") + clean_text(item.why), style="italic"),
        }
        if last is not None and last.value not in (None, ""):
            text = Text(_("Last time: "), style="dim")
            text.append_text(answer_text(item, last, limit=LAST_NOTE_LIMIT))
            if last.note.strip():
                text.append(" — " + one_line(last.note, LAST_NOTE_LIMIT), style="dim")
            parts["last"] = text
        choices = self._choices(item, answer)
        parts["choices"] = flow(choices, 10_000)
        self.parts = parts

        def whole(width: int) -> Text:
            text = Text()
            text.append_text(parts["position"])
            for name in ("question", "why", "last", "choices"):
                if name in parts:
                    text.append("\n" if name == "question" else "\n\n")
                    text.append_text(flow(choices, width) if name == "choices" else parts[name])
            return text

        self.show(whole)

    def _choices(self, item: Item, answer: Answer | None) -> list[Text]:
        """The choices, each a part of its own (kept on one line)."""
        current = answer.value if answer else None
        if item.kind is Kind.TRAFFIC_LIGHT:
            parts = []
            for key, status in TRAFFIC_KEYS.items():
                chosen = current == status
                label = f" {key} {STATUS_SYMBOLS[status]} {translate(STATUS_WORDS[status])} "
                parts.append(Text(label, style=("reverse " + _STATUS_STYLE[status]) if chosen else _STATUS_STYLE[status]))
            return parts
        if item.kind is Kind.SCALE:
            # The range first, each end a part of its own; then the five values.
            parts = [Text(f"1 = {clean_text(item.low)}", style="dim"), Text(f"5 = {clean_text(item.high)}", style="dim")]
            values = Text()
            for value in range(1, 6):
                if value > 1:
                    values.append(" ")
                values.append(f" {value} ", style="reverse bold" if current == value else "bold")
            return [*parts, _LINE_BREAK, values]
        if item.kind is Kind.CHOICE:
            return [
                Text(f" {n} {clean_text(option.label)} ", style="reverse bold" if current == option.id else "bold")
                for n, option in enumerate(item.options[:9], start=1)
            ]
        if item.kind is Kind.DATE:
            return [
                Text(
                    _("Type a date below, then enter: 2026-12-31, 31.12., +7 (days from today) or a weekday such as fr."),
                    style="dim",
                )
            ]
        return [Text(_("Type your answer below, then enter."), style="dim")]
