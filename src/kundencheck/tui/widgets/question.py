"""The panel for the item in focus: question, why, last time's answer, the answer choices."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kundencheck.core.answers import Answer, display_value
from kundencheck.core.checklist import STATUS_SYMBOLS, STATUS_WORDS, STATUSES, Item, Kind
from kundencheck.core.i18n import _, translate
from kundencheck.core.text import clean_text, one_line

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


def answer_text(item: Item, answer: Answer | None) -> Text:
    """An answer as shown to people: symbol and word for statuses, else the value."""
    if answer is None or answer.value in (None, ""):
        return Text(_("not answered"), style="dim")
    if item.kind is Kind.TRAFFIC_LIGHT:
        return status_text(str(answer.value))
    return Text(one_line(display_value(item, answer.value), 60))


class QuestionPanel(Static):
    """Shows one item: where it is in the list, the question, why it is asked, last time's
    answer and the answer choices, a blank line between each.

    One widget drawing one ``Text``, rather than a widget per part: the run screen's first frame
    pays for every widget. All text goes in as plain ``Text`` so markup in it is never parsed;
    ``parts`` keeps each part as shown (tests read them).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.parts: dict[str, Text] = {}

    def show(self, item: Item, position: int, total: int, answer: Answer | None, last: Answer | None) -> None:
        required = "" if item.required else "  " + _("(optional)")
        parts = {
            "position": Text(_("Question {n} of {total}").format(n=position, total=total) + required + f"  ·  {item.id}", style="dim"),
            "question": Text(clean_text(item.question), style="bold"),
            "why": Text(_("Why: ") + clean_text(item.why), style="italic"),
        }
        if last is not None and last.value not in (None, ""):
            text = Text(_("Last time: "), style="dim")
            text.append_text(answer_text(item, last))
            if last.note.strip():
                text.append(" — " + one_line(last.note, 120), style="dim")
            parts["last"] = text
        parts["choices"] = self._choices(item, answer)
        self.parts = parts
        whole = Text()
        whole.append_text(parts["position"])
        for name in ("question", "why", "last", "choices"):
            if name in parts:
                whole.append("\n" if name == "question" else "\n\n")
                whole.append_text(parts[name])
        self.update(whole)

    def _choices(self, item: Item, answer: Answer | None) -> Text:
        current = answer.value if answer else None
        text = Text()
        if item.kind is Kind.TRAFFIC_LIGHT:
            for key, status in TRAFFIC_KEYS.items():
                chosen = current == status
                label = f" {key} {STATUS_SYMBOLS[status]} {translate(STATUS_WORDS[status])} "
                text.append(label, style=("reverse " + _STATUS_STYLE[status]) if chosen else _STATUS_STYLE[status])
                text.append("  ")
        elif item.kind is Kind.SCALE:
            text.append(f"1 = {one_line(item.low, 40)}   5 = {one_line(item.high, 40)}\n", style="dim")
            for value in range(1, 6):
                label = f" {value} "
                text.append(label, style="reverse bold" if current == value else "bold")
                text.append(" ")
        elif item.kind is Kind.CHOICE:
            for n, option in enumerate(item.options[:9], start=1):
                label = f" {n} {one_line(option.label, 40)} "
                text.append(label, style="reverse bold" if current == option.id else "bold")
                text.append("  ")
        elif item.kind is Kind.DATE:
            text.append(_("Type a date as YYYY-MM-DD below, then enter."), style="dim")
        else:
            text.append(_("Type your answer below, then enter."), style="dim")
        return text
