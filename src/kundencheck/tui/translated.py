"""Key bindings whose descriptions follow the language chosen at run time."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.dom import DOMNode

from kundencheck.core.i18n import translate


def translate_bindings(node: DOMNode) -> None:
    """Give ``node``'s own key bindings their descriptions and tooltips in the chosen language.

    Bindings are declared in class bodies, with English texts marked by ``N_()``: a class body
    runs when its module is imported, which may be before the language is known (or, in one
    process, before it changes). Each screen translates its copy of them when it is made, so
    the footer speaks the project's language whenever the screen was imported.
    """
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(binding, description=translate(binding.description), tooltip=translate(binding.tooltip))
            for binding in bindings
        ]


class TranslatedBindings:
    """A mixin for screens and the app: their bindings in the chosen language (see
    :func:`translate_bindings`). Put it first among the bases."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]  # a mixin: what it is mixed into is a DOMNode
