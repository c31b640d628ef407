"""`kundencheck answer`: a checklist answered in a text file instead of the terminal UI.

``--template`` prints a fill-in answers file for a phase's checklist; ``--from FILE`` reads it
back, checks it against the checklist and commits it through a :class:`RunSession`, so the
answers file and the commit message are the same as from the TUI.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.cli.team import (
    commit_and_push,
    parse_participants,
    participant_option,
    push_option,
)
from kundencheck.core.errors import AnswersError, KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, ngettext, translate

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console
    from tomlkit.items import Table

    from kundencheck.core.checklist import AnswerValue, Checklist, Item
    from kundencheck.core.history import ActionThread
    from kundencheck.session import Project, RunSession

MAX_BYTES = 1_000_000

EXAMPLES = N_("""\
Examples:
  kundencheck answer build --template > answers.toml   write a fill-in file
  kundencheck answer build --from answers.toml         check and commit it
  kundencheck answer build --from - < answers.toml     the same, read from stdin
  kundencheck answer kickoff --template --sprint 2026-S24
  kundencheck answer build --from answers.toml --participant "Jürgen Groß <juergen@example.com>" --push""")


@command(
    "answer",
    epilog=EXAMPLES,
    help=N_(
        "Answer a phase's checklist in a text file instead of the terminal UI.\n\n"
        "`--template` prints every item of the checklist with an empty answer, its question and why as "
        "comments; fill in each `status` or `value` (and a note or action where the answer needs one), then "
        "commit it with `--from FILE`. The answers file and the commit are the same as from `kundencheck run`. "
        "Without PHASE: the project's current phase (else build)."
    ),
)
@click.argument("phase", required=False, metavar=N_("[PHASE]"))
@click.option("--template", "template", is_flag=True, help=N_("Print a fill-in answers file for the phase's checklist."))
@click.option(
    "--from", "source", metavar=N_("FILE"), help=N_("Read a filled-in answers file ('-' = stdin), check it and commit it.")
)
@click.option("--sprint", help=N_("Sprint label to record (default: the file's, else the ISO week, e.g. 2026-W48)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded
def answer(
    ctx: click.Context,
    phase: str | None,
    template: bool,
    source: str | None,
    sprint: str | None,
    allow_detached: bool,
    participants: tuple[str, ...] = (),
    push: bool | None = None,
) -> None:
    from kundencheck.session import open_project

    if template == (source is not None):
        raise UsageError(
            _(
                "Give either --template (print a fill-in file) or --from FILE (commit a filled-in one). "
                "See `kundencheck answer --help`."
            )
        )
    people = parse_participants(participants)
    # Read before opening the repository: a wrong path is said first. None: --template.
    filled = _read_source(source) if source is not None else None
    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        if filled is None:
            checklist = _checklist(project, phase or project.current_phase())
            summary, _problems = project.summary()
            try:
                author = str(project.store.identity())
            except KundencheckError:
                author = None  # no git identity here: the line is left for the person to fill in
            click.echo(
                template_text(
                    checklist,
                    sprint=sprint,
                    today=summary.today,
                    threads=summary.actions_to_review(checklist.phase),
                    author=author,
                ),
                nl=False,
            )
        else:
            raw, shown = filled
            _commit_filled(project, phase, raw, shown, sprint, participants=people, push=push)
    finally:
        project.close()


def _checklist(project: Project, phase: str) -> Checklist:
    from kundencheck.core.checklist import is_safe_id

    if not is_safe_id(phase):
        raise UsageError(
            _("{phase} is not a phase name. Known phases: {known}.").format(
                phase=repr(phase), known=", ".join(project.catalog.phases())
            )
        )
    return project.checklist_for(phase)


def _read_source(source: str) -> tuple[bytes, str]:
    if source == "-":
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        shown = "<stdin>"
    else:
        path = Path(source)
        shown = str(path)
        try:
            if path.is_dir():
                raise AnswersError(_("{file}: is a directory, not an answers file.").format(file=shown))
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise AnswersError(
                _(
                    "{file}: cannot be read ({reason}). Check the path; `kundencheck answer PHASE "
                    "--template > FILE` writes a fill-in file."
                ).format(file=shown, reason=exc.strerror or exc)
            ) from None
    if len(raw) > MAX_BYTES:
        raise AnswersError(
            _("{file}: is larger than {limit} bytes; an answers file is a few kilobytes.").format(
                file=shown, limit=f"{MAX_BYTES:,}"
            )
        )
    return raw, shown


# --------------------------------------------------------------------------------- template


def template_text(
    checklist: Checklist,
    *,
    sprint: str | None = None,
    today: dt.date | None = None,
    threads: Iterable[ActionThread] = (),
    author: str | None = None,
) -> str:
    """A fill-in answers file for ``checklist``: every item with an empty answer, and an empty
    ``[[reviews]]`` entry for each of ``threads`` (the phase's open action threads). ``author``
    (the git identity): whose answers the file holds, which `kundencheck meeting --from` reads
    (`answer --from` commits with the identity of whoever runs it)."""
    import tomlkit

    from kundencheck.core.answers import PLAIN_SCHEMA, sprint_label
    from kundencheck.core.checklist import Kind
    from kundencheck.core.history import by_urgency
    from kundencheck.core.text import one_line

    doc = tomlkit.document()
    for line in (
        _("kundencheck fill-in answers for the {checklist} checklist: {title}").format(
            checklist=checklist.id, title=one_line(checklist.title, 120)
        ),
        _('Fill in each status or value; leave it empty ("") for an item you do not answer.'),
        "  " + _('traffic-light: status = "green" (yes), "amber" (partly), "red" (no) or "na" (not applicable)'),
        "  " + _('scale: value = 1 to 5; choice: value = one of the options; text: value = "...";'),
        "  " + _('date: value = 2026-12-31, or in quotes as you would type it: "31.12.", "+7", "fr".'),
        _('A note says why; an action is what, owner and due date (2026-12-31, or "31.12.", "+7", "fr").'),
        _("An action for an item with an open action joins it; separate = true in its action makes it a new one."),
        _("Then commit it: {command}   (format: docs/answers-format.md)").format(
            command=f"kundencheck answer {checklist.phase} --from FILE"
        ),
    ):
        doc.add(tomlkit.comment(line))
    doc.add("schema", PLAIN_SCHEMA)
    doc.add("checklist", checklist.id)
    doc.add("checklist_version", checklist.version)
    doc.add("phase", checklist.phase)
    doc.add("language", checklist.language)
    doc.add("sprint", one_line(sprint or sprint_label(today or dt.date.today()), 60))
    doc["sprint"].comment(_("change it if your sprints have other names"))
    doc.add(tomlkit.comment('participants = ["Name <email>", ...]   ' + _("optional: everyone who answered together")))
    meeting_hint = _("whose answers these are, for `kundencheck meeting --from` (answer --from uses your git identity)")
    if author:
        doc.add("author", one_line(author, 200))
        doc["author"].comment(meeting_hint)
    else:
        doc.add(tomlkit.comment('author = "Name <email>"   ' + meeting_hint))

    threads = by_urgency(threads)
    open_items = {t.item: t for t in reversed(threads)}
    answers = tomlkit.aot()
    for item in checklist.items:
        table = tomlkit.table()
        table.add(tomlkit.comment(one_line(item.question, 200)))
        table.add(tomlkit.comment(_("Why: {why}").format(why=one_line(item.why, 300))))
        for hint in _hints(item):
            table.add(tomlkit.comment(one_line(hint, 300)))
        if item.anonymous:
            table.add(tomlkit.comment(one_line(anonymous_hint(), 300)))
        table.add("item", item.id)
        table.add("kind", str(item.kind))
        if item.kind is Kind.CHOICE:
            table.add("options", [option.id for option in item.options])
        table.add("status" if item.kind is Kind.TRAFFIC_LIGHT else "value", "")
        if item.kind not in (Kind.TEXT, Kind.DATE) or item.note_when:
            table.add("note", "")
        if item.id in open_items:
            thread = open_items[item.id]
            table.add(
                tomlkit.comment(
                    one_line(
                        _(
                            "An action here joins the open action {id} ({what}); add "
                            "separate = true to it for a new, separate one."
                        ).format(id=thread.id, what=one_line(thread.what, 80)),
                        300,
                    )
                )
            )
        if item.action_when:
            action = tomlkit.inline_table()
            action.update({"what": "", "owner": "", "due": ""})
            table.add("action", action)
        answers.append(table)
    doc.add(tomlkit.nl())
    doc.add("answers", answers)
    if threads:
        doc.add(tomlkit.nl())
        doc.add(
            tomlkit.comment(
                _(
                    'Open actions of earlier runs: decide each with decision = "done", "open" '
                    '(still open) or "dropped" (with a note saying why); left empty, it stays '
                    "open and undecided."
                )
            )
        )
        reviews = tomlkit.aot()
        for thread in threads:
            reviews.append(_review_entry(thread, today or dt.date.today()))
        doc.add("reviews", reviews)
    return tomlkit.dumps(doc)


def anonymous_hint() -> str:
    """What an anonymous item's answer in a file means for its author."""
    return _(
        "Anonymous in the sprint meeting: `kundencheck meeting --from` keeps only how many voted for each value "
        "and leaves out a note or action written here; committed with `answer --from`, this answer carries your "
        "name."
    )


def _review_entry(thread: ActionThread, today: dt.date) -> Table:
    """An empty ``[[reviews]]`` table for an open thread, what it is about as comments."""
    import tomlkit

    from kundencheck.core.dates import due_date_words
    from kundencheck.core.people import author_name
    from kundencheck.core.text import one_line

    table = tomlkit.table()
    table.add(
        tomlkit.comment(
            one_line(
                _("Action {id} on {item}: {what}").format(id=thread.id, item=thread.item, what=one_line(thread.what, 150)), 250
            )
        )
    )
    due = due_date_words(thread.due)
    if thread.is_overdue(today):
        late = thread.days_overdue(today)
        due += ", ⚠ " + ngettext("overdue by {n} day", "overdue by {n} days", late).format(n=late)
    table.add(tomlkit.comment(one_line(_("Owner {owner}, {due}").format(owner=one_line(thread.owner, 60) or "?", due=due), 250)))
    raised = ", ".join(
        _("{when} by {who}").format(when=w.raised.date().isoformat(), who=one_line(author_name(w.author), 40))
        for w in thread.words
    )
    table.add(tomlkit.comment(one_line(_("raised {list}").format(list=raised), 250)))
    table.add("run", thread.run)
    table.add("item", thread.item)
    table.add("decision", "")
    table.add("note", "")
    return table


def _hints(item: Item) -> list[str]:
    """Comment lines saying what the item takes and what its answers demand."""
    from kundencheck.core.checklist import STATUS_WORDS as status_words
    from kundencheck.core.checklist import Kind as kind_enum

    def shown(values: Iterable[AnswerValue]) -> str:
        order = list(item.allowed_values() or ())
        ordered = sorted(values, key=lambda v: (order.index(v) if v in order else len(order), str(v)))
        words = [
            f"{v} ({translate(status_words[v])})"
            if item.kind is kind_enum.TRAFFIC_LIGHT and isinstance(v, str) and v in status_words
            else str(v)
            for v in ordered
        ]
        return _either(words)

    hints = []
    if item.kind is kind_enum.SCALE:
        hints.append(f"1 = {item.low} ... 5 = {item.high}")
    if item.kind is kind_enum.CHOICE:
        hints.append(_("Options: {options}").format(options=", ".join(f"{o.id} ({o.label})" for o in item.options)))
    if item.when is not None:
        hints.append(
            _("Only asked when {item} is {values}; otherwise leave it empty.").format(
                item=item.when.item, values=_either([str(v) for v in item.when.equals])
            )
        )
    if not item.required:
        hints.append(_("Optional."))
    if item.note_when:
        hints.append(_("Needs a note when {values}.").format(values=shown(item.note_when)))
    if item.action_when:
        hints.append(_("Needs an action (what, owner, due) when {values}.").format(values=shown(item.action_when)))
    return hints


def _either(words: list[str]) -> str:
    """``a, b or c``."""
    if len(words) < 2:
        return "".join(words)
    return _("{some} or {last}").format(some=", ".join(words[:-1]), last=words[-1])


# --------------------------------------------------------------------------------- reading back


def _commit_filled(
    project: Project,
    phase: str | None,
    raw: bytes,
    shown: str,
    sprint: str | None,
    *,
    participants: list[str] | None = None,
    push: bool | None = None,
) -> None:
    from kundencheck.core.answers_file import Form, hints, parse_filled, read_filled
    from kundencheck.session import RunSession

    data = parse_filled(raw, shown)
    phase = phase or hints(data).phase or project.current_phase()
    checklist = _checklist(project, phase)
    form = Form(checklist, project.store.identity(), phase, sprint=sprint, participants=tuple(participants or ()))
    try:
        filled = read_filled(data, shown, form)
    except AnswersError as exc:
        raise refusal(exc) from None
    errors = _console(stderr=True)
    for note in filled.notes:
        errors.print("kundencheck: " + note)
    named = [
        answer.item
        for answer in filled.run.answers
        if (item := checklist.item(answer.item)) is not None and item.anonymous and answer.value not in (None, "")
    ]
    if named:
        errors.print(
            _(
                "kundencheck: {items}: anonymous in the sprint meeting only; committed this way, the answer "
                "carries your name in the commit. For answers without names, vote on them together in "
                "`kundencheck meeting` (or collect everyone's files for `kundencheck meeting --from`)."
            ).format(items=", ".join(named))
        )
    session = RunSession.start(project, phase, draft=filled.run, push=push)
    commit_filled(session, project, errors)


def commit_filled(session: RunSession, project: Project, errors: Console, *, reviews: bool = True) -> None:
    """Commit a run read from a filled-in file (``answer --from``, ``amend --from``, ``meeting
    --from``) and say what the commit made; the session is released whatever happens. With
    ``reviews``, the run's reviews and joined actions are checked first (``_check_reviews``).
    If git refuses (a merge in progress, a detached HEAD, index.lock, ...), commit() has saved
    the run as a draft first and its error names that draft (draft_id)."""
    from kundencheck.cli.run import report_commit

    if reviews:
        _check_reviews(session, errors)
    try:
        result = commit_and_push(session)
    finally:
        session.release()
    report_commit(result, project)


def refusal(error: AnswersError) -> AnswersError:
    """A filled-in file that was not read (core/answers_file.read_filled): every problem it
    has, in one error that says nothing was committed."""
    if not error.problems or error.source is None:
        return error
    shown, problems = error.source, error.problems
    headline = ngettext(
        "{file}: {count} problem, nothing was committed:", "{file}: {count} problems, nothing was committed:", len(problems)
    ).format(file=shown, count=len(problems))
    from kundencheck.core.errors import SHOWN_PROBLEMS

    shown_problems = problems[:SHOWN_PROBLEMS]  # a file can hold thousands of broken values
    more = (
        "\n  " + _("… and {n} more.").format(n=len(problems) - len(shown_problems)) if len(problems) > len(shown_problems) else ""
    )
    return AnswersError(headline + "\n" + "\n".join(f"  - {p}" for p in shown_problems) + more, source=shown, problems=problems)


def _check_reviews(session: RunSession, errors: Console) -> None:
    """Read the phase's open actions, so the commit message names what each reviewed action
    said; a review of an action that is not open in this phase is said, and recorded anyway
    (docs/history.md: the history reports it and otherwise ignores it)."""
    from kundencheck.core.text import one_line

    try:
        threads = session.load_open_actions()
    except KundencheckError:
        return  # the history could not be read: the reviews are committed as they are
    open_keys = {key for thread in threads for key in thread.keys}
    for answer in session.run.answers:
        if answer.raised_action is None:
            continue
        thread = session.joined_thread(answer.item)
        if thread is not None:
            errors.print(
                _(
                    "kundencheck: the action on {item} joins the open action {id} ({what}, {owner}); "
                    "separate = true in its action table would make it a new one."
                ).format(
                    item=repr(answer.item), id=thread.id, what=one_line(thread.what, 80), owner=one_line(thread.owner, 40) or "?"
                )
            )
    for review in session.run.reviews:
        if review.action_key not in open_keys:
            errors.print(
                _(
                    "kundencheck: review of {item} from run {run}: there is no open action of the {phase} "
                    "phase with that run and item; it is recorded anyway."
                ).format(item=repr(one_line(review.item, 64)), run=one_line(review.run, 80), phase=session.run.phase)
            )
