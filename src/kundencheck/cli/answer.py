"""`kundencheck answer`: a checklist answered in a text file instead of the terminal UI.

``--template`` prints a fill-in answers file for a phase's checklist; ``--from FILE`` reads it
back, checks it against the checklist and commits it through a :class:`RunSession`, so the
answers file and the commit message are the same as from the TUI.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.cli.team import commit_and_push, parse_participants, participant_option, push_option
from kundencheck.core.people import checked_person, with_participants
from kundencheck.core.errors import AnswersError, KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, translate

#: Keys a filled-in file may have at the top level. ``id``, ``author``, ``started`` and
#: ``finished`` (from an answers file used as the starting point) are read and replaced.
TOP_KEYS = {"schema", "checklist", "checklist_version", "phase", "language", "sprint", "participants", "answers",
            "reviews", "id", "author", "started", "finished"}
#: Keys of one ``[[answers]]`` table; ``kind`` and ``options`` are only there to help the person filling in.
ANSWER_KEYS = {"item", "kind", "options", "status", "value", "note", "action"}
ACTION_KEYS = {"what", "owner", "due", "separate"}
#: Keys of one ``[[reviews]]`` table: a decision about an earlier run's open action.
REVIEW_KEYS = {"run", "item", "decision", "note"}
MAX_BYTES = 1_000_000

EXAMPLES = N_("""\
Examples:
  kundencheck answer build --template > answers.toml   write a fill-in file
  kundencheck answer build --from answers.toml         check and commit it
  kundencheck answer build --from - < answers.toml     the same, read from stdin
  kundencheck answer kickoff --template --sprint 2026-S24
  kundencheck answer build --from answers.toml --participant "Jürgen Groß <juergen@example.com>" --push""")


@command(
    "answer", epilog=EXAMPLES,
    help=N_("Answer a phase's checklist in a text file instead of the terminal UI.\n\n"
            "`--template` prints every item of the checklist with an empty answer, its question and why as "
            "comments; fill in each `status` or `value` (and a note or action where the answer needs one), then "
            "commit it with `--from FILE`. The answers file and the commit are the same as from `kundencheck run`. "
            "Without PHASE: the project's current phase (else build)."))
@click.argument("phase", required=False)
@click.option("--template", "template", is_flag=True, help=N_("Print a fill-in answers file for the phase's checklist."))
@click.option("--from", "source", metavar="FILE",
              help=N_("Read a filled-in answers file ('-' = stdin), check it and commit it."))
@click.option("--sprint", help=N_("Sprint label to record (default: the file's, else the ISO week, e.g. 2026-W48)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded
def answer(ctx: click.Context, phase: str | None, template: bool, source: str | None, sprint: str | None, allow_detached: bool,
           participants: tuple[str, ...] = (), push: bool | None = None) -> None:
    from kundencheck.session import open_project

    if template == (source is not None):
        raise UsageError(_("Give either --template (print a fill-in file) or --from FILE (commit a filled-in one). "
                           "See `kundencheck answer --help`."))
    raw = shown = None
    people = parse_participants(participants)
    if source is not None:
        raw, shown = _read_source(source)  # before opening the repository: a wrong path is said first
    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        if template:
            checklist = _checklist(project, phase or project.current_phase())
            summary, _problems = project.summary()
            click.echo(template_text(checklist, sprint=sprint, today=summary.today,
                                     threads=summary.actions_to_review(checklist.phase)), nl=False)
        else:
            _commit_filled(project, phase, raw, shown, sprint, participants=people, push=push)
    finally:
        project.close()


def _checklist(project, phase: str):
    from kundencheck.core.checklist import is_safe_id

    if not is_safe_id(phase):
        raise UsageError(_("{phase} is not a phase name. Known phases: {known}.").format(
            phase=repr(phase), known=", ".join(project.catalog.phases())))
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
            raise AnswersError(_("{file}: cannot be read ({reason}). Check the path; `kundencheck answer PHASE "
                                 "--template > FILE` writes a fill-in file.").format(
                                     file=shown, reason=exc.strerror or exc)) from None
    if len(raw) > MAX_BYTES:
        raise AnswersError(_("{file}: is larger than {limit} bytes; an answers file is a few kilobytes.").format(
            file=shown, limit=f"{MAX_BYTES:,}"))
    return raw, shown


# --------------------------------------------------------------------------------- template


def template_text(checklist, *, sprint: str | None = None, today: dt.date | None = None, threads=()) -> str:
    """A fill-in answers file for ``checklist``: every item with an empty answer, and an empty
    ``[[reviews]]`` entry for each of ``threads`` (the phase's open action threads)."""
    import tomlkit

    from kundencheck.core.history import by_urgency

    from kundencheck.core.answers import SCHEMA_VERSION, sprint_label
    from kundencheck.core.checklist import Kind
    from kundencheck.core.text import one_line

    doc = tomlkit.document()
    for line in (
        _("kundencheck fill-in answers for the {checklist} checklist: {title}").format(
            checklist=checklist.id, title=one_line(checklist.title, 120)),
        _("Fill in each status or value; leave it empty (\"\") for an item you do not answer."),
        "  " + _("traffic-light: status = \"green\" (yes), \"amber\" (partly), \"red\" (no) or \"na\" (not applicable)"),
        "  " + _("scale: value = 1 to 5; choice: value = one of the options; text: value = \"...\";"),
        "  " + _("date: value = 2026-12-31, or in quotes as you would type it: \"31.12.\", \"+7\", \"fr\"."),
        _("A note says why; an action is what, owner and due date (2026-12-31, or \"31.12.\", \"+7\", \"fr\")."),
        _("An action for an item with an open action joins it; separate = true in its action makes it a new one."),
        _("Then commit it: {command}   (format: docs/answers-format.md)").format(
            command=f"kundencheck answer {checklist.phase} --from FILE"),
    ):
        doc.add(tomlkit.comment(line))
    doc.add("schema", SCHEMA_VERSION)
    doc.add("checklist", checklist.id)
    doc.add("checklist_version", checklist.version)
    doc.add("phase", checklist.phase)
    doc.add("language", checklist.language)
    doc.add("sprint", one_line(sprint or sprint_label(today or dt.date.today()), 60))
    doc["sprint"].comment(_("change it if your sprints have other names"))
    doc.add(tomlkit.comment('participants = ["Name <email>", ...]   '
                            + _("optional: everyone who answered together")))

    threads = by_urgency(threads)
    open_items = {t.item: t for t in reversed(threads)}
    answers = tomlkit.aot()
    for item in checklist.items:
        table = tomlkit.table()
        table.add(tomlkit.comment(one_line(item.question, 200)))
        table.add(tomlkit.comment(_("Why: {why}").format(why=one_line(item.why, 300))))
        for hint in _hints(item):
            table.add(tomlkit.comment(one_line(hint, 300)))
        table.add("item", item.id)
        table.add("kind", str(item.kind))
        if item.kind is Kind.CHOICE:
            table.add("options", [option.id for option in item.options])
        table.add("status" if item.kind is Kind.TRAFFIC_LIGHT else "value", "")
        if item.kind not in (Kind.TEXT, Kind.DATE) or item.note_when:
            table.add("note", "")
        if item.id in open_items:
            thread = open_items[item.id]
            table.add(tomlkit.comment(one_line(_("An action here joins the open action {id} ({what}); add "
                                                 "separate = true to it for a new, separate one.").format(
                id=thread.id, what=one_line(thread.what, 80)), 300)))
        if item.action_when:
            action = tomlkit.inline_table()
            action.update({"what": "", "owner": "", "due": ""})
            table.add("action", action)
        answers.append(table)
    doc.add(tomlkit.nl())
    doc.add("answers", answers)
    if threads:
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment(_("Open actions of earlier runs: decide each with decision = \"done\", \"open\" "
                                  "(still open) or \"dropped\" (with a note saying why); left empty, it stays "
                                  "open and undecided.")))
        reviews = tomlkit.aot()
        for thread in threads:
            reviews.append(_review_entry(thread, today or dt.date.today()))
        doc.add("reviews", reviews)
    return tomlkit.dumps(doc)


