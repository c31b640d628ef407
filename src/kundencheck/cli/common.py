"""What every CLI module shares: the console, the one-paragraph failure, ``guarded``, the
language of the output and click commands whose help is shown in that language (and whose
work resumes the garbage collector paused for the start-up: :mod:`kundencheck.startup`).

Kept apart from :mod:`kundencheck.cli` so the command modules (``cli.answer``, ``cli.drafts``)
can use it without importing the click group that registers them.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from kundencheck import startup
from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _, set_language, translate

if TYPE_CHECKING:
    from typing import ParamSpec, TypeVar

    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment

    P = ParamSpec("P")
    R = TypeVar("R")
    #: A click command's callback, or a function an option decorates on its way to becoming one.
    F = TypeVar("F", bound=Callable[..., Any])


def _console(stderr: bool = False) -> Console:
    return _clean_console_class()(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True)


@functools.cache
def _clean_console_class() -> type[Console]:
    """A Rich console that never lets terminal control out of the text it prints.

    Markup is off (``[bold]`` in a note is printed as it is). Strings are passed through
    :func:`clean_text` before Rich sees them, and every rendered piece of text loses any
    control character left (from ``Text`` objects callers made), so a file name, a git message
    or a hand-edited answers file holding escape sequences, carriage returns or NUL cannot
    repaint, retitle or hide anything in the user's terminal. Rich's own styling (control
    segments and styles) is left alone. Made on first use: Rich is imported lazily.
    """
    from rich.console import Console
    from rich.segment import Segment

    from kundencheck.core.text import clean_text, drop_controls

    class CleanConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(clean_text(o) if isinstance(o, str) else o for o in objects), **kwargs)

        def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterator[Segment]:
            for segment in super().render(renderable, options):
                if segment.control is None and segment.text:
                    cleaned = drop_controls(segment.text)
                    if cleaned is not segment.text:
                        segment = Segment(cleaned, segment.style)
                yield segment

    return CleanConsole


def today_option(func: F) -> F:
    """``--today YYYY-MM-DD``: the day the history views and the gates judge as of."""
    return click.option(
        "--today",
        "today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar=N_("YYYY-MM-DD"),
        help=N_("Judge due checks and overdue actions as of this day (default: today)."),
    )(func)


def gate_format_option(func: F) -> F:
    """``--format text|json|github`` of the gates, ``kundencheck check`` and ``kundencheck
    portfolio check``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "github"]),
        default="text",
        show_default=True,
        help=N_("text for people, json for scripts, github for GitHub Actions annotations."),
    )(func)


def _fail(message: str, code: int) -> NoReturn:
    from kundencheck.core.text import clean_text

    _console(stderr=True).print("kundencheck: " + clean_text(message), style="bold red" if code else None)
    raise SystemExit(code)


