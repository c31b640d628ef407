"""One person's run of a checklist, from the first answer to the commit.

The TUI and the non-interactive commands both drive a :class:`RunSession`; it keeps the run,
saves a draft after every change (so a crash loses at most the keystroke in flight) and
commits through the store. It holds no UI code, so it is tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from kundencheck import startup
from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import REVIEW_DECISIONS, Action, ActionReview, Answer, Run
from kundencheck.core.catalog import Catalog, load_catalog
from kundencheck.core.checklist import KNOWN_PHASES, AnswerValue, Checklist, Item
from kundencheck.core.config import CONFIG_PATH, Config, check_branch, load_config
from kundencheck.core.errors import AnswersError, KundencheckError, StoreError
from kundencheck.core.i18n import _, ngettext, set_language
from kundencheck.core.scoring import Tally, tally
from kundencheck.core.user_config import (
    PUSH_NOT_SUGGESTED,
    PushDecision,
    decide_push,
    effective_language,
    load_user_config,
)
from kundencheck.store.drafts import DraftLock, DraftStore
from kundencheck.store.git_store import CommitResult, CommitWarning, GitStore, Identity

if TYPE_CHECKING:  # the history model is imported where history is read (a worker, in the TUI)
    from kundencheck.core.corrections import AmendRefusal, Resolved
    from kundencheck.core.history import ActionThread, Gap, HistorySummary, SprintPicture
    from kundencheck.core.meeting import Meeting
    from kundencheck.core.mirror import BlockRefusal, ClientReply, Invitation, MirrorError
    from kundencheck.core.people import Person
    from kundencheck.store.history_cache import LeftOut
    from kundencheck.store.portfolio_cache import Snapshot


class AmendRefused(KundencheckError):
    """``kundencheck amend`` (or ``e`` on the home screen) cannot correct the run asked for.

    ``refusal`` says why (core/corrections.py, :class:`AmendRefusal`); ``recent`` are the phase's
    latest runs as the views show them, to pick from. The message is made from these fields."""

    def __init__(self, refusal: AmendRefusal, recent: list[Run]) -> None:
        self.refusal = refusal
        self.recent = recent
        super().__init__(refusal_message(refusal, recent))


def refusal_message(refusal: AmendRefusal, recent: list[Run]) -> str:
    """Why a run cannot be corrected, and what to do instead, in one paragraph."""
    from kundencheck.core.history import run_time
    from kundencheck.core.people import author_name
    from kundencheck.core.text import one_line

    listed = "; ".join(
        _("{id} ({day}, sprint {sprint}, {who})").format(
            id=run.id,
            day=run_time(run).date().isoformat(),
            sprint=one_line(run.sprint, 20),
            who=one_line(author_name(run.author), 30),
        )
        for run in recent
    )
    pick = (" " + _("The latest runs of the phase: {runs}.").format(runs=listed)) if listed else ""
    reason = refusal.reason
    if reason == "not-found":
        return (
            _(
                "There is no run {ref} in this repository's history (a run id, or the beginning of one). "
                "Give the id of the run to correct: `kundencheck amend RUN`."
            ).format(ref=repr(refusal.ref))
            + pick
        )
    if reason == "ambiguous":
        return _("{ref} is the beginning of {n} run ids: {ids}. Give more of the id.").format(
            ref=repr(refusal.ref), n=len(refusal.runs), ids=", ".join(refusal.runs[:10])
        )
    if reason == "corrected":
        latest = refusal.runs[0] if refusal.runs else "?"
        return _(
            "Run {ref} has been corrected already; its answers now are those of run {latest}. Nothing is "
            "rewritten: correct the latest instead, `kundencheck amend {latest}`."
        ).format(ref=refusal.ref, latest=latest)
    if reason == "other-phase":
        return _(
            "Run {ref} is a run of the {phase} phase, but the file is for the {other} phase. A correction "
            'keeps the phase of the run it corrects: set phase = "{phase}" in the file, or give the '
            "right run."
        ).format(ref=refusal.ref, phase=refusal.phase, other=refusal.other_phase)
    if refusal.sprint:
        return (
            _(
                "You have no run in sprint {sprint} of the {phase} phase to correct. Give the run to correct: "
                "`kundencheck amend RUN`."
            ).format(sprint=one_line(refusal.sprint, 40), phase=refusal.phase)
            + pick
        )
    return _("The {phase} phase has no runs yet: there is nothing to correct. Answer it with `kundencheck run {phase}`.").format(
        phase=refusal.phase
    )


class MirrorRefused(KundencheckError):
    """``kundencheck mirror import`` did not take the text's block: ``refusal`` says why
    (core/mirror.py, :class:`BlockRefusal`), ``source`` names where the text came from. Nothing
    was committed. The CLI says it in words."""

    def __init__(self, refusal: BlockRefusal, source: str) -> None:
        self.refusal = refusal
        self.source = source
        super().__init__(f"{source}: {refusal.reason} {refusal.invitation}".strip())


class MirrorFiles(NamedTuple):
    """The repository's mirror invitations and client replies, by invitation id, and the files
    of either kind that could not be read."""

    invitations: dict[str, Invitation]
    replies: dict[str, ClientReply]
    problems: list[MirrorError]


@dataclass
class Project:
    """A repository kundencheck works in, with its config and checklists."""

    store: GitStore
    config: Config
    catalog: Catalog
    language: str
    #: Whether the repository has a project config (``kundencheck init`` has run): without one,
    #: kundencheck works with the defaults and says how to set the project up.
    set_up: bool = True
    #: The config or the project's checklists were read from git, not the work tree (a sparse
    #: checkout without .kundencheck/).
    from_git: bool = False
    #: Where the answers are read from when not the team's answers branch or HEAD: a portfolio's
    #: copy of the project keeps them under a ref of its own (:func:`open_cached_project`),
    #: with the list of its answers files (path -> blob id) known ahead.
    answers_rev: str | None = None
    answers_listed: dict[str, str] | None = None

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def drafts(self) -> DraftStore:
        return DraftStore(self.store.data_dir / "drafts")

    def close(self) -> None:
        self.store.close()

    def check_ready(self) -> list[CommitWarning]:
        """Raise StoreError if committing a run now would be refused (a merge in progress, a
        detached HEAD, the answers branch checked out in another worktree, ...): what the commit
        onto this project's answers branch (storage.branch, else HEAD) checks first; warnings."""
        return self.store.check_ready(self.config.branch or None)

    def decide_push(self, flag: bool | None) -> PushDecision:
        """Whether a run started now pushes after its commit (:func:`decide_push`): ``flag``
        (``--push``/``--no-push``), else the project's suggestion as this person answered it
        for this repository in their user config."""
        accepted = None
        if flag is None and self.config.push:
            accepted = load_user_config().push.get(str(self.store.repository_folder))
        return decide_push(flag, self.config.push, accepted)

    def uses_kundencheck(self) -> bool:
        """Whether the project is set up for kundencheck: it has .kundencheck/ in the work tree,
        or (in a sparse checkout without it) in HEAD or the team's answers branch."""
        if (self.root / ".kundencheck").is_dir() or self.from_git:
            return True
        if not self.store.is_sparse():
            return False
        return any(
            self.store.list_blobs(".kundencheck", rev=rev) for rev in dict.fromkeys(["HEAD", self.config.branch or "HEAD"])
        )

    def current_phase(self) -> str:
        return self.config.phase or "build"

    def checklist_for(self, phase: str) -> Checklist:
        checklist_id = self.config.checklists.get(phase, phase)
        return self.catalog.find(checklist_id, self.language)

    @property
    def answers_ref(self) -> str:
        """Where the answers are read from: the team's answers branch, else HEAD (a portfolio's
        copy: its own ref)."""
        return self.answers_rev or self.config.branch or "HEAD"

    def history(self) -> tuple[list[Run], list[AnswersError]]:
        from kundencheck.core.history import parse_runs

        return parse_runs(self.store.read_files(answers_mod.ANSWERS_DIR, rev=self.answers_ref))

    def summary(
        self, today: dt.date | None = None, *, rev: str | None = None, on_fetch: Callable[[int, str], None] | None = None
    ) -> tuple[HistorySummary, list[KundencheckError | LeftOut]]:
        """The history model (core/history.py) as of ``today``, read from ``rev`` (default: the
        team's answers branch, else HEAD) through the blob-id cache; returns (summary, the
        answers files that could not be read: their errors, the client's files that could not be
        read, and the files a partial clone could not fetch, whose words are
        kundencheck/fetch_texts.py's). ``status``, ``log``, ``report`` and
        the TUI's home and history screens all start here; the TUI calls it in a worker.
        ``on_fetch(count, remote)``: told before a partial clone fetches the answers files it
        lacks (in one batch)."""
        from kundencheck.core.history import summarize
        from kundencheck.store.history_cache import load_runs

        # Years of history are hundreds of thousands of small objects that all stay alive and
        # hold no cycles: the collector would walk them again and again and find nothing.
        with startup.collector_paused():
            listed = self.answers_listed if rev is None else None
            runs, errors = load_runs(self.store, rev=rev or self.answers_ref, on_fetch=on_fetch, listed=listed)
            # A portfolio's copy of a project holds the answers only: the client's view is read in the project itself.
            mirror = self.mirror_files(rev=rev, invitations=False) if self.answers_listed is None else MirrorFiles({}, {}, [])
            checklists = {}
            for checklist_id in dict.fromkeys([*(r.checklist for r in runs), *(r.checklist for r in mirror.replies.values())]):
                try:
                    checklists[checklist_id] = self.catalog.find(checklist_id, self.language)
                except KundencheckError:
                    pass  # a checklist since removed: kinds are guessed from the answers
            summary = summarize(
                runs,
                today=today or dt.date.today(),
                cadence_days=self.config.cadence_days,
                current_phase=self.current_phase(),
                checklists=checklists,
                tone_words=self.tone_words(),
                client_replies=mirror.replies.values(),
            )
        return summary, [*errors, *mirror.problems]

    # ----------------------------------------------------------------------------- the client's view

    def mirror_files(self, *, rev: str | None = None, invitations: bool = True) -> MirrorFiles:
        """The mirror invitations (unless ``invitations`` is False: the history needs only the
        replies) and the client's replies committed in ``rev`` (default: the team's answers
        branch, else HEAD), read from git (a teammate's, pulled, counts as much as one's own);
        the files that cannot be read are returned as problems, not raised."""
        from kundencheck.core.mirror import CLIENT_DIR, MIRROR_DIR, MirrorError, read_invitation, read_reply

        rev = rev or self.answers_ref
        found = MirrorFiles({}, {}, [])

        def files(folder: str) -> list[tuple[str, bytes]]:
            return [
                (path, raw)
                for path, (_blob, raw) in sorted(self.store.read_files(folder, rev=rev).items())
                if path.endswith(".toml")
            ]

        for path, raw in files(MIRROR_DIR) if invitations else []:
            try:
                invitation = read_invitation(raw, path)
            except MirrorError as exc:
                found.problems.append(exc)
                continue
            found.invitations[invitation.id] = invitation
        for path, raw in files(CLIENT_DIR):
            try:
                reply = read_reply(raw, path)
            except MirrorError as exc:
                found.problems.append(exc)
                continue
            found.replies[reply.invitation] = reply
        return found

    def default_sprint(self, phase: str, today: dt.date) -> str:
        """The sprint an invitation of ``phase`` asks about: the sprint of the phase's latest run
        (the team's current sprint), else the week of ``today``."""
        from kundencheck.core.answers import sprint_label
        from kundencheck.core.corrections import resolve
        from kundencheck.core.history import is_future, run_order
        from kundencheck.store.history_cache import load_runs

        runs, _errors = load_runs(self.store, rev=self.answers_ref)
        own = [r for r in resolve(runs).runs if r.phase == phase and not is_future(r, today)]
        return max(own, key=run_order).sprint if own else sprint_label(today)

    def commit_invitation(self, invitation: Invitation, checklist: Checklist) -> CommitResult:
        """Commit the invitation's file (core/mirror.py) onto the team's answers branch, else
        HEAD, by the answers' commit protocol (its refusals, lock and journal)."""
        from kundencheck.core.mirror import client_questions, invitation_message, invitation_toml, read_invitation

        asked = len([q for q in client_questions(checklist) if q.item in invitation.items])
        return self.store.commit_file(
            invitation.path,
            invitation_toml(invitation, checklist).encode("utf-8"),
            invitation_message(invitation, asked),
            run_commit_msg_hook=self.config.commit_msg_hook,
            ref=f"refs/heads/{self.config.branch}" if self.config.branch else None,
            check=lambda data: read_invitation(data, invitation.path),
        )

    def import_reply(
        self, text: str, source: str, *, now: dt.datetime, identity: Identity | None = None
    ) -> tuple[ClientReply, CommitResult]:
        """Find the client's block in ``text`` (a pasted mail, a file), verify it against its
        invitation and commit the client's answers with ``Kundencheck-Source: client``. Raises
        :class:`MirrorRefused` (no block, a changed one, an unknown invitation, one imported
        before), MirrorError (the invitation's file cannot be read) or StoreError; then nothing
        was committed."""
        from kundencheck.core.mirror import (
            MIRROR_DIR,
            Block,
            ClientReply,
            find_block,
            open_block,
            read_reply,
            reply_message,
            reply_toml,
        )

        block = find_block(text)
        if not isinstance(block, Block):
            raise MirrorRefused(block, source)
        identity = identity or self.store.identity()
        files = self.mirror_files()
        invitations = dict(files.invitations)
        path = f"{MIRROR_DIR}/{block.invitation}.toml"
        for problem in files.problems:
            if problem.source == path:
                raise problem  # the invitation asked for: its file is broken (a hand edit, a bad merge)
        replied = dict(files.replies)
        for problem in files.problems:  # a broken reply file still means: answered already
            name = (problem.source or "").rsplit("/", 1)[-1].removesuffix(".toml")
            if (problem.source or "").startswith(".kundencheck/client/") and name == block.invitation:
                raise problem
        opened = open_block(block, invitations, replied, now=now, imported_by=str(identity))
        if not isinstance(opened, ClientReply):
            raise MirrorRefused(opened, source)
        try:
            checklist = self.catalog.find(opened.checklist, opened.language)
        except KundencheckError:
            checklist = None  # a checklist since removed: the answers are kept all the same
        result = self.store.commit_file(
            opened.path,
            reply_toml(opened, checklist).encode("utf-8"),
            reply_message(opened, checklist),
            run_commit_msg_hook=self.config.commit_msg_hook,
            ref=f"refs/heads/{self.config.branch}" if self.config.branch else None,
            check=lambda data: read_reply(data, opened.path),
        )
        return opened, result

    def tone_words(self) -> tuple[str, ...]:
        """The words notes are checked for (core/tone.py): the shipped lists and the config's
        [tone] table; none when it switches the check off."""
        from kundencheck.core.tone import tone_words

        return tone_words(self.config.tone)

    def run_to_amend(
        self, ref: str | None, *, phase: str | None = None, expected_phase: str | None = None, identity: Identity | None = None
    ) -> Run:
        """The run ``kundencheck amend [RUN]`` corrects (core/corrections.py,
        :func:`find_run_to_amend`): ``ref`` (a run id or its unique beginning), else the
        person's latest run of the current sprint of ``phase`` (default: the current phase).
        Raises :class:`AmendRefused` saying why not. Reads the history (through the cache)."""
        from kundencheck.core.corrections import (
            AmendRefusal,
            find_run_to_amend,
            resolve,
        )
        from kundencheck.store.history_cache import load_runs

        runs, _errors = load_runs(self.store, rev=self.answers_ref)
        phase = phase or self.current_phase()
        if identity is None:
            identity = self.store.identity()
        found = find_run_to_amend(runs, ref, phase=phase, author_key=identity.key, expected_phase=expected_phase)
        if isinstance(found, AmendRefusal):
            shown = [r for r in resolve(runs).runs if r.phase == (found.phase or phase)]
            raise AmendRefused(found, shown[-5:][::-1])
        return found

    def phases(self, *more: str) -> list[str]:
        """Every phase worth showing: the five known ones, the project's own checklists' phases,
        the configured ones and ``more`` (e.g. the phases found in the history), in phase order.
        Parses every checklist file, so the TUI calls it in a worker."""
        from kundencheck.core.history import order_phases

        found = set(KNOWN_PHASES) | {self.current_phase()} | set(self.config.checklists) | set(more)
        try:
            found |= set(self.catalog.phases())
        except KundencheckError:
            pass  # a broken checklist file is reported by `kundencheck validate`, not here
        return order_phases(found)

    def offerable_draft(self, checklist_id: str, *, corrects: str = "", meeting: bool = False) -> tuple[Run, str] | None:
        """The newest unfinished draft of ``checklist_id`` that no other kundencheck is working
        on, with a one-line description to offer it by; None when there is none. With
        ``corrects``, only a draft of a correction of that run; without, never one of a
        correction (a new run must not turn into one). With ``meeting``, only a sprint meeting's
        draft; without, never one (a run is one person's, a meeting everyone's)."""
        drafts, _errors = self.drafts.list()
        candidates = [
            d
            for d in drafts
            if d.run.checklist == checklist_id and d.in_use_by is None and d.run.corrects == corrects and d.run.meeting == meeting
        ]
        if not candidates:
            return None
        newest = candidates[-1]
        answered = sum(1 for a in newest.run.answers if a.is_answered)
        if corrects:
            text = ngettext(
                "Draft {id}, a correction of run {run} (sprint {sprint}), last saved {when}, {n} answer.",
                "Draft {id}, a correction of run {run} (sprint {sprint}), last saved {when}, {n} answers.",
                answered,
            )
        elif meeting:
            text = ngettext(
                "Draft {id} of a sprint meeting on the {checklist} checklist, sprint {sprint}, last saved {when}, "
                "{n} answer agreed. If an item was still being voted on, it is asked again: votes are kept only "
                "once revealed.",
                "Draft {id} of a sprint meeting on the {checklist} checklist, sprint {sprint}, last saved {when}, "
                "{n} answers agreed. If an item was still being voted on, it is asked again: votes are kept only "
                "once revealed.",
                answered,
            )
        else:
            text = ngettext(
                "Draft {id} of the {checklist} checklist, sprint {sprint}, last saved {when}, {n} answer.",
                "Draft {id} of the {checklist} checklist, sprint {sprint}, last saved {when}, {n} answers.",
                answered,
            )
        description = text.format(
            id=newest.run.id,
            checklist=newest.run.checklist,
            sprint=newest.run.sprint,
            when=f"{newest.modified:%Y-%m-%d %H:%M}",
            n=answered,
            run=corrects,
        )
        return newest.run, description


