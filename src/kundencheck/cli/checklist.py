"""`kundencheck checklist add-item PHASE`: a team's own question, added to a shipped checklist
without copying it.

The question goes into the project's extension file ``.kundencheck/checklists/ID.LANG.toml``
(``extends = "ID"``, docs/checklist-format.md, "A team's own questions"), made on first use;
the shipped questions stay inherited, so a later kundencheck version still improves them. A
project that copied the whole checklist gets the question added to its copy. The file is
checked with the format's rules before it is written, and committed like the project config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kundencheck.cli.common import _console, directory_of, group, guarded
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _

if TYPE_CHECKING:
    from kundencheck.core.catalog import Catalog
    from kundencheck.session import Project

KINDS = ("traffic-light", "scale", "choice", "text", "date")


@group(
    "checklist",
    help=N_(
        "A team's own questions in the shipped checklists: `add-item` adds one to a phase's checklist "
        "without copying it, so the shipped questions still improve with new kundencheck versions."
    ),
    epilog=N_("""\
Examples:
  kundencheck checklist add-item build     asks (in a terminal) for the question, why and kind
  kundencheck checklist add-item build --id staging-shown --question "Did we show the client the staging site?" \\
      --why "Seeing it early turns surprises into feedback." --after client-contacted"""),
)
def checklist() -> None:
    """The group; its commands do the work."""


@checklist.command(
    "add-item",
    help=N_(
        "Add one question of your own to the project's checklist of PHASE, in the project's language (or "
        "--language). It goes into .kundencheck/checklists/ID.LANG.toml, which extends the shipped checklist "
        "(the shipped items stay inherited; made on first use), is checked and committed. Asks in a terminal "
        "for what is not given. A traffic-light question asks for a note on partly and no and an action on "
        "no, as the shipped ones do, unless --note-when / --action-when say otherwise."
    ),
    epilog=N_("""\