def _review_entry(thread, today: dt.date):
    """An empty ``[[reviews]]`` table for an open thread, what it is about as comments."""
    import tomlkit

    from kundencheck.core.people import author_name
    from kundencheck.core.text import one_line

    table = tomlkit.table()
    table.add(tomlkit.comment(one_line(_("Action {id} on {item}: {what}").format(
        id=thread.id, item=thread.item, what=one_line(thread.what, 150)), 250)))
    due = thread.due.isoformat() if thread.due else _("no due date")
    if thread.is_overdue(today):
        due += ", ⚠ " + _("overdue by {n} days").format(n=thread.days_overdue(today))
    table.add(tomlkit.comment(one_line(_("Owner {owner}, due {due}").format(
        owner=one_line(thread.owner, 60) or "?", due=due), 250)))
    raised = ", ".join(_("{when} by {who}").format(when=w.raised.date().isoformat(), who=one_line(author_name(w.author), 40))
                       for w in thread.words)
    table.add(tomlkit.comment(one_line(_("raised {list}").format(list=raised), 250)))
    table.add("run", thread.run)
    table.add("item", thread.item)
    table.add("decision", "")
    table.add("note", "")
    return table


def _hints(item) -> list[str]:
    """Comment lines saying what the item takes and what its answers demand."""
    from kundencheck.core.checklist import STATUS_WORDS as status_words
    from kundencheck.core.checklist import Kind as kind_enum

    def shown(values) -> str:
        order = list(item.allowed_values() or ())
        ordered = sorted(values, key=lambda v: (order.index(v) if v in order else len(order), str(v)))
        words = [f"{v} ({translate(status_words[v])})" if item.kind is kind_enum.TRAFFIC_LIGHT and v in status_words
                 else str(v) for v in ordered]
        return _either(words)

    hints = []
    if item.kind is kind_enum.SCALE:
        hints.append(f"1 = {item.low} ... 5 = {item.high}")
    if item.kind is kind_enum.CHOICE:
        hints.append(_("Options: {options}").format(options=", ".join(f"{o.id} ({o.label})" for o in item.options)))
    if item.when is not None:
        hints.append(_("Only asked when {item} is {values}; otherwise leave it empty.").format(
            item=item.when.item, values=_either([str(v) for v in item.when.equals])))
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


