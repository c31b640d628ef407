"""Setting a project up: ``init``, ``phase``, ``config``, ``completion`` and ``validate``.

The project config is written with tomlkit so that a second ``init`` or a ``phase`` change edits
only the keys asked for and keeps the team's comments and layout. Every write is committed like
the answers are (only that file, the user's index and work tree otherwise untouched), so
``git log .kundencheck/config.toml`` is the project's phase history.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.core.config import (
    CONFIG_PATH,
    DEFAULT_CADENCE_DAYS,
    ConfigError,
    config_from_dict,
    load_config,
)
from kundencheck.core.errors import KundencheckError, StoreError, UsageError
from kundencheck.core.i18n import N_, _, ngettext, set_language, translate

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

    from kundencheck.core.catalog import Catalog
    from kundencheck.core.checklist import Checklist, Difference
    from kundencheck.core.config import Config
    from kundencheck.store.git_store import CommitResult, GitStore

#: The subject of the commits that write the project config (in the language of the output).
CONFIG_SUBJECT = N_("kundencheck: configure project")


# ----------------------------------------------------------------------------- shared helpers


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _toml(value: object) -> str:
    import tomlkit

    return tomlkit.item(value).as_string()


class Setting(NamedTuple):
    key: str  # the key in its table
    table: str | None  # None: top level
    flag: str  # the init flag that sets it

    @property
    def dotted(self) -> str:
        return f"{self.table}.{self.key}" if self.table else self.key


SETTINGS = (
    Setting("project", None, "--project"),
    Setting("client", None, "--client"),
    Setting("agency", None, "--agency"),
    Setting("language", None, "--language"),
    Setting("phase", None, "--phase"),
    Setting("cadence_days", None, "--cadence"),
    Setting("branch", "storage", "--branch"),
    Setting("commit_msg_hook", "storage", "--commit-msg-hook/--no-commit-msg-hook"),
    Setting("push", "storage", "--push/--no-push"),
)
PHASE = SETTINGS[4]


def known_phases(config: Config, catalog: Catalog) -> list[str]:
    """Phases a project can be in: those of its checklists (shipped and own), the phases its
    config maps to a checklist, and any checklist id (a checklist can be run as a phase)."""
    found = list(catalog.phases())
    for name in [*config.checklists, *sorted({cid for cid, _lang in catalog.checklists})]:
        if name not in found:
            found.append(name)
    return found


def _check_phase(name: str, config: Config, catalog: Catalog) -> None:
    known = known_phases(config, catalog)
    if name not in known:
        raise UsageError(
            _(
                "{name} is not a known phase. Known: {known}. A phase of your own needs a checklist in "
                ".kundencheck/checklists/ first (see `kundencheck init --copy-checklists` and "
                "docs/checklist-format.md)."
            ).format(name=repr(name), known=", ".join(known))
        )


def _validate(
    doc: TOMLDocument, path: Path, flags: dict[str, str] | None = None, remotes: set[str] | None = None
) -> tuple[Config, str]:
    """Check the document with the same rules as reading the config (and its branch against
    the repository's ``remotes``); a bad flag value is reported against the flag, not against a
    file that was never written."""
    import tomlkit

    from kundencheck.core.config import check_branch

    text = tomlkit.dumps(doc)
    try:
        config = config_from_dict(doc.unwrap(), str(path), text=text)
        check_branch(config, remotes or ())
        return config, text
    except ConfigError as exc:
        flag = (flags or {}).get(exc.key or "")
        if flag and exc.problem is not None:
            raise UsageError(f"{flag}: {exc.problem}") from None
        raise


def _commit(store: GitStore, relpath: str, content: str | bytes, message: str, hook: bool) -> CommitResult:
    """Commit one file below .kundencheck/ the way answers are committed."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        return store.commit_file(relpath, data, message, run_commit_msg_hook=hook, replace=True)
    except StoreError as exc:
        raise StoreError(
            exc.message
            + " "
            + _("({file} was not committed; run the command again once that is sorted out.)").format(file=relpath),
            refused=exc.refused,
        ) from None


def _report(result: CommitResult, relpath: str) -> None:
    from kundencheck.commit_texts import warning_text

    console = _console()
    console.print(
        _("Committed {sha} on {branch}: {subject} ({file})").format(
            sha=result.sha[:10], branch=result.branch or "HEAD", subject=result.subject, file=relpath
        )
    )
    for warning in result.warnings:
        console.print(_("Note: {warning}").format(warning=warning_text(warning)))


# ----------------------------------------------------------------------------- the config document


def new_document(values: dict[str, Any], phases: list[str]) -> TOMLDocument:
    """A fresh config with every key and a comment above each saying what it is and what is allowed.

    Written as text (tomlkit would put a blank line between a comment and a table header) and
    parsed with tomlkit, so later edits go through the same round trip as a team's own file.
    """
    import tomlkit

    t = _toml
    mapping = values.get("checklists", {})
    branch = f"branch = {t(values['branch'])}" if values.get("branch") else '# branch = "kundencheck"'
    # The comments are in the language of the output (the keys and values are the file format's).
    lines = [
        *_comment(
            _(
                "kundencheck project settings. A key left out takes its default. Change them with "
                "`kundencheck init --FLAG VALUE` or `kundencheck phase NAME` (your comments are kept), or edit "
                "this file by hand and commit it."
            )
        ),
        "",
        *_comment(_("Name of the project, shown with the results. Any text.")),
        f"project = {t(values['project'])}",
        "",
        *_comment(_("The client the project is for. Any text.")),
        f"client = {t(values['client'])}",
        "",
        *_comment(
            _("Your agency's name, as the client reads it on a mirror invitation (`kundencheck mirror invite`). Any text.")
        ),
        f"agency = {t(values.get('agency', ''))}",
        "",
        *_comment(
            _(
                'Language of the checklists and of kundencheck: "de" or "en". It wins over each person\'s own '
                "setting (user config) and over LANG."
            )
        ),
        f"language = {t(values['language'])}",
        "",
        *_comment(_("The phase the project is in now: `kundencheck` runs this phase's checklist.")),
        *_comment(_("One of: {phases} (or a phase of your own checklists).").format(phases=", ".join(phases))),
        *_comment(_("Move on with `kundencheck phase NAME`, so every change of phase is in git log.")),
        f"phase = {t(values['phase'])}",
        "",
        *_comment(_("How often the team answers the checklist, in days: a whole number from 1 to 366.")),
        f"cadence_days = {t(values['cadence_days'])}",
        "",
        *_comment(
            _(
                'Which checklist is used in which phase: phase = "checklist-id" (lowercase letters, digits, '
                "dashes). An id is a shipped checklist or one of yours in .kundencheck/checklists/ID.LANG.toml "
                "(`kundencheck init --copy-checklists`)."
            )
        ),
        "[checklists]",
    ]
    for phase in phases:
        lines += [
            *_comment(_("Checklist for the {phase} phase.").format(phase=phase)),
            f"{phase} = {t(mapping.get(phase, phase))}",
        ]
    lines += [
        "",
        *_comment(_("How the answers are committed.")),
        "[storage]",
        *_comment(
            _(
                'Branch that gets the answers commits instead of the checked-out one, e.g. "kundencheck" '
                "(a branch name). Commented out: commit on the checked-out branch."
            )
        ),
        branch,
        "",
        *_comment(_("Run the repository's commit-msg hook on kundencheck's commits: true or false.")),
        f"commit_msg_hook = {t(values['commit_msg_hook'])}",
        "",
        *_comment(
            _(
                "Suggest pushing the answers commit after committing: true or false. It is a suggestion: each "
                "person accepts it once with `kundencheck config --push accept`."
            )
        ),
        f"push = {t(values['push'])}",
        "",
        *_comment(
            _(
                "What `kundencheck check` (the CI and pre-push gate, docs/gate.md) does with each rule: "
                '"error" (reported, and the check fails), "warning" (reported only) or "off".'
            )
        ),
        "[check]",
        *_comment(_("The current phase's check is due (see cadence_days) or was never done.")),
        'due = "error"',
        *_comment(_("A key signal of the checklist (team mood, client contact, expectations) is red in the current sprint.")),
        'key_signal_low = "error"',
        *_comment(
            _("An item is red in this many sprints in a row (sprints: 1 to 52), whether or not its actions were done or dropped.")
        ),
        'red_streak = { level = "error", sprints = 2 }',
        *_comment(_("At least this many items are worse than in the sprint before (items: 1 to 100).")),
        'decline = { level = "error", items = 3 }',
        *_comment(_("A red answer in the current sprint has no open action.")),
        'red_without_action = "error"',
        *_comment(_("An open action is past its due date.")),
        'overdue_action = "error"',
        *_comment(_("Someone says yes and someone no to the same item in the current sprint.")),
        'disagreement = "error"',
        *_comment(
            _(
                "The client, asked with `kundencheck mirror invite`, answered an item red or amber that the team "
                "answered green, and no action on it has been recorded since."
            )
        ),
        'perception_gap = "error"',
        "",
        *_comment(
            _(
                "Tone towards the client: notes are checked, offline, for contemptuous or fatalistic words about "
                'the client ("stubborn", "pixel-perfect", "hopeless"; a short list in German and English). A '
                'match is a hint while typing and a "tone" signal in status and the reports; it never blocks a '
                "commit."
            )
        ),
        "[tone]",
        *_comment(_("Check the notes: true or false.")),
        "enabled = true",
        *_comment(
            _('Words or phrases of your own to look for, e.g. ["they always", "typical"]; a * at the end matches any ending.')
        ),
        "words = []",
        *_comment(_('Words of the shipped list that are no judgement in this project, e.g. ["pixel-perfect"].')),
        "ignore = []",
    ]
    return tomlkit.parse("\n".join(lines) + "\n")


def _comment(text: str) -> list[str]:
    """``text`` as TOML comment lines of at most 90 characters."""
    import textwrap

    return ["# " + line for line in textwrap.wrap(text, 88, break_long_words=False, break_on_hyphens=False)]


def _set_key(doc: TOMLDocument, setting: Setting, value: object) -> None:
    """Set one key, keeping everything else of the document (comments, order, spacing)."""
    import tomlkit
    from tomlkit.items import AoT, Table

    container = doc
    if setting.table is not None:
        if setting.table not in doc:
            doc.add(setting.table, tomlkit.table())
        container = doc[setting.table]
    if setting.key == "branch" and value == "":
        if setting.key in container:
            del container[setting.key]
        return
    if setting.key in container or setting.table is not None:
        container[setting.key] = value
        return
    # A new top-level key goes after the last top-level key, not after the first table's comments.
    index = 0
    for n, (key, item) in enumerate(doc.body):
        if isinstance(item, (Table, AoT)):
            break
        if key is not None:
            index = n + 1
    if index < len(doc.body):
        doc._insert_at(index, setting.key, value)
    else:  # the last top-level key ends the document: tomlkit inserts only before an item
        doc.add(setting.key, value)


def _uncomment(text: str, setting: Setting, value: object) -> str:
    """Where a table key is only there as a commented-out example (``# branch = "kundencheck"``),
    put the real key on that line instead of adding it at the table's end."""
    import re

    if setting.table is None or value in (None, ""):
        return text
    lines = text.splitlines(keepends=True)
    inside, candidate = False, None
    for n, line in enumerate(lines):
        if re.match(r"^\s*\[", line):
            if inside:
                break
            inside = re.match(rf"^\s*\[\s*{re.escape(setting.table)}\s*\]", line) is not None
            continue
        if not inside:
            continue
        if re.match(rf"^\s*{re.escape(setting.key)}\s*=", line):
            return text  # the key is there: tomlkit sets it in place
        if candidate is None and re.match(rf"^\s*#\s*{re.escape(setting.key)}\s*=", line):
            candidate = n
    if candidate is None:
        return text
    lines[candidate] = f"{setting.key} = {_toml(value)}\n"
    return "".join(lines)


def _current(data: dict[str, Any], setting: Setting) -> Any:
    table = data.get(setting.table, {}) if setting.table else data
    return table.get(setting.key) if isinstance(table, dict) else None


# ----------------------------------------------------------------------------- init


@command(
    help=N_(
        "Write the project's .kundencheck/config.toml (every key explained in a comment) and commit it.\n\n"
        "A second run changes only the keys given as flags and keeps your comments and layout."
    ),
    epilog=N_("""\
Examples:
  kundencheck init                                  asks (in a terminal) and writes .kundencheck/config.toml
  kundencheck init --project Shop --client "Kunde GmbH" --language de
  kundencheck init --cadence 7                      later: change only this key, comments kept
  kundencheck init --push                           commit and push the config, answers pushed from now on
  kundencheck init --copy-checklists                copy the shipped checklists of the project's language
  kundencheck checklist add-item build              add a question of your own instead (no copy)"""),
)
@click.option("--project", "project_name", metavar=N_("NAME"), help=N_("Project name (default: the repository folder's name)."))
@click.option("--client", metavar=N_("NAME"), help=N_("The client the project is for."))
@click.option("--agency", metavar=N_("NAME"), help=N_("Your agency's name, shown to the client on mirror invitations."))
@click.option(
    "--language", type=click.Choice(["de", "en"]), help=N_("Language of the checklists (default: yours, else LANG, else en).")
)
@click.option("--phase", metavar=N_("PHASE"), help=N_("The current phase (default: build)."))
@click.option("--cadence", "cadence_days", type=int, metavar=N_("DAYS"), help=N_("Days between checks, 1 to 366 (default: 14)."))
@click.option(
    "--branch", metavar=N_("BRANCH"), help=N_('Commit answers onto this branch instead of the checked-out one ("" to go back).')
)
@click.option(
    "--push/--no-push",
    default=None,
    help=N_(
        "Suggest pushing answers commits after committing (storage.push; default: no). Each person "
        "accepts the suggestion once with `kundencheck config --push accept`. --push also pushes "
        "this commit now."
    ),
)
@click.option(
    "--commit-msg-hook/--no-commit-msg-hook",
    "commit_msg_hook",
    default=None,
    help=N_("Run the repository's commit-msg hook on kundencheck's commits (default: yes)."),
)
@click.option(
    "--copy-checklists",
    is_flag=True,
    help=N_(
        "Copy the shipped checklists of the project's language into .kundencheck/checklists/ to customise them, in one commit."
    ),
)
@click.option(
    "--all-languages",
    is_flag=True,
    help=N_("With --copy-checklists: copy the checklists of every language, not only the project's."),
)
@click.pass_context
@guarded
# ctx is positional-only: pass_context passes it so, and **flags could not hold it.
def init(ctx: click.Context, /, copy_checklists: bool, all_languages: bool, **flags: Any) -> None:
    import tomlkit

    from kundencheck.core.catalog import load_catalog
    from kundencheck.core.checklist import KNOWN_PHASES
    from kundencheck.core.user_config import effective_language, load_user_config
    from kundencheck.store.git_store import GitStore

    given = {s: flags[_param(s)] for s in SETTINGS if flags[_param(s)] is not None}
    flag_names = {s.dotted: s.flag for s in SETTINGS}
    if flags["language"]:  # the project's new language: the config's comments, the commit, what is said
        set_language(flags["language"])
    store = GitStore.open(directory_of(ctx))
    committed = False
    try:
        path = store.root / CONFIG_PATH
        if path.exists():
            if not given and not copy_checklists:
                raise UsageError(
                    _(
                        "{file} already exists; kundencheck does not overwrite it. Change single settings with flags "
                        "(e.g. `kundencheck init --cadence 7`, `kundencheck phase acceptance`; your comments are "
                        "kept), or edit the file by hand."
                    ).format(file=path)
                )
            old = load_config(store.root)  # a broken config is named with file, line and key first
            if given:
                text = path.read_text(encoding="utf-8-sig")
                before = tomlkit.parse(text).unwrap()
                for setting, value in given.items():
                    text = _uncomment(text, setting, value)
                doc = tomlkit.parse(text)
                if PHASE in given:
                    _check_phase(given[PHASE], old, load_catalog(store.root))
                for setting, value in given.items():
                    _set_key(doc, setting, value)
                config, text = _validate(doc, path, flag_names, store.remotes())
                changes = []
                for setting in given:
                    was, now = _current(before, setting), _current(doc.unwrap(), setting)
                    if was != now:
                        changes.append(f"- {setting.dotted}: {_shown(was)} -> {_shown(now)}")
                if changes:
                    message = (
                        translate(CONFIG_SUBJECT)
                        + "\n\n"
                        + _("Changed in {file}:").format(file=CONFIG_PATH)
                        + "\n"
                        + "\n".join(changes)
                        + "\n"
                    )
                    _report(_commit(store, CONFIG_PATH, text, message, config.commit_msg_hook), CONFIG_PATH)
                    committed = True
                else:
                    _console().print(_("{file} already has these settings; nothing to commit.").format(file=CONFIG_PATH))
            else:
                config = old
        else:
            user = load_user_config()
            values: dict[str, Any] = {
                "project": store.root.name,
                "client": "",
                "agency": "",
                "language": effective_language(None, user)[0],
                "phase": "build",
                "cadence_days": DEFAULT_CADENCE_DAYS,
                "branch": "",
                "commit_msg_hook": True,
                "push": False,
            }
            catalog = load_catalog(store.root)
            if not given and _stdin_is_tty():
                values.update(_ask(values, known_phases(load_config(store.root), catalog)))
                if values["push"]:
                    flags["push"] = True  # asked for: this commit is pushed too, as with --push
            values.update({s.key: v for s, v in given.items()})
            set_language(values["language"])  # the one asked for in the terminal, if it was asked
            if PHASE in given:
                _check_phase(values["phase"], load_config(store.root), catalog)
            doc = new_document(values, list(KNOWN_PHASES))
            config, text = _validate(doc, path, flag_names, store.remotes())
            lines = [
                f"- {s.dotted} = {_toml(values[s.key])}" for s in SETTINGS if not (s.key == "branch" and not values["branch"])
            ]
            lines.append(
                "- " + _("checklists: each phase uses its shipped checklist ({phases})").format(phases=", ".join(KNOWN_PHASES))
            )
            message = (
                translate(CONFIG_SUBJECT)
                + "\n\n"
                + _("Created {file}:").format(file=CONFIG_PATH)
                + "\n"
                + "\n".join(lines)
                + "\n"
            )
            _report(_commit(store, CONFIG_PATH, text, message, config.commit_msg_hook), CONFIG_PATH)
            committed = True
        if copy_checklists:
            committed = _copy_checklists(store, config, all_languages=all_languages) or committed
        if flags["push"]:
            _push(store, committed)
    finally:
        store.close()


def _ask(values: dict[str, Any], phases: list[str]) -> dict[str, Any]:
    """The questions of an interactive ``init``, the language first: once it is chosen, every
    question after it is asked in that language (and the config's comments are written in it)."""
    asked: dict[str, Any] = {}
    asked["language"] = click.prompt(
        _("Language of kundencheck and the checklists (de: Deutsch, en: English)"),
        type=click.Choice(["de", "en"]),
        default=values["language"],
    )
    set_language(asked["language"])
    asked["project"] = click.prompt(_("Project name"), default=values["project"])
    asked["client"] = click.prompt(_("Client"), default="", show_default=False)
    asked["agency"] = click.prompt(_("Agency name (the client reads it on mirror invitations)"), default="", show_default=False)
    asked["phase"] = click.prompt(_("Current phase"), type=click.Choice(phases), default="build")
    yes, no = _("yes"), _("no")
    push = click.prompt(
        _("Suggest pushing the answers after each commit, and push this commit now?"),
        type=click.Choice([yes, no], case_sensitive=False),
        default=no,
    )
    asked["push"] = push.lower() == yes.lower()
    return asked


def _push(store: GitStore, committed: bool) -> None:
    """``init --push``: push the branch with the commits just made, as `kundencheck push`
    does; when it cannot, say which refusal it was and what to do (the commits stay; the exit
    status stays 0)."""
    from kundencheck.push_texts import Committed, failure_text, pushed_text
    from kundencheck.store.git_store import PushError

    try:
        pushed = store.push()
    except PushError as exc:
        _console(stderr=True).print(
            _("kundencheck: warning: {problem}").format(
                problem=failure_text(exc.failure, committed=Committed.SETUP if committed else False)
            )
        )
        return
    except KundencheckError as exc:
        _console(stderr=True).print(_("kundencheck: warning: {problem}").format(problem=str(exc)))
        return
    if committed:
        _console().print(pushed_text(pushed))
    else:
        _console().print(_("Nothing new was committed; pushed the branch as it is: {result}").format(result=pushed_text(pushed)))


def _param(setting: Setting) -> str:
    return {"project": "project_name"}.get(setting.key, setting.key)


def _shown(value: object) -> str:
    return _("(not set)") if value is None else _toml(value)


def _copy_checklists(store: GitStore, config: Config, *, all_languages: bool = False) -> bool:
    """Copy the shipped checklists of the project's language (of every language with
    ``all_languages``) into .kundencheck/checklists/ in one commit; files there already are never
    overwritten. Says what was committed and what was skipped; returns whether it committed."""
    from kundencheck import __version__
    from kundencheck.commit_texts import warning_text
    from kundencheck.core.catalog import PROJECT_CHECKLISTS, shipped_dir
    from kundencheck.core.user_config import effective_language, load_user_config

    console = _console()
    language = config.language or effective_language(None, load_user_config())[0]
    sources = sorted(shipped_dir().glob("*.toml") if all_languages else shipped_dir().glob(f"*.{language}.toml"))
    copied: dict[str, bytes] = {}
    skipped = []
    for source in sources:
        relpath = f"{PROJECT_CHECKLISTS}/{source.name}"
        if (store.root / relpath).exists():
            skipped.append(relpath)
        else:
            copied[relpath] = source.read_bytes()
    if skipped:
        console.print(
            ngettext(
                "Skipped {count} that already exists (not overwritten): {files}.",
                "Skipped {count} that already exist (not overwritten): {files}.",
                len(skipped),
            ).format(count=len(skipped), files=", ".join(Path(p).name for p in skipped))
        )
    if not copied:
        console.print(
            _("Nothing to copy: every shipped checklist of {languages} is in {folder}/ already.").format(
                languages=_("every language") if all_languages else language, folder=PROJECT_CHECKLISTS
            )
        )
        return False
    names = [Path(p).name for p in copied]
    subject = (
        _("kundencheck: copy the shipped checklists")
        if all_languages
        else _("kundencheck: copy the shipped checklists ({language})").format(language=language)
    )
    message = (
        subject
        + "\n\n"
        + _("Copied from kundencheck {version} into {folder}/ to be customised for this project:").format(
            version=__version__, folder=PROJECT_CHECKLISTS
        )
        + "\n"
        + "\n".join(f"- {name}" for name in names)
        + "\n"
    )
    try:
        result = store.commit_files(copied, message, run_commit_msg_hook=config.commit_msg_hook)
    except StoreError as exc:
        raise StoreError(
            exc.message + " " + _("(The checklists were not committed; run the command again once that is sorted out.)")
        ) from None
    console.print(
        _("Committed {sha} on {branch}: {subject}").format(
            sha=result.sha[:10], branch=result.branch or "HEAD", subject=result.subject
        )
    )
    console.print(
        ngettext(
            "It holds {count} checklist in {folder}/: {files}.", "It holds {count} checklists in {folder}/: {files}.", len(names)
        ).format(count=len(names), folder=PROJECT_CHECKLISTS, files=", ".join(names))
    )
    for warning in result.warnings:
        console.print(_("Note: {warning}").format(warning=warning_text(warning)))
    console.print(
        _(
            "Edit them (format: docs/checklist-format.md), check with `kundencheck validate`, and commit. "
            "A copy no longer follows kundencheck's improvements to the shipped checklists; to add a "
            "question of your own and keep them, use `kundencheck checklist add-item PHASE` instead."
        )
    )
    return True


# ----------------------------------------------------------------------------- phase


def _complete_phase(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion for phase names: the shipped phases and the project's own checklists."""
    from kundencheck.core.catalog import load_catalog
    from kundencheck.core.config import Config
    from kundencheck.store.git_store import GitStore

    try:
        with GitStore.open(directory_of(ctx)) as store:
            names = known_phases(load_config(store.root), load_catalog(store.root))
    except KundencheckError:
        names = known_phases(Config(), load_catalog(None))
    return [n for n in names if n.startswith(incomplete)]


@command(
    help=N_("Show the project's current phase, or move it to NAME (committed to the config)."),
    epilog=N_("""\
Examples:
  kundencheck phase                 show the current phase and the known ones
  kundencheck phase acceptance      move the project on (committed: see git log)"""),
)
@click.argument("name", required=False, metavar=N_("[NAME]"), shell_complete=_complete_phase)
@click.pass_context
@guarded
def phase(ctx: click.Context, name: str | None) -> None:
    import tomlkit

    from kundencheck.core.checklist import KNOWN_PHASES
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx))
    try:
        config, catalog = project.config, project.catalog
        current = project.current_phase()
        known = known_phases(config, catalog)
        path = project.root / CONFIG_PATH
        console = _console()
        if name is None:
            if config.phase:
                where = _("from {file}").format(file=CONFIG_PATH)
            else:
                where = _("the default; {file} sets none").format(file=CONFIG_PATH)
            console.print(_("Current phase: {phase} ({where})").format(phase=current, where=where))
            console.print(_("Known phases:"))
            for phase_name in known:
                marker = "▶" if phase_name == current else " "
                target = config.checklists.get(phase_name, phase_name)
                suffix = "  " + _("(checklist {checklist})").format(checklist=target) if target != phase_name else ""
                current_mark = "  " + _("(current)") if phase_name == current else ""
                console.print(f" {marker} {phase_name}{suffix}{current_mark}")
            console.print(_("Move on with: {command}").format(command="kundencheck phase NAME"))
            return
        _check_phase(name, config, catalog)
        if name == current:
            console.print(_("The project is already in phase {phase}; nothing to commit.").format(phase=name))
            return
        if path.exists():
            doc = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
            _set_key(doc, PHASE, name)
        else:
            values = {
                "project": project.root.name,
                "client": "",
                "language": project.language,
                "phase": name,
                "cadence_days": DEFAULT_CADENCE_DAYS,
                "branch": "",
                "commit_msg_hook": True,
                "push": False,
            }
            doc = new_document(values, list(KNOWN_PHASES))
        new_config, text = _validate(doc, path, remotes=project.store.remotes())
        target = new_config.checklists.get(name, name)
        message = (
            _("kundencheck: phase {old} -> {new}").format(old=current, new=name)
            + "\n\n"
            + _(
                "The project moves from the {old} phase to the {new} phase; `kundencheck` now runs the {checklist} checklist."
            ).format(old=current, new=name, checklist=target)
            + "\n"
        )
        _report(_commit(project.store, CONFIG_PATH, text, message, new_config.commit_msg_hook), CONFIG_PATH)
    finally:
        project.close()