Examples:
  kundencheck checklist add-item build
  kundencheck checklist add-item build --id staging-shown --question "Did we show the client the staging site?" \\
      --why "Seeing it early turns surprises into feedback." --after client-contacted
  kundencheck checklist add-item kickoff --id hosting --kind choice --option ours=Ours --option theirs=Theirs \\
      --question "Who hosts the site?" --why "Hosting decided late delays the launch."
  kundencheck checklist add-item build --language en --id staging-shown ...   the same in the English checklist"""),
)
@click.argument("phase", metavar=N_("PHASE"))
@click.option("--id", "item_id", metavar=N_("ID"), help=N_("The item's id: lowercase letters, digits and dashes."))
@click.option(
    "--title", metavar=N_("WORDS"), help=N_("A short title for lists (at most 40 characters; default: lists show the id).")
)
@click.option("--question", help=N_("The question, one sentence."))
@click.option("--why", help=N_("Why it is asked: the lesson behind it, one or two sentences."))
@click.option("--kind", type=click.Choice(KINDS), help=N_("traffic-light (default), scale, choice, text or date."))
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar=N_("ID=LABEL"),
    help=N_("A choice item's option (repeat for each, at least two)."),
)
@click.option("--low", metavar=N_("LABEL"), help=N_("A scale item's label for 1."))
@click.option("--high", metavar=N_("LABEL"), help=N_("A scale item's label for 5."))
@click.option(
    "--note-when",
    metavar=N_("ANSWERS"),
    help=N_(
        "Answers that need a note, comma-separated (traffic light: green, amber, red, na; scale: 1-5; "
        'choice: option ids); "" for none.'
    ),
)
@click.option("--action-when", metavar=N_("ANSWERS"), help=N_("Answers that need an action, as --note-when."))
@click.option("--after", metavar=N_("ITEM"), help=N_("Put the question after this item (default: at the end)."))
@click.option("--optional", is_flag=True, help=N_("The question may be left unanswered."))
@click.option("--language", type=click.Choice(["de", "en"]), help=N_("The checklist's language (default: the project's)."))
@click.pass_context
@guarded
# ctx is positional-only: pass_context passes it so, and **given could not hold it.
def add_item(ctx: click.Context, /, phase: str, **given: Any) -> None:
    from kundencheck.core.checklist import is_safe_id
    from kundencheck.session import open_project

    if not is_safe_id(phase):
        raise UsageError(_("{phase} is not a phase name: lowercase letters, digits and dashes.").format(phase=repr(phase)))
    project = open_project(directory_of(ctx))
    try:
        language = given["language"] or project.language
        checklist_id = project.config.checklists.get(phase, phase)
        item = _item(given, project.catalog, checklist_id, language)
        _add(project, phase, checklist_id, language, item)
    finally:
        project.close()


# ----------------------------------------------------------------------------- the item


def _item(given: dict[str, Any], catalog: Catalog, checklist_id: str, language: str) -> dict[str, Any]:
    """The new item's table, from the flags, asking in a terminal for what they leave out."""
    from kundencheck.cli.setup import _stdin_is_tty

    interactive = _stdin_is_tty()
    missing = [flag for flag, key in (("--id", "item_id"), ("--question", "question"), ("--why", "why")) if not given[key]]
    if missing and not interactive:
        raise UsageError(
            _("Not in a terminal, so nothing can be asked: give {flags} (see `kundencheck checklist add-item --help`).").format(
                flags=", ".join(missing)
            )
        )
    item_id = given["item_id"] or click.prompt(_("Id of the new item (lowercase letters, digits, dashes)"))
    question = given["question"] or click.prompt(_("The question"))
    why = given["why"] or click.prompt(_("Why it is asked (the lesson behind it)"))
    kind = given["kind"] or (
        click.prompt(_("Kind"), type=click.Choice(KINDS), default="traffic-light") if interactive and missing else "traffic-light"
    )
    title = given["title"]
    if title is None and interactive and missing:
        title = click.prompt(_("A short title for lists (at most 40 characters; empty: the id)"), default="", show_default=False)
    item: dict[str, Any] = {
        "id": item_id.strip(),
        **({"title": title.strip()} if title and title.strip() else {}),
        "question": question.strip(),
        "why": why.strip(),
        "kind": kind,
    }
    if given["optional"]:
        item["required"] = False
    if kind == "scale":  # left out when not given: the check says what is missing
        for key, text in (("low", _("Label of 1 (the worst)")), ("high", _("Label of 5 (the best)"))):
            value = given[key] or (click.prompt(text) if interactive else None)
            if value:
                item[key] = value
    if kind == "choice":
        options = list(given["options"])
        while interactive and len(options) < 9:
            typed = click.prompt(
                _("Option {n} as id=Label (empty when done)").format(n=len(options) + 1), default="", show_default=False
            )
            if not typed.strip():
                break
            options.append(typed)
        item["options"] = [_option(text) for text in options]
    elif given["options"]:
        raise UsageError(_("--option is for choice items (this one is {kind}).").format(kind=kind))
    for flag, key, default in (("note_when", "note_when", ["amber", "red"]), ("action_when", "action_when", ["red"])):
        values = given[flag]
        if values is None:
            if kind == "traffic-light":
                item[key] = default
            continue
        parsed = [_answer_value(part.strip(), kind) for part in values.split(",") if part.strip()]
        if parsed:
            item[key] = parsed
    after = given["after"]
    if after is None and interactive and missing:
        try:
            ids = ", ".join(i.id for i in catalog.find(checklist_id, language).items)
        except KundencheckError:
            ids = ""
        after = (
            click.prompt(
                _("After which item? (empty: at the end; the items: {ids})").format(ids=ids), default="", show_default=False
            )
            or None
        )
    if after:
        item["after"] = after.strip()
    return item


def _option(text: str) -> dict[str, str]:
    option_id, sep, label = text.partition("=")
    if not sep or not option_id.strip() or not label.strip():
        raise UsageError(_("--option {text}: write it as ID=Label, e.g. weekly=Weekly.").format(text=repr(text)))
    return {"id": option_id.strip(), "label": label.strip()}


def _answer_value(text: str, kind: str) -> int | str:
    """An answer value as the format stores it: a number for a scale, else the text."""
    return int(text) if kind == "scale" and text.isdigit() else text


# ----------------------------------------------------------------------------- the file