def _commit_filled(project, phase: str | None, raw: bytes, shown: str, sprint: str | None, *,
                   participants: list[str] | None = None, push: bool | None = None) -> None:
    from kundencheck.cli.run import report_commit
    from kundencheck.core import answers as answers_mod
    from kundencheck.core.checklist import parse_toml_bytes
    from kundencheck.session import RunSession

    data = parse_toml_bytes(raw, shown, AnswersError)
    file_phase = data.get("phase")
    if phase is None:
        phase = file_phase if isinstance(file_phase, str) and file_phase else project.current_phase()
    checklist = _checklist(project, phase)
    identity = project.store.identity()
    run, problems, notes = filled_run(data, checklist, phase=phase, author=identity, sprint=sprint)
    problems += _participant_problems(run.participants)
    run.participants = with_participants(run.author, [*run.participants, *(participants or [])])
    if not problems:
        problems = answers_mod.problems_with(run, checklist)
    if problems:
        raise problems_error(shown, problems)
    errors = _console(stderr=True)
    for note in notes:
        errors.print("kundencheck: " + note)
    session = RunSession.start(project, phase, draft=run, push=push)
    _check_reviews(session, errors)
    try:
        # If git refuses (a merge in progress, a detached HEAD, index.lock, ...), commit() has
        # saved the run as a draft first and its error names that draft (draft_id).
        result = commit_and_push(session)
    finally:
        session.release()
    report_commit(result, project)


