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
from typing import Any, Mapping, NamedTuple, Union

from kundencheck.core.errors import ChecklistError
from kundencheck.core.i18n import N_, _, translate
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


# The small immutable records here and in the store and scoring are NamedTuples: a frozen
# dataclass compiles six methods when its module is imported (Python 3.11), which cost about a
# millisecond per class at every start, before the first frame.
class Option(NamedTuple):
    """One choice of a choice item: its stable id and the label shown."""

    id: str
    label: str


class Condition(NamedTuple):
    """Show an item only when an earlier item's answer is one of ``equals``."""

    item: str
    equals: tuple[AnswerValue, ...]


#: The longest short title of an item (docs/checklist-format.md).
ITEM_TITLE_LIMIT = 40


class Item(NamedTuple):
    """One question of a checklist, as its TOML table describes it (docs/checklist-format.md)."""

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
    #: A few words naming the item in lists (the action review); empty: lists show the id.
    title: str = ""

    @property
    def label(self) -> str:
        """How lists name the item: its short title, else its id."""
        return self.title or self.id

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
    """A phase's checklist, validated: its items in order and where it was read from."""

    id: str
    title: str
    phase: str
    language: str
    version: str
    items: tuple[Item, ...]
    description: str = ""
    source: str = ""
    #: The id of the shipped checklist this one extends (its file has ``extends``), else "".
    extends: str = ""
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
    raw = read_file_bytes(path, error_type, what=N_("a checklist"), limit=MAX_FILE_BYTES, hint=N_("Split it or remove the bulk."))
    return parse_toml_bytes(raw, str(path), error_type)


def read_file_bytes(path: Path, error_type: type = ChecklistError, *, what: str = N_("a checklist"),
                    limit: int | None = MAX_FILE_BYTES, hint: str = "") -> bytes:
    """The bytes of a file kundencheck reads (checklist, config, draft), or ``error_type``.

    ``what`` and ``hint`` are English texts marked with ``N_()``; they are translated here.

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
            raise _make(error_type, shown, _("cannot be read: it is a directory, not a file. Name the file inside it."))
        if not stat.S_ISREG(info.st_mode):
            raise _make(error_type, shown, _("cannot be read: it is a named pipe, socket or device, not a regular file, "
                                             "and reading it could wait forever. Replace it with a regular file."))
        if limit is not None and info.st_size > limit:
            raise _make(error_type, shown, _("is {size:,} bytes; {what} may be at most {limit:,} bytes. {hint}").format(
                size=info.st_size, what=translate(what), limit=limit, hint=translate(hint) if hint else "").rstrip())
        return path.read_bytes()
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise _make(error_type, shown, _("cannot be read: it is a directory, not a file. Name the file inside it.")) from None
    except OSError as exc:
        raise _make(error_type, shown, _("cannot be read ({reason}). Check that it exists and that you may read it.").format(
            reason=exc.strerror or exc)) from None


def parse_toml_bytes(raw: bytes, shown: str, error_type: type = ChecklistError) -> dict[str, Any]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # editors on Windows add a byte-order mark; TOML does not allow one
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _make(error_type, shown, _("line {line}: is not valid UTF-8 (byte 0x{byte:02x}). Save the file as UTF-8.").format(
            line=line, byte=raw[exc.start])) from None
    if not text.strip() and error_type is ChecklistError:
        # An empty config is fine (all keys are optional); an empty answers file fails on its
        # missing 'schema'. Only a checklist gets this checklist-specific message.
        raise _make(error_type, shown, _("is empty. A checklist needs at least format, id, title, phase, language, version and items."))
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise _make(error_type, shown, _("arrays or tables are nested too deeply to read. Flatten the file.")) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if where:
            msg = msg[: where.start()].strip()
            raise _make(error_type, shown, _("line {line}, column {column}: TOML syntax error: {error}. Fix the syntax there.").format(
                line=where.group(1), column=where.group(2), error=msg)) from None
        end = re.search(r"\(at end of document\)", msg)
        if end:  # e.g. an unterminated string in the last line: point at the end of the file
            msg = msg[: end.start()].strip()
            lines = text.split("\n")
            raise _make(error_type, shown, _("line {line}, column {column} (end of file): TOML syntax error: {error}. "
                                             "Fix the syntax there.").format(
                line=len(lines), column=len(lines[-1]) + 1, error=msg)) from None
        raise _make(error_type, shown, _("TOML syntax error: {error}. Fix the syntax.").format(error=msg)) from None


def _make(error_type: type, shown: str, problem: str) -> Exception:
    if error_type is ChecklistError:
        return ChecklistError(shown, [problem])
    return error_type(f"{shown}: {problem}")


def load_checklist(path: str | Path) -> Checklist:
    """A complete checklist file (not an extension: see :func:`kundencheck.core.catalog.load_checklist_file`)."""
    path = Path(path)
    data = read_toml_file(path)
    return checklist_from_dict(data, str(path))


# --------------------------------------------------------------------------------- extensions

#: The top-level keys of an extension file (docs/checklist-format.md, "A team's own questions").
EXTENSION_KEYS = {"format", "extends", "language", "version", "id", "title", "phase", "description", "items"}
#: The default of an extension's own ``version``, added to the shipped one: ``1.0+team``.
EXTENSION_VERSION = "team"


def is_extension(data: Mapping[str, Any]) -> bool:
    """Whether a checklist file's table extends a shipped checklist (has ``extends``)."""
    return "extends" in data


