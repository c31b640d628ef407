"""Participants: `Name <email>` checked and joined, each person once, the author first."""

from __future__ import annotations

import pytest

from kundencheck.core.errors import UsageError
from kundencheck.core.participants import (
    parse_participant,
    participant_email,
    with_participants,
)

AUTHOR = "Erika Mustermann <erika@example.com>"


@pytest.mark.parametrize("typed, clean", [
    ("Jürgen Groß <juergen@example.com>", "Jürgen Groß <juergen@example.com>"),
    ("  Kim   Lee<kim@example.com>  ", "Kim Lee <kim@example.com>"),
    ("[bold]x[/] <x@example.com>", "[bold]x[/] <x@example.com>"),
    ("Ana\x1b[31m <ana@example.com>", "Ana <ana@example.com>"),
])
def test_parse_participant(typed, clean):
    assert parse_participant(typed) == clean


@pytest.mark.parametrize("typed", ["", "Kim", "kim@example.com", "<kim@example.com>", "Kim <kim>", "Kim <a b@c>",
                                   "Kim <a@b> <c@d>", "Kim <kim@example.com> trailing", "x" * 300 + " <a@b>"])
def test_other_shapes_are_refused_in_one_paragraph(typed):
    with pytest.raises(UsageError) as caught:
        parse_participant(typed)
    assert "\n" not in str(caught.value)
    assert "like \"Jürgen Groß <juergen@example.com>\"" in str(caught.value)


def test_with_participants_author_first_each_person_once():
    people = ["Kim <KIM@example.com>", "Erika M. <erika@EXAMPLE.com>", "Kim Lee <kim@example.com>", "Ana <ana@example.com>"]
    assert with_participants(AUTHOR, people) == [AUTHOR, "Kim <KIM@example.com>", "Ana <ana@example.com>"]
    assert with_participants(AUTHOR, [AUTHOR]) == []
    assert with_participants(AUTHOR, []) == []
    assert participant_email("Kim <KIM@example.com>") == "kim@example.com"


def test_a_participant_at_the_length_limit():
    name = "A" * (200 - len(" <a@b.c>"))
    assert parse_participant(f"{name} <a@b.c>") == f"{name} <a@b.c>"  # 200 characters
    with pytest.raises(UsageError):
        parse_participant(f"{name}x <a@b.c>")


def test_a_refusal_shows_what_was_typed_on_one_line_cut_to_80():
    typed = "Kim\n" + "k" * 100
    with pytest.raises(UsageError) as info:
        parse_participant(typed)
    assert str(info.value) == (
        f"'Kim {'k' * 75}…' is not a person as git writes one. Give a name and an e-mail address in angle brackets, "
        "like \"Jürgen Groß <juergen@example.com>\".")


def test_participant_email_of_another_shape_is_the_folded_text():
    assert participant_email("Kim <KIM@Example.com>") == "kim@example.com"
    assert participant_email(" Just\nKim ") == "just kim"
