"""One person's run of a checklist, from the first answer to the commit.

The TUI and the non-interactive commands both drive a :class:`RunSession`; it keeps the run,
saves a draft after every change (so a crash loses at most the keystroke in flight) and
commits through the store. It holds no UI code, so it is tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer, Run
from kundencheck.core.catalog import Catalog, load_catalog
from kundencheck.core.checklist import AnswerValue, Checklist, Item
from kundencheck.core.config import Config, load_config
from kundencheck.core.errors import AnswersError, KundencheckError, StoreError
from kundencheck.core.history import parse_runs
from kundencheck.core.i18n import set_language
from kundencheck.core.message import build_message
from kundencheck.core.participants import participant_email, with_participants
from kundencheck.core.scoring import Tally, tally
from kundencheck.core.user_config import effective_language, load_user_config
from kundencheck.store.drafts import DraftStore
from kundencheck.store.git_store import CommitResult, GitStore


@dataclass
class Project:
    """A repository kundencheck works in, with its config and checklists."""

    store: GitStore
    config: Config
    catalog: Catalog
    language: str
    warnings: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def drafts(self) -> DraftStore:
        return DraftStore(self.store.data_dir / "drafts")

    def close(self) -> None:
        self.store.close()

    def current_phase(self) -> str:
        return self.config.phase or "build"

    def checklist_for(self, phase: str) -> Checklist:
        checklist_id = self.config.checklists.get(phase, phase)
        return self.catalog.find(checklist_id, self.language)

    def history(self) -> tuple[list[Run], list[AnswersError]]:
        return parse_runs(self.store.read_files(answers_mod.ANSWERS_DIR, rev=self.config.branch or "HEAD"))


def open_project(path: str | Path = ".", *, allow_detached: bool = False) -> Project:
    store = GitStore.open(path, allow_detached=allow_detached)
    try:
        config = load_config(store.root)
        # The project's config, else the person's own (user config folder), else LANG, else en.
        language, _source = effective_language(config.language, None if config.language else load_user_config())
        set_language(language)
        catalog = load_catalog(store.root)
    except KundencheckError:
        store.close()
        raise
    return Project(store=store, config=config, catalog=catalog, language=language)


class RunSession:
    def __init__(self, project: Project | None, checklist: Checklist, run: Run, previous: Run | None = None) -> None:
        self.project = project
        self.checklist = checklist
        self.run = run
        self.previous = previous
        self.committed: CommitResult | None = None
        self.draft_error: str | None = None
        self._lock = None

    # ----------------------------------------------------------------------------- creating

    @classmethod
    def start(cls, project: Project, phase: str, *, sprint: str | None = None, draft: Run | None = None) -> "RunSession":
        checklist = project.checklist_for(phase)
        identity = project.store.identity()  # fails early, before anything is typed
        if draft is not None:
            run = draft
        else:
            run = answers_mod.new_run(checklist, str(identity), identity.email, sprint=sprint)
        session = cls(project, checklist, run)
        session._lock = project.drafts.lock(run.id)
        return session

    # ----------------------------------------------------------------------------- answering

    def visible_items(self) -> list[Item]:
        return self.checklist.visible_items(self.run.values())

    def answer(self, item_id: str) -> Answer:
        found = self.run.answer(item_id)
        if found is None:
            found = Answer(item=item_id)
            self.run.answers.append(found)
            self.run.answers.sort(key=lambda a: self._order(a.item))
        return found

    def _order(self, item_id: str) -> int:
        for n, item in enumerate(self.checklist.items):
            if item.id == item_id:
                return n
        return len(self.checklist.items)

    def set_value(self, item_id: str, value: AnswerValue | None) -> None:
        self.answer(item_id).value = value
        self.save_draft()

    def set_note(self, item_id: str, note: str) -> None:
        self.answer(item_id).note = note
        self.save_draft()

    def set_action(self, item_id: str, *, what: str | None = None, owner: str | None = None, due: dt.date | None | str = "") -> None:
        answer = self.answer(item_id)
        action = answer.action or Action(what="")
        if what is not None:
            action.what = what
        if owner is not None:
            action.owner = owner
        if due != "":
            action.due = due  # type: ignore[assignment]
        answer.action = action
        self.save_draft()

    def load_previous(self) -> Run | None:
        """Find the last committed run of this checklist, for "last time" beside each question.

        Runs are stored under names that start with the time and the phase, so the newest
        candidates are read first and usually the first one is it: a handful of blobs, not
        years of history. Slow enough on a big repository that the TUI calls it in a worker.
        """
        if self.project is None:
            return None
        store = self.project.store
        blobs = store.list_blobs(answers_mod.ANSWERS_DIR, rev=self.project.config.branch or "HEAD")
        marker = f"-{self.checklist.phase[:32]}-"
        candidates = sorted((p for p in blobs if marker in p.rsplit("/", 1)[-1]), key=lambda p: p.rsplit("/", 1)[-1], reverse=True)
        for start in range(0, len(candidates), 16):
            chunk = candidates[start : start + 16]
            contents = store.read_blobs(blobs[p] for p in chunk)
            for path in chunk:
                try:
                    run = answers_mod.loads(contents.get(blobs[path], b""), path)
                except AnswersError:
                    continue  # a hand-edited file that does not load: look further back
                if run.checklist == self.checklist.id and run.id != self.run.id:
                    self.previous = run
                    return run
        return None

    def previous_answer(self, item_id: str) -> Answer | None:
        return self.previous.answer(item_id) if self.previous else None

    def tally(self) -> Tally:
        return tally(self.run, self.checklist)

    def answered_count(self) -> tuple[int, int]:
        t = self.tally()
        return t.answered, t.total

    def has_answers(self) -> bool:
        return any(a.value not in (None, "") or a.note.strip() for a in self.run.answers)

    def problems(self) -> list[str]:
        return answers_mod.problems_with(self._pruned(), self.checklist)

    def _pruned(self) -> Run:
        """The run without answers to items that a later change of answer has hidden."""
        values = self.run.values()
        visible = {item.id for item in self.checklist.visible_items(values)}
        kept = [a for a in self.run.answers if a.item in visible and a.value not in (None, "")]
        copy = Run(**{**self.run.__dict__, "answers": kept})
        return copy

    def message(self) -> str:
        return build_message(self._pruned(), self.checklist)

    # ----------------------------------------------------------------------------- saving

    def save_draft(self) -> None:
        if self.project is None:
            return
        try:
            self.project.drafts.save(self.run, self.checklist)
            self.draft_error = None
        except KundencheckError as exc:
            # The run is still in memory; the UI shows this and the user can still commit.
            self.draft_error = str(exc)

    def commit(self, *, push: bool | None = None) -> CommitResult:
        """Commit the run; then push it when ``push`` says so (None: the config's
        ``storage.push``). A failed push does not fail the commit: see :meth:`push`."""
        if self.project is None:
            raise StoreError("This run is not connected to a repository.")
        problems = self.problems()
        if problems:
            raise AnswersError("The answers cannot be committed yet: " + " ".join(problems))
        run = self._pruned()
        run.finished = answers_mod.now()
        if run.finished < run.started:
            run.finished = run.started
        content = answers_mod.dumps(run, self.checklist).encode("utf-8")
        self.run.finished = run.finished
        self.save_draft()
        cfg = self.project.config
        ref = f"refs/heads/{cfg.branch}" if cfg.branch else None
        try:
            result = self.project.store.commit_file(
                run.path, content, build_message(run, self.checklist), run_commit_msg_hook=cfg.commit_msg_hook, ref=ref
            )
        except StoreError as exc:
            # The store speaks of drafts generically; name this run's draft.
            raise StoreError(str(exc).replace("drafts commit ID", f"drafts commit {self.run.id}")) from None
        self.committed = result
        self.project.drafts.discard(self.run.id)
        self.release()
        if cfg.push if push is None else push:
            result = self.push()
        return result

    def wants_push(self) -> bool:
        """Whether a commit pushes afterwards (``storage.push``, or ``--push``)."""
        return bool(self.project is not None and self.project.config.push)

    def push(self) -> CommitResult:
        """Push the committed run's branch (the team's answers branch when one is set) and
        return the commit's result with what was pushed, or why not and how to push later.

        Never raises once the commit is made: the commit stands, a failed push is a warning.
        Waits at most the store's push timeout and never prompts, so the TUI calls it in its
        commit worker.
        """
        result = self.committed
        if result is None or self.project is None:
            raise StoreError("There is no commit to push yet: commit the answers first.")
        branch = self.project.config.branch
        try:
            pushed = self.project.store.push(ref=f"refs/heads/{branch}" if branch else None)
            result = replace(result, pushed=pushed, push_failed=None)
        except KundencheckError as exc:
            result = replace(result, pushed=None, push_failed=str(exc))
        except Exception as exc:  # a bug; the commit is made all the same
            result = replace(result, pushed=None, push_failed=(
                f"The answers were committed, but pushing failed with an unexpected internal error "
                f"({type(exc).__name__}); this is a bug in kundencheck. Push the commit later with "
                f"`git push`."))
        self.committed = result
        return result

    def set_participants(self, people: Iterable[str]) -> None:
        """Record who answered together with the author (``Name <email>`` each, checked by
        :func:`parse_participant`); they become Co-authored-by trailers."""
        self.run.participants = with_participants(self.run.author, people)
        self.save_draft()

    def participants(self) -> list[str]:
        """Who answered together with the author (the author left out)."""
        author = participant_email(self.run.author)
        return [p for p in self.run.participants if participant_email(p) != author]

    def recent_authors(self) -> list[str]:
        """The repository's recent commit authors, to pick participants from (reads git:
        the TUI calls it in a worker). The author of this run is left out."""
        if self.project is None:
            return []
        author = participant_email(self.run.author)
        people = (str(identity) for identity in self.project.store.recent_authors())
        return [p for p in people if participant_email(p) != author]

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
