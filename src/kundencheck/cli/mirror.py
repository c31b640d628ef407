"""`kundencheck mirror`: ask the client the team's questions in the client's words, and put the
client's answers beside the team's (docs/mirror.md).

- ``mirror invite [PHASE]`` writes the invitation page (one HTML file for the client) and
  commits the invitation, so any teammate can import the reply;
- ``mirror import [FILE|-]`` finds the client's block in a pasted mail or a file, verifies it
  and commits the client's answers;
- ``mirror status`` lists the invitations: answered, and waiting with their age;
- ``mirror page ID`` writes the page of an invitation made before again (a lost attachment).

Thin: the pieces are in core/mirror.py and core/mirror_page.py, the reading and committing in
the session (:class:`kundencheck.session.Project`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kundencheck.cli.common import _console, directory_of, group, guarded
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, current_language, ngettext, set_language

if TYPE_CHECKING:
    from rich.console import Console

    from kundencheck.core.checklist import Checklist
    from kundencheck.core.history import Gap, HistorySummary
    from kundencheck.core.mirror import BlockRefusal, ClientReply, Invitation, InvitationState
    from kundencheck.session import MirrorFiles, Project
    from kundencheck.store.git_store import CommitResult

#: The largest mail or file `mirror import` reads: a whole message with its attachments.
MAX_MAIL_BYTES = 25_000_000


@group(
    "mirror",
    help=N_(
        "The client's own view: ask the client the checklist's questions in the client's words, with one HTML "
        "file sent by mail, and put the answers the client mails back beside the team's (docs/mirror.md)."
    ),
    epilog=N_("""\
Examples:
  kundencheck mirror invite                  a page for the client about the current phase and sprint
  kundencheck mirror invite build --language de -o fragen.html
  kundencheck mirror import reply.eml        the client's reply mail, saved from the mail program
  pbpaste | kundencheck mirror import -      the reply pasted (macOS; xclip -o on Linux)
  kundencheck mirror status                  sent, answered, and waiting for how long"""),
)
def mirror() -> None:
    pass


# --------------------------------------------------------------------------------- invite


@mirror.command(
    "invite",
    help=N_(
        "Write the invitation page for the client (one self-contained HTML file, no network, nothing "
        "internal: only the client questions of the phase's checklist and the names of the project, the "
        "client and your agency) and commit the invitation under .kundencheck/mirror/, so that any teammate "
        "can import the reply. Send the file to the client by mail."
    ),
    epilog=N_("""\
Examples:
  kundencheck mirror invite                  the current phase, its current sprint, the project's language
  kundencheck mirror invite acceptance --to "Dr. Anna Weber" --language de
  kundencheck mirror invite -o ~/Desktop/questions.html"""),
)
@click.argument("phase", required=False, metavar=N_("[PHASE]"))
@click.option(
    "--language",
    type=click.Choice(["de", "en"]),
    default=None,
    help=N_("The language the client reads (default: the project's)."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write the page to this file (default: kundencheck-ID.html here)."),
)
@click.option("--to", "to", metavar=N_("NAME"), default="", help=N_("Whom it is for, shown on the page (optional)."))
@click.option(
    "--sprint",
    default=None,
    help=N_("The sprint the client is asked about (default: the phase's current sprint, else this week)."),
)
@click.pass_context
@guarded
def invite(ctx: click.Context, phase: str | None, language: str | None, output: Path | None, to: str, sprint: str | None) -> None:
    from kundencheck.core.answers import now
    from kundencheck.core.checklist import is_safe_id
    from kundencheck.core.mirror import new_invitation
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx))
    try:
        phase = phase or project.current_phase()
        if not is_safe_id(phase):
            raise UsageError(
                _("{phase} is not a phase name. Known phases: {known}.").format(
                    phase=repr(phase), known=", ".join(project.catalog.phases())
                )
            )
        language = language or project.language
        checklist = project.catalog.find(project.config.checklists.get(phase, phase), language)
        _check_names(project)
        project.check_ready()
        identity = project.store.identity()
        moment = now()
        invitation = new_invitation(
            checklist,
            phase=phase,
            sprint=sprint or project.default_sprint(phase, moment.date()),
            created=moment,
            created_by=str(identity),
            to=to,
        )
        target = output or Path(directory_of(ctx)) / f"kundencheck-{invitation.id}.html"
        page = _page(project, invitation, checklist)
        with _written_after(target, page.encode("utf-8")):
            result = project.commit_invitation(invitation, checklist)
        console = _console()
        console.print(
            ngettext(
                "Wrote the invitation page {file}: {n} question about sprint {sprint} of the {phase} phase, in {language}.",
                "Wrote the invitation page {file}: {n} questions about sprint {sprint} of the {phase} phase, in {language}.",
                len(invitation.items),
            ).format(file=target, n=len(invitation.items), sprint=invitation.sprint, phase=phase, language=language)
        )
        _report(console, result)
        console.print(
            _(
                "Send the file to the client. When the reply comes, import it here or in any clone: "
                "`kundencheck mirror import` (the mail pasted, or saved as a file)."
            )
        )
    finally:
        project.close()


def _check_names(project: Project) -> None:
    """The page shows the agency's name: refuse before anything is made when the config has none."""
    if not project.config.agency.strip():
        raise KundencheckError(
            _(
                "The project config has no agency name, and the client should see who asks. Set it once with "
                '`kundencheck init --agency "Your agency"` (it goes into .kundencheck/config.toml), then make the '
                "invitation again. Nothing was written or committed."
            )
        )


