"""The checklist model (format version 1) and its validation.

See docs/checklist-format.md. ``load_checklist`` turns a file into a :class:`Checklist` or
raises :class:`ChecklistError` listing every problem found, each naming the item and key.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Mapping, Union

from kundencheck.core.errors import ChecklistError
from kundencheck.core.i18n import N_
from kundencheck.core.text import clean_text

FORMAT_VERSION = 1
KNOWN_PHASES = ("kickoff", "design", "build", "acceptance", "handover")
STATUSES = ("green", "amber", "red", "na")
#: What each status means to the person answering; never shown by colour alone.
#: English words, marked for the catalogs: shown translated with ``i18n.translate``.
STATUS_WORDS = {"green": N_("yes"), "amber": N_("partly"), "red": N_("no"), "na": N_("n/a")}
STATUS_SYMBOLS = {"green": "✔", "amber": "◐", "red": "✘", "na": "–"}

_SAFE_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
#: Device names Windows reserves (also with any extension, so ``con.en.toml`` is one); ids
#: become file names, so these are not safe ids even though they match the pattern.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)}
)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_FILE_BYTES = 1_000_000

#: A stored answer value: status or option id (str), scale (int), text (str), date.
AnswerValue = Union[str, int, dt.date]


class Kind(StrEnum):
    TRAFFIC_LIGHT = "traffic-light"
    SCALE = "scale"
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"


def is_safe_id(value: object) -> bool:
    if type(value) is str and value in _KNOWN_SAFE_IDS:
        return True  # years of history repeat the same few ids: checked once each
    # fullmatch, not match with "$": "$" also matches before a trailing newline.
    safe = isinstance(value, str) and bool(_SAFE_ID.fullmatch(value)) and value not in WINDOWS_RESERVED
    if safe and type(value) is str and len(_KNOWN_SAFE_IDS) < 10_000:
        _KNOWN_SAFE_IDS.add(value)
    return safe


_KNOWN_SAFE_IDS: set[str] = set()


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Show an item only when an earlier item's answer is one of ``equals``."""

    item: str
    equals: tuple[AnswerValue, ...]


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    why: str
    kind: Kind
    required: bool = True
    note_when: frozenset[AnswerValue] = frozenset()
    action_when: frozenset[AnswerValue] = frozenset()
    low: str = ""
    high: str = ""
    options: tuple[Option, ...] = ()
    when: Condition | None = None

    def allowed_values(self) -> tuple[AnswerValue, ...] | None:
        """The closed set of answers this item takes, or None for free text and dates."""
        if self.kind is Kind.TRAFFIC_LIGHT:
            return STATUSES
        if self.kind is Kind.SCALE:
            return (1, 2, 3, 4, 5)
        if self.kind is Kind.CHOICE:
            return tuple(o.id for o in self.options)
        return None

    def option_label(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id

    def needs_note(self, value: AnswerValue | None) -> bool:
        return value is not None and value in self.note_when

    def needs_action(self, value: AnswerValue | None) -> bool:
        return value is not None and value in self.action_when


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    phase: str
    language: str
    version: str
    items: tuple[Item, ...]
    description: str = ""
    source: str = ""
    _index: dict[str, Item] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({item.id: item for item in self.items})

    def item(self, item_id: str) -> Item | None:
        return self._index.get(item_id)

    def is_visible(self, item: Item, values: Mapping[str, AnswerValue | None]) -> bool:
        """Whether ``item`` is asked, given the answers so far (conditions chain)."""
        condition = item.when
        while condition is not None:
            if values.get(condition.item) not in condition.equals:
                return False
            parent = self.item(condition.item)
            condition = parent.when if parent else None
        return True

    def visible_items(self, values: Mapping[str, AnswerValue | None]) -> list[Item]:
        return [item for item in self.items if self.is_visible(item, values)]


# --------------------------------------------------------------------------------- loading


def read_toml_file(path: Path, error_type: type = ChecklistError) -> dict[str, Any]:
    """Read and parse a TOML file, turning every failure into ``error_type``."""
    raw = read_file_bytes(path, error_type, what="a checklist", limit=MAX_FILE_BYTES, hint="Split it or remove the bulk.")
    return parse_toml_bytes(raw, str(path), error_type)


def read_file_bytes(path: Path, error_type: type = ChecklistError, *, what: str = "a checklist",
                    limit: int | None = MAX_FILE_BYTES, hint: str = "") -> bytes:
    """The bytes of a file kundencheck reads (checklist, config, draft), or ``error_type``.

    Only a regular file is read: a named pipe would block the read (and kundencheck) forever,
    a device could be endless, a folder is no file. The type is checked on a descriptor opened
    without blocking, and a file over ``limit`` bytes is refused before it is read.
    """
    import os
    import stat

    shown = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
        finally:
            os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _make(error_type, shown, "cannot be read: it is a directory, not a file. Name the file inside it.")
        if not stat.S_ISREG(info.st_mode):
            raise _make(error_type, shown, "cannot be read: it is a named pipe, socket or device, not a regular file, "
                        "and reading it could wait forever. Replace it with a regular file.")
        if limit is not None and info.st_size > limit:
            raise _make(error_type, shown, f"is {info.st_size:,} bytes; {what} may be at most {limit:,} bytes. {hint}".rstrip())
        return path.read_bytes()
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise _make(error_type, shown, "cannot be read: it is a directory, not a file. Name the file inside it.") from None
    except OSError as exc:
        raise _make(error_type, shown, f"cannot be read ({exc.strerror or exc}). Check that it exists and that you may read it.") from None


def parse_toml_bytes(raw: bytes, shown: str, error_type: type = ChecklistError) -> dict[str, Any]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # editors on Windows add a byte-order mark; TOML does not allow one
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _make(error_type, shown, f"line {line}: is not valid UTF-8 (byte 0x{raw[exc.start]:02x}). Save the file as UTF-8.") from None
    if not text.strip() and error_type is ChecklistError:
        # An empty config is fine (all keys are optional); an empty answers file fails on its
        # missing 'schema'. Only a checklist gets this checklist-specific message.
        raise _make(error_type, shown, "is empty. A checklist needs at least format, id, title, phase, language, version and items.")
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise _make(error_type, shown, "arrays or tables are nested too deeply to read. Flatten the file.") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if where:
            msg = msg[: where.start()].strip()
            raise _make(error_type, shown, f"line {where.group(1)}, column {where.group(2)}: TOML syntax error: {msg}. Fix the syntax there.") from None
        end = re.search(r"\(at end of document\)", msg)
        if end:  # e.g. an unterminated string in the last line: point at the end of the file
            msg = msg[: end.start()].strip()
            lines = text.split("\n")
            raise _make(error_type, shown, f"line {len(lines)}, column {len(lines[-1]) + 1} (end of file): TOML syntax error: {msg}. Fix the syntax there.") from None
        raise _make(error_type, shown, f"TOML syntax error: {msg}. Fix the syntax.") from None


def _make(error_type: type, shown: str, problem: str) -> Exception:
    if error_type is ChecklistError:
        return ChecklistError(shown, [problem])
    return error_type(f"{shown}: {problem}")


def load_checklist(path: str | Path) -> Checklist:
    path = Path(path)
    data = read_toml_file(path)
    return checklist_from_dict(data, str(path))


def checklist_from_dict(data: Mapping[str, Any], source: str = "<checklist>") -> Checklist:
    problems: list[str] = []
    top = _Fields(data, "top level", problems)
    top.check_keys({"format", "id", "title", "phase", "language", "version", "description", "items"})

    fmt = data.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:  # not 1.0, not true
        problems.append(
            f"top level, key 'format': must be {FORMAT_VERSION} (found {fmt!r}); this version of kundencheck reads format {FORMAT_VERSION}."
        )
    checklist_id = top.safe_id("id")
    title = top.text("title")
    phase = top.safe_id("phase")
    language = top.text("language")
    if language and not _LANGUAGE.match(language):
        problems.append(f"top level, key 'language': {language!r} is not a two-letter lowercase language code such as 'de' or 'en'.")
    version = data.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)  # version = 1.0 is a common slip; accept it as text
    if not isinstance(version, str) or not version.strip():
        problems.append("top level, key 'version': required, a string such as \"1.0\".")
        version = ""
    description = top.text("description", required=False)

    raw_items = data.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("top level, key 'items': required, at least one [[items]] table.")
        raw_items = []
    seen: dict[str, Item] = {}
    # Ids of every earlier item, also those with problems of their own, so a duplicate id is
    # reported even when the first of the two items has another problem.
    ids: set[str] = set()
    for position, raw in enumerate(raw_items, start=1):
        item = _parse_item(raw, position, seen, problems, ids)
        if item is not None:
            items.append(item)
            seen[item.id] = item
    if problems:
        raise ChecklistError(source, problems)
    return Checklist(
        id=checklist_id,
        title=title,
        phase=phase,
        language=language,
        version=version.strip(),
        description=description,
        items=tuple(items),
        source=source,
    )