def problems_error(shown: str, problems: list[str]) -> AnswersError:
    """Every problem of a filled-in file in one error, nothing committed."""
    if len(problems) == 1:
        headline = _("{file}: 1 problem, nothing was committed:").format(file=shown)
    else:
        headline = _("{file}: {count} problems, nothing was committed:").format(file=shown, count=len(problems))
    from kundencheck.core.errors import SHOWN_PROBLEMS

    shown_problems = problems[:SHOWN_PROBLEMS]  # a file can hold thousands of broken values
    more = "\n  " + _("… and {n} more.").format(n=len(problems) - len(shown_problems)) if len(problems) > len(shown_problems) else ""
    return AnswersError(headline + "\n" + "\n".join(f"  - {p}" for p in shown_problems) + more)


def _participant_problems(people: list[str]) -> list[str]:
    """The file's ``participants`` that are not ``Name <email>``."""
    problems = []
    for person in people:
        try:
            checked_person(person)
        except UsageError as exc:
            problems.append(_("top level: 'participants': {problem}").format(problem=exc))
    return problems


def filled_run(data: dict[str, Any], checklist, *, phase: str, author, sprint: str | None = None,
               extra_keys: set[str] | frozenset[str] = frozenset()):
    """The run a filled-in file describes, the problems that keep it from being one, and notes.

    Problems name the item and what is wrong and are all collected, so a person fixes the file
    in one go. Whether required items are answered is left to ``problems_with``. ``extra_keys``
    are top-level keys the caller reads itself (`kundencheck amend`: ``corrects``).
    """
    from kundencheck.core import answers as answers_mod

    problems: list[str] = []
    notes: list[str] = []
    unknown = sorted(set(data) - TOP_KEYS - set(extra_keys))
    if "corrects" in unknown or "correction_note" in unknown:
        problems.append(_("top level: 'corrects' and 'correction_note' make a correction of a run: commit the file "
                          "with `kundencheck amend --from FILE`, or remove them for a new run."))
        unknown = [key for key in unknown if key not in ("corrects", "correction_note")]
    if unknown:
        problems.append(_unknown_keys(_("top level"), unknown,
                                      ", ".join(sorted(TOP_KEYS - {"id", "author", "started", "finished"}))))
    schema = data.get("schema", answers_mod.SCHEMA_VERSION)
    if schema != answers_mod.SCHEMA_VERSION or isinstance(schema, bool):
        problems.append(_("top level: 'schema' must be {version} (found {found}).").format(
            version=answers_mod.SCHEMA_VERSION, found=_shown(schema)))
    for key, expected in (("checklist", checklist.id), ("phase", checklist.phase), ("language", checklist.language)):
        value = data.get(key)
        if value is not None and value != expected and not (key == "phase" and value == phase):
            problems.append(
                _("top level: {key} is {found}, but phase {phase} here uses the {checklist} checklist ({language}), "
                  "so it must be {expected}. Make a new template with `kundencheck answer {phase_name} --template`.")
                .format(key=repr(key), found=_shown(value), phase=repr(phase), checklist=repr(checklist.id),
                        language=checklist.language, expected=repr(expected), phase_name=phase)
            )
    version = data.get("checklist_version")
    if version is not None and str(version) != checklist.version:
        notes.append(_("the file was made for version {found} of the {checklist} checklist; it is checked against "
                       "the current version {version}.").format(
                           found=_shown(version), checklist=checklist.id, version=repr(checklist.version)))
    file_sprint = data.get("sprint", "")
    if not isinstance(file_sprint, str):
        problems.append(_("top level: 'sprint' must be a string like \"2026-W48\" (found {found}).").format(
            found=_shown(file_sprint)))
        file_sprint = ""
    participants = data.get("participants", [])
    if not isinstance(participants, list) or not all(isinstance(p, str) and p.strip() for p in participants):
        problems.append(_("top level: 'participants' must be a list of strings like \"Name <email>\"."))
        participants = []

    run = answers_mod.new_run(checklist, author, sprint=sprint or file_sprint.strip() or None)
    run.participants = [p.strip() for p in participants]
    raw_answers = data.get("answers", [])
    if not isinstance(raw_answers, list):
        problems.append(_("top level: 'answers' must be an array of [[answers]] tables."))
        raw_answers = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_answers, start=1):
        answer = _answer(raw, n, checklist, seen, problems, today=run.started.date())
        if answer is not None:
            run.answers.append(answer)
    order = {item.id: n for n, item in enumerate(checklist.items)}
    run.answers.sort(key=lambda a: order.get(a.item, len(order)))
    run.reviews = _reviews(data.get("reviews", []), problems)
    return run, problems, notes