def extension_header(checklist_id: str, language: str) -> list[str]:
    """The comment lines at the top of a new extension file (in the language of the output)."""
    return [
        _("Questions of our own, added to the shipped {checklist} checklist ({language}).").format(
            checklist=checklist_id, language=language
        ),
        _("The shipped questions are not copied: they stay those of the installed kundencheck, so a newer"),
        _('kundencheck still improves them. Format: docs/checklist-format.md ("A team\'s own questions").'),
        _("Add one with `kundencheck checklist add-item PHASE`, check with `kundencheck validate`."),
    ]


def _add(project: Project, phase: str, checklist_id: str, language: str, item: dict[str, Any]) -> None:
    import tomlkit

    from kundencheck.cli.setup import _commit, _report
    from kundencheck.core.catalog import PROJECT_CHECKLISTS, checklist_from_file_data
    from kundencheck.core.checklist import is_extension, read_file_bytes
    from kundencheck.core.errors import ChecklistError

    relpath = f"{PROJECT_CHECKLISTS}/{checklist_id}.{language}.toml"
    path = project.root / relpath
    if path.exists() or path.is_symlink():
        # The repository's file: a link leading out of the work tree is refused, not read.
        raw = read_file_bytes(path, ChecklistError, within=project.root)
        doc = tomlkit.parse(raw.decode("utf-8-sig", "replace"))
        extension = is_extension(doc)
        if not extension and "after" in item:
            raise UsageError(
                _(
                    "{file} is a whole copy of the checklist, not an extension: --after works in an "
                    "extension only. Leave --after out (the question goes at the end), or move the "
                    "[[items]] table by hand."
                ).format(file=relpath)
            )
    else:
        doc = tomlkit.document()
        for line in extension_header(checklist_id, language):
            doc.add(tomlkit.comment(line))
        doc.add("format", 1)
        doc.add("extends", checklist_id)
        doc.add("language", language)
        doc.add(tomlkit.nl())
        extension = True
    table = tomlkit.table()
    first = {"id": item["id"], **({"after": item["after"]} if "after" in item else {})}  # where it goes, on top
    for key, value in {**first, **item}.items():
        table.add(key, value)
    if "items" not in doc:
        doc.append("items", tomlkit.aot())
    doc["items"].append(table)
    text = tomlkit.dumps(doc)
    merged = checklist_from_file_data(tomlkit.parse(text).unwrap(), relpath)  # the format's rules, before writing
    position, added = next((n, i) for n, i in enumerate(merged.items, start=1) if i.id == item["id"])
    message = (
        _("kundencheck: add item {item} to the {checklist} checklist ({language})").format(
            item=item["id"], checklist=checklist_id, language=language
        )
        + "\n\n"
        + _("Question {n} of {total}: {question}").format(n=position, total=len(merged.items), question=added.question)
        + "\n"
        + (
            _("The shipped items stay as kundencheck ships them; this file adds the team's own.")
            if extension
            else _("Added to the project's own copy of the checklist.")
        )
        + "\n"
    )
    _report(_commit(project.store, relpath, text, message, project.config.commit_msg_hook), relpath)
    console = _console()
    console.print(
        _("The {checklist} checklist ({language}) now asks {total} questions; {item} is question {n}.").format(
            checklist=checklist_id, language=language, total=len(merged.items), item=item["id"], n=position
        )
    )
    if extension:
        console.print(_("The shipped questions stay inherited: a newer kundencheck still improves them."))
    _mention_other_languages(project, checklist_id, language, item, phase)


def _mention_other_languages(project: Project, checklist_id: str, language: str, item: dict[str, Any], phase: str) -> None:
    """Say which other languages of the checklist do not ask the new question yet, and how to
    add it there (`validate` warns about it too)."""
    from kundencheck.core.catalog import load_catalog

    catalog = load_catalog(project.root)
    try:
        others = sorted(lang for cid, lang in catalog.checklists if cid == checklist_id and lang != language)
    except KundencheckError:
        return
    for other in others:
        if catalog.checklists[(checklist_id, other)].item(item["id"]) is not None:
            continue
        command = f"kundencheck checklist add-item {phase} --language {other} --id {item['id']} --kind {item['kind']}"
        command += "".join(f" --option {o['id']}=…" for o in item.get("options", []))
        _console().print(
            _(
                "The {other} checklist does not ask {item} yet; people answering in {other} are not "
                "asked it. Add it there too: {command}"
            ).format(other=other, item=item["id"], command=command)
        )
