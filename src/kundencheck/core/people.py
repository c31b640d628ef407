"""People as git writes them: ``Name <email>``.

One type (:class:`Person`), one way to read the text (:func:`parse_person`) and one way to
write it (``str(person)``), for every place a person appears: the author of a run and of a
commit (the git identity), the participants of a run and their ``Co-authored-by`` trailers,
the owner a person matches in `kundencheck actions --mine`.

:func:`parse_person` reads whatever an answers file or git holds and never fails. What a person
types for someone (the TUI's participants dialog, ``--participant``, ``participants`` in a
filled-in file) must be a name and an e-mail address: :func:`checked_person` says so in one
paragraph otherwise.

When the team answers in the sprint planning with one person at the keyboard, the run records
the others too; they end up in the answers file (``participants``) and as ``Co-authored-by``
trailers of the commit (core/message.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from kundencheck.core.errors import UsageError
from kundencheck.core.i18n import _
from kundencheck.core.text import one_line

#: Longer than anything real; keeps a pasted paragraph out of the commit's trailers.
MAX_LENGTH = 200


class Person(NamedTuple):
    """A name and an e-mail address (``""`` when the text had none)."""

    name: str
    email: str = ""

    def __str__(self) -> str:
        """``Name <email>``, as git writes a person; the name alone when there is no address."""
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def key(self) -> str:
        """Who this is, to tell people apart: the e-mail address in lower case, else the name."""
        return (self.email or self.name).lower()


def parse_person(text: str) -> Person:
    """``Name <email>`` as a Person, the name and the address stripped. Text of another shape
    (a hand-edited file's ``"Ana"``) is a Person with that text as its name and no address."""
    text = text.strip()
    if text.endswith(">") and "<" in text:
        start = text.rindex("<")
        return Person(text[:start].strip(), text[start + 1 : -1].strip())
    return Person(text)


def checked_person(text: str) -> Person:
    """What a person typed for someone, as a clean Person: a name (without angle brackets) and
    an e-mail address in them. Raises UsageError, in one paragraph, for anything else."""
    cleaned = one_line(text)
    person = parse_person(cleaned)
    name, email = person
    local, at, domain = email.partition("@")
    if (
        len(cleaned) > MAX_LENGTH
        or not name
        or "<" in name
        or ">" in name
        or not at
        or not local
        or not domain
        or "@" in domain
        or any(char.isspace() or char in "<>" for char in email)
    ):
        raise UsageError(
            _(
                "{text} is not a person as git writes one. Give a name and an e-mail address in "
                'angle brackets, like "Jürgen Groß <juergen@example.com>".'
            ).format(text=repr(one_line(text, 80)))
        )
    return person


def author_name(author: str) -> str:
    """The name of the person ``author`` (``Name <email>``) names; the text itself when it has none."""
    return parse_person(author).name or author.strip()


def person_key(text: str) -> str:
    """Who ``text`` names, to tell people apart (:attr:`Person.key`)."""
    return parse_person(text).key


def with_participants(author: str, people: Iterable[str]) -> list[str]:
    """The ``participants`` of a run by ``author`` together with ``people``.

    Each person once (by e-mail address, the first spelling wins), the author first: the list
    says everyone who answered. Empty when no one but the author took part.
    """
    seen = {person_key(one_line(author))}
    others = []
    for person in people:
        person = one_line(person)
        key = person_key(person)
        if person and key not in seen:
            seen.add(key)
            others.append(person)
    return [one_line(author), *others] if others else []


def is_owned_by(owner: str, person: Person) -> bool:
    """Whether ``owner`` (an action's owner, free text as typed: "Ana", "Ana Schäfer",
    "ana@example.com") names ``person``: the whole name, one of its words, the e-mail or the
    part of it before the @, in any case."""
    text = owner.strip().casefold()
    if not text:
        return False
    email = person.email.strip().casefold()
    names = {person.name.strip().casefold(), *person.name.casefold().split()}
    return text in names or (bool(email) and text in (email, email.split("@")[0]))