def _page(project: Project, invitation: Invitation, checklist: Checklist) -> str:
    """The invitation page, in the invitation's language (the client's, not the person's)."""
    from kundencheck.core.mirror_page import PAGE_LIMIT, invitation_page

    before = current_language()
    set_language(invitation.language)
    try:
        page = invitation_page(
            invitation,
            checklist,
            project=project.config.project or project.root.name,
            agency=project.config.agency,
            client=project.config.client,
        )
    finally:
        set_language(before)
    size = len(page.encode("utf-8"))
    if size > PAGE_LIMIT:
        raise KundencheckError(
            _(
                "The invitation page would be {size:,} bytes, more than the {limit:,} a mail attachment of kundencheck "
                "may be: the {checklist} checklist's client questions are too long or too many. Shorten them. Nothing "
                "was written or committed."
            ).format(size=size, limit=PAGE_LIMIT, checklist=checklist.id)
        )
    return page


@contextlib.contextmanager
def _written_after(target: Path, data: bytes) -> Iterator[None]:
    """Write ``data`` to a file beside ``target`` first, then run the block (the commit), then
    put the file in place; when the block fails, the file is removed and ``target`` is as it was."""
    from kundencheck.store.atomic import atomic_write

    probe = target.with_name(f".{target.name}.kundencheck-tmp")
    try:
        atomic_write(probe, data)
    except OSError as exc:
        raise KundencheckError(
            _(
                "Could not write the invitation page {file}: {reason}. Check that the folder exists and "
                "that you may write there. Nothing was committed."
            ).format(file=target, reason=exc.strerror or exc)
        ) from None
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise
    try:
        os.replace(probe, target)
    except OSError as exc:
        raise KundencheckError(
            _(
                "The invitation was committed, but the page could not be put at {file}: {reason}. "
                "It is at {probe}; or write it again with `kundencheck mirror page ID`."
            ).format(file=target, reason=exc.strerror or exc, probe=probe)
        ) from None


def _report(console: Console, result: CommitResult) -> None:
    from kundencheck.commit_texts import warning_text

    console.print(
        _("Committed {sha} on {branch}: {subject}").format(
            sha=result.sha[:10], branch=result.branch or "HEAD", subject=result.subject
        )
    )
    for warning in result.warnings:
        console.print(_("Note: {warning}").format(warning=warning_text(warning)))


# --------------------------------------------------------------------------------- page