# ----------------------------------------------------------------------------- config


@command(
    "config",
    help=N_(
        "Show kundencheck's settings: the project's config, your user config, and which one wins.\n\n"
        "`--push accept` or `--push decline` answers, for this repository, a project's suggestion to push "
        "after each commit (push = true in .kundencheck/config.toml): it is recorded in your user config, and "
        "until you accept it nothing is pushed unless you give `--push`."
    ),
    epilog=N_("""\
Examples:
  kundencheck config --show-paths    where each setting comes from
  kundencheck config --push accept   push after each commit here, as the project suggests
  kundencheck config --push decline  never push here unless asked with --push"""),
)
@click.option(
    "--show-paths",
    is_flag=True,
    help=N_("Show the config files, whether they exist, and where each effective setting comes from."),
)
@click.option(
    "--push",
    "push_choice",
    type=click.Choice(["accept", "decline"]),
    default=None,
    help=N_("Accept or decline, for this repository, the project's suggestion to push after each commit."),
)
@click.pass_context
@guarded
def config_command(ctx: click.Context, show_paths: bool, push_choice: str | None = None) -> None:
    from kundencheck.core.user_config import (
        check_against,
        effective_language,
        load_user_config,
        user_config_path,
    )
    from kundencheck.store.git_store import GitStore

    console = _console()
    folder: Path | None = None
    try:
        with GitStore.open(directory_of(ctx)) as store:
            root: Path | None = store.root
            folder = store.repository_folder
    except KundencheckError:
        root = None
    if push_choice is not None:
        _record_push_choice(folder, push_choice == "accept")
        return
    user_path = user_config_path()
    project_path = root / CONFIG_PATH if root is not None else None

    def state(p: Path | None) -> str:
        if p is None:
            return _("none (not inside a git repository)")
        return (_("{file} (exists)") if p.exists() else _("{file} (does not exist)")).format(file=p)

    console.print(_("Project config: {state}").format(state=state(project_path)))
    console.print(_("User config:    {state}").format(state=state(user_path)))
    # Read after printing the paths, so a broken file is reported with the paths in view.
    project = load_config(root) if root is not None else None
    user = load_user_config(user_path)
    from kundencheck.core.ui_names import BINDING_IDS, THEMES

    check_against(user, themes=THEMES, binding_ids=BINDING_IDS)
    language, source = effective_language(project.language if project else None, user)
    # The keys (language, phase, theme, keys) are the config's own names: they stay as they are.
    console.print("language: " + _("{value} (from {source})").format(value=language, source=_source_name(source)))
    if project is not None:
        phase_source = _("the project config") if project.phase else _("the default")
        console.print("phase:    " + _("{value} (from {source})").format(value=project.phase or "build", source=phase_source))
    theme = user.theme or "textual-dark"
    theme_source = _("the user config") if user.theme else _("the default")
    console.print("theme:    " + _("{value} (from {source})").format(value=theme, source=theme_source))
    if user.keys:
        remapped = ", ".join(f"{k} = {v}" for k, v in sorted(user.keys.items()))
        console.print("keys:     " + _("{value} (from {source})").format(value=remapped, source=_("the user config")))
    else:
        console.print("keys:     " + _('the defaults (nothing remapped; see README "Remapping keys")'))
    if project is not None and folder is not None:
        console.print("push:     " + _push_state(project.push, user.push.get(str(folder))))
    console.print(_("Which wins: the project config, then the user config, then the environment (LANG), then the default."))