def extension_base(data: Mapping[str, Any], source: str) -> tuple[str, str]:
    """The (checklist id, language) an extension file extends, or ChecklistError."""
    problems: list[str] = []
    top = _Fields(data, _("top level"), problems)
    base_id = top.safe_id("extends")
    language = top.text("language")
    if language and not _LANGUAGE.match(language):
        problems.append(_("top level, key 'language': {language} is not a two-letter lowercase language code such as 'de' or 'en'.").format(
            language=repr(language)))
    if problems:
        raise ChecklistError(source, problems)
    return base_id, language


def merge_extension(data: Mapping[str, Any], base: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The table of the whole checklist an extension file describes: the shipped checklist
    ``base`` (its table as read from its file) with the extension's items added, each at the end
    or ``after`` the item it names; ``id``, ``title``, ``phase`` and ``description`` taken from the
    extension where it sets them, and the version ``BASE+OWN`` (``1.0+team``).

    Checks what only an extension has (its keys, ``after``); the result is then checked as any
    checklist is (:func:`checklist_from_dict`), so an added item follows every rule of the format
    and a problem names the extension file, the item and the key.
    """
    problems: list[str] = []
    top = _Fields(data, _("top level"), problems)
    top.check_keys(EXTENSION_KEYS)
    fmt = data.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:
        problems.append(
            _("top level, key 'format': must be {version} (found {found}); this version of kundencheck reads format {version}.").format(
                version=FORMAT_VERSION, found=repr(fmt)))
    own_version = data.get("version", EXTENSION_VERSION)
    if isinstance(own_version, (int, float)) and not isinstance(own_version, bool):
        own_version = str(own_version)
    if not isinstance(own_version, str) or not own_version.strip():
        problems.append(_("top level, key 'version': the version of your additions, a string such as \"2\" (or leave it out)."))
        own_version = EXTENSION_VERSION
    items = data.get("items")
    if not isinstance(items, list) or not items:
        problems.append(_("top level, key 'items': required, at least one [[items]] table with a question of your own."))
        items = []
    merged_items = [dict(item) for item in base.get("items", []) if isinstance(item, dict)]
    for position, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            problems.append(_("item {position}: must be a table ([[items]]), found {found}.").format(
                position=position, found=_describe(raw)))
            continue
        item = dict(raw)
        after = item.pop("after", None)
        where = len(merged_items)
        if after is not None:
            ids = [existing.get("id") for existing in merged_items]
            label = _("item {id}").format(id=repr(item.get("id"))) if is_safe_id(item.get("id")) else _(
                "item {position}").format(position=position)
            if after not in ids:
                problems.append(_("{label}, key 'after': {found} is not an item of the {checklist} checklist (nor one "
                                  "added above it). Its items: {items}.").format(
                    label=label, found=_describe(after), checklist=data.get("extends"),
                    items=", ".join(str(i) for i in ids)))
                continue
            where = ids.index(after) + 1
            # Several added after the same item keep their order in the file.
            while where < len(merged_items) and merged_items[where].get("_added_after") == after:
                where += 1
            item["_added_after"] = after
        merged_items.insert(where, item)
    if problems:
        raise ChecklistError(source, problems)
    for item in merged_items:
        item.pop("_added_after", None)
    merged = {key: base[key] for key in ("format", "id", "title", "phase", "language", "description") if key in base}
    for key in ("id", "title", "phase", "description"):
        if key in data:
            merged[key] = data[key]
    merged["language"] = data.get("language", base.get("language"))
    merged["version"] = f"{str(base.get('version', '')).strip()}+{own_version.strip()}"
    merged["items"] = merged_items
    return merged


class Difference(NamedTuple):
    """How two languages of one checklist differ (see :func:`language_differences`): ``what``
    is "missing" (``item`` is only in ``language``), "kind" (``detail`` has the two kinds) or
    "options" (``detail`` has the two lists of option ids)."""

    what: str
    item: str
    language: str = ""
    detail: tuple[str, str] = ("", "")


def language_differences(first: Checklist, second: Checklist) -> list[Difference]:
    """Where two languages of one checklist no longer ask the same: an item only one of them
    has, an item of another kind, a choice with other options. Their history is compared by
    item id, so a team whose members run kundencheck in different languages needs them alike."""
    found: list[Difference] = []
    for one, other in ((first, second), (second, first)):
        for item in one.items:
            if other.item(item.id) is None:
                found.append(Difference("missing", item.id, one.language))
    for item in first.items:
        twin = second.item(item.id)
        if twin is None:
            continue
        if item.kind is not twin.kind:
            found.append(Difference("kind", item.id, detail=(item.kind.value, twin.kind.value)))
        elif item.kind is Kind.CHOICE and [o.id for o in item.options] != [o.id for o in twin.options]:
            found.append(Difference("options", item.id, detail=(", ".join(o.id for o in item.options),
                                                               ", ".join(o.id for o in twin.options))))
    return found


def checklist_from_dict(data: Mapping[str, Any], source: str = "<checklist>") -> Checklist:
    problems: list[str] = []
    top = _Fields(data, _("top level"), problems)
    top.check_keys({"format", "id", "title", "phase", "language", "version", "description", "items"})

    fmt = data.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:  # not 1.0, not true
        problems.append(
            _("top level, key 'format': must be {version} (found {found}); this version of kundencheck reads format {version}.").format(
                version=FORMAT_VERSION, found=repr(fmt))
        )
    checklist_id = top.safe_id("id")
    # The title heads the run screen, the home screen and the reports, each one line: a line
    # break (a multi-line string, a stray carriage return) is shown as a space everywhere alike,
    # not the first line on screen and all of it in a report.
    title = " ".join(top.text("title").split())
    phase = top.safe_id("phase")
    language = top.text("language")
    if language and not _LANGUAGE.match(language):
        problems.append(_("top level, key 'language': {language} is not a two-letter lowercase language code such as 'de' or 'en'.").format(
            language=repr(language)))
    version = data.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)  # version = 1.0 is a common slip; accept it as text
    if not isinstance(version, str) or not version.strip():
        problems.append(_("top level, key 'version': required, a string such as \"1.0\"."))
        version = ""
    description = top.text("description", required=False)

    raw_items = data.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(_("top level, key 'items': required, at least one [[items]] table."))
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
                    _("{where}, key {key}: unknown key. Allowed: {allowed}.").format(
                        where=self.where, key=repr(key), allowed=", ".join(sorted(allowed)))
                )

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.append(_("{where}, key '{key}': required, a non-empty string.").format(where=self.where, key=key))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problems.append(_("{where}, key '{key}': must be a non-empty string (found {found}).").format(
                where=self.where, key=key, found=_describe(value)))
            return ""
        return clean_text(value).strip()

    def safe_id(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            self.problems.append(_("{where}, key '{key}': required, an id of lowercase letters, digits and dashes.").format(
                where=self.where, key=key))
            return ""
        if not is_safe_id(value):
            self.problems.append(
                _("{where}, key '{key}': {found} is not a safe id. Use 1 to 64 lowercase letters a-z, digits and dashes, "
                  "starting with a letter or digit (no dots, slashes, spaces or capitals, and not a Windows device name "
                  "such as con, nul or com1): ids become file names.").format(where=self.where, key=key, found=_describe(value))
            )
            return ""
        return value


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = clean_text(value)
        return repr(shown if len(shown) <= 40 else shown[:39] + "…")
    return _("a {type}").format(type=type(value).__name__) if not isinstance(value, (int, float)) else repr(value)


_ITEM_KEYS = {"id", "title", "question", "why", "kind", "required", "note_when", "action_when", "low", "high", "options", "when"}


def _parse_item(raw: Any, position: int, seen: Mapping[str, Item], problems: list[str], ids: set[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(_("item {position}: must be a table ([[items]]), found {found}.").format(position=position, found=_describe(raw)))
        return None
    raw_id = raw.get("id")
    label = _("item {id}").format(id=repr(raw_id)) if is_safe_id(raw_id) else _("item {position}").format(position=position)
    f = _Fields(raw, label, problems)
    before = len(problems)
    f.check_keys(_ITEM_KEYS)
    item_id = f.safe_id("id")
    if item_id and item_id in ids:
        problems.append(_("{label}, key 'id': duplicate id; item ids must be unique within a checklist.").format(label=label))
    if item_id:
        ids.add(item_id)
    question = f.text("question")
    why = f.text("why")
    title = f.text("title", required=False) if "title" in raw else ""
    if len(title) > ITEM_TITLE_LIMIT:
        problems.append(_("{label}, key 'title': at most {limit} characters, a few words that name the item in a "
                          "list (found {found}).").format(label=label, limit=ITEM_TITLE_LIMIT, found=len(title)))
    raw_kind = raw.get("kind")
    try:
        kind = Kind(raw_kind)
    except ValueError:
        problems.append(_("{label}, key 'kind': {found} is not a kind. Allowed: {allowed}.").format(
            label=label, found=_describe(raw_kind), allowed=", ".join(k.value for k in Kind)))
        return None
    required = raw.get("required", True)
    if not isinstance(required, bool):
        problems.append(_("{label}, key 'required': must be true or false (found {found}).").format(label=label, found=_describe(required)))
        required = True

    low = high = ""
    if kind is Kind.SCALE:
        low, high = f.text("low"), f.text("high")
    else:
        for key in ("low", "high"):
            if key in raw:
                problems.append(_("{label}, key '{key}': only scale items have '{key}' labels (this item is {kind}).").format(
                    label=label, key=key, kind=kind.value))

    options: tuple[Option, ...] = ()
    if kind is Kind.CHOICE:
        options = _parse_options(raw.get("options"), label, problems)
    elif "options" in raw:
        problems.append(_("{label}, key 'options': only choice items have options (this item is {kind}).").format(label=label, kind=kind.value))

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
        title=title,
    )


def _parse_options(raw: Any, label: str, problems: list[str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(_("{label}, key 'options': a choice item needs at least two options like "
                          "{{ id = \"weekly\", label = \"Weekly\" }}.").format(label=label))
        return ()
    options: list[Option] = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) != {"id", "label"}:
            problems.append(_("{label}, key 'options': option {n} must be a table with exactly 'id' and 'label'.").format(label=label, n=n))
            continue
        if not is_safe_id(entry["id"]):
            problems.append(_("{label}, key 'options': option {n} id {found} is not a safe id (lowercase letters, digits, dashes).").format(
                label=label, n=n, found=_describe(entry["id"])))
            continue
        if not isinstance(entry["label"], str) or not entry["label"].strip():
            problems.append(_("{label}, key 'options': option {n} needs a non-empty label.").format(label=label, n=n))
            continue
        if any(o.id == entry["id"] for o in options):
            problems.append(_("{label}, key 'options': option id {id} appears twice.").format(label=label, id=repr(entry["id"])))
            continue
        options.append(Option(entry["id"], clean_text(entry["label"]).strip()))
    return tuple(options)


def _parse_values(raw: Mapping[str, Any], key: str, allowed: tuple | None, kind: Kind, label: str, problems: list[str]) -> list[AnswerValue]:
    if key not in raw:
        return []
    values = raw[key]
    if allowed is None:
        problems.append(_("{label}, key '{key}': {kind} items cannot demand a note or action by answer; remove '{key}'.").format(
            label=label, key=key, kind=kind.value))
        return []
    if not isinstance(values, list):
        values = [values]
    good: list[AnswerValue] = []
    for value in values:
        if isinstance(value, bool) or value not in allowed:
            problems.append(_("{label}, key '{key}': {found} is not an answer of this {kind} item. Allowed: {allowed}.").format(
                label=label, key=key, found=_describe(value), kind=kind.value, allowed=", ".join(map(str, allowed))))
        else:
            good.append(value)
    return good


def _parse_condition(raw: Any, label: str, seen: Mapping[str, Item], problems: list[str], ids: set[str], own_id: str) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"item", "equals"}:
        problems.append(_("{label}, key 'when': must be a table with exactly 'item' and 'equals', "
                          "e.g. {{ item = \"own-design\", equals = \"yes\" }}.").format(label=label))
        return None
    target_id = raw["item"]
    target = seen.get(target_id) if isinstance(target_id, str) else None
    if target is None and isinstance(target_id, str) and target_id in ids and target_id != own_id:
        return None  # an earlier item with problems of its own, already reported
    if target is None:
        problems.append(
            _("{label}, key 'when': item {found} is not an earlier item of this checklist. "
              "A condition may only point at an item above it (this also rules out circular conditions).").format(
                label=label, found=_describe(target_id))
        )
        return None
    allowed = target.allowed_values()
    if allowed is None:
        problems.append(_("{label}, key 'when': item {item} is a {kind} item; conditions can only test traffic-light, scale or "
                          "choice items.").format(label=label, item=repr(target_id), kind=target.kind.value))
        return None
    equals = raw["equals"] if isinstance(raw["equals"], list) else [raw["equals"]]
    bad = [v for v in equals if isinstance(v, bool) or v not in allowed]
    if bad or not equals:
        problems.append(_("{label}, key 'when': {found} is not an answer of item {item}. Allowed: {allowed}.").format(
            label=label, found=", ".join(map(_describe, bad)) or _("an empty list"), item=repr(target_id),
            allowed=", ".join(map(str, allowed))))
        return None
    return Condition(target_id, tuple(equals))