@mirror.command(
    "page",
    help=N_(
        "Write the page of an invitation made before again, as it was sent (a lost attachment, a second person "
        "at the client). Its answers count once: the first reply imported."
    ),
    epilog=N_("""\
Examples:
  kundencheck mirror page build-k3f9a2mz
  kundencheck mirror page build-k3f9a2mz -o questions.html"""),
)
@click.argument("invitation_id", metavar=N_("ID"))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write the page to this file (default: kundencheck-ID.html here)."),
)
@click.pass_context
@guarded
def page(ctx: click.Context, invitation_id: str, output: Path | None) -> None:
    from kundencheck.session import open_project
    from kundencheck.store.atomic import atomic_write

    project = open_project(directory_of(ctx), allow_detached=True)
    try:
        files = project.mirror_files()
        invitation = files.invitations.get(invitation_id)
        if invitation is None:
            _raise_broken(files, invitation_id)
            raise KundencheckError(_unknown_text(invitation_id, files.invitations))
        checklist = project.catalog.find(invitation.checklist, invitation.language)
        text = _page(project, invitation, checklist)
        target = output or Path(directory_of(ctx)) / f"kundencheck-{invitation.id}.html"
        try:
            atomic_write(target, text.encode("utf-8"))
        except OSError as exc:
            raise KundencheckError(
                _(
                    "Could not write the invitation page {file}: {reason}. Check that the folder exists "
                    "and that you may write there."
                ).format(file=target, reason=exc.strerror or exc)
            ) from None
        _console().print(
            _("Wrote the invitation page {file} ({id}, sprint {sprint}, {language}).").format(
                file=target, id=invitation.id, sprint=invitation.sprint, language=invitation.language
            )
        )
    finally:
        project.close()


def _raise_broken(files: MirrorFiles, invitation_id: str) -> None:
    from kundencheck.core.mirror import MIRROR_DIR

    for problem in files.problems:
        if problem.source == f"{MIRROR_DIR}/{invitation_id}.toml":
            raise problem


def _unknown_text(invitation_id: str, invitations: Iterable[str]) -> str:
    from kundencheck.core.text import one_line

    known = ", ".join(sorted(invitations)[-10:]) or _("none yet")
    return _(
        "There is no invitation {id} in this repository (invitations here: {known}). Pull your teammates' "
        "commits (`git pull`) if one of them made it, or check the id in the reply."
    ).format(id=repr(one_line(invitation_id, 80)), known=known)


# --------------------------------------------------------------------------------- import


@mirror.command(
    "import",
    help=N_(
        "Find the client's answer block in a reply mail (pasted, or saved as a file; quoting, quoted-printable "
        "and whole messages with attachments are read), verify it against its invitation and commit the "
        "client's answers to .kundencheck/client/ with the trailer `Kundencheck-Source: client`. A changed "
        "block, one of an unknown invitation or one imported before is refused and nothing is committed."
    ),
    epilog=N_("""\
Examples:
  kundencheck mirror import reply.eml        a mail saved from the mail program
  kundencheck mirror import kundencheck-build-k3f9a2mz.txt   the file the client attached
  kundencheck mirror import                  paste the mail, then Ctrl-D (Ctrl-Z Enter on Windows)"""),
)
@click.argument("source", metavar=N_("[FILE|-]"), required=False, default="-")
@click.pass_context
@guarded
def import_command(ctx: click.Context, source: str) -> None:
    from kundencheck.core.answers import now
    from kundencheck.core.mirror import MirrorError
    from kundencheck.session import MirrorRefused, open_project

    text, shown = _read_mail(source)
    project = open_project(directory_of(ctx))
    try:
        project.check_ready()
        try:
            reply, result = project.import_reply(text, shown, now=now())
        except MirrorRefused as exc:
            raise KundencheckError(refusal_text(exc.refusal, exc.source)) from None
        except MirrorError as exc:
            raise KundencheckError(
                _(
                    "{problem} The invitation's file cannot be read, so the client's block cannot be "
                    "checked against it. Fix the file (`git log -p {file}` shows how it was "
                    "committed) and import again. Nothing was committed."
                ).format(problem=str(exc), file=exc.source)
            ) from None
        console = _console()
        counts = _counts(reply, project)
        console.print(
            _(
                "Imported the client's answers to invitation {id} (sprint {sprint} of the {phase} phase, "
                "answered by {who} on {day}): {counts}."
            ).format(
                id=reply.invitation,
                sprint=reply.sprint,
                phase=reply.phase,
                who=reply.respondent or _("the client"),
                day=reply.answered.date().isoformat() if reply.answered else "?",
                counts=counts,
            )
        )
        _report(console, result)
        _print_gaps(console, project, reply)
    finally:
        project.close()