def _push_state(suggested: bool, accepted: bool | None) -> str:
    """Whether commits here are pushed, and why (the decision of core.user_config.decide_push)."""
    from kundencheck.core import user_config

    why = user_config.decide_push(None, suggested, accepted).why
    if why == user_config.PUSH_UNANSWERED:
        return _(
            "no: the project suggests it (storage.push), and you have not accepted that yet (`kundencheck config --push accept`)"
        )
    if why == user_config.PUSH_ACCEPTED:
        return _("yes: the project suggests it and you accepted that in the user config")
    if why == user_config.PUSH_DECLINED:
        return _("no: the project suggests it, and you declined that in the user config")
    return _("no (only with --push)")


def _record_push_choice(folder: Path | None, accept: bool) -> None:
    """Write this person's answer to the project's suggestion to push into their user config."""
    from kundencheck.core.user_config import (
        UserConfigError,
        load_user_config,
        user_config_path,
        with_push_choice,
    )
    from kundencheck.store.atomic import atomic_write

    if folder is None:
        raise UsageError(
            _(
                "`kundencheck config --push` records a choice for one repository: run it inside that "
                "repository (or with -C FOLDER)."
            )
        )
    path = user_config_path()
    user = load_user_config(path)  # a broken file is reported, not overwritten
    try:
        text = with_push_choice(user.text, str(folder), accept)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise UserConfigError(_("Could not write {file}: {reason}.").format(file=path, reason=exc.strerror or exc)) from None
    if accept:
        message = _(
            "Recorded in {file}: after each commit in {folder}, kundencheck pushes when the project suggests "
            "it (storage.push). `kundencheck config --push decline` takes it back."
        )
    else:
        message = _(
            "Recorded in {file}: kundencheck does not push in {folder} unless you give --push. "
            "`kundencheck config --push accept` takes it back."
        )
    _console().print(message.format(file=path, folder=folder))