class _Fields:
    """Typed access to one table's keys that records a problem instead of raising."""

    def __init__(self, data: Mapping[str, Any], where: str, problems: list[str]) -> None:
        self.data, self.where, self.problems = data, where, problems

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problems.append(
                    f"{self.where}, key {key!r}: unknown key. Allowed: {', '.join(sorted(allowed))}."
                )

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.append(f"{self.where}, key '{key}': required, a non-empty string.")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problems.append(f"{self.where}, key '{key}': must be a non-empty string (found {_describe(value)}).")
            return ""
        return clean_text(value).strip()

    def safe_id(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            self.problems.append(f"{self.where}, key '{key}': required, an id of lowercase letters, digits and dashes.")
            return ""
        if not is_safe_id(value):
            self.problems.append(
                f"{self.where}, key '{key}': {_describe(value)} is not a safe id. Use 1 to 64 lowercase letters a-z, digits and dashes, "
                "starting with a letter or digit (no dots, slashes, spaces or capitals, and not a Windows device name "
                "such as con, nul or com1): ids become file names."
            )
            return ""
        return value


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = clean_text(value)
        return repr(shown if len(shown) <= 40 else shown[:39] + "…")
    return f"a {type(value).__name__}" if not isinstance(value, (int, float)) else repr(value)


_ITEM_KEYS = {"id", "question", "why", "kind", "required", "note_when", "action_when", "low", "high", "options", "when"}


def _parse_item(raw: Any, position: int, seen: Mapping[str, Item], problems: list[str], ids: set[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(f"item {position}: must be a table ([[items]]), found {_describe(raw)}.")
        return None
    raw_id = raw.get("id")
    label = f"item {raw_id!r}" if is_safe_id(raw_id) else f"item {position}"
    f = _Fields(raw, label, problems)
    before = len(problems)
    f.check_keys(_ITEM_KEYS)
    item_id = f.safe_id("id")
    if item_id and item_id in ids:
        problems.append(f"{label}, key 'id': duplicate id; item ids must be unique within a checklist.")
    if item_id:
        ids.add(item_id)
    question = f.text("question")
    why = f.text("why")
    raw_kind = raw.get("kind")
    try:
        kind = Kind(raw_kind)
    except ValueError:
        problems.append(f"{label}, key 'kind': {_describe(raw_kind)} is not a kind. Allowed: {', '.join(k.value for k in Kind)}.")
        return None
    required = raw.get("required", True)
    if not isinstance(required, bool):
        problems.append(f"{label}, key 'required': must be true or false (found {_describe(required)}).")
        required = True

    low = high = ""
    if kind is Kind.SCALE:
        low, high = f.text("low"), f.text("high")
    else:
        for key in ("low", "high"):
            if key in raw:
                problems.append(f"{label}, key '{key}': only scale items have '{key}' labels (this item is {kind.value}).")

    options: tuple[Option, ...] = ()
    if kind is Kind.CHOICE:
        options = _parse_options(raw.get("options"), label, problems)
    elif "options" in raw:
        problems.append(f"{label}, key 'options': only choice items have options (this item is {kind.value}).")

    probe = Item(id=item_id or "?", question="", why="", kind=kind, options=options)
    allowed = probe.allowed_values()
    note_when = _parse_values(raw, "note_when", allowed, kind, label, problems)
    action_when = _parse_values(raw, "action_when", allowed, kind, label, problems)
    when = _parse_condition(raw.get("when"), label, seen, problems, ids, item_id)
    if len(problems) > before:
        return None
    return Item(
        id=item_id,
        question=question,
        why=why,
        kind=kind,
        required=required,
        note_when=frozenset(note_when),
        action_when=frozenset(action_when),
        low=low,
        high=high,
        options=options,
        when=when,
    )


def _parse_options(raw: Any, label: str, problems: list[str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(f"{label}, key 'options': a choice item needs at least two options like {{ id = \"weekly\", label = \"Weekly\" }}.")
        return ()
    options: list[Option] = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) != {"id", "label"}:
            problems.append(f"{label}, key 'options': option {n} must be a table with exactly 'id' and 'label'.")
            continue
        if not is_safe_id(entry["id"]):
            problems.append(f"{label}, key 'options': option {n} id {_describe(entry['id'])} is not a safe id (lowercase letters, digits, dashes).")
            continue
        if not isinstance(entry["label"], str) or not entry["label"].strip():
            problems.append(f"{label}, key 'options': option {n} needs a non-empty label.")
            continue
        if any(o.id == entry["id"] for o in options):
            problems.append(f"{label}, key 'options': option id {entry['id']!r} appears twice.")
            continue
        options.append(Option(entry["id"], clean_text(entry["label"]).strip()))
    return tuple(options)


def _parse_values(raw: Mapping[str, Any], key: str, allowed: tuple | None, kind: Kind, label: str, problems: list[str]) -> list[AnswerValue]:
    if key not in raw:
        return []
    values = raw[key]
    if allowed is None:
        problems.append(f"{label}, key '{key}': {kind.value} items cannot demand a note or action by answer; remove '{key}'.")
        return []
    if not isinstance(values, list):
        values = [values]
    good: list[AnswerValue] = []
    for value in values:
        if isinstance(value, bool) or value not in allowed:
            problems.append(f"{label}, key '{key}': {_describe(value)} is not an answer of this {kind.value} item. Allowed: {', '.join(map(str, allowed))}.")
        else:
            good.append(value)
    return good


def _parse_condition(raw: Any, label: str, seen: Mapping[str, Item], problems: list[str], ids: set[str], own_id: str) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"item", "equals"}:
        problems.append(f"{label}, key 'when': must be a table with exactly 'item' and 'equals', e.g. {{ item = \"own-design\", equals = \"yes\" }}.")
        return None
    target_id = raw["item"]
    target = seen.get(target_id) if isinstance(target_id, str) else None
    if target is None and isinstance(target_id, str) and target_id in ids and target_id != own_id:
        return None  # an earlier item with problems of its own, already reported
    if target is None:
        problems.append(
            f"{label}, key 'when': item {_describe(target_id)} is not an earlier item of this checklist. "
            "A condition may only point at an item above it (this also rules out circular conditions)."
        )
        return None
    allowed = target.allowed_values()
    if allowed is None:
        problems.append(f"{label}, key 'when': item {target_id!r} is a {target.kind.value} item; conditions can only test traffic-light, scale or choice items.")
        return None
    equals = raw["equals"] if isinstance(raw["equals"], list) else [raw["equals"]]
    bad = [v for v in equals if isinstance(v, bool) or v not in allowed]
    if bad or not equals:
        problems.append(f"{label}, key 'when': {', '.join(map(_describe, bad)) or 'an empty list'} is not an answer of item {target_id!r}. Allowed: {', '.join(map(str, allowed))}.")
        return None
    return Condition(target_id, tuple(equals))
