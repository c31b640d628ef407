"""Reading the runs of a repository fast: HEAD's tree, one ``cat-file --batch``, and a cache.

The answers files are found in the tree of HEAD (or the team's answers branch) with one
``git ls-tree`` (:meth:`GitStore.list_blobs`), no walk through history. Parsed runs are cached by
blob id in ``<git dir>/kundencheck/cache/``; a blob id names exactly one content, so a cached run
never goes stale, and a warm start reads (one ``git cat-file --batch``, :meth:`GitStore.read_blobs`)
and parses only the files that are new since the last one. The cache is JSON (never pickle: nothing in the git
directory should be able to run code), written atomically; a cache that cannot be read, is
corrupt or is from another cache version is ignored and rebuilt, and one that cannot be written
(a read-only repository) is simply not written.

Commit metadata is not needed for the runs themselves (the answers files carry author and times);
where a view wants commit ids, :func:`run_commits` reads them in one ``git log`` pass.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from kundencheck.core import history
from kundencheck.core.answers import ANSWERS_DIR, Action, ActionReview, Answer, Run, shared_value
from kundencheck.core.checklist import read_file_bytes
from kundencheck.core.errors import AnswersError
from kundencheck.store.atomic import atomic_write

CACHE_VERSION = 1
CACHE_NAME = f"runs-v{CACHE_VERSION}.json"


def cache_path(store) -> Path:
    return store.data_dir / "cache" / CACHE_NAME


def load_runs(store, rev: str = "HEAD", *, use_cache: bool = True) -> tuple[list[Run], list[AnswersError]]:
    """Every run in ``rev``'s tree (oldest first) and the answers files that could not be read.

    One ``git ls-tree`` lists the blobs; only blobs missing from the cache are read (one
    ``git cat-file --batch``) and parsed (with :func:`history.parse_runs`).
    """
    listed = store.list_blobs(ANSWERS_DIR, rev=rev)
    path = cache_path(store)
    cached = read_cache(path) if use_cache else {}
    missing = {blob for blob in listed.values() if blob not in cached}
    contents = store.read_blobs(missing) if missing else {}
    runs: list[Run] = []
    errors: list[AnswersError] = []
    fresh = False
    for file_path, blob in sorted(listed.items()):
        run = cached.get(blob)
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


def read_cache(path: Path) -> dict[str, Run]:
    """blob id -> run from the cache file; empty when it is missing, unreadable or corrupt."""
    try:
        # Only a regular file: a named pipe put there would block every start. Its problems
        # come as ValueError, so they fall into "unreadable" below.
        data = json.loads(read_file_bytes(path, ValueError, limit=None))
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        entries = data["runs"]
        if not isinstance(entries, dict):
            return {}
        return {str(blob): run_from_json(entry) for blob, entry in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return {}


def write_cache(path: Path, runs: dict[str, Run]) -> None:
    data = {"version": CACHE_VERSION, "runs": {blob: run_to_json(run) for blob, run in sorted(runs.items())}}
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass  # a read-only repository: the next start parses again, nothing is lost


def run_to_json(run: Run) -> dict[str, Any]:
    return {
        "id": run.id, "checklist": run.checklist, "checklist_version": run.checklist_version,
        "phase": run.phase, "language": run.language, "sprint": run.sprint, "author": run.author,
        "started": run.started.isoformat(), "finished": run.finished.isoformat() if run.finished else None,
        "participants": list(run.participants),
        "answers": [_answer_to_json(a) for a in run.answers],
        "reviews": [[r.run, r.item, r.decision, r.note] for r in run.reviews],
    }


def run_from_json(data: dict[str, Any]) -> Run:
    started = dt.datetime.fromisoformat(data["started"])
    finished = dt.datetime.fromisoformat(data["finished"]) if data["finished"] else None
    if started.tzinfo is None or (finished is not None and finished.tzinfo is None):
        raise ValueError("naive date-time in the cache")
    texts = {key: data[key] for key in ("id", "checklist", "checklist_version", "phase", "language", "sprint", "author")}
    if not all(isinstance(v, str) for v in texts.values()):
        raise TypeError("not a cached run")
    for key in ("checklist", "checklist_version", "phase", "language", "sprint", "author"):
        texts[key] = sys.intern(texts[key])  # the same few values in every run
    return Run(
        **texts,
        started=started,
        finished=finished,
        participants=[str(p) for p in data["participants"]],
        answers=[_answer_from_json(a) for a in data["answers"]],
        reviews=[ActionReview(str(r), str(i), str(d), str(n)) for r, i, d, n in data["reviews"]],
    )


def _answer_to_json(answer: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {"item": answer.item, "value": _value_to_json(answer.value), "note": answer.note}
    if answer.action is not None:
        due = answer.action.due.isoformat() if answer.action.due else None
        out["action"] = [answer.action.what, answer.action.owner, due]
    return out


def _answer_from_json(data: dict[str, Any]) -> Answer:
    action = None
    if "action" in data:
        what, owner, due = data["action"]
        action = Action(str(what), str(owner), dt.date.fromisoformat(due) if due else None)
    return Answer(item=sys.intern(str(data["item"])), value=shared_value(_value_from_json(data["value"])), note=str(data["note"]), action=action)


def _value_to_json(value: Any) -> Any:
    # Tagged, so the text "2026-12-01" and the date 2026-12-01 stay apart.
    if value is None:
        return None
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, int):
        return ["i", value]
    return ["s", str(value)]


def _value_from_json(data: Any) -> Any:
    if data is None:
        return None
    tag, value = data
    if tag == "d":
        return dt.date.fromisoformat(value)
    if tag == "i":
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("not a number")
        return value
    if tag == "s":
        return str(value)
    raise ValueError(f"unknown value tag {tag!r}")


# --------------------------------------------------------------------------------- commits


def run_commits(store, rev: str = "HEAD") -> dict[str, dict]:
    """Run id -> the commit that added it (sha, author, date, subject), from one ``git log``.

    Where a run appears in several commits (a cherry-pick, a rebase), the oldest one counts.
    """
    commits: dict[str, dict] = {}
    for entry in store.log_runs(ANSWERS_DIR, rev=rev):  # newest first
        for run_id in entry["runs"]:
            commits[run_id] = entry
    return commits