def _check_reviews(session, errors) -> None:
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
            errors.print(_("kundencheck: the action on {item} joins the open action {id} ({what}, {owner}); "
                           "separate = true in its action table would make it a new one.").format(
                               item=repr(answer.item), id=thread.id, what=one_line(thread.what, 80),
                               owner=one_line(thread.owner, 40) or "?"))
    for review in session.run.reviews:
        if review.action_key not in open_keys:
            errors.print(_("kundencheck: review of {item} from run {run}: there is no open action of the {phase} "
                           "phase with that run and item; it is recorded anyway.").format(
                               item=repr(one_line(review.item, 64)), run=one_line(review.run, 80),
                               phase=session.run.phase))


def _reviews(raw_reviews: Any, problems: list[str]):
    """The ``[[reviews]]`` tables (decisions about earlier runs' open actions) as ActionReviews;
    every broken one is added to ``problems``."""
    from kundencheck.core.answers import review_from_dict

    if not isinstance(raw_reviews, list):
        problems.append(_("top level: 'reviews' must be an array of [[reviews]] tables."))
        return []
    reviews = []
    seen: set[tuple[str, str]] = set()
    for n, raw in enumerate(raw_reviews, start=1):
        unknown = sorted(set(raw) - REVIEW_KEYS) if isinstance(raw, dict) else []
        if unknown:
            problems.append(_unknown_keys(_("review {n}").format(n=n), unknown, ", ".join(sorted(REVIEW_KEYS))))
            continue
        if isinstance(raw, dict) and raw.get("decision", "") == "":
            # The template's entry left empty: not decided, the action stays open.
            if isinstance(raw.get("note"), str) and raw["note"].strip():
                problems.append(_("review {n}: has a note but no decision; give decision = \"done\", \"open\" or "
                                  "\"dropped\", or leave the note empty too.").format(n=n))
            continue
        try:
            reviews.append(review_from_dict(raw, n, seen))
        except AnswersError as exc:
            problems.append(str(exc))
    return reviews


