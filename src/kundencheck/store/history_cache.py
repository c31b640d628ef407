"""Reading the runs of a repository fast: HEAD's tree, one ``cat-file --batch``, and a cache.

The answers files are found in the tree of HEAD (or the team's answers branch) with one
``git ls-tree`` (:meth:`GitStore.list_blobs`), no walk through history. Parsed runs are cached by
blob id in ``<git dir>/kundencheck/cache/``; a blob id names exactly one content, so a cached run
never goes stale, and a warm start reads (one ``git cat-file --batch``, :meth:`GitStore.read_blobs`)
and parses only the files that are new since the last one. The cache is JSON (never pickle: nothing in the git
directory should be able to run code), written atomically; a cache that cannot be read, is
corrupt, is from another cache version or holds a run that an answers file could not hold (the
checks of the answers loader: safe ids, the run id's shape, types, date-times with a time in
UTC, answer value kinds; text that is not Unicode) is ignored and rebuilt, never believed, and
one that cannot be written (a read-only repository) is simply not written.

Commit metadata is not needed for the runs themselves (the answers files carry author and times);
where a view wants commit ids, :func:`run_commits` reads them in one ``git log`` pass.

:class:`RunEncoder` and :class:`RunDecoder` (a run to the cache's JSON and back) are public for
the tests, which check that every run an answers file can hold comes back the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kundencheck.core import history
from kundencheck.core.answers import (
    ANSWERS_DIR,
    REVIEW_DECISIONS,
    Action,
    ActionReview,
    Answer,
    ItemVotes,
    Run,
    Vote,
    is_answer_value,
    is_correction,
    is_moment,
    is_run_id,
)
from kundencheck.core.checklist import all_safe_ids, read_file_bytes
from kundencheck.core.errors import AnswersError
from kundencheck.store.atomic import atomic_write
from kundencheck.store.reading import Unfetched

if TYPE_CHECKING:
    from kundencheck.core.checklist import AnswerValue
    from kundencheck.store.git_store import GitStore
    from kundencheck.store.reading import LoggedCommit

CACHE_VERSION = 5
CACHE_NAME = f"runs-v{CACHE_VERSION}.json"


class LeftOut(NamedTuple):
    """An answers file a partial clone lacks and could not fetch, so it is left out of the
    history; the CLI and the TUI say it in words (kundencheck/fetch_texts.py)."""

    path: str
    #: The promisor remote asked, and why it did not give it.
    unfetched: Unfetched


def cache_path(store: GitStore) -> Path:
    return store.data_dir / "cache" / CACHE_NAME


def load_runs(
    store: GitStore,
    rev: str = "HEAD",
    *,
    use_cache: bool = True,
    on_fetch: Callable[[int, str], None] | None = None,
    listed: dict[str, str] | None = None,
) -> tuple[list[Run], list[AnswersError | LeftOut]]:
    """Every run in ``rev``'s tree (oldest first) and the answers files that could not be read.

    One ``git ls-tree`` lists the blobs (or ``listed`` gives them: path -> blob id of every
    answers file of ``rev``, as a portfolio's copy of a project keeps them); only blobs missing
    from the cache are read (one ``git cat-file --batch``) and parsed (with
    :func:`history.parse_runs`). In a partial clone the blobs it lacks are fetched first, in one
    batch (``on_fetch(count, remote)`` is told before); those that cannot be fetched are
    reported as files left out (:class:`LeftOut`).
    """
    if listed is None:
        listed = store.list_blobs(ANSWERS_DIR, rev=rev)
    path = cache_path(store)
    cached = read_cache(path) if use_cache else {}
    missing = {blob for blob in listed.values() if blob not in cached}
    unfetched = store.fetch_missing(missing, rev=rev, prefix=ANSWERS_DIR, on_fetch=on_fetch) if missing else None
    unreachable = unfetched.oids if unfetched is not None else frozenset()
    contents = store.read_blobs(missing - unreachable) if missing else {}
    runs: list[Run] = []
    errors: list[AnswersError | LeftOut] = []
    fresh = False
    for file_path, blob in sorted(listed.items()):
        run = cached.get(blob)
        if run is None and unfetched is not None and blob in unfetched.oids:
            errors.append(LeftOut(file_path, unfetched))
            continue
        if run is None:
            # One file at a time, so each parsed run is known to come from this blob.
            parsed, failed = history.parse_runs({file_path: (blob, contents.get(blob, b""))})
            errors.extend(failed)
            if not parsed:
                continue  # broken files are not cached: they are rare and their message names the path
            run = cached[blob] = parsed[0]
            fresh = True
        runs.append(run)
    if use_cache:
        wanted = set(listed.values())
        kept = {blob: run for blob, run in cached.items() if blob in wanted}
        if fresh or len(kept) != len(cached) or not path.exists():
            write_cache(path, kept)
    runs.sort(key=history.run_time)
    return runs, errors


# --------------------------------------------------------------------------------- the cache file
#
# Format (version 5): {"version": 5, "strings": [...], "runs": {blob id: run}}. Every text in a
# run is an index into "strings", so json.loads makes mostly small ints, each distinct text
# exists once in memory, and reading 10,000 runs is a tight loop rather than 100,000 dicts:
#   run    = [id, checklist, checklist_version, phase, language, sprint, author,
#             started (ISO text), finished (ISO text or null), [participant...], [answer...], [review...],
#             corrects, correction_note]
#   answer = [item, value, note, action or null]; value: null | string index | [int] | {"d": ISO date}
#   action = [what, owner, due (ISO date text or null)], with a fourth element 1 when it is separate
#   review = [run, item, decision, note]
# A sprint meeting's run (docs/meeting.md) has one more element, [meeting (1 or 0), [votes...]]:
#   votes  = [item, [[person, value]...]] (named) or [item, [[value, count]...], 1] (anonymous)


def read_cache(path: Path) -> dict[str, Run]:
    """blob id -> run from the cache file; empty when it is missing, unreadable or corrupt."""
    try:
        # Only a regular file: a named pipe put there would block every start. Its problems
        # come as ValueError, so they fall into "unreadable" below.
        data = json.loads(read_file_bytes(path, ValueError, limit=None))
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        strings, entries = data["strings"], data["runs"]
        if not isinstance(entries, dict) or not isinstance(strings, list) or not all(type(s) is str for s in strings):
            return {}
        "".join(strings).encode("utf-8")  # a lone surrogate (no answers file holds one) raises here
        decode = RunDecoder(strings)
        return {str(blob): decode.run(entry) for blob, entry in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return {}


def write_cache(path: Path, runs: dict[str, Run]) -> None:
    encode = RunEncoder()
    encoded = {blob: encode.run(run) for blob, run in sorted(runs.items())}
    data = {"version": CACHE_VERSION, "strings": encode.strings, "runs": encoded}  # strings after runs: all texts known
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass  # a read-only repository: the next start parses again, nothing is lost


class RunEncoder:
    def __init__(self) -> None:
        # A missing text gets the next index on first lookup: `index[text]` is one C call, and a
        # cache write looks up hundreds of thousands of texts.
        self._index: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        self._index[""]  # index 0: the empty text

    @property
    def strings(self) -> list[str]:
        return list(self._index)  # a dict keeps insertion order: the texts by index

    def run(self, run: Run) -> list[Any]:
        text = self._index
        value = self.value
        encoded = [
            text[run.id],
            text[run.checklist],
            text[run.checklist_version],
            text[run.phase],
            text[run.language],
            text[run.sprint],
            text[run.author],
            run.started.isoformat(),
            run.finished.isoformat() if run.finished else None,
            [text[p] for p in run.participants],
            [
                [text[a.item], value(a.value), text[a.note], self.action(a.action) if a.action is not None else None]
                for a in run.answers
            ],
            [[text[r.run], text[r.item], text[r.decision], text[r.note]] for r in run.reviews],
            text[run.corrects],
            text[run.correction_note],
        ]
        if run.meeting or run.votes:
            encoded.append(
                [
                    1 if run.meeting else 0,
                    [
                        [text[v.item], [[value(c), n] for c, n in v.anonymous], 1]
                        if v.anonymous
                        else [text[v.item], [[text[vote.person], value(vote.value)] for vote in v.named]]
                        for v in run.votes
                    ],
                ]
            )
        return encoded

    def value(self, value: AnswerValue | None) -> int | list[int] | dict[str, str] | None:
        # Tagged by JSON type, so the text "2026-12-01" and the date 2026-12-01 stay apart.
        if type(value) is str:
            return self._index[value]
        if value is None:
            return None
        if isinstance(value, dt.date):
            return {"d": value.isoformat()}
        if isinstance(value, int):
            return [value]
        return self._index[str(value)]

    def action(self, action: Action) -> list[Any]:
        encoded = [self._index[action.what], self._index[action.owner], action.due.isoformat() if action.due else None]
        if action.separate:
            encoded.append(1)
        return encoded


class RunDecoder:
    """Turns cached runs back into objects; any wrong shape raises (and the cache is rebuilt),
    and so does a run an answers file could not hold: the answers loader's checks
    (:func:`kundencheck.core.answers_file.run_is_sound` states them for a whole run) are made here
    field by field as the run is decoded, each text's once, so a warm start stays fast."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self._dates: dict[str, dt.date] = {}
        self._ids: set[str] = set()  # texts known to be safe ids
        self._texts: set[int] = set()  # indexes of texts known to be non-blank

    def run(self, entry: list[Any]) -> Run:
        s = self.strings
        (
            run_id,
            checklist,
            version,
            phase,
            language,
            sprint,
            author,
            started,
            finished,
            participants,
            answers,
            reviews,
            corrects,
            correction_note,
            *meeting,
        ) = entry
        started = dt.datetime.fromisoformat(started)
        finished = dt.datetime.fromisoformat(finished) if finished is not None else None
        run = Run(
            id=s[run_id],
            checklist=s[checklist],
            checklist_version=s[version],
            phase=s[phase],
            language=s[language],
            sprint=s[sprint],
            author=s[author],
            started=started,
            finished=finished,
            participants=[s[p] for p in participants],
            answers=[
                Answer(
                    s[item],
                    self.value(value) if type(value) is not int else s[value],
                    s[note],
                    self.action(action) if action is not None else None,
                )
                for item, value, note, action in answers
            ],
            reviews=[ActionReview(s[r], s[i], s[d], s[n]) for r, i, d, n in reviews],
            corrects=s[corrects],
            correction_note=s[correction_note],
        )
        items = {answer.item for answer in run.answers}
        ids, texts = self._ids, self._texts
        if not (items <= ids and run.checklist in ids and run.phase in ids):
            if not all_safe_ids(items | {run.checklist, run.phase}):
                raise ValueError("a cached run with an unsafe id")
            ids.update(items, (run.checklist, run.phase))
        if not (language in texts and sprint in texts and author in texts) and not self.texts((language, sprint, author)):
            raise ValueError("a cached run without its language, sprint or author")
        if not is_run_id(run.id) or len(items) != len(run.answers):
            raise ValueError("a cached run that no answers file could hold")
        # is_moment and is_correction, asked only where their answer is not plain at once: a
        # date-time with an offset, a day away from either end of the calendar, has a time in
        # UTC; an ordinary run corrects nothing.
        if ((started.tzinfo is None or not 1 < started.year < 9999) and not is_moment(started)) or (
            finished is not None and (finished.tzinfo is None or not 1 < finished.year < 9999) and not is_moment(finished)
        ):
            raise ValueError("a cached date-time without a time in UTC")
        if (corrects or correction_note) and not is_correction(run.corrects, run.correction_note):
            raise ValueError("a cached correction that no answers file could hold")
        if meeting:
            self.meeting(run, *meeting)
        if run.reviews:
            keys = {review.action_key for review in run.reviews}
            if (
                len(keys) != len(run.reviews)
                or not all(is_run_id(review.run) for review in run.reviews)
                or not all_safe_ids({review.item for review in run.reviews})
                or not {review.decision for review in run.reviews} <= _DECISIONS
            ):
                raise ValueError("a cached review that no answers file could hold")
        return run

    def meeting(self, run: Run, entry: list[Any]) -> None:
        """A sprint meeting's flag and votes into ``run``; such runs are rare, so they are checked
        whole, by the answers file's reader (:func:`run_is_sound`)."""
        from kundencheck.core.answers_file import run_is_sound

        flag, votes = entry
        s = self.strings

        def value(encoded: Any) -> AnswerValue:
            decoded = self.value(encoded) if type(encoded) is not int else s[encoded]
            if decoded is None:
                raise TypeError("a vote without a value")
            return decoded

        run.meeting = flag == 1
        run.votes = [
            ItemVotes(s[v[0]], anonymous=tuple((value(c), n) for c, n in v[1]))
            if len(v) == 3
            else ItemVotes(s[v[0]], named=tuple(Vote(s[p], value(x)) for p, x in v[1]))
            for v in votes
        ]
        if not run_is_sound(run):
            raise ValueError("a cached meeting that no answers file could hold")

    def texts(self, indexes: tuple[int, ...]) -> bool:
        """Whether the texts at ``indexes`` are all non-blank (as language, sprint and author must be)."""
        known = self._texts
        for index in indexes:
            if index not in known:
                if not self.strings[index].strip():
                    return False
                if type(index) is int and index >= 0:
                    known.add(index)
        return True

    def value(self, value: Any) -> AnswerValue | None:
        """An answer's value from its JSON form (any other shape raises)."""
        if value is None:
            return None
        if type(value) is list:
            (number,) = value
            if type(number) is not int or not is_answer_value(number):
                raise TypeError("not a number an answer can have")
            return number
        return self.date(value["d"])

    def action(self, action: list[Any]) -> Action:
        what, owner, due, *separate = action
        return Action(
            self.strings[what], self.strings[owner], self.date(due) if due is not None else None, separate=separate == [1]
        )

    def date(self, text: str) -> dt.date:
        date = self._dates.get(text)
        if date is None:
            date = self._dates[text] = dt.date.fromisoformat(text)
        return date


_DECISIONS = frozenset(REVIEW_DECISIONS)


# --------------------------------------------------------------------------------- commits


def run_commits(store: GitStore, rev: str = "HEAD") -> dict[str, LoggedCommit]:
    """Run id -> the commit that added it (sha, author, date, subject), from one ``git log``.

    Where a run appears in several commits (a cherry-pick, a rebase), the oldest one counts.
    """
    commits: dict[str, LoggedCommit] = {}
    for entry in store.log_runs(ANSWERS_DIR, rev=rev):  # newest first
        for run_id in entry["runs"]:
            commits[run_id] = entry
    return commits


def client_commits(store: GitStore, rev: str = "HEAD") -> dict[str, LoggedCommit]:
    """Invitation id -> the commit that added the client's answers to it (as :func:`run_commits`)."""
    from kundencheck.core.mirror import CLIENT_DIR, INVITATION_TRAILER

    commits: dict[str, LoggedCommit] = {}
    for entry in store.log_runs(CLIENT_DIR, rev=rev, trailer=INVITATION_TRAILER):  # newest first
        for invitation in entry["runs"]:
            commits[invitation] = entry
    return commits
