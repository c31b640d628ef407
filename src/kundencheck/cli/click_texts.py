"""click's own messages about the command line, in kundencheck's catalogs.

click words its errors ("Error: No such option …", "Try '… --help' for help.") through the
standard ``gettext.gettext`` of its modules, which knows nothing of kundencheck's language (the
project's config may choose German on an English system). :func:`speak_our_language` points
those modules' ``_``/``ngettext`` at kundencheck's catalog, so the messages people meet most
follow the project's language too; a message not listed here stays as click words it.
"""

from __future__ import annotations

from kundencheck.core.i18n import N_, Nn_, ngettext, translate

#: The messages of a mistyped command line, as click writes them (placeholders included).
CLICK_TEXTS = (
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("No such option: {name}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("Aborted!"),
    N_("env var: {var}"),
)

#: The metavars click makes itself, from a command (its options, its subcommand) or a parameter's
#: type when the parameter names none: the help and the usage line show them in the catalog's
#: words (cli/common.metavars_translated). Those kundencheck gives are marked where they are given.
CLICK_METAVARS = (
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("[COMMAND] [ARGS]..."),
    N_("TEXT"),
    N_("INTEGER"),
    N_("INTEGER RANGE"),
    N_("FILE"),
    N_("DIRECTORY"),
    N_("PATH"),
)

#: click's messages with a count: click asks ``ngettext`` for them, which gives the catalog's
#: plural entry (click's singular and plural name different placeholders in some of them).
CLICK_PLURAL_TEXTS = (
    Nn_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    Nn_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    Nn_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    Nn_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    Nn_("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
)

_speaking = False
_CLICK_MODULES = (
    "click.core",
    "click.exceptions",
    "click.parser",
    "click.types",
    "click.decorators",
    "click.formatting",
    "click.termui",
    "click.utils",
)


def _gettext(message: str) -> str:
    return translate(message)


def speak_our_language() -> None:
    """Let click's messages go through kundencheck's catalog (once; the language is looked up
    when a message is made)."""
    global _speaking
    import importlib

    if _speaking:
        return
    _speaking = True
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]  # click's own, as hasattr says
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]  # as above
