"""The run screen's list of items, whose labels change one at a time."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList


class ItemList(OptionList):
    """An :class:`OptionList` that can change one option's label without laying out the rest.

    Textual's ``replace_option_prompt_at_index`` clears every cached line and re-measures every
    option, which made every answer on a long checklist slow (docs/performance.md). An answer
    changes one item's symbol, never its label's width, so only that option's rendering is
    dropped here.
    """

    def set_prompt(self, index: int, prompt: Text) -> None:
        option = self.get_option_at_index(index)
        old = option.prompt
        if isinstance(old, Text) and old == prompt:
            return
        same_width = isinstance(old, Text) and old.cell_len == prompt.cell_len
        cache = getattr(self, "_option_render_cache", None)
        if not same_width or cache is None or not hasattr(option, "_set_prompt"):
            self.replace_option_prompt_at_index(index, prompt)  # the public way: a full re-layout
            return
        option._set_prompt(prompt)
        for key in [key for key in cache.keys() if key[0] is option]:  # noqa: SIM118 - a textual LRUCache has keys() but no __iter__
            cache.discard(key)
        self.refresh()
