"""The options for answering as a team that `run`, `answer` and `drafts commit` share:
``--participant "Name <email>"`` and ``--push/--no-push``, and how a push's outcome is told."""

from __future__ import annotations

from collections.abc import Iterable

import click

from kundencheck.cli.common import _console
from kundencheck.core.i18n import N_, _

participant_option = click.option(
    "--participant", "participants", multiple=True, metavar='"NAME <EMAIL>"',
    help=N_("Someone who answers together with you (repeatable): recorded in the answers file and "
            "as a Co-authored-by trailer of the commit."),
)
push_option = click.option(
    "--push/--no-push", "push", default=None,
    help=N_("Push the branch after committing (default: storage.push in .kundencheck/config.toml). "
            "A failed push keeps the commit and says how to push later."),
)


def parse_participants(values: Iterable[str]) -> list[str]:
    """Each ``--participant`` as a clean ``Name <email>``; a UsageError names a wrong one."""
    if not values:
        return []
    from kundencheck.core.participants import parse_participant

    return [parse_participant(value) for value in values]


def apply_push(project, push: bool | None) -> None:
    """``--push``/``--no-push`` win over the project's ``storage.push`` for this command."""
    if push is not None:
        project.config.push = push


def report_push(result) -> None:
    """What the push after the commit did: stdout when it worked, a warning on stderr when
    not (the exit status stays 0: the commit was made)."""
    if result is None:
        return
    if getattr(result, "pushed", None):
        _console().print(result.pushed)
    if getattr(result, "push_failed", None):
        _console(stderr=True).print(_("kundencheck: warning: {problem}").format(problem=result.push_failed))