def open_project(path: str | Path = ".", *, allow_detached: bool = False) -> Project:
    store = GitStore.open(path, allow_detached=allow_detached)
    try:
        config = load_config(store.root)
        committed, config_in_head = None, False
        if store.is_sparse():  # the work tree may lack .kundencheck/: read what git holds
            config, committed, config_in_head = _committed_settings(store, config)
        if config.branch:
            check_branch(config, store.remotes())  # a name that shadows a remote's branches
        # The project's config, else the person's own (user config folder), else LANG, else en.
        language, _source = effective_language(config.language, None if config.language else load_user_config())
        set_language(language)
        catalog = load_catalog(store.root, committed)
    except KundencheckError:
        store.close()
        raise
    # A config in the work tree, or (a sparse checkout without it) the one HEAD holds.
    set_up = (store.root / CONFIG_PATH).is_file() or config_in_head
    return Project(
        store=store,
        config=config,
        catalog=catalog,
        language=language,
        set_up=set_up,
        from_git=committed is not None or config_in_head,
    )


def open_cached_project(store: GitStore, snapshot: Snapshot, *, name: str, answers_rev: str, language: str) -> Project:
    """A project as a portfolio's copy of it holds it (store/portfolio_cache.py), read-only:
    its config and own checklists as the last fetch brought them (``snapshot``), its answers
    from ``answers_rev``. Messages name the project's files as ``NAME:.kundencheck/config.toml``.
    ``language``: the language of its checklists when its config names none (the portfolio's);
    the language of the output is not changed."""
    from kundencheck.core.catalog import committed_link_problem
    from kundencheck.core.config import ConfigError, config_from_bytes

    shown = f"{name}:{CONFIG_PATH}"
    if snapshot.config_link:
        raise ConfigError(f"{shown}: {committed_link_problem()}")
    config = config_from_bytes(snapshot.config, shown) if snapshot.config is not None else Config(source=shown)
    committed = {f"{name}:{path}": data for path, data in snapshot.checklists.items()}
    return Project(
        store=store,
        config=config,
        catalog=load_catalog(None, committed),
        language=config.language or language,
        set_up=snapshot.config is not None,
        from_git=True,
        answers_rev=answers_rev,
        answers_listed=dict(snapshot.answers) if snapshot.answers_commit else {},
    )


