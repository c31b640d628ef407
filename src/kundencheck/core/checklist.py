"""The checklist model (format version 1) and its validation.

See docs/checklist-format.md. ``load_checklist`` turns a file into a :class:`Checklist` or
raises :class:`ChecklistError` listing every problem found, each naming the item and key.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from kundencheck.core.errors import ChecklistError
from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.text import clean_text

if TYPE_CHECKING:
    import os  # (imported where a file is opened: it is not needed to start)

FORMAT_VERSION = 1
KNOWN_PHASES = ("kickoff", "design", "build", "acceptance", "handover")
STATUSES = ("green", "amber", "red", "na")
#: What each status means to the person answering; never shown by colour alone.
#: English words, marked for the catalogs: shown translated with ``i18n.translate``.
STATUS_WORDS = {"green": N_("yes"), "amber": N_("partly"), "red": N_("no"), "na": N_("n/a")}
STATUS_SYMBOLS = {"green": "✔", "amber": "◐", "red": "✘", "na": "–"}
#: The bands a checklist may give a scale value or a choice option, worst first.
BAND_NAMES = ("red", "amber", "green")
#: A scale item's bands for the values 1 to 5, unless its checklist sets ``bands``.
DEFAULT_SCALE_BANDS = ("red", "red", "amber", "green", "green")
#: How long a key signal's ``title`` may be: it goes into the commit subject.
KEY_SIGNAL_TITLE_LIMIT = 24

_SAFE_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
#: Device names Windows reserves (also with any extension, so ``con.en.toml`` is one); ids
#: become file names, so these are not safe ids even though they match the pattern.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)})
_LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_FILE_BYTES = 1_000_000

#: A stored answer value: status or option id (str), scale (int), text (str), date.
AnswerValue = str | int | dt.date


class Kind(StrEnum):
    TRAFFIC_LIGHT = "traffic-light"
    SCALE = "scale"
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"


def is_safe_id(value: object) -> TypeGuard[str]:
    if type(value) is str and value in _KNOWN_SAFE_IDS:
        return True  # years of history repeat the same few ids: checked once each
    # fullmatch, not match with "$": "$" also matches before a trailing newline.
    safe = isinstance(value, str) and bool(_SAFE_ID.fullmatch(value)) and value not in WINDOWS_RESERVED
    if safe and type(value) is str and len(_KNOWN_SAFE_IDS) < 10_000:
        _KNOWN_SAFE_IDS.add(value)
    return safe


_KNOWN_SAFE_IDS: set[str] = set()


def all_safe_ids(ids: set[Any]) -> bool:
    """Whether every one of ``ids`` is a safe id; the ones seen before are looked up at once."""
    return all(is_safe_id(value) for value in ids.difference(_KNOWN_SAFE_IDS))


class Option(NamedTuple):
    """One choice of a choice item: its stable id, the label shown and, optionally, its band."""

    id: str
    label: str
    #: "red", "amber" or "green" when the checklist gives the option a band, else None.
    band: str | None = None


class Condition(NamedTuple):
    """Show an item only when an earlier item's answer is one of ``equals``."""

    item: str
    equals: tuple[AnswerValue, ...]


#: The longest short title of an item (docs/checklist-format.md).
ITEM_TITLE_LIMIT = 40


class ClientWording(NamedTuple):
    """An item's wording towards the client (``client.question``, ``client.why``, and a scale's
    ``client.low`` and ``client.high``): what a mirror invitation asks the client."""

    question: str
    why: str
    #: A scale item's labels for 1 and 5 as the client reads them (the item's own where unset).
    low: str = ""
    high: str = ""


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
    #: A few words naming the item (at most ITEM_TITLE_LIMIT characters): in lists such as the
    #: action review, the reports, and for a key signal in the commit subject ("Team mood").
    title: str = ""
    #: A key signal is named in the commit subject when it is red or worse than last sprint.
    key_signal: bool = False
    #: A scale item's band for each of the values 1 to 5 (``bands`` in the checklist).
    scale_bands: tuple[str, ...] = DEFAULT_SCALE_BANDS
    #: How the client is asked this item in a mirror invitation (``client`` in the checklist,
    #: docs/mirror.md); None: the item is the team's own and is not asked.
    client: ClientWording | None = None
    #: Answered without names in a meeting: only how many voted for each value is stored
    #: (docs/meeting.md, docs/anonymity.md).
    anonymous: bool = False

    @property
    def label(self) -> str:
        """How lists and the commit subject name the item: its short title, else its id."""
        return self.title or self.id

    def option_band(self, option_id: object) -> str | None:
        """The band the checklist gives the choice option ``option_id``, if any."""
        for option in self.options:
            if option.id == option_id:
                return option.band
        return None

    def can_have_band(self) -> bool:
        """Whether some answer to this item has a band: traffic lights and scales always, a
        choice when one of its options has a band; text and dates never."""
        if self.kind is Kind.CHOICE:
            return any(option.band for option in self.options)
        return self.kind in (Kind.TRAFFIC_LIGHT, Kind.SCALE)

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
    #: Built from ``items`` (init=False: a ``dataclasses.replace`` builds its own, never shares it).
    _index: dict[str, Item] = field(default_factory=dict, init=False, compare=False, repr=False)

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


def read_toml_file(path: Path) -> dict[str, Any]:
    """Read and parse a checklist file, turning every failure into a ChecklistError."""
    return parse_toml_bytes(read_checklist_bytes(path), str(path))