def _read_mail(source: str) -> tuple[str, str]:
    """The text of the mail or file ``source`` (``-``: standard input) and its name for messages."""
    from kundencheck.core.checklist import read_file_bytes

    if source == "-":
        if sys.stdin.isatty():
            _console(stderr=True).print(
                _("Paste the client's reply mail (or the block), then press Ctrl-D (Ctrl-Z and Enter on Windows):")
            )
        raw = sys.stdin.buffer.read(MAX_MAIL_BYTES + 1)
        shown = _("standard input")
        if len(raw) > MAX_MAIL_BYTES:
            raise KundencheckError(
                _(
                    "{file}: is larger than {limit:,} bytes; paste the reply mail, or the block alone. Nothing was committed."
                ).format(file=shown, limit=MAX_MAIL_BYTES)
            )
    else:
        shown = source
        raw = read_file_bytes(
            Path(source),
            KundencheckError,
            what=N_("a reply mail"),
            limit=MAX_MAIL_BYTES,
            hint=N_("Save the reply mail alone, or the block the client sent."),
        )
    return raw.decode("utf-8", "replace"), shown


def refusal_text(refusal: BlockRefusal, source: str) -> str:
    """Why the block in ``source`` was not imported, and what to do, in one paragraph."""
    from kundencheck.core.mirror import BLOCK_BEGIN
    from kundencheck.core.text import one_line

    reason, invitation = refusal.reason, refusal.invitation
    if reason == "no-block":
        text = _(
            "{source} holds no answer block of a kundencheck invitation: no line {begin} was found (not even "
            "quoted with > or encoded as quoted-printable). Import the client's whole reply mail, or the file the "
            "client attached (kundencheck-ID.txt). If the client answered in words instead, talk it through with "
            "the team; the block is what the page makes when the client presses its button."
        ).format(source=source, begin=BLOCK_BEGIN)
    elif reason == "broken":
        text = _(
            "{source}: the answer block is incomplete: between its first and last line there must be the line "
            "Invitation:, the lines of the answers and the line MAC:, as the page wrote them. Import the block as "
            "the client sent it, whole (a mail program may have cut or joined its lines: the attached file, "
            "kundencheck-ID.txt, has it as it was)."
        ).format(source=source)
    elif reason == "unknown":
        text = (
            _unknown_text(invitation, dict.fromkeys(refusal.known))
            + " "
            + _("The block in {source} names that invitation.").format(source=source)
        )
    elif reason == "tampered":
        text = _(
            "{source}: the answer block of invitation {id} does not verify: its check code (MAC) does not fit its "
            "answers, so the block was changed after the client's page made it (one character is enough), or it "
            "was made for another invitation. Ask the client to send the block again, copied whole or as the "
            "attached file."
        ).format(source=source, id=invitation)
    elif reason == "replayed":
        reply = refusal.reply
        text = _(
            "{source}: the client's answers to invitation {id} were imported already (on {day} by {who}, "
            "{file}); a block is imported once. To ask the client again, send a new invitation: "
            "`kundencheck mirror invite {phase}`."
        ).format(
            source=source,
            id=invitation,
            day=reply.imported.date().isoformat() if reply else "?",
            who=one_line(reply.imported_by, 80) if reply else "?",
            file=reply.path if reply else "?",
            phase=reply.phase if reply else "",
        )
    else:
        text = _(
            "{source}: the answer block of invitation {id} verifies, but its answers do not fit the invitation "
            "(an item it did not ask, an answer outside its scale, or none at all). The page never makes such a "
            "block; ask the client to answer again with the page sent."
        ).format(source=source, id=invitation)
    return text + " " + _("Nothing was committed.")


