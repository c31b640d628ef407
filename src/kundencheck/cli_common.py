"""What every CLI module shares: the console, the one-paragraph failure and ``guarded``.

Kept apart from :mod:`kundencheck.cli` so the command modules (``cli_answer``, ``cli_drafts``)
can use it without importing the click group that registers them.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable

import click

from kundencheck.core.errors import KundencheckError


def _console(stderr: bool = False):
    return _clean_console_class()(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True)


@functools.cache
def _clean_console_class():
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
        def print(self, *objects, **kwargs):
            super().print(*(clean_text(o) if isinstance(o, str) else o for o in objects), **kwargs)

        def render(self, renderable, options=None):
            for segment in super().render(renderable, options):
                if segment.control is None and segment.text:
                    cleaned = drop_controls(segment.text)
                    if cleaned is not segment.text:
                        segment = Segment(cleaned, segment.style)
                yield segment

    return CleanConsole


def _fail(message: str, code: int) -> None:
    from kundencheck.core.text import clean_text

    _console(stderr=True).print("kundencheck: " + clean_text(message), style="bold red" if code else None)
    raise SystemExit(code)


def guarded(func: Callable) -> Callable:
    """Turn the project's errors into a clean message and exit status, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KundencheckError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("Interrupted. Answers given so far are kept as a draft (see `kundencheck drafts`).", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception:  # a bug: keep the details, show one paragraph
            log = Path(tempfile.gettempdir()) / f"kundencheck-crash-{os.getpid()}.txt"
            try:
                log.write_text(traceback.format_exc())
                where = f"The details are in {log}."
            except OSError:
                where = ""
            _fail(
                f"An unexpected internal error happened ({sys.exc_info()[0].__name__}). This is a bug in kundencheck, "
                f"not in your repository; answers given so far are kept as a draft. {where} Please report it with that file.",
                70,
            )

    return wrapper


def directory_of(ctx: click.Context) -> Path:
    """The folder given with ``kundencheck -C DIR`` (the current one without it)."""
    obj = ctx.find_root().obj
    directory = obj.get("directory") if isinstance(obj, dict) else None
    return directory or Path(".")