def read_checklist_bytes(path: Path, *, within: Path | None = None) -> bytes:
    """A checklist file's bytes: :func:`read_file_bytes` (whose defaults are a checklist's limit
    and words) with a checklist's hint; ``within``: the work tree it must lie in."""
    return read_file_bytes(path, hint=N_("Split it or remove the bulk."), within=within)


def toml_text(raw: bytes) -> str:
    """The text of a file's bytes that :func:`parse_toml_bytes` has read (so UTF-8), without
    the byte-order mark an editor may have put first."""
    return raw.removeprefix(codecs.BOM_UTF8).decode()


def read_file_bytes(
    path: Path,
    error_type: type = ChecklistError,
    *,
    what: str = N_("a checklist"),
    limit: int | None = MAX_FILE_BYTES,
    hint: str = "",
    within: Path | None = None,
) -> bytes:
    """The bytes of a file kundencheck reads (checklist, config, draft), or ``error_type``.

    ``what`` and ``hint`` are English texts marked with ``N_()``; they are translated here.

    Only a regular file is read: a named pipe would block the read (and kundencheck) forever,
    a device could be endless, a folder is no file. The type is checked on a descriptor opened
    without blocking, the bytes are read from that same descriptor (nothing can be swapped in
    between), and a file over ``limit`` bytes is refused before it is read.

    ``within``: the work tree a file of the repository must lie in. A committed file that is a
    symbolic link leading out of it (to a key, a token, another user's file) is refused without
    being opened, and nothing of it is shown.
    """
    import os
    import stat

    shown = str(path)
    try:
        if within is not None and not _inside(path, within):
            raise _make(error_type, shown, _outside_message(within))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise _make(error_type, shown, _("cannot be read: it is a directory, not a file. Name the file inside it."))
            if not stat.S_ISREG(info.st_mode):
                raise _make(
                    error_type,
                    shown,
                    _(
                        "cannot be read: it is a named pipe, socket or device, not a regular file, "
                        "and reading it could wait forever. Replace it with a regular file."
                    ),
                )
            if within is not None and not _same_file_inside(path, within, info):
                raise _make(error_type, shown, _outside_message(within))
            if limit is not None and info.st_size > limit:
                raise _make(error_type, shown, _too_big(info.st_size, what, limit, hint))
            return _read_all(fd, limit, lambda size: _make(error_type, shown, _too_big(size, what, limit, hint)))
        finally:
            os.close(fd)
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise _make(error_type, shown, _("cannot be read: it is a directory, not a file. Name the file inside it.")) from None
    except OSError as exc:
        raise _make(
            error_type,
            shown,
            _("cannot be read ({reason}). Check that it exists and that you may read it.").format(reason=exc.strerror or exc),
        ) from None


def _too_big(size: int, what: str, limit: int | None, hint: str) -> str:
    return (
        _("is {size:,} bytes; {what} may be at most {limit:,} bytes. {hint}")
        .format(size=size, what=translate(what), limit=limit, hint=translate(hint))
        .rstrip()
    )


