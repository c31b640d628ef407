"""The names a user config may give the terminal UI: its ``theme`` (one of the themes Textual
registers) and the ids of the bindings its ``[keys]`` table remaps (those of the app and its
screens; README.md, "Keys").

Pure data, so that `kundencheck config` and the start of a run check a user config without
importing Textual or the screens (gathering the ids from the screens' bindings imported every
screen before the first frame of a run with remapped keys). tests/tui/test_ui_names.py checks
both lists against what the app really offers; a Textual that registers other themes fails it.
"""

from __future__ import annotations

#: The themes Textual registers (``textual.theme.BUILTIN_THEMES``).
THEMES: tuple[str, ...] = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)

#: The ids of the bindings of the app and its screens, which a user config may remap.
BINDING_IDS: tuple[str, ...] = (
    "action-done",
    "action-dropped",
    "action-filter",
    "action-mark",
    "action-mark-all",
    "action-open",
    "action-undecided",
    "amend",
    "back",
    "back-to-items",
    "command_palette",
    "edit-note",
    "external-editor",
    "help",
    "history",
    "home",
    "meeting-back",
    "meeting-skip",
    "meeting-vote-again",
    "next-item",
    "open-project",
    "participants",
    "previous-item",
    "quit",
    "reload",
    "review",
    "review-actions",
    "review-f2",
    "separate-action",
    "start-run",
    "toggle-sort",
    "toggle-view",
)