def _committed_settings(store: GitStore, config: Config) -> tuple[Config, dict[str, bytes | None] | None, bool]:
    """For a sparse checkout whose work tree lacks them: the config as HEAD has it, and the
    project's own checklists as HEAD (else the team's answers branch) has them; the work
    tree's own files where it has them. Returns (config, the checklist files or None, whether
    the config is HEAD's)."""
    from kundencheck.core.catalog import PROJECT_CHECKLISTS, committed_link_problem
    from kundencheck.core.config import CONFIG_PATH, ConfigError, config_from_bytes

    path = store.root / CONFIG_PATH
    in_head = False
    if not path.exists() and not path.is_symlink():
        found = store.read_committed(CONFIG_PATH, rev="HEAD")
        if CONFIG_PATH in found:
            shown = f"HEAD:{CONFIG_PATH}"
            committed = found[CONFIG_PATH]
            if committed is None:
                raise ConfigError(f"{shown}: {committed_link_problem()}")
            config, in_head = config_from_bytes(committed, shown), True
    if (store.root / PROJECT_CHECKLISTS).exists():
        return config, None, in_head
    for rev in dict.fromkeys(["HEAD", config.branch or "HEAD"]):
        found = store.read_committed(PROJECT_CHECKLISTS, rev=rev)
        files = {
            f"{rev}:{name}": raw
            for name, raw in found.items()
            if name.endswith(".toml") and "/" not in name[len(PROJECT_CHECKLISTS) + 1 :]
        }
        if files:
            return config, files, in_head
    return config, None, in_head