def _source_name(source: str) -> str:
    return {
        "project config": _("the project config"),
        "user config": _("the user config"),
        "environment": _("the environment: LANGUAGE, LC_ALL, LC_MESSAGES or LANG"),
        "default": _("the default"),
    }[source]


# ----------------------------------------------------------------------------- completion


@command(
    help=N_("Print the shell completion script for bash, zsh or fish (default: your $SHELL)."),
    epilog=N_("""\
Examples:
  eval "$(kundencheck completion bash)"     in ~/.bashrc
  eval "$(kundencheck completion zsh)"      in ~/.zshrc
  kundencheck completion fish > ~/.config/fish/completions/kundencheck.fish"""),
)
@click.argument("shell", required=False, type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(ctx: click.Context, shell: str | None) -> None:
    from click.shell_completion import get_completion_class

    if shell is None:
        name = Path(os.environ.get("SHELL", "")).name
        shell = name if name in ("bash", "zsh", "fish") else "bash"
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover  (the choice above only allows known shells)
        raise click.BadParameter(_("no completion for {shell}").format(shell=shell))
    click.echo(cls(ctx.find_root().command, {}, "kundencheck", "_KUNDENCHECK_COMPLETE").source())


@command(
    "validate",
    help=N_(
        "Check checklist files against the format (docs/checklist-format.md), a team's extensions of the "
        "shipped checklists merged with them, and warn where the German and English versions of one "
        "checklist no longer have the same items, kinds and options.\n\n"
        "Exit status 0 when all are valid (warnings included), 1 when any is not, 2 on a usage error."
    ),
    epilog=N_("""\
Examples:
  kundencheck validate                         the shipped and this project's checklists
  kundencheck validate .kundencheck/checklists/*.toml"""),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar=N_("[PATHS]..."))
@click.pass_context
@guarded
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    from kundencheck.core.catalog import (
        checklist_paths,
        load_catalog,
        load_checklist_file,
    )
    from kundencheck.core.errors import ChecklistError

    root = _project_root_or_none(directory_of(ctx))
    files = list(paths) if paths else checklist_paths(root)
    if not files:
        raise UsageError(_("No checklist files found to validate. Name some: kundencheck validate FILE..."))
    console, errors = _console(), _console(stderr=True)
    bad = 0
    loaded = []
    for path in files:
        try:
            # A file in the work tree is the repository's: a link leading out of it is refused
            # (named on the command line too: `validate .kundencheck/checklists/*.toml` in CI).
            within = root if root is not None and path.absolute().is_relative_to(root) else None
            checklist = load_checklist_file(path, within=within)
        except ChecklistError as exc:
            bad += 1
            errors.print(f"✘ {exc}")
            continue
        loaded.append(checklist)
        if checklist.extends:
            shown = _(
                "✔ {path}: {checklist} ({language}, version {version}, {count} items: the shipped {extends} "
                "checklist and {own} of your own)"
            )
        else:
            shown = ngettext(
                "✔ {path}: {checklist} ({language}, version {version}, {count} item)",
                "✔ {path}: {checklist} ({language}, version {version}, {count} items)",
                len(checklist.items),
            )
        console.print(
            shown.format(
                path=path,
                checklist=checklist.id,
                language=checklist.language,
                extends=checklist.extends,
                version=checklist.version,
                count=len(checklist.items),
                own=_own_count(path),
            )
        )
    warnings = _language_warnings(loaded, load_catalog(root))
    for warning in warnings:
        console.print("⚠ " + warning)
    counted = _("{valid} valid, {invalid} invalid").format(valid=len(files) - bad, invalid=bad)
    if warnings:
        counted += ", " + ngettext("{n} warning", "{n} warnings", len(warnings)).format(n=len(warnings))
    console.print(counted)
    raise SystemExit(1 if bad else 0)


def _own_count(path: Path) -> int:
    """How many items an extension file adds (its own [[items]])."""
    from kundencheck.core.checklist import read_toml_file

    try:
        items = read_toml_file(path).get("items")
    except KundencheckError:
        return 0
    return len(items) if isinstance(items, list) else 0


def _language_warnings(loaded: list[Checklist], catalog: Catalog) -> list[str]:
    """Where the languages of a checklist checked here no longer ask the same: each checklist
    is compared with its other languages (those checked here, else the ones the project uses).
    Only the pairs where one side was checked are compared; each pair once."""
    from kundencheck.core.checklist import language_differences
    from kundencheck.core.errors import KundencheckError

    effective = {}
    try:
        effective = dict(catalog.checklists)
    except KundencheckError:
        pass
    checked = {}
    for checklist in loaded:  # a later file of the same id and language wins, as when running
        checked[(checklist.id, checklist.language)] = checklist
    warnings = []
    done = set()
    for (checklist_id, language), checklist in sorted(checked.items()):
        others = {lang for cid, lang in [*checked, *effective] if cid == checklist_id and lang != language}
        for other_language in sorted(others):
            pair = (checklist_id, *sorted((language, other_language)))
            if pair in done:
                continue
            done.add(pair)
            other = checked.get((checklist_id, other_language)) or effective.get((checklist_id, other_language))
            if other is None:
                continue
            first, second = sorted((checklist, other), key=lambda c: c.language)
            differences = language_differences(first, second)
            if differences:
                warnings.append(_language_warning(first, second, differences))
    return warnings


def _language_warning(first: Checklist, second: Checklist, differences: list[Difference]) -> str:
    """One paragraph: which languages of which checklist differ where, and what to do."""
    parts = []
    for difference in differences:
        if difference.what == "missing":
            other = second.language if difference.language == first.language else first.language
            parts.append(
                _("{item} is only in {language} (not in {other})").format(
                    item=difference.item, language=difference.language, other=other
                )
            )
        elif difference.what == "kind":
            parts.append(
                _("{item} is a {first} item in {first_language} but {second} in {second_language}").format(
                    item=difference.item,
                    first=difference.detail[0],
                    first_language=first.language,
                    second=difference.detail[1],
                    second_language=second.language,
                )
            )
        elif difference.what == "client":
            other = second.language if difference.language == first.language else first.language
            parts.append(
                _("{item} is asked of the client only in {language} (it has no client wording in {other})").format(
                    item=difference.item, language=difference.language, other=other
                )
            )
        elif difference.what == "anonymous":
            other = second.language if difference.language == first.language else first.language
            parts.append(
                _("{item} is anonymous in {language} but not in {other}").format(
                    item=difference.item, language=difference.language, other=other
                )
            )
        else:
            parts.append(
                _("{item} has the options {first} in {first_language} but {second} in {second_language}").format(
                    item=difference.item,
                    first=difference.detail[0],
                    first_language=first.language,
                    second=difference.detail[1],
                    second_language=second.language,
                )
            )
    return _(
        "The {first} and {second} versions of the {checklist} checklist differ: {differences}. People answering "
        "in the other language are asked something else, and the history compares answers by item id. Give "
        "both the same items, kinds and options (`kundencheck checklist add-item {phase} --language LANG` adds "
        "a question to one language)."
    ).format(first=first.language, second=second.language, checklist=first.id, differences="; ".join(parts), phase=first.phase)


def _project_root_or_none(directory: Path) -> Path | None:
    """The repository top for ``directory``, or None outside a repository (validate works there too)."""
    from kundencheck.store.git_store import GitStore

    try:
        with GitStore.open(directory) as store:
            return store.root
    except KundencheckError:
        return None
