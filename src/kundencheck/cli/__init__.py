"""The command line: a thin layer over the session, the store and the TUI.

One module per command group: ``run`` (run, home, demo), ``answer``, ``meeting``, ``history`` (status, log,
report), ``actions``, ``setup`` (init, phase, config, completion, validate), ``checklist``
(add-item: a team's own questions), ``drafts``, ``gate`` (check), ``portfolio`` (every client
project at once), ``mirror`` (the client's view),
with what they share in ``common`` (the console, ``guarded``, the language of the output and
commands whose help follows it) and ``team`` (the options for answering as a team).

Every error the user can cause is a :class:`KundencheckError` and is printed as one paragraph;
anything else is a bug, reported in one paragraph with the traceback saved to a file. Only the
``run`` group is imported at start; the others load when one of their commands runs or the help
lists them, so `kundencheck run` does not wait for them.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kundencheck import __version__
from kundencheck.cli.common import VERSION_OPTION_TEXT, MainGroup, choose_language
from kundencheck.cli.run import demo, home
from kundencheck.cli.run import run as run_command
from kundencheck.core.i18n import N_

# Help texts and examples are marked with N_() and translated when the help is shown
# (common.TranslatedCommand): the language is known only once -C and the project are.
EXAMPLES = N_("""\
Examples:
  kundencheck                      run the current phase's checklist here
  kundencheck run kickoff          run the kickoff checklist
  kundencheck -C ~/work/shop run   run in another repository
  kundencheck validate             check the shipped and this project's checklists
  kundencheck demo                 try it in a throwaway repository""")


@click.group(
    cls=MainGroup,
    invoke_without_command=True,
    epilog=EXAMPLES,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "kundencheck: client-care checklists for each project phase, answered in the terminal "
        "and committed into your project's own git history."
    ),
)
@click.version_option(__version__, "-V", "--version", prog_name="kundencheck", help=VERSION_OPTION_TEXT)
# Eager, so `-C DIR --help` shows the help in the language of the project in DIR.
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    is_eager=True,
    help=N_("Run as if started in DIRECTORY (like git -C)."),
)
@click.option("--no-color", is_flag=True, help=N_("No colours (the same as setting NO_COLOR=1)."))
@click.pass_context
def main(ctx: click.Context, directory: Path | None, no_color: bool = False) -> None:
    if no_color:
        os.environ["NO_COLOR"] = "1"  # before any console or app is made; Rich and Textual honour it
    ctx.ensure_object(dict)
    ctx.obj["directory"] = directory or Path(".")
    # Before anything is said: a mistake on the command line is told in the project's language too.
    choose_language(ctx.obj["directory"])
    if ctx.invoked_subcommand is None:
        ctx.invoke(run_command)


main.add_command(run_command)
main.add_command(home)
main.add_command(demo)
main.lazy_commands.update(
    {
        "init": "kundencheck.cli.setup:init",
        "phase": "kundencheck.cli.setup:phase",
        "config": "kundencheck.cli.setup:config_command",
        "completion": "kundencheck.cli.setup:completion",
        "validate": "kundencheck.cli.setup:validate",
        "checklist": "kundencheck.cli.checklist:checklist",
        "answer": "kundencheck.cli.answer:answer",
        "meeting": "kundencheck.cli.meeting:meeting",
        "amend": "kundencheck.cli.amend:amend",
        "drafts": "kundencheck.cli.drafts:drafts",
        "status": "kundencheck.cli.history:status",
        "log": "kundencheck.cli.history:log",
        "report": "kundencheck.cli.history:report",
        "actions": "kundencheck.cli.actions:actions",
        "check": "kundencheck.cli.gate:check",
        "push": "kundencheck.cli.team:push_command",
        "portfolio": "kundencheck.cli.portfolio:portfolio",
        "mirror": "kundencheck.cli.mirror:mirror",
    }
)
