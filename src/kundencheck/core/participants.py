"""Everyone who answered a run together: ``Name <email>``, as git writes a person.

When the team answers in the sprint planning with one person at the keyboard, the run records
the others too; they end up in the answers file (``participants``) and as ``Co-authored-by``
trailers of the commit (core/message.py). The TUI's participants dialog and the CLI's
``--participant`` both check what was typed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kundencheck.core.errors import UsageError
from kundencheck.core.i18n import _
from kundencheck.core.text import one_line

#: A name without angle brackets, then an e-mail address in them: ``Jürgen Groß <jg@example.com>``.
_PERSON = re.compile(r"(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>")
#: Longer than anything real; keeps a pasted paragraph out of the commit's trailers.
MAX_LENGTH = 200


def parse_participant(text: str) -> str:
    """``text`` as one clean ``Name <email>``; raises UsageError when it has another shape."""
    cleaned = one_line(text)
    found = _PERSON.fullmatch(cleaned)
    if found is None or len(cleaned) > MAX_LENGTH or not found.group("name").strip():
        shown = one_line(text, 80)
        raise UsageError(
            _("{text} is not a person as git writes one. Give a name and an e-mail address in "
              "angle brackets, like \"Jürgen Groß <juergen@example.com>\".").format(text=repr(shown))
        )
    return f"{found.group('name').strip()} <{found.group('email')}>"


def participant_email(person: str) -> str:
    """The e-mail address of ``Name <email>`` in lower case (people are told apart by it);
    the whole text, folded, for anything of another shape."""
    found = _PERSON.fullmatch(one_line(person))
    return (found.group("email") if found else one_line(person)).lower()


def with_participants(author: str, people: Iterable[str]) -> list[str]:
    """The ``participants`` of a run by ``author`` together with ``people``.

    Each person once (by e-mail address, the first spelling wins), the author first: the list
    says everyone who answered. Empty when no one but the author took part.
    """
    seen = {participant_email(author)}
    others = []
    for person in people:
        person = one_line(person)
        key = participant_email(person)
        if person and key not in seen:
            seen.add(key)
            others.append(person)
    return [one_line(author), *others] if others else []