def _read_all(fd: int, limit: int | None, too_big: Callable[[int], Exception]) -> bytes:
    """Everything from ``fd``; ``too_big(size)`` is raised when a file grows past ``limit``."""
    import os

    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if limit is not None and size > limit:
            raise too_big(size)
        chunks.append(chunk)


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every symbolic link followed, is ``root`` or below it."""
    import os

    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def _same_file_inside(path: Path, root: Path, info: os.stat_result) -> bool:
    """Whether the file opened (``info``, its fstat) is the one ``path`` leads to inside ``root``
    now: a link changed between the check and the opening is caught here."""
    import os

    if not _inside(path, root):
        return False
    try:
        now = os.stat(os.path.realpath(path))
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino)


def _outside_message(root: Path) -> str:
    return _(
        "is a symbolic link that leads outside the work tree {root}, so kundencheck does not read it: a "
        "repository could point it at any file on your machine. Replace the link with the file itself "
        "(`git rm` the link, copy the file in, commit it)."
    ).format(root=root)


def parse_toml_bytes(raw: bytes, shown: str, error_type: type = ChecklistError, *, check_integers: bool = True) -> dict[str, Any]:
    """Parse a TOML file's bytes; every way it can fail is ``error_type`` naming the file and,
    where it can be found, the line and key.

    Whatever TOML allows comes through but integers beyond the 64 bits TOML promises (the TOML
    specification says a reader must refuse them rather than lose them): Python reads them, but
    refuses to turn one of thousands of digits back into text, so one such number would break
    every message, cache and report it reached. A number of more than 4,300 decimal digits is
    refused always (Python will not read it); ``check_integers=False`` leaves the rest to the
    caller's own checks of each value: the answers loader does so, as a cold start parses years
    of answers files and looking at every value twice cost a tenth of it.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # editors on Windows add a byte-order mark; TOML does not allow one
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _make(
            error_type,
            shown,
            _("line {line}: is not valid UTF-8 (byte 0x{byte:02x}). Save the file as UTF-8.").format(
                line=line, byte=raw[exc.start]
            ),
        ) from None
    if not text.strip() and error_type is ChecklistError:
        # An empty config is fine (all keys are optional); an empty answers file fails on its
        # missing 'schema'. Only a checklist gets this checklist-specific message.
        raise _make(
            error_type, shown, _("is empty. A checklist needs at least format, id, title, phase, language, version and items.")
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise _make(
            error_type,
            shown,
            _at(text, _deep_nesting_position(text), "", _("arrays or tables are nested too deeply to read. Flatten the file.")),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if where:
            msg = msg[: where.start()].strip()
            raise _make(
                error_type,
                shown,
                _("line {line}, column {column}: TOML syntax error: {error}. Fix the syntax there.").format(
                    line=where.group(1), column=where.group(2), error=msg
                ),
            ) from None
        end = re.search(r"\(at end of document\)", msg)
        if end:  # e.g. an unterminated string in the last line: point at the end of the file
            msg = msg[: end.start()].strip()
            lines = text.split("\n")
            raise _make(
                error_type,
                shown,
                _("line {line}, column {column} (end of file): TOML syntax error: {error}. Fix the syntax there.").format(
                    line=len(lines), column=len(lines[-1]) + 1, error=msg
                ),
            ) from None
        raise _make(error_type, shown, _("TOML syntax error: {error}. Fix the syntax.").format(error=msg)) from None
    except ValueError:
        # Not a TOMLDecodeError: Python's limit on the digits of a number it turns into an int.
        raise _make(error_type, shown, _number_problem(text, "")) from None
    if check_integers:
        key = _oversized_integer(data)
        if key is not None:
            raise _make(error_type, shown, _number_problem(text, key))
    return data


#: The integers TOML promises to read without loss: 64-bit signed.
TOML_INT_MIN, TOML_INT_MAX = -(2**63), 2**63 - 1


def _oversized_integer(data: dict[str, Any]) -> str | None:
    """The key (dotted, ``items[2].low``) of the first integer outside 64 bits, or None.

    Walks without recursion: a parsed file can be nested as deeply as the parser could go."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if type(value) is int:
            if not TOML_INT_MIN <= value <= TOML_INT_MAX:
                return where
        elif type(value) is dict:
            stack.extend((f"{where}.{k}" if where else k, v) for k, v in reversed(value.items()))
        elif type(value) is list:
            stack.extend((f"{where}[{n}]", v) for n, v in reversed(list(enumerate(value, start=1))))
    return None


# A number as TOML writes it, not part of a word, a date or a time; hex, octal and binary too.
_NUMBER = re.compile(r"(?<![\w.:+-])[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)(?![\w.:-])")


def _number_problem(text: str, key: str) -> str:
    """The message for a whole number beyond 64 bits, with the line (and key) it is on."""
    position = None
    for start, code in _code(text):
        for match in _NUMBER.finditer(code):
            literal = match.group().replace("_", "").removeprefix("+")
            negative = literal.startswith("-")
            digits = literal.removeprefix("-")
            base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2], 10)
            if base != 10:
                digits = digits[2:]
            if (base == 10 and len(digits) > 19) or not _fits(int(digits or "0", base), negative):
                position = start + match.start()
                break
        if position is not None:
            break
    problem = _(
        "a whole number beyond what TOML allows ({low} to {high}); kundencheck does not read it. "
        "Write a smaller number, or the value as a string in quotes."
    ).format(low=TOML_INT_MIN, high=TOML_INT_MAX)
    return _at(text, position, key, problem)


def _fits(number: int, negative: bool) -> bool:
    return TOML_INT_MIN <= (-number if negative else number) <= TOML_INT_MAX


def _code(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) for each piece of ``text`` outside quoted strings and comments, line by
    line: a heuristic for locating a value in an error message (strings are not followed across
    lines), in one pass however long a line is."""
    offset = 0
    for line in text.split("\n"):
        quote, begin, n = None, 0, 0
        while n < len(line):
            char = line[n]
            if quote is None:
                if char == "#":
                    break
                if char in "\"'":
                    yield offset + begin, line[begin:n]
                    quote = char
            elif char == "\\" and quote == '"':
                n += 1
            elif char == quote:
                quote, begin = None, n + 1
            n += 1
        if quote is None:
            yield offset + begin, line[begin:n]
        offset += len(line) + 1


def _deep_nesting_position(text: str, depth: int = 100) -> int | None:
    """Where brackets and braces first nest ``depth`` deep (outside strings and comments)."""
    level = 0
    for start, code in _code(text):
        for n, char in enumerate(code):
            if char in "[{":
                level += 1
                if level >= depth:
                    return start + n
            elif char in "]}":
                level -= 1
    return None


def _at(text: str, position: int | None, key: str, problem: str) -> str:
    """``problem`` prefixed with its line and key: the key given, else the one set on that line."""
    line = None
    if position is not None:
        before = text[:position]
        line = before.count("\n") + 1
        if not key:
            assigned = re.match(r"\s*([A-Za-z0-9_\-.\"' ]+?)\s*=", before[before.rfind("\n") + 1 :])
            key = assigned.group(1).strip() if assigned else ""
    if line is not None and key:
        return _("line {line}, key {key}: {problem}").format(line=line, key=repr(key), problem=problem)
    if line is not None:
        return _("line {line}: {problem}").format(line=line, problem=problem)
    if key:
        return _("key {key}: {problem}").format(key=repr(key), problem=problem)
    return problem


def _make(error_type: type[Exception], shown: str, problem: str) -> Exception:
    if error_type is ChecklistError:
        return ChecklistError(shown, [problem])
    return error_type(f"{shown}: {problem}")


def load_checklist(path: str | Path, *, within: Path | None = None) -> Checklist:
    """A complete checklist file (not an extension: see :func:`kundencheck.core.catalog.load_checklist_file`);
    ``within``: the work tree it must lie in (a symbolic link leading out of it is refused, see
    :func:`read_file_bytes`)."""
    path = Path(path)
    return checklist_from_bytes(read_checklist_bytes(path, within=within), str(path))


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
    problems = _Problems(None)  # an extension's problems name item and key (its lines are not the merged file's)
    top = _Fields(data, _("top level"), problems)
    base_id = top.safe_id("extends")
    language = top.text("language")
    if language and not _LANGUAGE.match(language):
        problems.append(
            _("top level, key 'language': {language} is not a two-letter lowercase language code such as 'de' or 'en'.").format(
                language=_describe(language)
            )
        )
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
    problems = _Problems(None)  # an extension's problems name item and key (its lines are not the merged file's)
    top = _Fields(data, _("top level"), problems)
    top.check_keys(EXTENSION_KEYS)
    fmt = data.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:
        problems.append(
            _(
                "top level, key 'format': must be {version} (found {found}); this version of kundencheck reads format {version}."
            ).format(version=FORMAT_VERSION, found=_describe(fmt))
        )
    own_version = data.get("version", EXTENSION_VERSION)
    if isinstance(own_version, (int, float)) and not isinstance(own_version, bool):
        own_version = str(own_version)
    if not isinstance(own_version, str) or not own_version.strip():
        problems.append(_("top level, key 'version': the version of your additions, a string such as \"2\" (or leave it out)."))
    items = data.get("items")
    if not isinstance(items, list) or not items:
        problems.append(_("top level, key 'items': required, at least one [[items]] table with a question of your own."))
        items = []
    merged_items = [dict(item) for item in base.get("items", []) if isinstance(item, dict)]
    for position, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            problems.append(
                _("item {position}: must be a table ([[items]]), found {found}.").format(position=position, found=_describe(raw))
            )
            continue
        item = dict(raw)
        after = item.pop("after", None)
        where = len(merged_items)
        if after is not None:
            ids = [existing.get("id") for existing in merged_items]
            label = (
                _("item {id}").format(id=repr(item.get("id")))
                if is_safe_id(item.get("id"))
                else _("item {position}").format(position=position)
            )
            if after not in ids:
                problems.append(
                    _(
                        "{label}, key 'after': {found} is not an item of the {checklist} checklist (nor one "
                        "added above it). Its items: {items}."
                    ).format(
                        label=label, found=_describe(after), checklist=data.get("extends"), items=", ".join(str(i) for i in ids)
                    )
                )
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
    merged = {key: base[key] for key in ("format", "id", "title", "phase", "description") if key in base}
    for key in ("id", "title", "phase", "description"):
        if key in data:
            merged[key] = data[key]
    merged["language"] = data.get("language", base.get("language"))
    merged["version"] = f"{str(base['version']).strip()}+{own_version.strip()}"
    merged["items"] = merged_items
    return merged


class Difference(NamedTuple):
    """How two languages of one checklist differ (see :func:`language_differences`): ``what``
    is "missing" (``item`` is only in ``language``), "kind" (``detail`` has the two kinds),
    "options" (``detail`` has the two lists of option ids), "client" (``item`` has a client
    wording only in ``language``) or "anonymous" (``language`` is the one where the item is
    anonymous)."""

    what: str
    item: str
    language: str = ""
    detail: tuple[str, str] = ("", "")


def language_differences(first: Checklist, second: Checklist) -> list[Difference]:
    """Where two languages of one checklist no longer ask the same: an item only one of them
    has, an item of another kind, a choice with other options, an item only one of them asks
    the client (a mirror invitation would ask it in one language only), an item anonymous in one
    only. Their history is compared by
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
            found.append(
                Difference(
                    "options", item.id, detail=(", ".join(o.id for o in item.options), ", ".join(o.id for o in twin.options))
                )
            )
        if (item.client is None) != (twin.client is None):  # asked of the client in one language only
            found.append(Difference("client", item.id, (first if item.client is not None else second).language))
        if item.anonymous != twin.anonymous:
            found.append(Difference("anonymous", item.id, (first if item.anonymous else second).language))
    return found


def checklist_from_bytes(raw: bytes, source: str) -> Checklist:
    """The checklist in a file's bytes (read from the work tree or from git); ``source`` names
    it in messages, which give the line of each problem where it can be found."""
    data = parse_toml_bytes(raw, source)
    return checklist_from_dict(data, source, text=toml_text(raw))


def checklist_from_dict(data: Mapping[str, Any], source: str = "<checklist>", *, text: str | None = None) -> Checklist:
    """Check ``data`` (a parsed checklist) and make a Checklist of it, or raise ChecklistError
    with every problem; ``text``, the file's raw text, adds the line to each problem."""
    problems = _Problems(text)
    top = _Fields(data, _("top level"), problems)
    top.check_keys({"format", "id", "title", "phase", "language", "version", "description", "items"})

    fmt = data.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:  # not 1.0, not true
        problems.add(
            "format",
            _(
                "top level, key 'format': must be {version} (found {found}); this version of kundencheck reads format {version}."
            ).format(version=FORMAT_VERSION, found=_describe(fmt)),
        )
    checklist_id = top.safe_id("id")
    # The title heads the run screen, the home screen and the reports, each one line: a line
    # break (a multi-line string, a stray carriage return) is shown as a space everywhere alike,
    # not the first line on screen and all of it in a report.
    title = " ".join(top.text("title").split())
    phase = top.safe_id("phase")
    language = top.text("language")
    if language and not _LANGUAGE.match(language):
        problems.add(
            "language",
            _("top level, key 'language': {language} is not a two-letter lowercase language code such as 'de' or 'en'.").format(
                language=_describe(language)
            ),
        )
    version = data.get("version")
    if isinstance(version, float) or (type(version) is int and TOML_INT_MIN <= version <= TOML_INT_MAX):
        version = str(version)  # version = 1.0 is a common slip; accept it as text
    if not isinstance(version, str) or not version.strip():
        problems.add("version", _("top level, key 'version': required, a string such as \"1.0\"."))
        version = ""
    description = top.text("description", required=False)

    raw_items = data.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.add("items", _("top level, key 'items': required, at least one [[items]] table."))
        raw_items = []
    seen: dict[str, Item] = {}
    # Ids of every earlier item, also those with problems of their own, so a duplicate id is
    # reported even when the first of the two items has another problem.
    ids: set[str] = set()
    for position, raw in enumerate(raw_items, start=1):
        problems.item = position
        item = _parse_item(raw, position, seen, problems, ids)
        if item is not None:
            items.append(item)
            seen[item.id] = item
    problems.item = None
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

    def __init__(self, data: Mapping[str, Any], where: str, problems: _Problems | _OnKey) -> None:
        self.data, self.where, self.problems = data, where, problems

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problems.add(
                    key,
                    _("{where}, key {key}: unknown key. Allowed: {allowed}.").format(
                        where=self.where, key=_describe(key), allowed=", ".join(sorted(allowed))
                    ),
                )

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.add(key, _("{where}, key '{key}': required, a non-empty string.").format(where=self.where, key=key))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problems.add(
                key,
                _("{where}, key '{key}': must be a non-empty string (found {found}).").format(
                    where=self.where, key=key, found=_describe(value)
                ),
            )
            return ""
        return clean_text(value).strip()

    def flag(self, key: str, default: bool) -> bool:
        """A true-or-false key: its value, else ``default`` (left out, or a problem recorded)."""
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.add(
            key,
            _("{where}, key '{key}': must be true or false (found {found}).").format(
                where=self.where, key=key, found=_describe(value)
            ),
        )
        return default

    def safe_id(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            self.problems.add(
                key,
                _("{where}, key '{key}': required, an id of lowercase letters, digits and dashes.").format(
                    where=self.where, key=key
                ),
            )
            return ""
        if not is_safe_id(value):
            self.problems.add(
                key,
                _(
                    "{where}, key '{key}': {found} is not a safe id. Use 1 to 64 lowercase letters a-z, digits and dashes, "
                    "starting with a letter or digit (no dots, slashes, spaces or capitals, and not a Windows device name "
                    "such as con, nul or com1): ids become file names."
                ).format(where=self.where, key=key, found=_describe(value)),
            )
            return ""
        return value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as TOML writes it
    if isinstance(value, str):
        shown = clean_text(value[:400])
        return repr(shown if len(shown) <= 40 else shown[:39] + "…")
    if isinstance(value, (int, float)):
        return describe_value(value)
    return _("a {type}").format(type=type(value).__name__)


def describe_value(value: Any, width: int = 60) -> str:
    """A value read from a file as a message shows it: one line of at most ``width`` characters,
    cleaned of terminal control, and never failing on anything a file can hold (a whole number
    of thousands of digits, which Python refuses to turn into text, a list of ten thousand
    values, lists nested hundreds deep)."""
    from kundencheck.core.text import one_line

    return one_line(_bounded_repr(value, 2), width)


def _bounded_repr(value: Any, depth: int) -> str:
    if isinstance(value, str):
        return repr(value[:200])
    if isinstance(value, int) and not isinstance(value, bool) and not -(10**30) < value < 10**30:
        return _("a whole number of {bits:,} bits").format(bits=value.bit_length())
    if isinstance(value, (list, tuple)):
        if depth <= 0:
            return "[…]"
        shown = [_bounded_repr(v, depth - 1) for v in value[:5]]
        return "[" + ", ".join(shown + (["…"] if len(value) > 5 else [])) + "]"
    if isinstance(value, dict):
        if depth <= 0:
            return "{…}"
        shown = [f"{_bounded_repr(k, 0)}: {_bounded_repr(v, depth - 1)}" for k, v in list(value.items())[:5]]
        return "{" + ", ".join(shown + (["…"] if len(value) > 5 else [])) + "}"
    return repr(value)


_ITEM_KEYS = {
    "id",
    "title",
    "question",
    "why",
    "kind",
    "required",
    "note_when",
    "action_when",
    "low",
    "high",
    "options",
    "when",
    "key_signal",
    "bands",
    "client",
    "anonymous",
}
#: The keys of an item's ``client`` table (docs/checklist-format.md, "Asking the client").
CLIENT_KEYS = {"question", "why", "low", "high"}
#: The kinds a client is asked in a mirror invitation: the same scales the team answers.
CLIENT_KINDS = (Kind.TRAFFIC_LIGHT, Kind.SCALE)


def _parse_item(raw: Any, position: int, seen: Mapping[str, Item], problems: _Problems, ids: set[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.add(
            "", _("item {position}: must be a table ([[items]]), found {found}.").format(position=position, found=_describe(raw))
        )
        return None
    raw_id = raw.get("id")
    label = _("item {id}").format(id=repr(raw_id)) if is_safe_id(raw_id) else _("item {position}").format(position=position)
    f = _Fields(raw, label, problems)
    before = len(problems)
    f.check_keys(_ITEM_KEYS)
    item_id = f.safe_id("id")
    if item_id and item_id in ids:
        problems.add("id", _("{label}, key 'id': duplicate id; item ids must be unique within a checklist.").format(label=label))
    if item_id:
        ids.add(item_id)
    question = f.text("question")
    why = f.text("why")
    raw_kind: Any = raw.get("kind")  # anything a file holds: Kind() refuses what is no kind
    try:
        kind = Kind(raw_kind)
    except ValueError:
        problems.add(
            "kind",
            _("{label}, key 'kind': {found} is not a kind. Allowed: {allowed}.").format(
                label=label, found=_describe(raw_kind), allowed=", ".join(k.value for k in Kind)
            ),
        )
        return None
    required = f.flag("required", True)

    low = high = ""
    if kind is Kind.SCALE:
        low, high = f.text("low"), f.text("high")
    else:
        for key in ("low", "high"):
            if key in raw:
                problems.add(
                    key,
                    _("{label}, key '{key}': only scale items have '{key}' labels (this item is {kind}).").format(
                        label=label, key=key, kind=kind.value
                    ),
                )

    options: tuple[Option, ...] = ()
    if kind is Kind.CHOICE:
        options = _parse_options(raw.get("options"), label, problems)
    elif "options" in raw:
        problems.add(
            "options",
            _("{label}, key 'options': only choice items have options (this item is {kind}).").format(
                label=label, kind=kind.value
            ),
        )

    scale_bands: tuple[str, ...] = DEFAULT_SCALE_BANDS
    if "bands" in raw:
        if kind is Kind.SCALE:
            scale_bands = _parse_scale_bands(raw["bands"], label, problems) or DEFAULT_SCALE_BANDS
        else:
            problems.add(
                "bands",
                _(
                    "{label}, key 'bands': only scale items have 'bands' (this item is {kind}); a choice "
                    'item gives each option its band, as in {{ id = "own", label = "Own design", '
                    'band = "amber" }}, and a traffic light\'s band is its answer.'
                ).format(label=label, kind=kind.value),
            )

    probe = Item(id=item_id or "?", question="", why="", kind=kind, options=options)
    allowed = probe.allowed_values()
    note_when = _parse_values(raw, "note_when", allowed, kind, label, problems)
    action_when = _parse_values(raw, "action_when", allowed, kind, label, problems)
    when = _parse_condition(raw.get("when"), label, seen, problems, ids, item_id)
    title = _parse_title(raw, label, problems)
    key_signal = f.flag("key_signal", False)
    if key_signal and not probe.can_have_band():
        if kind is Kind.CHOICE:
            problems.add(
                "key_signal",
                _(
                    "{label}, key 'key_signal': a key signal is named when it is red or worse than "
                    "last sprint, and none of this choice item's options has a band. Give the "
                    'warning options a band (band = "red" or "amber") or remove key_signal.'
                ).format(label=label),
            )
        else:
            problems.add(
                "key_signal",
                _(
                    "{label}, key 'key_signal': {kind} answers have no band (red, amber, green), so "
                    "they cannot be a key signal. Remove key_signal, or make the item a "
                    "traffic-light, scale or choice item."
                ).format(label=label, kind=kind.value),
            )
        key_signal = False
    client = _parse_client(raw, kind, label, problems)
    anonymous = f.flag("anonymous", False)
    if anonymous and kind not in (Kind.TRAFFIC_LIGHT, Kind.SCALE, Kind.CHOICE):
        problems.add(
            "anonymous",
            _(
                "{label}, key 'anonymous': a {kind} answer cannot be anonymous: its wording gives "
                "away who wrote it, and only how many voted for each value is stored. Make the "
                "item a traffic-light, scale or choice item, or remove anonymous."
            ).format(label=label, kind=kind.value),
        )
        anonymous = False
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
        key_signal=key_signal,
        scale_bands=scale_bands,
        client=client,
        anonymous=anonymous,
    )


def _parse_client(raw: Mapping[str, Any], kind: Kind, label: str, problems: _Problems) -> ClientWording | None:
    """An item's ``client`` table: how a mirror invitation asks the client (None without one)."""
    if "client" not in raw:
        return None
    table = raw["client"]
    if not isinstance(table, dict):
        problems.add(
            "client",
            _(
                "{label}, key 'client': must be a table with the question the client is asked and why, "
                'such as client.question = "..." and client.why = "..." (found {found}).'
            ).format(label=label, found=_describe(table)),
        )
        return None
    if kind not in CLIENT_KINDS:
        problems.add(
            "client",
            _(
                "{label}, key 'client': only traffic-light and scale items are asked of the client "
                "(this item is {kind}). Remove the client wording."
            ).format(label=label, kind=kind.value),
        )
        return None
    before = len(problems)
    # Every problem of the table is on the line of its item's client key (client.question = ...).
    fields = _Fields(table, _("{label}, key 'client'").format(label=label), _OnKey(problems, "client"))
    fields.check_keys(CLIENT_KEYS if kind is Kind.SCALE else CLIENT_KEYS - {"low", "high"})
    question, why = fields.text("question"), fields.text("why")
    low, high = fields.text("low", required=False), fields.text("high", required=False)  # (refused above off a scale)
    if len(problems) > before:
        return None
    return ClientWording(question=question, why=why, low=low, high=high)


def _parse_title(raw: Mapping[str, Any], label: str, problems: _Problems) -> str:
    """An item's short ``title``: one line of at most ITEM_TITLE_LIMIT characters."""
    if "title" not in raw:
        return ""
    value = raw["title"]
    if not isinstance(value, str) or not value.strip():
        problems.add(
            "title",
            _("{label}, key 'title': must be a few words such as \"Team mood\" (found {found}).").format(
                label=label, found=_describe(value)
            ),
        )
        return ""
    title = " ".join(clean_text(value).split())
    if len(title) > ITEM_TITLE_LIMIT:
        problems.add(
            "title",
            _(
                "{label}, key 'title': at most {limit} characters, a few words that name the item in a list (found {found})."
            ).format(label=label, limit=ITEM_TITLE_LIMIT, found=len(title)),
        )
    elif raw.get("key_signal") is True and len(title) > KEY_SIGNAL_TITLE_LIMIT:
        problems.add(
            "title",
            _(
                "{label}, key 'title': {found} has {n} characters; a key signal's title has at most {limit}, "
                'as it goes into the commit subject (for example "Team mood").'
            ).format(label=label, found=_describe(title), n=len(title), limit=KEY_SIGNAL_TITLE_LIMIT),
        )
    return title  # (after a problem the checklist is refused: the title is never used)


_BANDS_EXAMPLE = "{ red = [1, 2], amber = [3], green = [4, 5] }"


def _parse_scale_bands(raw: Any, label: str, problems: _Problems) -> tuple[str, ...] | None:
    """A scale item's ``bands`` table as the band of each value 1 to 5, or None (problems added).

    Every value needs exactly one band, and the bands run from red at the low end towards
    green at the high end (1 = ``low``, 5 = ``high``), so "higher is better" holds for trends.
    """
    if not isinstance(raw, dict) or not raw:
        problems.add(
            "bands",
            _("{label}, key 'bands': must be a table of band = [values], such as {example}.").format(
                label=label, example=_BANDS_EXAMPLE
            ),
        )
        return None
    found: dict[int, str] = {}
    before = len(problems)
    for name, values in raw.items():
        if name not in BAND_NAMES:
            problems.add(
                "bands",
                _("{label}, key 'bands': {found} is not a band. Allowed: {allowed}.").format(
                    label=label, found=_describe(name), allowed=", ".join(BAND_NAMES)
                ),
            )
            continue
        values = values if isinstance(values, list) else [values]
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                problems.add(
                    "bands",
                    _(
                        "{label}, key 'bands': {band} lists {found}, which is not a value of the scale "
                        "(a whole number from 1 to 5)."
                    ).format(label=label, band=name, found=_describe(value)),
                )
            elif value in found:
                problems.add(
                    "bands",
                    _("{label}, key 'bands': {value} is in both {first} and {second}; give each value one band.").format(
                        label=label, value=value, first=found[value], second=name
                    ),
                )
            else:
                found[value] = name
    if len(problems) > before:
        return None
    missing = [str(v) for v in range(1, 6) if v not in found]
    if missing:
        problems.add(
            "bands",
            _("{label}, key 'bands': no band for {values}; every value from 1 to 5 needs exactly one, such as {example}.").format(
                label=label, values=", ".join(missing), example=_BANDS_EXAMPLE
            ),
        )
        return None
    bands = tuple(found[v] for v in range(1, 6))
    rank = {name: n for n, name in enumerate(BAND_NAMES)}
    for value in range(2, 6):
        if rank[bands[value - 1]] < rank[bands[value - 2]]:
            problems.add(
                "bands",
                _(
                    "{label}, key 'bands': {value} is {band} but {lower} is {lower_band}; the bands run from "
                    "red at 1 (low) towards green at 5 (high). Phrase the question and its labels so that 5 "
                    "is the good end."
                ).format(label=label, value=value, band=bands[value - 1], lower=value - 1, lower_band=bands[value - 2]),
            )
            return None
    return bands


def _parse_options(raw: Any, label: str, problems: _Problems) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.add(
            "options",
            _(
                '{label}, key \'options\': a choice item needs at least two options like {{ id = "weekly", label = "Weekly" }}.'
            ).format(label=label),
        )
        return ()
    options: list[Option] = []
    ids: set[str] = set()
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not {"id", "label"} <= set(entry) <= {"id", "label", "band"}:
            problems.add(
                "options",
                _("{label}, key 'options': option {n} must be a table with 'id' and 'label', and optionally 'band'.").format(
                    label=label, n=n
                ),
            )
            continue
        if not is_safe_id(entry["id"]):
            problems.add(
                "options",
                _("{label}, key 'options': option {n} id {found} is not a safe id (lowercase letters, digits, dashes).").format(
                    label=label, n=n, found=_describe(entry["id"])
                ),
            )
            continue
        if not isinstance(entry["label"], str) or not entry["label"].strip():
            problems.add("options", _("{label}, key 'options': option {n} needs a non-empty label.").format(label=label, n=n))
            continue
        if entry["id"] in ids:
            problems.add(
                "options", _("{label}, key 'options': option id {id} appears twice.").format(label=label, id=repr(entry["id"]))
            )
            continue
        band = entry.get("band")
        if band is not None and band not in BAND_NAMES:
            problems.add(
                "options",
                _("{label}, key 'options': option {id} has band {found}. Allowed: {allowed}.").format(
                    label=label, id=repr(entry["id"]), found=_describe(band), allowed=", ".join(BAND_NAMES)
                ),
            )
            continue
        ids.add(entry["id"])
        options.append(Option(entry["id"], clean_text(entry["label"]).strip(), band))
    return tuple(options)


def _parse_values(
    raw: Mapping[str, Any], key: str, allowed: tuple[Any, ...] | None, kind: Kind, label: str, problems: _Problems
) -> list[AnswerValue]:
    if key not in raw:
        return []
    values = raw[key]
    if allowed is None:
        problems.add(
            key,
            _("{label}, key '{key}': {kind} items cannot demand a note or action by answer; remove '{key}'.").format(
                label=label, key=key, kind=kind.value
            ),
        )
        return []
    if not isinstance(values, list):
        values = [values]
    good: list[AnswerValue] = []
    known = frozenset(allowed)
    for value in values:
        if not _is_one_of(value, known):
            problems.add(
                key,
                _("{label}, key '{key}': {found} is not an answer of this {kind} item. Allowed: {allowed}.").format(
                    label=label, key=key, found=_describe(value), kind=kind.value, allowed=_listing(allowed)
                ),
            )
        else:
            good.append(value)
    return good


def _parse_condition(
    raw: Any, label: str, seen: Mapping[str, Item], problems: _Problems, ids: set[str], own_id: str
) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"item", "equals"}:
        problems.add(
            "when",
            _(
                "{label}, key 'when': must be a table with exactly 'item' and 'equals', "
                'e.g. {{ item = "own-design", equals = "yes" }}.'
            ).format(label=label),
        )
        return None
    target_id = raw["item"]
    if not isinstance(target_id, str):
        problems.add(
            "when",
            _("{label}, key 'when': 'item' must be the id of an earlier item, in quotes (found {found}).").format(
                label=label, found=_describe(target_id)
            ),
        )
        return None
    target = seen.get(target_id)
    if target is None and target_id in ids and target_id != own_id:
        return None  # an earlier item with problems of its own, already reported
    if target is None:
        problems.add(
            "when",
            _(
                "{label}, key 'when': item {found} is not an earlier item of this checklist. "
                "A condition may only point at an item above it (this also rules out circular conditions)."
            ).format(label=label, found=_describe(target_id)),
        )
        return None
    allowed = target.allowed_values()
    if allowed is None:
        problems.add(
            "when",
            _(
                "{label}, key 'when': item {item} is a {kind} item; conditions can only test traffic-light, scale or "
                "choice items."
            ).format(label=label, item=repr(target_id), kind=target.kind.value),
        )
        return None
    equals = raw["equals"] if isinstance(raw["equals"], list) else [raw["equals"]]
    known = frozenset(allowed)
    bad = [v for v in equals if not _is_one_of(v, known)]
    if bad or not equals:
        problems.add(
            "when",
            _("{label}, key 'when': {found} is not an answer of item {item}. Allowed: {allowed}.").format(
                label=label,
                found=_listing([_describe(v) for v in bad]) or _("an empty list"),
                item=repr(target_id),
                allowed=_listing(allowed),
            ),
        )
        return None
    return Condition(target_id, tuple(equals))


def _is_one_of(value: Any, known: frozenset[Any]) -> bool:
    """Whether ``value`` is one of the answers ``known`` (never true for true and false, which
    compare equal to 1 and 0; a list or table a file put there is simply not one)."""
    return type(value) in (str, int) and value in known


def _listing(values: Any, limit: int = 20) -> str:
    """``values`` joined for a message, the first ``limit`` of them (a choice may have thousands)."""
    values = list(values)
    shown = ", ".join(map(str, values[:limit]))
    return shown + (", …" if len(values) > limit else "")


class _Problems(list[str]):
    """The problems found in a checklist, each with the line it is on where that can be found.

    ``item`` is the position of the item being checked (None at the top level); :meth:`add`
    takes the key a problem is about, and puts the line of that key (in that item) first."""

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text
        self.lines: _KeyLines | None = None  # made at the first problem: a valid file never needs it
        self.item: int | None = None

    def add(self, key: Any, problem: str) -> None:
        if self.lines is None and self.text is not None:
            self.lines = _KeyLines(self.text)
        line = self.lines.find(self.item, key) if self.lines is not None else None
        self.append(problem if line is None else _("line {line}: {problem}").format(line=line, problem=problem))


class _OnKey:
    """Adds every problem to ``problems`` at the line of one key of the item (``client``)."""

    def __init__(self, problems: _Problems, key: str) -> None:
        self.problems, self.key = problems, key

    def add(self, _key: Any, problem: str) -> None:
        self.problems.add(self.key, problem)


class _KeyLines:
    """Where each key of a checklist file is: top-level keys and the keys of each ``[[items]]``
    table (by position). A heuristic like :func:`kundencheck.core.config.key_line`: it reads the
    lines, not the TOML, and gives no line rather than a wrong one when unsure (items written
    as inline tables, for instance)."""

    _HEADER = re.compile(r"^\s*\[(\[?)\s*([^\[\]]+?)\s*\]")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*[=.]")

    def __init__(self, text: str) -> None:
        self.top: dict[str, int] = {}
        self.items: list[dict[str, int]] = []
        keys_of: dict[str, int] | None = self.top  # where the keys below go (None: a table not followed)
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).strip()
                keys_of = None
                if header.group(1) and name == "items":
                    keys_of = {"": number}
                    self.items.append(keys_of)
                elif name.startswith("items.") and self.items and not header.group(1):
                    self.items[-1].setdefault(name[len("items.") :].split(".")[0].strip(), number)
                else:
                    self.top.setdefault(name.split(".")[0].strip(), number)
                continue
            key = self._KEY.match(line)
            if key and keys_of is not None:
                keys_of.setdefault(key.group(1).strip("\"'"), number)

    def find(self, item: int | None, key: str) -> int | None:
        if item is None:
            return self.top.get(key)
        if not self.items:  # items = [ { ... } ]: the line of the array at least
            return self.top.get("items")
        if item > len(self.items):
            return None
        table = self.items[item - 1]
        return table.get(key, table[""])