def _counts(reply: ClientReply, project: Project) -> str:
    from kundencheck.core.bands import answer_band, count_bands
    from kundencheck.rich_texts import counts_text

    try:
        checklist = project.catalog.find(reply.checklist, reply.language)
    except KundencheckError:
        checklist = None
    bands = count_bands(answer_band(checklist.item(a.item) if checklist else None, a.value) for a in reply.answers)
    return counts_text(bands.as_dict(), separator="  ").plain


def _print_gaps(console: Console, project: Project, reply: ClientReply) -> None:
    """The perception gaps the client's answers make with the team's, read from the history."""
    from rich.text import Text

    summary, _problems = project.summary()
    gaps = [
        gap
        for gap in summary.gaps(reply.phase)
        if gap.sprint == reply.sprint and any(e.run == reply.invitation for e in gap.client.entries)
    ]
    if not gaps and not any(r.invitation == reply.invitation for r in summary.unplaced_client_replies):
        console.print(_("No perception gap: wherever the team answered green, the client did too."))
        return
    if not gaps:
        console.print(
            _("The team has not answered sprint {sprint} yet: the client's answers stand beside the team's once it has.").format(
                sprint=reply.sprint
            )
        )
        return
    console.print(
        Text(
            ngettext(
                "⚠ {n} perception gap (the team answered green, the client red or amber):",
                "⚠ {n} perception gaps (the team answered green, the client red or amber):",
                len(gaps),
            ).format(n=len(gaps)),
            style="bold yellow",
        )
    )
    for line in gap_lines(summary, gaps):
        console.print("  " + line)
    console.print(_("`kundencheck check` fails on them (rule perception_gap) until the team records an action on each item."))


def gap_lines(summary: HistorySummary, gaps: Iterable[Gap]) -> list[str]:
    """One line per gap: the item, the team's answer, the client's, and whether an action answers it."""
    from kundencheck.core.report import answer_text, title_of
    from kundencheck.core.text import one_line

    lines = []
    for gap in gaps:
        checklist = summary.checklists.get(gap.checklist)
        title = title_of(summary.checklists, gap.checklist, gap.item)
        name = f"{title} ({gap.item})" if title else gap.item
        team = answer_text(gap.team.value, gap.team.kind, checklist, gap.item, gap.team.band)
        client = answer_text(gap.client.value, gap.client.kind, checklist, gap.item, gap.client.band)
        comments = "; ".join(one_line(e.note, 120) for e in gap.client.entries if e.note)
        line = _("{item}, sprint {sprint}: team {team}, client {client}").format(
            item=name, sprint=one_line(gap.sprint, 20), team=team, client=client
        )
        if comments:
            line += f' ("{comments}")'
        if gap.action is not None:  # (the gap is not open)
            line += " · " + _('answered by the action "{what}"').format(what=one_line(gap.action.what, 60))
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------- status


@mirror.command(
    "status",
    help=N_(
        "The invitations of this repository, newest first: which the client answered (when, imported by "
        "whom) and which are still waiting, with their age; and the perception gaps the answers show."
    ),
    epilog=N_("""\
Examples:
  kundencheck mirror status
  kundencheck mirror status --json            the same for scripts"""),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON for scripts (docs/mirror.md)."))
@click.option(
    "--today",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar=N_("YYYY-MM-DD"),
    help=N_("Count the waiting days as of this day (default: today)."),
)
@click.pass_context
@guarded
def status_command(ctx: click.Context, as_json: bool, today: dt.datetime | None) -> None:
    from kundencheck.core.mirror import invitation_states
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx), allow_detached=True)
    try:
        day = today.date() if today is not None else dt.date.today()
        files = project.mirror_files()
        states = invitation_states(files.invitations.values(), files.replies, day)
        summary, _problems = project.summary(day)
    finally:
        project.close()
    if as_json:
        click.echo(json.dumps(_status_dict(states, summary, files, day), ensure_ascii=False, indent=2))
        return
    _print_status(states, summary, files)


