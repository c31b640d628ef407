"""A person's own preferences, in the platform's user config folder.

``~/.config/kundencheck/config.toml`` on Linux (``$XDG_CONFIG_HOME`` is honoured), the
equivalents on macOS and Windows (see :func:`user_config_path`)::

    language = "de"            # "de" or "en"; the project's config wins over this
    theme = "textual-light"    # a Textual theme name
    [keys]                     # binding id = "key" (or "key1,key2"), see README "Remapping keys"
    next-item = "ctrl+n"
    [push]                     # repository folder = whether to push after each commit there
    "/home/erika/work/shop" = true

The ``[push]`` table holds each person's answer to a project's suggestion to push (``push =
true`` in its ``[storage]``): a committed file must not make anyone's clone push, so the
suggestion counts only once accepted here (``kundencheck config --push accept``). See
:func:`decide_push`.

Which setting wins: the project's ``.kundencheck/config.toml``, then this file, then the
environment (``LANG`` and friends), then the built-in default. Read with tomllib and checked
like the project config: a typo is an error naming the file, the line, the key and the allowed
values. Theme names and binding ids are only known to the UI, so they are checked against the
lists it passes to :func:`check_against`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kundencheck.core.checklist import describe_value
from kundencheck.core.config import (
    ConfigError,
    key_line,
    read_settings_file,
    setting_problem,
)
from kundencheck.core.i18n import N_, SUPPORTED, _, language_from_environment

APP_NAME = "kundencheck"
_TOP = {"language", "theme", "keys", "push"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
#: One key as Textual names it: "j", "ctrl+n", "question_mark", "f2", "?" ...
_KEY = re.compile(r"^[^\s,]{1,40}$")


class UserConfigError(ConfigError):
    """The user config file is broken or has a key or value kundencheck does not know."""


@dataclass
class UserConfig:
    """One person's own settings (language, theme, keys) from their user config file."""

    language: str | None = None
    theme: str | None = None
    #: binding id -> key string, for Textual's App.set_keymap.
    keys: dict[str, str] = field(default_factory=dict)
    #: repository folder -> whether to push there after each commit (the [push] table): this
    #: person's answer to the project's suggestion (storage.push).
    push: dict[str, bool] = field(default_factory=dict)
    #: The file read ("" when there was none).
    source: str = ""
    #: The raw text, kept for line numbers in later checks.
    text: str = field(default="", repr=False, compare=False)


def user_config_path() -> Path:
    """Where this person's config lives, e.g. ``~/.config/kundencheck/config.toml``."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def load_user_config(path: Path | None = None) -> UserConfig:
    """Read the user config (default: :func:`user_config_path`); a missing file means defaults."""
    path = user_config_path() if path is None else path
    if not path.exists() and not path.is_symlink():  # a dangling link is an error, not "no config"
        return UserConfig()
    data, shown, text = read_settings_file(path, UserConfigError, N_("the user config"))
    return user_config_from_dict(data, shown, text=text)


def _fail(shown: str, text: str | None, key: str, allowed: str) -> UserConfigError:
    line = key_line(text, key) if text is not None else None
    return UserConfigError(setting_problem(shown, line, key, allowed), key=key, problem=allowed)


def user_config_from_dict(data: dict[str, Any], shown: str = "config.toml", *, text: str | None = None) -> UserConfig:
    for key in data:
        if key not in _TOP:
            raise _fail(shown, text, key, _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_TOP))))
    config = UserConfig(source=shown, text=text or "")
    if "language" in data:
        if data["language"] not in SUPPORTED:
            raise _fail(
                shown,
                text,
                "language",
                _('{value} is not supported. Allowed: "de", "en".').format(value=describe_value(data["language"])),
            )
        config.language = data["language"]
    if "theme" in data:
        theme = data["theme"]
        if not isinstance(theme, str) or not _NAME.match(theme):
            raise _fail(shown, text, "theme", _('must be a Textual theme name such as "textual-dark" or "ansi-light".'))
        config.theme = theme
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise _fail(shown, text, "keys", _('must be a table ([keys]) of binding-id = "key" pairs.'))
    for binding_id, value in keys.items():
        parts = value.split(",") if isinstance(value, str) else []
        if not _NAME.match(binding_id) or not parts or not all(_KEY.match(p.strip()) for p in parts):
            raise _fail(
                shown,
                text,
                f"keys.{binding_id}",
                _('must be a key such as "ctrl+n" or "j", or several separated by commas ("j,down").'),
            )
        config.keys[binding_id] = ",".join(p.strip() for p in parts)
    push = data.get("push", {})
    if not isinstance(push, dict):
        raise _fail(shown, text, "push", _('must be a table ([push]) of "repository folder" = true or false.'))
    for folder, accepted in push.items():
        if not isinstance(accepted, bool):
            raise _fail(shown, text, f"push.{folder}", _("must be true (push after each commit) or false (never)."))
        config.push[folder] = accepted
    return config


#: Why a run pushes after its commit or not (:attr:`PushDecision.why`).
PUSH_FLAG = "flag"  # --push or --no-push said so
PUSH_NOT_SUGGESTED = "not-suggested"  # the project does not suggest pushing: only with --push
PUSH_ACCEPTED = "accepted"  # the project suggests it, and this person accepted that
PUSH_DECLINED = "declined"  # the project suggests it, and this person declined that
PUSH_UNANSWERED = "unanswered"  # the project suggests it, and this person has not said yes or no


class PushDecision(NamedTuple):
    """Whether a run pushes after its commit, and why: decided once, when it starts
    (:func:`decide_push`), and carried by the run's session to its commit."""

    push: bool
    #: One of the PUSH_* reasons above.
    why: str

    @property
    def suggested(self) -> bool:
        """The project suggests pushing (storage.push) and this person has not said yes or no:
        nothing is pushed, and the run says once how to accept."""
        return self.why == PUSH_UNANSWERED