def correction_run(checklist: Checklist, target: Run, identity: Identity) -> Run:
    """A new run by ``identity`` that corrects ``target``: its checklist, phase and sprint, a
    copy of its answers, notes, actions and reviews (and its participants when the same
    person corrects), ``corrects`` set and the note still to be written."""
    import copy

    from kundencheck.core.people import person_key

    run = answers_mod.new_run(checklist, identity, sprint=target.sprint)
    run.phase = target.phase
    run.corrects = target.id
    run.answers = copy.deepcopy(target.answers)
    run.reviews = copy.deepcopy(target.reviews)
    if target.participants and person_key(target.author) == person_key(run.author):
        run.participants = list(target.participants)  # the same people correct their answers
    if target.meeting:
        # A meeting's correction is still the meeting's answers: its votes and who was there stay.
        from kundencheck.core.people import with_participants

        run.meeting = True
        run.votes = list(target.votes)
        run.participants = with_participants(run.author, target.participants) or [run.author]
    return run


#: How much of a note the tone hint reads while it is typed (core/tone.py reads more for status).
TONE_HINT_LIMIT = 4_000


class RunSession:
    def __init__(
        self,
        project: Project | None,
        checklist: Checklist,
        run: Run,
        previous: Run | None = None,
        *,
        push: PushDecision | None = None,
    ) -> None:
        self.project = project
        self.checklist = checklist
        self.run = run
        self.previous = previous
        self.committed: CommitResult | None = None
        self.draft_error: str | None = None
        #: Whether the commit is pushed, and why: decided once, when the run starts (see :meth:`start`).
        self.push_decision = push or PushDecision(False, PUSH_NOT_SUGGESTED)
        #: The phase's open actions from earlier runs, to review before the checklist; None
        #: until :meth:`load_open_actions` has read the history.
        self.open_actions: list[ActionThread] | None = None
        #: The run this one corrects (``kundencheck amend``), when it is a correction.
        self.corrected: Run | None = None
        #: The previous sprint's picture of this checklist, which the commit subject compares the
        #: key signals with (:meth:`load_before`).
        self.before: SprintPicture | None = None
        #: The phase's perception gaps without an action yet, by item (:meth:`load_gaps`): the
        #: run screen offers an action on these items whatever the answer.
        self.gaps: dict[str, Gap] = {}
        self._history_read = False
        self._earlier: Resolved | None = None
        self._lock: DraftLock | None = None

    # ----------------------------------------------------------------------------- creating

    @classmethod
    def start(
        cls,
        project: Project,
        phase: str,
        *,
        sprint: str | None = None,
        draft: Run | None = None,
        identity: Identity | None = None,
        push: bool | None = None,
    ) -> RunSession:
        """A new run of ``phase`` (or ``draft`` resumed), locked for this process. ``identity``:
        the author, when the caller has just read it from git config; else it is read now.
        ``push``: ``--push``/``--no-push`` as given (None: not given); whether the commit is
        pushed is decided here, once (:meth:`Project.decide_push`), and kept in :attr:`push_decision`."""
        checklist = project.checklist_for(phase)
        if identity is None:
            identity = project.store.identity()  # fails early, before anything is typed
        decision = project.decide_push(push)
        run = draft if draft is not None else answers_mod.new_run(checklist, identity, sprint=sprint)
        session = cls(project, checklist, run, push=decision)
        session._lock = project.drafts.lock(run.id)
        return session

    @classmethod
    def start_correction(
        cls,
        project: Project,
        target: Run,
        *,
        draft: Run | None = None,
        identity: Identity | None = None,
        push: bool | None = None,
    ) -> RunSession:
        """A correction of ``target`` (or ``draft``, a correction of it resumed): a new run of the
        same checklist and sprint that starts with ``target``'s answers, notes, actions and
        reviews, records ``corrects`` and needs a note saying why (docs/history.md). ``push``:
        as for :meth:`start`."""
        checklist = project.catalog.find(target.checklist, project.language)
        if identity is None:
            identity = project.store.identity()
        decision = project.decide_push(push)
        run = draft if draft is not None else correction_run(checklist, target, identity)
        session = cls(project, checklist, run, push=decision)
        session.corrected = target
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
        # Positions by id, made once per checklist: answers are re-sorted whenever one is added,
        # and a linear search per answer made that quadratic (docs/performance.md).
        cached = getattr(self, "_positions", None)
        if cached is None or cached[0] is not self.checklist:
            cached = (self.checklist, {item.id: n for n, item in enumerate(self.checklist.items)})
            self._positions = cached
        return cached[1].get(item_id, len(self.checklist.items))

    def set_value(self, item_id: str, value: AnswerValue | None) -> None:
        self.answer(item_id).value = value
        self.save_draft()

    def set_note(self, item_id: str, note: str) -> None:
        self.answer(item_id).note = note
        self.save_draft()

    def set_action(
        self, item_id: str, *, what: str | None = None, owner: str | None = None, due: dt.date | Literal[""] | None = ""
    ) -> None:
        """Change what is given of ``item_id``'s action (``due``: a day, None for none, "" to
        leave it as it is); the answer gets an action if it had none."""
        answer = self.answer(item_id)
        action = answer.action or Action(what="")
        if what is not None:
            action.what = what
        if owner is not None:
            action.owner = owner
        if not isinstance(due, str):  # "": not given
            action.due = due
        answer.action = action
        self.save_draft()

    def load_previous(self) -> Run | None:
        """Find the last committed run of this checklist, for "last time" beside each question.

        Runs are stored under names that start with the time and the phase, so the newest
        candidates are read first and usually the first one is it: a handful of blobs, not
        years of history. Slow enough on a big repository that the TUI calls it in a worker.
        """
        if self.project is None or self.run.corrects:
            return None  # a correction starts with the answers it corrects: they are its "before"
        from kundencheck.core import answers_file
        from kundencheck.core.history import is_future

        store = self.project.store
        blobs = store.list_blobs(answers_mod.ANSWERS_DIR, rev=self.project.config.branch or "HEAD")
        marker = f"-{self.checklist.phase[:32]}-"
        candidates = sorted(
            (p for p in blobs if marker in p.rsplit("/", 1)[-1]), key=lambda p: p.rsplit("/", 1)[-1], reverse=True
        )
        # Corrections are read newest first too: when the run found was corrected since, its
        # latest correction (a newer file, read already) is what it says now.
        corrections: dict[str, Run] = {}
        for start in range(0, len(candidates), 16):
            chunk = candidates[start : start + 16]
            contents = store.read_blobs(blobs[p] for p in chunk)
            for path in chunk:
                try:
                    run = answers_file.loads(contents.get(blobs[path], b""), path)
                except AnswersError:
                    continue  # a hand-edited file that does not load: look further back
                if run.checklist != self.checklist.id or run.id == self.run.id or is_future(run, dt.date.today()):
                    continue
                if run.corrects:
                    corrections.setdefault(run.corrects, run)
                    continue
                seen = {run.id}
                while run.id in corrections and corrections[run.id].id not in seen:
                    run = corrections[run.id]
                    seen.add(run.id)
                self.previous = run
                return run
        return None

    def load_open_actions(self) -> list[ActionThread]:
        """The open action threads of this run's phase from earlier runs, oldest first: the ones
        the run starts by reviewing (docs/history.md, "Actions"). Reads the whole history
        (through the blob-id cache), so the TUI calls it in a worker."""
        if self.project is None:
            self.open_actions = list(self.open_actions or [])
            return self.open_actions
        from kundencheck.core.history import actions_to_review, track_actions

        resolved = self._earlier_runs(self.project, fresh=True)
        actions, _strays = track_actions(resolved.runs, resolved.aliases)
        if self.run.corrects:
            # A correction keeps the decisions the corrected run took; `a` lets them be changed.
            for review in self.run.reviews:  # an action's run may have been corrected since
                review.run = resolved.aliases.get(review.run, review.run)
            reviewed = {r.action_key for r in self.run.reviews}
            self.open_actions = [a for a in actions if a.keys & reviewed]
        else:
            self.open_actions = actions_to_review(actions, self.run.phase)
        return self.open_actions

    def load_before(self) -> SprintPicture | None:
        """The previous sprint's picture of this checklist (:attr:`before`), which the commit
        subject compares the key signals with. Reads the whole history like
        :meth:`load_open_actions` (once for both), so the TUI calls it in a worker, after the
        open actions."""
        if self.project is None:
            return self.before
        from kundencheck.core.history import previous_sprint

        self.before = previous_sprint(self._earlier_runs(self.project).runs, self.checklist, self.run.sprint, dt.date.today())
        self._history_read = True
        return self.before

    def load_gaps(self) -> dict[str, Gap]:
        """The perception gaps of this run's phase that no action answers yet (the team answered
        green, the client red or amber: docs/mirror.md), by item, the latest sprint's where an
        item has several; what the run screen offers an action for. Reads the history like
        :meth:`load_before` (after it, from the same read) and the client's answers."""
        project = self.project
        if project is None:
            return self.gaps
        from kundencheck.core.history import attach_client, is_future, perception_gaps, sprint_pictures, track_actions

        earlier = self._earlier_runs(project)
        today = dt.date.today()
        own = [r for r in earlier.runs if r.checklist == self.checklist.id and not is_future(r, today)]
        pictures = sprint_pictures(own, {self.checklist.id: self.checklist})
        replies = [r for r in project.mirror_files(invitations=False).replies.values() if r.checklist == self.checklist.id]
        attach_client(pictures, replies, {self.checklist.id: self.checklist})
        actions, _strays = track_actions(earlier.runs, earlier.aliases)
        self.gaps = {gap.item: gap for gap in perception_gaps(pictures, actions, self.run.phase) if gap.is_open}
        return self.gaps

    def _earlier_runs(self, project: Project, *, fresh: bool = False) -> Resolved:
        """The history without this run, corrections resolved (core/corrections.py); read again
        with ``fresh``, else the last read (the open actions' read serves the sprint before)."""
        if self._earlier is None or fresh:
            from kundencheck.core.corrections import resolve
            from kundencheck.store.history_cache import load_runs

            runs, _errors = load_runs(project.store, rev=project.config.branch or "HEAD")
            self._earlier = resolve(r for r in runs if r.id != self.run.id)
        return self._earlier

    @property
    def history_read(self) -> bool:
        """Whether the previous sprint's picture is known (read from the history by
        :meth:`load_before`, or taken from a summary by :meth:`use_summary`)."""
        return self._history_read

    def use_summary(self, summary: HistorySummary) -> None:
        """Take the open actions and the previous sprint's picture from a history summary read
        already (the home screen's), instead of reading the history again. Not for corrections,
        whose actions are the corrected run's (:meth:`load_open_actions`)."""
        from kundencheck.core.history import sprint_before

        self.open_actions = summary.actions_to_review(self.run.phase)
        self.before = sprint_before(summary.pictures, self.checklist.id, self.run.sprint)
        self.gaps = {gap.item: gap for gap in summary.open_gaps(self.run.phase) if gap.checklist == self.checklist.id}
        self._history_read = True

    def review(self, run_id: str, item_id: str) -> ActionReview | None:
        """This run's decision about the action recorded with ``item_id`` in run ``run_id``."""
        for review in self.run.reviews:
            if review.action_key == (run_id, item_id):
                return review
        return None

    def review_of(self, thread: ActionThread) -> ActionReview | None:
        """This run's decision about ``thread``: a review naming any of its actions (the TUI
        names its first one, :attr:`ActionThread.key`)."""
        keys = thread.keys
        for review in self.run.reviews:
            if review.action_key in keys:
                return review
        return None

    def undecided_count(self) -> int:
        """How many of the open threads this run has not decided on yet."""
        decided = {review.action_key for review in self.run.reviews}
        return sum(1 for thread in self.open_actions or [] if not any(w.key in decided for w in thread.words))

    def joined_thread(self, item_id: str, *, separate: bool | None = None) -> ActionThread | None:
        """The open thread an action on ``item_id`` joins when this run is committed (None: it
        is a new one), as far as the open actions read so far tell; ``separate`` False: the
        thread it would join without ``separate``."""
        from kundencheck.core.history import joined_thread

        return joined_thread(self.open_actions or [], self.run, item_id, separate=separate)

    def set_separate(self, item_id: str, separate: bool) -> None:
        """Make the action on ``item_id`` a new, separate one (True) or let it join the open
        thread of the item (False, the default)."""
        answer = self.answer(item_id)
        action = answer.action or Action(what="")
        action.separate = separate
        answer.action = action
        self.save_draft()

    def set_review(self, run_id: str, item_id: str, decision: str | None, note: str | None = None) -> None:
        """Decide about an earlier run's open action: ``done``, ``open`` or ``dropped`` (which
        needs a note before the commit); None takes the decision back. ``note`` None keeps the
        note given so far. Saved in the draft like every answer."""
        self.set_reviews([(run_id, item_id)], decision, note)

    def set_reviews(self, actions: Iterable[tuple[str, str]], decision: str | None, note: str | None = None) -> None:
        """The same decision (and note) about several actions, (run id, item id) each, saved in
        the draft once: the review decides a marked group of hundreds in one go."""
        if decision is not None and decision not in REVIEW_DECISIONS:
            raise ValueError(f"decision {decision!r} is not one of {', '.join(REVIEW_DECISIONS)}")
        index = {review.action_key: review for review in self.run.reviews}
        gone: set[int] = set()
        for key in actions:
            found = index.get(key)
            if decision is None:
                if found is not None:
                    gone.add(id(found))
                    del index[key]
            elif found is None:
                index[key] = ActionReview(run=key[0], item=key[1], decision=decision, note=note or "")
                self.run.reviews.append(index[key])
            else:
                found.decision = decision
                if note is not None:
                    found.note = note
        if gone:
            self.run.reviews = [review for review in self.run.reviews if id(review) not in gone]
        self.save_draft()

    def action_texts(self) -> dict[tuple[str, str], str]:
        """(run id, item id) -> what its thread says now, for every action of the threads this
        run knows about (a review may name any of them)."""
        return {key: thread.what for thread in self.open_actions or [] for key in thread.keys}

    def previous_answer(self, item_id: str) -> Answer | None:
        return self.previous.answer(item_id) if self.previous else None

    def tally(self) -> Tally:
        return tally(self.run, self.checklist)

    def answered_count(self) -> tuple[int, int]:
        t = self.tally()
        return t.answered, t.total

    def has_answers(self) -> bool:
        return any(a.is_answered or a.note.strip() for a in self.run.answers) or bool(self.run.reviews)

    def problems(self) -> list[str]:
        return answers_mod.problems_with(self._pruned(), self.checklist)

    def _pruned(self) -> Run:
        """The run without answers to items that a later change of answer has hidden."""
        values = self.run.values()
        visible = {item.id for item in self.checklist.visible_items(values)}
        kept = [a for a in self.run.answers if a.item in visible and a.is_answered]
        copy = replace(self.run, answers=kept)
        return copy

    def message(self) -> str:
        from kundencheck.core.message import build_message

        return build_message(self._pruned(), self.checklist, actions=self.action_texts(), before=self.before)

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

    def commit(self) -> CommitResult:
        """Commit the run. Pushing is :meth:`push`, when :meth:`wants_push` says so.

        A StoreError means nothing was committed; its ``draft_id`` names the draft that keeps
        the answers when it was really saved (None when it could not be, or when the run is
        already committed and the draft is a stale copy)."""
        if self.project is None:
            raise StoreError(_("This run is not connected to a repository."))
        problems = self.problems()
        if problems:
            raise AnswersError(_("The answers cannot be committed yet:") + " " + " ".join(problems))
        if self.run.corrects:
            # Still the latest of its chain? Someone may have corrected it meanwhile (a pull).
            self.project.run_to_amend(self.run.corrects, phase=self.run.phase, expected_phase=self.run.phase)
        run = self._pruned()
        run.finished = answers_mod.now()
        run.finished = max(run.finished, run.started)
        from kundencheck.core import answers_file
        from kundencheck.core.message import build_message

        content = answers_mod.dumps(run, self.checklist).encode("utf-8")
        cfg = self.project.config
        self.run.finished = run.finished
        self.save_draft()
        ref = f"refs/heads/{cfg.branch}" if cfg.branch else None
        try:
            committed = self._committed_path(self.project, run)
            if committed is None:
                result = self.project.store.commit_file(
                    run.path,
                    content,
                    build_message(run, self.checklist, actions=self.action_texts(), before=self.before),
                    run_commit_msg_hook=cfg.commit_msg_hook,
                    ref=ref,
                    check=lambda data: answers_file.loads(data, run.path),
                )
        except StoreError as exc:
            if self.draft_error is None:  # saved just now: the answers are in the draft
                exc.draft_id = self.run.id
            raise
        if committed is not None:
            raise StoreError(
                _(
                    "Run {id} is already committed ({path} on {branch}), so it was not committed again: "
                    "kundencheck never overwrites committed answers. If this is a draft left over from that "
                    "commit, throw it away with `kundencheck drafts discard {id}`. To change the committed "
                    "answers, correct them with `kundencheck amend {id}`."
                ).format(id=run.id, path=committed, branch=cfg.branch or _("the checked-out branch")),
                refused=True,
            )
        if self.push_decision.suggested:
            result = result._replace(push_suggested=True)
        self.committed = result
        self.project.drafts.discard(self.run.id)
        self.release()
        return result

    def _committed_path(self, project: Project, run: Run) -> str | None:
        """Where the target branch already holds a run with this id (a draft left over from a
        commit, or an answers file committed before), else None. Such a run is not committed
        again: it would overwrite the committed one."""
        name = f"{run.id}.toml"
        blobs = project.store.list_blobs(answers_mod.ANSWERS_DIR, rev=project.config.branch or "HEAD")
        return next((path for path in blobs if path == run.path or path.rsplit("/", 1)[-1] == name), None)

    def wants_push(self) -> bool:
        """Whether the commit is pushed afterwards: decided when the run started."""
        return self.project is not None and self.push_decision.push

    def push(self) -> CommitResult:
        """Push the committed run's branch (the team's answers branch when one is set) and
        return the commit's result with what was pushed (``pushed``), or why it did not go
        through (``push_failure``, data the CLI and the TUI say in words).

        Never raises once the commit is made: the commit stands, a failed push is a warning.
        Waits at most the store's push timeout and never prompts, so the TUI calls it in its
        commit worker. The remote's commits are not brought into the checked-out branch here
        (the run was just committed on it): `kundencheck push` does that.
        """
        from kundencheck.store.git_store import PushError
        from kundencheck.store.push import PushFailure, PushRefusal

        result = self.committed
        if result is None or self.project is None:
            raise StoreError(_("There is no commit to push yet: commit the answers first."))
        branch = self.project.config.branch
        try:
            pushed = self.project.store.push(ref=f"refs/heads/{branch}" if branch else None)
            result = result._replace(pushed=pushed, push_failure=None)
        except PushError as exc:
            result = result._replace(pushed=None, push_failure=exc.failure)
        except KundencheckError as exc:  # git failed before it got as far as pushing
            result = result._replace(
                pushed=None, push_failure=PushFailure(PushRefusal.FAILED, result.branch or "", detail=str(exc))
            )
        except Exception as exc:  # noqa: BLE001 (a bug; the commit is made all the same)
            result = result._replace(
                pushed=None,
                push_failure=PushFailure(
                    PushRefusal.FAILED,
                    result.branch or "",
                    detail=_(
                        "an unexpected internal error happened while pushing ({error}); this is a bug in kundencheck"
                    ).format(error=type(exc).__name__),
                ),
            )
        self.committed = result
        return result

    def tone_in(self, text: str) -> list[str]:
        """The listed words about the client in ``text`` (core/tone.py), as written, each once:
        the project's list, or the shipped lists when the session has no project. A hint while
        typing, so of a long text only the start is read (the field edits 2,000 characters)."""
        from kundencheck.core.tone import first_phrases, tone_matches, tone_words

        text = text[:TONE_HINT_LIMIT]
        if not text.strip():
            return []
        words = self._tone_words
        if words is None:
            words = self._tone_words = self.project.tone_words() if self.project is not None else tone_words()
        return first_phrases(tone_matches(text, words))

    _tone_words: tuple[str, ...] | None = None

    def set_correction_note(self, note: str) -> None:
        """Why this correction is made (required before the commit of a correction)."""
        self.run.correction_note = note
        self.save_draft()

    def set_participants(self, people: Iterable[str]) -> None:
        """Record who answered together with the author (``Name <email>`` each, checked by
        :func:`~kundencheck.core.people.checked_person`); they become Co-authored-by trailers."""
        from kundencheck.core.people import with_participants

        self.run.participants = with_participants(self.run.author, people)
        self.save_draft()

    def participants(self) -> list[str]:
        """Who answered together with the author (the author left out)."""
        from kundencheck.core.people import person_key

        author = person_key(self.run.author)
        return [p for p in self.run.participants if person_key(p) != author]

    def recent_authors(self) -> list[str]:
        """The repository's recent commit authors, to pick participants from (reads git:
        the TUI calls it in a worker). The author of this run is left out."""
        if self.project is None:
            return []
        from kundencheck.core.people import person_key

        author = person_key(self.run.author)
        return [str(person) for person in self.project.store.recent_authors() if person.key != author]

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class MeetingSession(RunSession):
    """A sprint meeting (`kundencheck meeting`): the run's answers are the ones the team agrees
    on, its author the person at the keyboard (the facilitator), its participants everyone
    present. Who votes when, the hidden votes and the reveal are the meeting model's
    (core/meeting.py, :attr:`meeting`); the session writes the revealed votes into the run and
    the draft, never a hidden one, and sets each revealed item's agreed answer to the default.

    A draft of a meeting holds the agreed answers and the votes of the revealed items only; the
    item that was being voted on when the meeting stopped is asked again when it is resumed."""

    def __init__(
        self, project: Project | None, checklist: Checklist, run: Run, meeting: Meeting, *, push: PushDecision | None = None
    ) -> None:
        super().__init__(project, checklist, run, push=push)
        self.meeting = meeting

    @classmethod
    def start_meeting(
        cls,
        project: Project,
        phase: str,
        people: Iterable[Person],
        *,
        sprint: str | None = None,
        draft: Run | None = None,
        identity: Identity | None = None,
        push: bool | None = None,
    ) -> MeetingSession:
        """A new meeting on ``phase``'s checklist with ``people`` present (the facilitator, the git
        identity, is one of them and first), or ``draft`` resumed with the people it names."""
        checklist = project.checklist_for(phase)
        if identity is None:
            identity = project.store.identity()
        decision = project.decide_push(push)
        run = draft if draft is not None else answers_mod.new_run(checklist, identity, sprint=sprint)
        run.meeting = True
        if draft is None:
            run.participants = meeting_people(run.author, people)
        session = cls(project, checklist, run, _meeting_of(checklist, run), push=decision)
        session._lock = project.drafts.lock(run.id)
        return session

    @classmethod
    def offline(cls, checklist: Checklist, run: Run, people: Iterable[Person] = ()) -> MeetingSession:
        """A meeting not connected to a repository (tests, snapshots): nothing is saved."""
        run.meeting = True
        if not run.participants:
            run.participants = meeting_people(run.author, people)
        return cls(None, checklist, run, _meeting_of(checklist, run))

    # ----------------------------------------------------------------------------- voting

    def people(self) -> list[Person]:
        return list(self.meeting.people)

    def vote(self, item_id: str, value: AnswerValue) -> bool:
        """The vote of the person whose turn it is; True when it revealed the item."""
        revealed = self.meeting.vote(item_id, value)
        if revealed:
            self._revealed(item_id)
        return revealed

    def skip(self, item_id: str) -> bool:
        """Skip the person whose turn it is, for this item; True when that revealed the item."""
        revealed = self.meeting.skip(item_id)
        if revealed:
            self._revealed(item_id)
        return revealed

    def back(self, item_id: str) -> Person | None:
        """Take back the last vote or skip on the item (:meth:`Meeting.back`)."""
        return self.meeting.back(item_id)

    def vote_again(self, item_id: str) -> None:
        """Forget the item's revealed votes and its agreed answer, and vote on it again."""
        self.meeting.vote_again(item_id)
        answer = self.run.answer(item_id)
        if answer is not None:
            answer.value = None
        self.save_draft()

    def _revealed(self, item_id: str) -> None:
        """The item's votes are revealed: its agreed answer starts as the default."""
        default = self.meeting.default(item_id)
        if default is not None:
            self.answer(item_id).value = default
        self.save_draft()

    def has_answers(self) -> bool:
        """Also a meeting in which only votes were given: quitting asks first."""
        return (
            super().has_answers()
            or bool(self.meeting.recorded())
            or any(self.meeting.voted(item.id)[0] for item in self.visible_items())
        )

    def votes_in_progress(self) -> bool:
        """Whether an item has votes not yet revealed: quitting now loses them (never saved)."""
        return any(
            self.meeting.voted(item.id)[0] and not self.meeting.state(item.id).is_revealed for item in self.visible_items()
        )

    # ----------------------------------------------------------------------------- saving

    def _pruned(self) -> Run:
        run = super()._pruned()
        answered = {a.item for a in run.answers}
        run.votes = [votes for votes in self.meeting.recorded() if votes.item in answered]
        run.meeting = True
        return run

    def save_draft(self) -> None:
        self.run.votes = self.meeting.recorded()  # only revealed items: a hidden vote is never saved
        super().save_draft()


def meeting_people(author: str, people: Iterable[Person]) -> list[str]:
    """A meeting's participants: the author (the facilitator) first, then everyone else present."""
    from kundencheck.core.people import with_participants

    return with_participants(author, [str(person) for person in people]) or [author]


def _meeting_of(checklist: Checklist, run: Run) -> Meeting:
    """The meeting model of ``run``: its participants vote, in their order; votes revealed
    before (a resumed draft) are taken up again."""
    from kundencheck.core.meeting import Meeting
    from kundencheck.core.people import parse_person

    meeting = Meeting(checklist, [parse_person(person) for person in run.participants or [run.author]])
    meeting.restore(run.votes)
    return meeting
