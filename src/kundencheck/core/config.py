"""The project's configuration, ``.kundencheck/config.toml``.

Read with tomllib; every key is checked so a typo is an error naming the file, the line, the
key and the allowed values, not a silently ignored setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kundencheck.core.checklist import (
    describe_value,
    is_safe_id,
    parse_toml_bytes,
    read_file_bytes,
    toml_text,
)
from kundencheck.core.errors import UsageError
from kundencheck.core.i18n import N_, _

CONFIG_PATH = ".kundencheck/config.toml"
DEFAULT_CADENCE_DAYS = 14
#: The rules of ``kundencheck check`` (docs/gate.md), in the order they are reported, and what
#: the ``[check]`` table may make of each: an error fails the check, a warning is only reported.
CHECK_RULES = (
    "due",
    "key_signal_low",
    "red_streak",
    "decline",
    "red_without_action",
    "overdue_action",
    "disagreement",
    "perception_gap",
)
CHECK_LEVELS = ("error", "warning", "off")
#: How many entries the [tone] table's word lists may have, and how long each may be.
TONE_MAX_ENTRIES = 500
TONE_MAX_LENGTH = 80
#: The rules that take a parameter: rule -> parameter -> (default, smallest, largest). In the
#: ``[check]`` table such a rule is a level (``red_streak = "warning"``, the default parameter)
#: or a table of level and parameter (``red_streak = { level = "error", sprints = 3 }``).
RULE_PARAMETERS: dict[str, dict[str, tuple[int, int, int]]] = {
    "red_streak": {"sprints": (2, 1, 52)},
    "decline": {"items": (3, 1, 100)},
}


def default_rule_parameters() -> dict[str, dict[str, int]]:
    """Every parameterised rule's parameters at their defaults."""
    return {rule: {name: spec[0] for name, spec in params.items()} for rule, params in RULE_PARAMETERS.items()}


class ConfigError(UsageError):
    """The config file is broken or has a key or value kundencheck does not know.

    ``key`` is the dotted key the error is about (``"storage.branch"``), when there is one, and
    ``problem`` what is wrong with its value, without the file, line and key the message
    names (for a command-line flag that set the key: ``init --branch``).
    """

    def __init__(self, message: str, key: str | None = None, problem: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.problem = problem


class ToneConfig(NamedTuple):
    """The ``[tone]`` table: whether notes are checked for contemptuous or fatalistic words
    about the client (core/tone.py), the project's own words, and shipped ones it ignores."""

    enabled: bool = True
    words: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass
class Config:
    """The project's settings from .kundencheck/config.toml (defaults where a key is missing)."""

    project: str = ""
    client: str = ""
    #: The agency's name: the client reads it on a mirror invitation (docs/mirror.md).
    agency: str = ""
    language: str | None = None
    phase: str | None = None
    cadence_days: int = DEFAULT_CADENCE_DAYS
    #: phase -> checklist id, where a team uses its own checklist for a phase.
    checklists: dict[str, str] = field(default_factory=dict)
    branch: str | None = None
    commit_msg_hook: bool = True
    push: bool = False
    #: rule -> "error" | "warning" | "off", for every rule in CHECK_RULES ([check] table).
    check: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CHECK_RULES, "error"))
    #: The [tone] table: whether notes are checked for contemptuous words, and the project's own.
    tone: ToneConfig = field(default_factory=ToneConfig)
    #: rule -> parameter -> value, for the rules in RULE_PARAMETERS ([check] table).
    check_parameters: dict[str, dict[str, int]] = field(default_factory=default_rule_parameters)
    source: str = ""
    #: The file's text, kept for line numbers in later checks (check_branch).
    text: str = field(default="", repr=False, compare=False)


_TOP = {"project", "client", "agency", "language", "phase", "cadence_days", "checklists", "storage", "check", "tone"}
_STORAGE = {"branch", "commit_msg_hook", "push"}
_TONE = {"enabled", "words", "ignore"}


def load_config(project_root: Path) -> Config:
    path = project_root / CONFIG_PATH
    if not path.exists() and not path.is_symlink():  # a dangling link is an error, not "no config"
        return Config()
    # A file of the repository: a link leading out of the work tree is refused, not read.
    data, shown, text = read_settings_file(path, ConfigError, N_("the project config"), within=project_root)
    return config_from_dict(data, shown, text=text)