def _status_dict(states: list[InvitationState], summary: HistorySummary, files: MirrorFiles, day: dt.date) -> dict[str, Any]:
    from kundencheck.core.report import gap_dict

    return {
        "schema": 1,
        "today": day.isoformat(),
        "invitations": [
            {
                "id": s.invitation.id,
                "phase": s.invitation.phase,
                "checklist": s.invitation.checklist,
                "sprint": s.invitation.sprint,
                "language": s.invitation.language,
                "to": s.invitation.to,
                "created": s.invitation.created.isoformat(),
                "created_by": s.invitation.created_by,
                "items": list(s.invitation.items),
                "answered": s.answered,
                "age_days": s.age,
                "reply": None
                if s.reply is None
                else {
                    "respondent": s.reply.respondent,
                    "file": s.reply.path,
                    "answered": s.reply.answered.isoformat() if s.reply.answered else None,
                    "imported": s.reply.imported.isoformat(),
                    "imported_by": s.reply.imported_by,
                    "answers": {a.item: {"value": a.value, "comment": a.comment} for a in s.reply.answers},
                },
            }
            for s in states
        ],
        "gaps": [gap_dict(gap, summary) for gap in summary.gaps()],
        "problems": [str(problem) for problem in files.problems],
    }


def _print_status(states: list[InvitationState], summary: HistorySummary, files: MirrorFiles) -> None:
    from rich.table import Table
    from rich.text import Text

    from kundencheck.core.text import one_line

    console = _console()
    for problem in files.problems:
        _console(stderr=True).print(
            _("kundencheck: this mirror file cannot be read and is left out: {problem}").format(
                problem=one_line(str(problem), 400)
            )
        )
    if not states:
        console.print(_("No invitations yet. Ask the client with `kundencheck mirror invite`."))
        return
    table = Table()
    for column in (_("Invitation"), _("Phase"), _("Sprint"), _("For"), _("Sent"), _("State")):
        table.add_column(column)
    for state in states:
        invitation = state.invitation
        if state.reply is not None:
            reply = state.reply
            day = (reply.answered or reply.imported).date().isoformat()
            cell = Text(_("✔ answered {day}").format(day=day), style="green")
            cell.append("\n" + _("imported by {who}").format(who=one_line(reply.imported_by.split(" <")[0], 30)), style="dim")
        else:
            waiting = ngettext("… waiting, {n} day", "… waiting, {n} days", state.age).format(n=state.age)
            cell = Text(waiting, style="yellow" if state.age >= 14 else "")
        table.add_row(
            invitation.id,
            invitation.phase,
            one_line(invitation.sprint, 20),
            one_line(invitation.to, 30),
            invitation.created.date().isoformat(),
            cell,
        )
    console.print(table)
    answered = sum(1 for s in states if s.answered)
    console.print(
        _("{sent} sent, {answered} answered, {waiting} waiting.").format(
            sent=len(states), answered=answered, waiting=len(states) - answered
        )
    )
    gaps = summary.gaps()
    if gaps:
        open_gaps = [gap for gap in gaps if gap.is_open]
        console.print(
            Text(
                _("Perception gaps (the team answered green, the client red or amber): {n}, {open} without an action").format(
                    n=len(gaps), open=len(open_gaps)
                ),
                style="bold",
            )
        )
        for gap, line in zip(gaps, gap_lines(summary, gaps), strict=True):
            console.print(Text(("⚠ " if gap.is_open else "✔ ") + line, style="yellow" if gap.is_open else ""))
    for reply in summary.unplaced_client_replies:
        console.print(
            _(
                "The team has not answered sprint {sprint} of {phase} yet: the client's answers to {id} stand "
                "beside the team's once it has."
            ).format(sprint=one_line(reply.sprint, 20), phase=reply.phase, id=reply.invitation)
        )
