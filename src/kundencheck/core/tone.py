"""Tone towards the client: notes checked against short word lists, offline.

The team in kundencheck's story called its client "stubborn" and "pixel-perfect" long before
its mood turned red. Words like these in a note are an early signal worth a second look, never
an error: a match is a hint while the note is typed and a "tone" signal in ``status`` and the
reports (docs/history.md, "Tone"); it never blocks a commit and the gate does not judge it.

Pure: :func:`tone_matches` is the one function that finds the words; :func:`tone_words` the
list a project uses (the shipped lists of every language, plus the project's own words, less the
ones it ignores: the ``[tone]`` table of ``.kundencheck/config.toml``).

A list entry is a word or a phrase, matched case-insensitively on word boundaries; a space or
hyphen in it also matches a hyphen, a space or nothing ("pixel-perfect" finds "pixel perfect"
and "pixelperfect"); a ``*`` at its end matches any ending ("stubborn*" finds "stubbornly").
Umlauts and ß match their spelled-out forms both ways ("hoffnungslos", "unmöglich" finds
"unmoeglich"; "Sturköpfe" finds "sturkoepfe"; "ß" and "ss" are one).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from kundencheck.core.config import ToneConfig

if TYPE_CHECKING:
    from kundencheck.core.answers import Run

#: Contemptuous or fatalistic words about a client, in English. Inflected forms are listed or
#: caught by a trailing ``*``; entries are kept specific, so a neutral note rarely matches.
WORDS_EN: tuple[str, ...] = (
    "stubborn*",
    "pixel-perfect",
    "pixel pusher*",
    "pixel-peeping",
    "nitpick*",
    "nit-picking",
    "hopeless*",
    "lost cause",
    "waste of time",
    "pointless",
    "no point in",
    "they never listen",
    "they don't listen",
    "they do not listen",
    "never listens",
    "doesn't listen",
    "won't listen",
    "they don't get it",
    "clueless",
    "idiot*",
    "stupid*",
    "incompetent",
    "unreasonable",
    "impossible client*",
    "client from hell",
    "nightmare client*",
    "difficult client*",
    "control freak*",
    "micromanag*",
    "whining",
    "whiny",
    "always complain*",
    "annoying",
    "ridiculous",
    "their own fault",
    "not our problem",
    "typical client*",
    "can't make up their mind*",
    "give up on them",
)

#: The same in German: "stur" in its forms (not "stur*": that would find "Sturm"), "pixelgenau",
#: "hoffnungslos" and what teams say when they have given up on a client.
WORDS_DE: tuple[str, ...] = (
    "stur",
    "sture",
    "sturen",
    "sturer",
    "stures",
    "sturem",
    "sturheit",
    "sturköpf*",
    "pixelgenau*",
    "pixelperfekt*",
    "pixelzähler*",
    "erbsenzähler*",
    "korinthenkack*",
    "pingelig*",
    "kleinlich*",
    "hoffnungslos*",
    "aussichtslos*",
    "zwecklos*",
    "sinnlos*",
    "bringt eh nichts",
    "bringt doch nichts",
    "hört nie zu",
    "hören nie zu",
    "hört eh nicht zu",
    "hören eh nicht zu",
    "beratungsresistent*",
    "unbelehrbar*",
    "uneinsichtig*",
    "verbohrt*",
    "ahnungslos*",
    "inkompetent*",
    "unfähig*",
    "idiot*",
    "nervig*",
    "nervt",
    "lästig*",
    "nörgel*",
    "querulant*",
    "kontrollfreak*",
    "kunde aus der hölle",
    "albtraumkund*",
    "zeitverschwendung",
    "selbst schuld",
    "nicht unser problem",
    "typisch kunde",
)

#: How much of one text is checked (a note is a few sentences; a pasted log is not read whole).
TEXT_LIMIT = 20_000

#: The shipped lists by language.
SHIPPED: dict[str, tuple[str, ...]] = {"en": WORDS_EN, "de": WORDS_DE}


class ToneMatch(NamedTuple):
    """One list entry found in a text: the entry, and the text as it was written."""

    phrase: str
    found: str
    start: int
    end: int


def tone_words(config: ToneConfig | None = None) -> tuple[str, ...]:
    """The entries a project checks notes against: every shipped list (notes are written in
    either language whatever the project's), the project's ``words``, less its ``ignore``
    (compared as :func:`tone_matches` compares); nothing when ``enabled`` is false."""
    config = config or ToneConfig()
    if not config.enabled:
        return ()
    ignored = {_key(entry) for entry in config.ignore}
    entries: dict[str, str] = {}
    for entry in (*WORDS_EN, *WORDS_DE, *config.words):
        key = _key(entry)
        if key and key not in ignored:
            entries.setdefault(key, entry.strip())
    return tuple(entries.values())


def tone_matches(text: str, words: Sequence[str]) -> list[ToneMatch]:
    """Every entry of ``words`` found in ``text``, in the order they occur (one match per
    place; where entries overlap, the longer one). Case and umlaut spellings do not matter;
    entries match whole words only (see the module doc)."""
    if not text:
        return []  # most notes are empty
    pattern = _pattern(tuple(words))  # None: no words, or none but stars and spaces
    if pattern is None or pattern.search(_fold(text)) is None:
        return []  # the common case, found at C speed: no per-character work
    normal, spans = _folded_with_spans(text)
    found: list[ToneMatch] = []
    for match in pattern.finditer(normal):
        index = int(match.lastgroup[1:])  # type: ignore[index]
        start, end = spans[match.start()][0], spans[match.end() - 1][1]
        found.append(ToneMatch(phrase=words[index].strip(), found=text[start:end], start=start, end=end))
    return found


def first_phrases(matches: Iterable[ToneMatch]) -> list[str]:
    """The distinct entries of ``matches`` as written in the text, in order (for a hint)."""
    seen: dict[str, str] = {}
    for match in matches:
        seen.setdefault(_key(match.phrase), match.found)
    return list(seen.values())


# --------------------------------------------------------------------------------- normalising

#: Spelled-out umlauts, read as the plain letter (as "ä", "ö", "ü" are), in texts and entries.
_DIGRAPHS = re.compile("ae|oe|ue")
#: Inside an entry, a space or hyphen matches a space, any dash, or nothing.
_JOINER = r"[\s\-\u2010-\u2015]*"


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str) -> str:
    """``text`` as entries and texts are compared: case-folded (ß is ss), accents and umlauts
    taken off their letters, and ``ae``, ``oe``, ``ue`` read as ``a``, ``o``, ``u``."""
    return _DIGRAPHS.sub(lambda m: m.group()[0], _strip_marks(text.casefold()))


def _folded_with_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """:func:`_fold` of ``text``, character by character, with the span of ``text`` each
    character of the result comes from (to show a match as it was written)."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        for piece in _strip_marks(char.casefold()):
            chars.append(piece)
            spans.append((i, i + 1))
    plain = "".join(chars)
    out: list[str] = []
    joined: list[tuple[int, int]] = []
    position = 0
    for match in _DIGRAPHS.finditer(plain):
        out.append(plain[position : match.start()])
        joined += spans[position : match.start()]
        out.append(match.group()[0])
        joined.append((spans[match.start()][0], spans[match.end() - 1][1]))
        position = match.end()
    out.append(plain[position:])
    joined += spans[position:]
    return "".join(out), joined


def _key(entry: str) -> str:
    """An entry as it is compared: normalised, spaces and hyphens folded."""
    normal = _fold(entry.strip())
    return re.sub(r"[\s\-\u2010-\u2015]+", " ", normal).strip()


@functools.lru_cache(maxsize=8)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression with a named group per entry, longer entries first."""
    parts = []
    for index, entry in sorted(enumerate(words), key=lambda pair: -len(_key(pair[1]))):
        key = _key(entry)
        wildcard = key.endswith("*")
        key = key.rstrip("*").strip()
        if not key:
            continue
        body = _JOINER.join(re.escape(word) for word in re.split(r" ", key))
        tail = r"\w*" if wildcard else ""
        parts.append(f"(?P<w{index}>{body}{tail})")
    # The word boundary is tested once per position, before any entry is tried.
    return re.compile(r"\b(?<!\w)(?:" + "|".join(parts) + r")(?!\w)") if parts else None


# --------------------------------------------------------------------------------- in runs


class ToneFinding(NamedTuple):
    """Words of the list found in one text of a run: a note, a free-text answer, an action or
    a review's note."""

    run: str
    author: str
    #: The item the text belongs to (a review: the item of the action it decided on).
    item: str
    #: "note", "answer" (a free-text answer), "action" (what an action says) or "review".
    where: str
    #: The entries found, as written in the text, each once.
    words: tuple[str, ...]


def run_tone(run: Run, words: Sequence[str]) -> list[ToneFinding]:
    """Every text of ``run`` (a core.answers.Run) in which ``words`` are found, in the order
    of the answers file; of a longer text its first TEXT_LIMIT characters."""
    if not words:
        return []
    found: list[ToneFinding] = []

    def check(item: str, where: str, text: object) -> None:
        if isinstance(text, str) and text.strip():
            matches = first_phrases(tone_matches(text[:TEXT_LIMIT], words))
            if matches:
                found.append(ToneFinding(run.id, run.author, item, where, tuple(matches)))

    for answer in run.answers:
        check(answer.item, "note", answer.note)
        check(answer.item, "answer", answer.value)
        if answer.action is not None:
            check(answer.item, "action", answer.action.what)
    for review in run.reviews:
        check(review.item, "review", review.note)
    return found