def config_from_bytes(raw: bytes, shown: str) -> Config:
    """The config in a file's bytes as git has them (``shown`` names it, e.g. ``HEAD:.kundencheck/config.toml``)."""
    data = parse_toml_bytes(raw, shown, ConfigError)
    return config_from_dict(data, shown, text=toml_text(raw))


def read_settings_file(path: Path, error_type: type, what: str, within: Path | None = None) -> tuple[dict[str, Any], str, str]:
    """Read a settings file (project or user config): its table, its name for messages, its
    text (for line numbers in errors). Every failure is ``error_type`` naming the file.
    ``what`` is an English text marked with ``N_()`` (translated where it is shown);
    ``within``: the work tree a repository's file must lie in (see read_file_bytes)."""
    shown = str(path)
    raw = read_file_bytes(
        path,
        error_type,
        what=what,
        within=within,
        hint=N_("It holds a few settings; check that this is the right file."),
    )
    data = parse_toml_bytes(raw, shown, error_type)
    return data, shown, raw.decode("utf-8", "replace")  # pragma: no mutate (codec names ignore case; not UTF-8 was refused)


def key_line(text: str, key: str) -> int | None:
    """The line (1-based) where the dotted ``key`` is set in the TOML ``text``, if it can be found.

    Understands ``[table]`` headers, ``key = ...`` inside them, dotted keys (``storage.push = ...``)
    and, for a key inside an inline table, the line of the table's own key. A heuristic for error
    messages: it does not parse TOML and gives None rather than a wrong guess when unsure.
    """
    parts = key.split(".")
    header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
    for candidate in [c for c in (parts, parts[:-1]) if c]:  # the key itself, else its table (inline or header)
        table: list[str] = []
        for number, line in enumerate(text.splitlines(), start=1):
            found = header.match(line)
            if found:
                table = [p.strip().strip("\"'") for p in found.group(1).split(".")]
                if table == candidate:
                    return number
                continue
            assigned = re.match(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=", line)
            if assigned:
                name = [p.strip().strip("\"'") for p in assigned.group(1).split(".")]
                if table + name == candidate:
                    return number
    return None


def setting_problem(shown: str, line: int | None, key: str, problem: str) -> str:
    """The message for a bad setting: the file, the line when known, the key, the problem."""
    if line is None:
        return _("{file}, key {key}: {problem}").format(file=shown, key=describe_value(key), problem=problem)
    return _("{file}, line {line}, key {key}: {problem}").format(file=shown, line=line, key=describe_value(key), problem=problem)


def config_from_dict(data: dict[str, Any], shown: str = CONFIG_PATH, *, text: str | None = None) -> Config:
    """Check ``data`` (a parsed config) and make a Config of it; ``text``, the file's raw text,
    adds the line number to error messages."""

    def fail(key: str, allowed: str, line_key: str | None = None) -> ConfigError:
        line = key_line(text, line_key or key) if text is not None else None
        return ConfigError(setting_problem(shown, line, key, allowed), key=key, problem=allowed)

    for key in data:
        if key not in _TOP:
            raise fail(key, _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_TOP))))
    config = Config(source=shown, text=text or "")
    for key in ("project", "client", "agency"):
        if key in data:
            if not isinstance(data[key], str):
                raise fail(key, _("must be a string."))
            setattr(config, key, data[key])
    if "language" in data:
        if data["language"] not in ("de", "en"):
            raise fail(
                "language", _('{value} is not supported. Allowed: "de", "en".').format(value=describe_value(data["language"]))
            )
        config.language = data["language"]
    if "phase" in data:
        if not is_safe_id(data["phase"]):
            raise fail("phase", _('must be a phase id such as "build" (lowercase letters, digits, dashes).'))
        config.phase = data["phase"]
    if "cadence_days" in data:
        value = data["cadence_days"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
            raise fail("cadence_days", _("must be a whole number of days from 1 to 366."))
        config.cadence_days = value
    mapping = data.get("checklists", {})
    if not isinstance(mapping, dict) or not all(is_safe_id(k) and is_safe_id(v) for k, v in mapping.items()):
        bad = [k for k, v in mapping.items() if not (is_safe_id(k) and is_safe_id(v))] if isinstance(mapping, dict) else []
        raise fail(
            "checklists",
            _('must be a table of phase = "checklist-id" pairs, both safe ids (lowercase letters, digits, dashes).'),
            line_key=f"checklists.{bad[0]}" if bad and isinstance(bad[0], str) else None,
        )
    config.checklists = dict(mapping)
    storage = data.get("storage", {})
    if not isinstance(storage, dict):
        raise fail("storage", _("must be a table ([storage])."))
    for key in storage:
        if key not in _STORAGE:
            raise fail(f"storage.{key}", _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_STORAGE))))
    if "branch" in storage:
        branch = storage["branch"]
        if not isinstance(branch, str):
            raise fail("storage.branch", _('must be a branch name such as "kundencheck".'))
        problem = branch_problem(branch)
        if problem:
            raise fail("storage.branch", problem)
        config.branch = branch
    for key, attr in (("commit_msg_hook", "commit_msg_hook"), ("push", "push")):
        if key in storage:
            if not isinstance(storage[key], bool):
                raise fail(f"storage.{key}", _("must be true or false."))
            setattr(config, attr, storage[key])
    check = data.get("check", {})
    if not isinstance(check, dict):
        raise fail("check", _('must be a table ([check]) of rule = "error", "warning" or "off".'))
    for key, value in check.items():
        if key not in CHECK_RULES:
            raise fail(f"check.{key}", _("unknown rule. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(CHECK_RULES))))
        params = RULE_PARAMETERS.get(key)
        if isinstance(value, dict):
            if not params:
                raise fail(f"check.{key}", _('takes no parameters: write {key} = "error", "warning" or "off".').format(key=key))
            example = ", ".join(f"{name} = {spec[0]}" for name, spec in params.items())
            for name in value:
                if name != "level" and name not in params:
                    raise fail(
                        f"check.{key}",
                        _(
                            "unknown parameter {name}. Allowed: level, {allowed}; for example "
                            '{key} = {{ level = "error", {example} }}.'
                        ).format(name=repr(name), allowed=", ".join(params), key=key, example=example),
                    )
            level = value.get("level", "error")
            for name, (_default, low, high) in params.items():
                if name in value:
                    number = value[name]
                    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                        raise fail(
                            f"check.{key}",
                            _("{name} must be a whole number from {low} to {high}.").format(name=name, low=low, high=high),
                        )
                    config.check_parameters[key][name] = number
        else:
            level = value
        if level not in CHECK_LEVELS:
            if params:
                example = ", ".join(f"{name} = {spec[0]}" for name, spec in params.items())
                raise fail(
                    f"check.{key}",
                    _('must be "error", "warning" or "off", or a table like {{ level = "error", {example} }}.').format(
                        example=example
                    ),
                )
            raise fail(f"check.{key}", _('must be "error", "warning" or "off".'))
        config.check[key] = level
    config.tone = _tone_from_dict(data.get("tone", {}), fail)
    return config


def _tone_from_dict(tone: Any, fail: Callable[..., ConfigError]) -> ToneConfig:
    """The [tone] table: ``enabled`` (true or false), ``words`` and ``ignore`` (lists of words
    or phrases, as in core/tone.py)."""
    if not isinstance(tone, dict):
        raise fail("tone", _("must be a table ([tone]) with enabled, words and ignore."))
    for key in tone:
        if key not in _TONE:
            raise fail(f"tone.{key}", _("unknown key. Allowed keys: {allowed}.").format(allowed=", ".join(sorted(_TONE))))
    enabled = tone.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("tone.enabled", _("must be true or false."))
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("words", "ignore"):
        entries = tone.get(key, [])
        if not isinstance(entries, list):
            raise fail(f"tone.{key}", _('must be a list of words or phrases, e.g. ["stubborn", "they never listen"].'))
        if len(entries) > TONE_MAX_ENTRIES:
            raise fail(
                f"tone.{key}", _("has {n} entries; at most {limit} are allowed.").format(n=len(entries), limit=TONE_MAX_ENTRIES)
            )
        for n, entry in enumerate(entries, start=1):
            if not isinstance(entry, str) or not entry.replace("*", "").strip():  # stars and spaces only
                raise fail(
                    f"tone.{key}",
                    _("entry {n} must be a word or phrase in quotes (found {found}).").format(n=n, found=describe_value(entry)),
                )
            if len(entry) > TONE_MAX_LENGTH or "\n" in entry:
                raise fail(
                    f"tone.{key}",
                    _("entry {n} must be one line of at most {limit} characters.").format(n=n, limit=TONE_MAX_LENGTH),
                )
        lists[key] = tuple(entry.strip() for entry in entries)
    return ToneConfig(enabled=enabled, words=lists["words"], ignore=lists["ignore"])


def branch_problem(name: str, remotes: Iterable[str] = ()) -> str | None:
    """Why ``name`` cannot be the team's answers branch (``storage.branch``), or None.

    git's own rules for a branch name, as ``git check-ref-format --branch`` applies them (its
    manual page lists them; tests compare with git's verdict), and names git would read as
    something else: ``HEAD`` and ``@`` (the checked-out commit), ``refs/...`` (a full ref name,
    not a branch), and a configured remote's name or ``REMOTE/...`` (which shadows the remote's
    branches: ``origin/main`` would be read as origin's main). ``remotes``: the configured
    remotes, which only the store knows."""
    problem = _branch_rule(name)
    if problem is not None:
        return _(
            '{name} is not a branch name git accepts: {reason}. Use a plain name such as "kundencheck" '
            "(`git check-ref-format --branch NAME` says what git makes of a name)."
        ).format(name=describe_value(name), reason=problem)
    if name in ("HEAD", "@"):
        return _('{name} is what git calls the checked-out commit, not a branch. Use a plain name such as "kundencheck".').format(
            name=repr(name)
        )
    if name.startswith("refs/"):
        return _('{name} is a full ref name; give the branch\'s own name, without refs/heads/ (e.g. "kundencheck").').format(
            name=describe_value(name)
        )
    for remote in sorted(remotes):
        if name == remote or name.startswith(remote + "/"):
            return _(
                "{name} would shadow the branches of the remote {remote} (git would read {name} as one of "
                'them). Use a name that does not start with a remote\'s name, such as "kundencheck".'
            ).format(name=describe_value(name), remote=repr(remote))
    return None


#: Characters git never allows in a ref name (besides control characters and the space).
_REF_FORBIDDEN = frozenset("~^:?*[\\\x7f")


def _branch_rule(name: str) -> str | None:
    """The first of git's branch-name rules ``name`` breaks (refs.c, check_refname_format, for
    ``refs/heads/NAME``, and the ``--branch`` rules: no leading dash, not HEAD), or None."""
    if not name:
        return _("it is empty")
    if name.startswith("-"):
        return _("it starts with a dash")
    bad = sorted({c for c in name if c <= " " or c in _REF_FORBIDDEN})
    if bad:
        return _("it contains {characters}, which git does not allow in branch names").format(
            characters=", ".join(repr(c) for c in bad)
        )
    if ".." in name:
        return _("it contains two dots in a row")
    if "@{" in name:
        return _("it contains {sequence}").format(sequence="'@{'")
    if name.endswith("."):
        return _("it ends with a dot")
    for part in name.split("/"):
        if not part:
            return _("a part of it is empty (a slash at either end, or two in a row)")
        if part.startswith("."):
            return _("a part of it starts with a dot")
        if part.endswith(".lock"):
            return _("a part of it ends with .lock")
    return None


def check_branch(config: Config, remotes: Iterable[str]) -> None:
    """Raise ConfigError (file, line, key) when the config's ``storage.branch`` would shadow a
    remote's branches; the remotes are the repository's, which the store reads."""
    problem = branch_problem(config.branch, remotes) if config.branch else None
    if problem:
        line = key_line(config.text, "storage.branch")
        raise ConfigError(setting_problem(config.source, line, "storage.branch", problem), key="storage.branch", problem=problem)