def _answer(raw: Any, n: int, checklist, seen: set[str], problems: list[str], *, today: dt.date):
    """One ``[[answers]]`` table as an Answer (None when it is unanswered or broken). A date
    typed in quotes as people type it ("31.12.", "+7", "fr") is read as of ``today``."""
    from kundencheck.core.answers import Action, Answer, value_problem
    from kundencheck.core.checklist import Kind, is_safe_id

    if not isinstance(raw, dict):
        problems.append(_("answer {n}: must be a table ([[answers]]).").format(n=n))
        return None
    item_id = raw.get("item")
    if not is_safe_id(item_id):
        problems.append(_("answer {n}: 'item' must be an item id of the {checklist} checklist (found {found}).").format(
            n=n, checklist=checklist.id, found=_shown(item_id)))
        return None
    item = checklist.item(item_id)
    if item is None:
        problems.append(_("item {item}: not in the {checklist} checklist (version {version}). Its items: {items}.")
                        .format(item=repr(item_id), checklist=checklist.id, version=checklist.version,
                                items=", ".join(i.id for i in checklist.items)))
        return None
    if item_id in seen:
        problems.append(_("item {item}: answered twice; keep one of the two [[answers]] tables.").format(
            item=repr(item_id)))
        return None
    seen.add(item_id)
    before = len(problems)
    where = _("item {item}").format(item=repr(item_id))
    unknown = sorted(set(raw) - ANSWER_KEYS)
    if unknown:
        problems.append(_unknown_keys(where, unknown,
                                      _("item, status or value, note, action (kind and options are ignored)")))
    key = "status" if item.kind is Kind.TRAFFIC_LIGHT else "value"
    other = "value" if key == "status" else "status"
    if other in raw and raw[other] not in ("", None):
        problems.append(_("{where}: a {kind} item takes {key}, not {other}.").format(
            where=where, kind=item.kind, key=repr(key), other=repr(other)))
    value = _value(item, raw.get(key, ""), today)
    if item.kind is Kind.DATE and isinstance(value, str):
        problem = _("value {value} is not a date: write 2026-12-31, or in quotes as you would type it: "
                    "\"31.12.2026\", \"31.12.\", \"+7\" or a weekday such as \"fr\".").format(value=_shown(value))
    else:
        problem = value_problem(item, value)
    if problem:
        problems.append(f"{where}: {problem}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        problems.append(_("{where}: 'note' must be a string (in quotes).").format(where=where))
        note = ""
    action = None
    raw_action = raw.get("action")
    if raw_action is not None:
        if not isinstance(raw_action, dict):
            problems.append(_("{where}: 'action' must be a table with what, owner and due.").format(where=where))
        else:
            extra = sorted(set(raw_action) - ACTION_KEYS)
            what, owner, due = raw_action.get("what", ""), raw_action.get("owner", ""), _date(raw_action.get("due"), today)
            separate = raw_action.get("separate", False)
            if extra:
                if len(extra) == 1:
                    message = _("{where}: the action has unknown key {keys}; it takes what, owner, due and separate.")
                else:
                    message = _("{where}: the action has unknown keys {keys}; it takes what, owner, due and separate.")
                problems.append(message.format(where=where, keys=", ".join(map(repr, extra))))
            if not isinstance(what, str) or not isinstance(owner, str):
                problems.append(_("{where}: the action's 'what' and 'owner' must be strings (in quotes).").format(
                    where=where))
            elif due is not None and (isinstance(due, dt.datetime) or not isinstance(due, dt.date)):
                problems.append(_("{where}: the action's 'due' must be a date: 2026-12-31, or in quotes as you would "
                                  "type it: \"31.12.\", \"+7\" or \"fr\" (found {found}).").format(where=where, found=_shown(due)))
            elif not isinstance(separate, bool):
                problems.append(_("{where}: the action's 'separate' must be true or false (without quotes).").format(
                    where=where))
            elif what.strip() or owner.strip() or due is not None:
                action = Action(what=what.strip(), owner=owner.strip(), due=due, separate=separate)
    if len(problems) > before:
        return None
    if value is None and not note.strip() and action is None:
        return None  # unanswered: the template's empty entry
    return Answer(item=item_id, value=value, note=note.strip(), action=action)


def _unknown_keys(where: str, unknown: list[str], allowed: str) -> str:
    if len(unknown) == 1:
        message = _("{where}: unknown key {keys}. Allowed: {allowed}.")
    else:
        message = _("{where}: unknown keys {keys}. Allowed: {allowed}.")
    return message.format(where=where, keys=", ".join(map(repr, unknown)), allowed=allowed)


def _value(item, value: Any, today: dt.date) -> Any:
    """The answer as the session stores it: "" is unanswered; "4" in quotes is accepted, and a
    date in quotes as people type it ("2026-12-31", "31.12.", "+7", "fr")."""
    from kundencheck.core.checklist import Kind

    if isinstance(value, str):
        if not value.strip():
            return None
        if item.kind is Kind.SCALE and value.strip() in {"1", "2", "3", "4", "5"}:
            return int(value.strip())
        if item.kind is Kind.DATE:
            return _date(value, today)
        if item.kind in (Kind.TRAFFIC_LIGHT, Kind.CHOICE):
            return value.strip()
    return value


def _shown(value: Any) -> str:
    from kundencheck.core.checklist import describe_value

    return describe_value(value, 60)


def _date(value: Any, today: dt.date) -> Any:
    """A date written in quotes as people type it (core/dates.py), as of ``today``; anything
    else as it is (a TOML date stays a date, a string that is no date is reported)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        from kundencheck.core.dates import parse_typed_date

        parsed = parse_typed_date(value, today)
        return parsed if parsed is not None else value
    return value
