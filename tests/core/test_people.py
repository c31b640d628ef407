"""People as git writes them: `Name <email>` read one way, written one way, checked where typed."""

from __future__ import annotations

import pytest

from kundencheck.core.errors import UsageError
from kundencheck.core.people import (
    Person,
    author_name,
    checked_person,
    parse_person,
    person_key,
    with_participants,
)

AUTHOR = "Erika Mustermann <erika@example.com>"


@pytest.mark.parametrize(
    "text, person",
    [
        ("Erika Mustermann <erika@example.com>", Person("Erika Mustermann", "erika@example.com")),
        ("  Kim Lee<kim@example.com>  ", Person("Kim Lee", "kim@example.com")),
        ("Kim <kim>", Person("Kim", "kim")),  # git takes an address without @; so does reading
        ("<kim@example.com>", Person("", "kim@example.com")),
        ("Ana", Person("Ana")),
        ("Kim <kim@example.com> trailing", Person("Kim <kim@example.com> trailing")),
        ("", Person("")),
    ],
)
def test_parse_person_reads_any_text(text, person):
    assert parse_person(text) == person


@pytest.mark.parametrize(
    "person, text",
    [
        (Person("Erika Mustermann", "erika@example.com"), "Erika Mustermann <erika@example.com>"),
        (Person("Ana"), "Ana"),
    ],
)
def test_a_person_is_written_as_git_writes_one(person, text):
    assert str(person) == text
    assert parse_person(str(person)) == person


def test_names_and_keys():
    assert author_name(AUTHOR) == "Erika Mustermann"
    assert author_name("<erika@example.com>") == "<erika@example.com>"  # no name: the text
    assert author_name(" Ana ") == "Ana"
    assert person_key("Kim <KIM@example.com>") == "kim@example.com" == Person("Kim", "Kim@Example.com").key
    assert person_key("Ana") == "ana"


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("Jürgen Groß <juergen@example.com>", "Jürgen Groß <juergen@example.com>"),
        ("  Kim   Lee<kim@example.com>  ", "Kim Lee <kim@example.com>"),
        ("[bold]x[/] <x@example.com>", "[bold]x[/] <x@example.com>"),
        ("Ana\x1b[31m <ana@example.com>", "Ana <ana@example.com>"),
    ],
)
def test_checked_person(typed, clean):
    assert str(checked_person(typed)) == clean


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Kim",
        "kim@example.com",
        "<kim@example.com>",
        "Kim <kim>",
        "Kim <a b@c>",
        "Kim <a@b> <c@d>",
        "Kim <kim@example.com> trailing",
        "x" * 300 + " <a@b>",
        "Kim <a@b@c>",
        "Kim <@b>",
        "Kim <a@>",
        "Kim> <a@b>",
    ],
)
def test_other_shapes_are_refused_in_one_paragraph(typed):
    with pytest.raises(UsageError) as caught:
        checked_person(typed)
    assert "\n" not in str(caught.value)
    assert 'like "Jürgen Groß <juergen@example.com>"' in str(caught.value)


def test_with_participants_author_first_each_person_once():
    people = ["Kim <KIM@example.com>", "Erika M. <erika@EXAMPLE.com>", "Kim Lee <kim@example.com>", "Ana <ana@example.com>"]
    assert with_participants(AUTHOR, people) == [AUTHOR, "Kim <KIM@example.com>", "Ana <ana@example.com>"]
    assert with_participants(AUTHOR, [AUTHOR]) == []
    assert with_participants(AUTHOR, []) == []


def test_a_person_at_the_length_limit():
    name = "A" * (200 - len(" <a@b.c>"))
    assert str(checked_person(f"{name} <a@b.c>")) == f"{name} <a@b.c>"  # 200 characters
    with pytest.raises(UsageError):
        checked_person(f"{name}x <a@b.c>")


def test_a_refusal_shows_what_was_typed_on_one_line_cut_to_80():
    typed = "Kim\n" + "k" * 100
    with pytest.raises(UsageError) as info:
        checked_person(typed)
    assert str(info.value) == (
        f"'Kim {'k' * 75}…' is not a person as git writes one. Give a name and an e-mail address in angle brackets, "
        'like "Jürgen Groß <juergen@example.com>".'
    )


def test_the_key_of_another_shape_is_the_folded_text():
    assert person_key("Kim <KIM@Example.com>") == "kim@example.com"
    assert person_key(" Just Kim ") == "just kim"
