"""The project's configuration, ``.kundencheck/config.toml``.

Read with tomllib; every key is checked so a typo is an error naming the key and the allowed
values, not a silently ignored setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kundencheck.core.checklist import is_safe_id, parse_toml_bytes
from kundencheck.core.errors import UsageError

CONFIG_PATH = ".kundencheck/config.toml"
DEFAULT_CADENCE_DAYS = 14


class ConfigError(UsageError):
    """The config file is broken or has a key or value kundencheck does not know."""


@dataclass
class Config:
    project: str = ""
    client: str = ""
    language: str | None = None
    phase: str | None = None
    cadence_days: int = DEFAULT_CADENCE_DAYS
    #: phase -> checklist id, where a team uses its own checklist for a phase.
    checklists: dict[str, str] = field(default_factory=dict)
    branch: str | None = None
    commit_msg_hook: bool = True
    push: bool = False
    source: str = ""


_TOP = {"project", "client", "language", "phase", "cadence_days", "checklists", "storage"}
_STORAGE = {"branch", "commit_msg_hook", "push"}


def load_config(project_root: Path) -> Config:
    path = project_root / CONFIG_PATH
    if not path.exists():
        return Config()
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot be read ({exc.strerror or exc}). Check its permissions.") from None
    data = parse_toml_bytes(raw, shown, ConfigError)
    return config_from_dict(data, shown)


def config_from_dict(data: dict[str, Any], shown: str = CONFIG_PATH) -> Config:
    def fail(key: str, allowed: str) -> ConfigError:
        return ConfigError(f"{shown}, key {key!r}: {allowed}")

    for key in data:
        if key not in _TOP:
            raise fail(key, f"unknown key. Allowed keys: {', '.join(sorted(_TOP))}.")
    config = Config(source=shown)
    for key in ("project", "client"):
        if key in data:
            if not isinstance(data[key], str):
                raise fail(key, "must be a string.")
            setattr(config, key, data[key])
    if "language" in data:
        if data["language"] not in ("de", "en"):
            raise fail("language", f"{data['language']!r} is not supported. Allowed: \"de\", \"en\".")
        config.language = data["language"]
    if "phase" in data:
        if not is_safe_id(data["phase"]):
            raise fail("phase", "must be a phase id such as \"build\" (lowercase letters, digits, dashes).")
        config.phase = data["phase"]
    if "cadence_days" in data:
        value = data["cadence_days"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
            raise fail("cadence_days", "must be a whole number of days from 1 to 366.")
        config.cadence_days = value
    mapping = data.get("checklists", {})
    if not isinstance(mapping, dict) or not all(is_safe_id(k) and is_safe_id(v) for k, v in mapping.items()):
        raise fail("checklists", "must be a table of phase = \"checklist-id\" pairs, both safe ids.")
    config.checklists = dict(mapping)
    storage = data.get("storage", {})
    if not isinstance(storage, dict):
        raise fail("storage", "must be a table ([storage]).")
    for key in storage:
        if key not in _STORAGE:
            raise fail(f"storage.{key}", f"unknown key. Allowed keys: {', '.join(sorted(_STORAGE))}.")
    if "branch" in storage:
        branch = storage["branch"]
        if not isinstance(branch, str) or not branch or branch.startswith("-") or ".." in branch or any(c in branch for c in " ~^:?*[\\"):
            raise fail("storage.branch", "must be a branch name such as \"kundencheck\".")
        config.branch = branch
    for key, attr in (("commit_msg_hook", "commit_msg_hook"), ("push", "push")):
        if key in storage:
            if not isinstance(storage[key], bool):
                raise fail(f"storage.{key}", "must be true or false.")
            setattr(config, attr, storage[key])
    return config