def error_text(exc: KundencheckError) -> str:
    """An error's message, and where the answers are when a commit did not happen: the draft
    the session really saved (``draft_id``) and the command that commits it later."""
    draft_id = getattr(exc, "draft_id", None)
    if not draft_id:
        return str(exc)
    if getattr(exc, "refused", False):
        kept = _(
            "Your answers are kept as draft {id}: once this is sorted out, commit them with `kundencheck drafts commit {id}`."
        )
    else:
        kept = _("Your answers are kept as draft {id}: commit them later with `kundencheck drafts commit {id}`.")
    return str(exc) + " " + kept.format(id=draft_id)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the project's errors into a clean message and exit status, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except KundencheckError as exc:
            _fail(error_text(exc), exc.exit_code)
        except KeyboardInterrupt:
            # No draft is claimed here: a command that keeps one says so itself (cli_team.commit_and_push).
            _fail(_("Interrupted."), 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: keep the details, show one paragraph
            error = type(exc).__name__
            log = write_crash_log(traceback.format_exc())
            if log is None:
                _fail(
                    _(
                        "An unexpected internal error happened ({error}). This is a bug in kundencheck, not in your "
                        "repository; answers given so far are kept as a draft. Please report it, with what you did."
                    ).format(error=error),
                    70,
                )
            _fail(
                _(
                    "An unexpected internal error happened ({error}). This is a bug in kundencheck, not in your "
                    "repository; answers given so far are kept as a draft. {where} Please report it with that file."
                ).format(error=error, where=_("The details are in {file}.").format(file=log)),
                70,
            )

    return wrapper


def write_crash_log(details: str) -> Path | None:
    """Write an internal error's details where only this user can read them; the file, or None.

    A new file in the user cache folder (``~/.cache/kundencheck`` on Linux), which is made
    private (0700) when it is created: a traceback shows paths, and perhaps answers, that other
    users of the machine must not read. The file gets a name no one can guess ahead and is
    created exclusively, never through a symbolic link (``O_EXCL | O_NOFOLLOW``), mode 0600: a
    link planted under that name is not followed, and nothing existing is overwritten.
    """
    import platformdirs

    try:
        folder = platformdirs.user_cache_path("kundencheck")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(5):
        path = folder / _crash_log_name()
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue  # a file or a link is there already: another name
        except OSError:
            return None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(details)
        except OSError:
            return None
        return path
    return None


def _crash_log_name() -> str:
    import time

    return f"crash-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(6).hex()}.txt"


def directory_of(ctx: click.Context) -> Path:
    """The folder given with ``kundencheck -C DIR`` (the current one without it)."""
    obj = ctx.find_root().obj
    directory = obj.get("directory") if isinstance(obj, dict) else None
    return directory or Path(".")


# ----------------------------------------------------------------------------- language


def choose_language(directory: Path) -> str:
    """Set the language of the output before anything is shown, the way :func:`open_project`
    does: the project's config, else the user config, else LANG, else English.

    Runs before the repository is opened (for ``--help`` and for mistakes on the command line),
    so it does not run git: the project is the nearest folder upwards holding ``.git``. A config
    that cannot be read is passed over here; opening the project reports it.
    """
    global _chosen
    from kundencheck.core.config import load_config
    from kundencheck.core.user_config import effective_language, load_user_config

    # The main command's context, its callback and --help all ask; the files are read once.
    key = (os.getcwd(), str(directory))
    if _chosen is not None and _chosen[0] == key:
        return _chosen[1]
    project_language = None
    root = _repository_top(directory)
    if root is not None:
        try:
            project_language = load_config(root).language
        except (KundencheckError, OSError):
            pass
    user = None
    if not project_language:
        try:
            user = load_user_config()
        except (KundencheckError, OSError):
            pass
    language, _source = effective_language(project_language, user)
    set_language(language)
    from kundencheck.cli.click_texts import speak_our_language

    speak_our_language()  # click's own messages about the command line, in that language too
    _chosen = (key, language)
    return language


#: ((working folder, directory), language) of the last choice in this invocation of the command.
_chosen: tuple[tuple[str, str], str] | None = None


def _repository_top(directory: Path) -> Path | None:
    try:
        start = directory.expanduser().resolve()
    except (OSError, RuntimeError):
        return None
    for folder in (start, *start.parents):
        try:
            if (folder / ".git").exists():
                return folder
        except OSError:
            return None
    return None


def _directory_given(ctx: click.Context) -> Path:
    """``-C DIR`` while the command line is still being read (``--help``), else what the
    main group's callback stored."""
    root = ctx.find_root()
    given = root.params.get("directory")
    return given if given is not None else directory_of(ctx)


# ----------------------------------------------------------------------------- help in the chosen language

#: click's own words in the help, kept in kundencheck's catalog so they follow its language.
HELP_OPTION_TEXT = N_("Show this message and exit.")
VERSION_OPTION_TEXT = N_("Show the version and exit.")


class TranslatedCommand(click.Command):
    """A click command whose help, short help, epilog and option help are marked with ``N_()``
    and translated when the help is formatted: click reads them at import time, before the
    language of the project is known.

    Its callback, the command's work, resumes the garbage collector paused for the start-up
    (:func:`kundencheck.startup.command_work`); ``starts_app`` says when the command opens the
    terminal UI instead, whose app resumes it (True, or a function of the command's parameters).
    """

    #: Whether the callback is a command's work (the main group's only chooses the language).
    callback_is_work = True

    def __init__(self, *args: Any, starts_app: startup.StartsApp = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.callback is not None and self.callback_is_work:
            self.callback = startup.command_work(self.callback, starts_app)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        choose_language(_directory_given(ctx))
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = [translate(piece) for piece in self.collect_usage_pieces(ctx)]  # [OPTIONS] and the arguments' metavars
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(translate(self.help))

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Epilogs are examples in columns: every paragraph is shown as written, never rewrapped
        (click's ``\\b`` marker is added here, so the catalogs hold no control character)."""
        if self.epilog:
            paragraphs = translate(self.epilog).strip("\n").split("\n\n")
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text("\n\n".join("\b\n" + paragraph for paragraph in paragraphs))

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return translate(self.short_help).strip()
        return _first_sentence(translate(self.help), limit) if self.help else ""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with metavars_translated(ctx):
            records = [record for param in self.get_params(ctx) if (record := _help_record(param, ctx)) is not None]
        if records:
            with formatter.section(_("Options")):
                formatter.write_dl(records)


@contextlib.contextmanager
def metavars_translated(ctx: click.Context | None) -> Iterator[None]:
    """While click writes a command's options or a mistake on its command line: each parameter's
    metavar (FILE, DIRECTORY, TEXT, [PHASE]) in the chosen language. click makes a metavar when
    it shows it, from the parameter's ``metavar`` (marked with ``N_()`` where kundencheck gives
    one) or its type (click's, in click_texts.CLICK_METAVARS); the catalog holds each whole, and
    one it does not hold stays as it is (choices such as ``[de|en]`` are values to type)."""
    if ctx is None:  # an error of no command (click's Abort, or one raised by a command's work)
        yield
        return
    params = ctx.command.get_params(ctx)
    given = [param.metavar for param in params]
    try:
        for param in params:
            param.metavar = translate(param.make_metavar(ctx))
        yield
    finally:
        for param, metavar in zip(params, given, strict=True):
            param.metavar = metavar


def _help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """The parameter's line in the help, with its help text translated (click builds the line
    from ``param.help``, so it is swapped in for the call)."""
    original = getattr(param, "help", None)
    if not original:
        return param.get_help_record(ctx)
    param.help = translate(original)
    try:
        return param.get_help_record(ctx)
    finally:
        param.help = original


class TranslatedGroup(TranslatedCommand, click.Group):
    """A click group with :class:`TranslatedCommand`'s help; its subcommands are made the same."""

    command_class = TranslatedCommand
    group_class = type  # subgroups are TranslatedGroups too

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in commands)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


class MainGroup(TranslatedGroup):
    """The ``kundencheck`` group: click's own messages about the command line are shown without
    terminal control.

    A usage error repeats what was typed (``Got unexpected extra argument (…)``, ``Directory '…'
    is a file``, a bad value), and an argument can hold escape sequences, BEL or carriage returns
    (pasted, or from a script). click writes them as they are to a terminal, so every
    :class:`click.ClickException` raised while the command line is read or a command runs is
    shown here, cleaned, with its exit status (2 for a usage error).
    """

    callback_is_work = False  # its callback chooses the language; `kundencheck` alone invokes `run`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Commands kept in modules of their own, as name -> "module:attribute": imported when
        #: one of them is run or the help lists them, so `kundencheck run` does not wait for them.
        self.lazy_commands: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is not None and cmd_name not in self.commands:
            module, _sep, attribute = target.partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # click suggests ("Did you mean …?") from the commands loaded so far; the lazy ones count.
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        # The language first, so that a mistake on the command line is reported in it: from
        # the project of -C DIR (read by hand, as click has not parsed yet) or of this folder.
        global _chosen
        given = list(args)
        directory = given[given.index("-C") + 1] if "-C" in given[:-1] else "."
        _chosen = None  # a new invocation (tests run many in one process): read the configs again
        try:
            choose_language(Path(directory))
        except Exception:  # noqa: BLE001, S110 - English is better than no message; open_project reports it
            pass
        with _click_errors_shown_clean():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _click_errors_shown_clean():
            return super().invoke(ctx)


@contextlib.contextmanager
def _click_errors_shown_clean() -> Iterator[None]:
    """Show a :class:`click.ClickException` as click would (usage, hint, ``Error: …``), with
    each control character but newline removed, and exit with its status."""
    from kundencheck.core.text import drop_controls

    try:
        yield
    except click.ClickException as exc:
        rendered = io.StringIO()
        with metavars_translated(getattr(exc, "ctx", None)):  # "Missing argument '[PHASE]'" and the like
            exc.show(file=rendered)
        # drop_controls, not clean_text: an escape sequence cut short must not swallow the
        # rest of the message, and the user should still see what they typed.
        sys.stderr.write(drop_controls(rendered.getvalue()))
        sys.stderr.flush()
        raise click.exceptions.Exit(exc.exit_code) from None


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], TranslatedCommand]:
    """``click.command`` making a :class:`TranslatedCommand`."""
    return click.command(name, cls=TranslatedCommand, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], TranslatedGroup]:
    """``click.group`` making a :class:`TranslatedGroup`."""
    return click.group(name, cls=TranslatedGroup, **attrs)


def _first_sentence(text: str, limit: int) -> str:
    """The command list's short help: the help's first sentence, cut at a word within ``limit``
    characters (what click's deprecated make_default_short_help did)."""
    words = text.split("\n\n", 1)[0].split()
    shown = ""
    for word in words:
        candidate = f"{shown} {word}".strip()
        if word.endswith(".") and len(candidate) <= limit:
            return candidate
        if len(candidate) > limit:
            return (shown.rstrip(",;:") + "...") if shown else word[: max(limit - 3, 1)] + "..."
        shown = candidate
    return shown