def decide_push(flag: bool | None, project_suggests: bool, accepted: bool | None) -> PushDecision:
    """The one rule for pushing after a commit: ``--push``/``--no-push`` (``flag``) always count;
    else the project's ``storage.push`` counts only as this person has answered it in their user
    config (``accepted``: True, False or None for not yet); unanswered, nothing is pushed and the
    run says once how to accept."""
    if flag is not None:
        return PushDecision(flag, PUSH_FLAG)
    if not project_suggests:
        return PushDecision(False, PUSH_NOT_SUGGESTED)
    if accepted is None:
        return PushDecision(False, PUSH_UNANSWERED)
    return PushDecision(accepted, PUSH_ACCEPTED if accepted else PUSH_DECLINED)


def with_push_choice(text: str, folder: str, accept: bool) -> str:
    """The user config ``text`` with ``[push]`` saying ``accept`` for the repository ``folder``;
    everything else, comments included, as it was."""
    import tomlkit

    doc = tomlkit.parse(text)
    table = doc.get("push")
    if not isinstance(table, dict):
        table = tomlkit.table()
        doc["push"] = table
    table[folder] = accept
    return tomlkit.dumps(doc)


def check_against(config: UserConfig, *, themes: Iterable[str] = (), binding_ids: Iterable[str] = ()) -> None:
    """Check the theme and the remapped binding ids against what the UI has (names only it knows)."""
    text = config.text or None
    themes = sorted(themes)
    if config.theme is not None and themes and config.theme not in themes:
        raise _fail(
            config.source,
            text,
            "theme",
            _("{value} is not a theme. Allowed: {allowed}.").format(value=repr(config.theme), allowed=", ".join(themes)),
        )
    ids = sorted(binding_ids)
    if ids:
        for binding_id in config.keys:
            if binding_id not in ids:
                raise _fail(
                    config.source,
                    text,
                    f"keys.{binding_id}",
                    _("{value} is not a binding id. Allowed: {allowed}.").format(value=repr(binding_id), allowed=", ".join(ids)),
                )


def effective_language(
    project_language: str | None, user: UserConfig | None, environ: dict[str, str] | None = None
) -> tuple[str, str]:
    """(language, where it came from): project config, else user config, else environment, else en."""
    if project_language:
        return project_language, "project config"
    if user is not None and user.language:
        return user.language, "user config"
    env = os.environ if environ is None else environ
    from_env = language_from_environment(dict(env))
    if from_env:
        return from_env, "environment"
    return "en", "default"
