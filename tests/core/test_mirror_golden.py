"""The mirror's files and commit messages compared whole with the files in tests/core/golden/:
the invitation's and the reply's TOML as kundencheck writes them, the commit messages that add
them, and every refusal of a broken file word for word. tests/core/test_mirror.py says what each
part means; these see any change to them at all.

After an intended change, write the files anew and read the diff before committing::

    KUNDENCHECK_UPDATE_GOLDEN=1 python -m pytest tests/core/test_mirror_golden.py
"""

from __future__ import annotations

import datetime as dt

import pytest

from kundencheck.core.i18n import set_language
from kundencheck.core.mirror import (
    ClientAnswer,
    ClientReply,
    MirrorError,
    invitation_message,
    invitation_toml,
    new_invitation,
    read_invitation,
    read_reply,
    reply_message,
    reply_toml,
)
from tests.support.golden import assert_golden
from tests.support.mirror import ERIKA, NOW, jane_invitation, shipped_build_en

#: Longer than every limit the messages cut names, sprints and importers to (30 to 120).
LONG_SPRINT = "Sprint " + "twenty-" * 8 + "one"
LONG_NAME = "Jane " + "van der " * 12 + "Doe"
LONG_IMPORTER = "Erika " + "von und zu " * 12 + "Mustermann <erika@example.com>"


@pytest.fixture(scope="module")
def build_en():
    return shipped_build_en()


def reply(**changes) -> ClientReply:
    fields = {
        "invitation": "build-k3f9a2mz",
        "phase": "build",
        "checklist": "build",
        "checklist_version": "1.3",
        "sprint": "2026-W48",
        "language": "en",
        "respondent": "Jane Doe",
        "answered": dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC),
        "imported": NOW + dt.timedelta(days=1),
        "imported_by": ERIKA,
        "answers": (
            ClientAnswer("client-contacted", "red", "Only status mails,\nnever a call."),
            ClientAnswer("expectations-still-match", "amber", ""),
            ClientAnswer("deviations-announced", "green", "fine"),
            ClientAnswer("alternatives-offered", "na", ""),
            ClientAnswer("team-mood", 2, "They look tired."),
            ClientAnswer("respectful-talk", "red"),
            ClientAnswer("not-in-the-checklist", "amber", "?"),
        ),
    }
    return ClientReply(**{**fields, **changes})


def test_the_files_and_messages(build_en):
    invitation = jane_invitation(build_en)
    bare = new_invitation(
        build_en, phase="build", sprint=LONG_SPRINT, created=NOW, created_by=ERIKA, token="k3f9a2mz", secret="cd" * 32
    )
    named = invitation._replace(to=LONG_NAME)
    full, plain = reply(), reply(respondent="", answered=None, answers=reply().answers[:2])
    long = reply(respondent=LONG_NAME, sprint=LONG_SPRINT, imported_by=LONG_IMPORTER, answers=(ClientAnswer("a", "green"),))
    said = [
        invitation_toml(invitation, build_en),
        invitation_toml(bare),
        invitation_message(invitation, 9),
        invitation_message(bare, 1),
        invitation_message(named, 2),
        reply_toml(full, build_en),
        reply_toml(plain),
        reply_message(full, build_en),
        reply_message(full, None),
        reply_message(plain, build_en),
        reply_message(long, build_en),
    ]
    assert_golden("mirror-files.en.txt", "\n~~~~\n".join(said))
    assert read_invitation(invitation_toml(invitation, build_en).encode(), "build-k3f9a2mz.toml") == invitation
    assert read_invitation(invitation_toml(bare).encode(), "x/build-k3f9a2mz.toml") == bare
    assert read_reply(reply_toml(full, build_en).encode(), "r.toml") == full
    assert read_reply(reply_toml(plain).encode(), "r.toml") == plain


def test_the_messages_in_german(build_en):
    set_language("de")
    try:
        assert_golden(
            "mirror-messages.de.txt",
            reply_message(reply(), build_en) + "\n~~~~\n" + reply_message(reply(answered=None, respondent=""), None),
        )
    finally:
        set_language("en")


GOOD_REPLY = """schema = 1
invitation = "build-k3f9a2mz"
phase = "build"
checklist = "build"
checklist_version = "1.3"
sprint = "2026-W48"
language = "en"
respondent = "Jane"
answered = 2026-11-28T09:00:00Z
imported = 2026-11-28T10:00:00+01:00
imported_by = "Erika <erika@example.com>"

[[answers]]
item = "client-contacted"
status = "red"
comment = "  Only mails \\u001b[31m "

[[answers]]
item = "team-mood"
value = 5
"""

#: One change each to the good reply above (what it replaces, by what), and what is said of it.
REPLY_CHANGES = [
    ("", ""),
    ('respondent = "Jane"\n', ""),
    ("answered = 2026-11-28T09:00:00Z\n", ""),
    ("schema = 1", "schema = 2"),
    ("schema = 1", 'schema = "1"'),
    ("schema = 1\n", ""),
    ("schema = 1", "schema = 1\ncolour = 1"),
    ("schema = 1", "schema = "),
    ('invitation = "build-k3f9a2mz"', 'invitation = "Build/../x"'),
    ('phase = "build"', "phase = 1"),
    ('checklist = "build"', 'checklist = ""'),
    ('checklist_version = "1.3"', 'checklist_version = "  "'),
    ('sprint = "2026-W48"', "sprint = 48"),
    ('language = "en"\n', ""),
    ('respondent = "Jane"', "respondent = 1"),
    ("answered = 2026-11-28T09:00:00Z", "answered = 2026-11-28T09:00:00"),
    ("answered = 2026-11-28T09:00:00Z", "answered = 2026-11-28"),
    ("imported = 2026-11-28T10:00:00+01:00", 'imported = "today"'),
    ("imported = 2026-11-28T10:00:00+01:00\n", ""),
    ('imported_by = "Erika <erika@example.com>"', 'imported_by = ""'),
    ('status = "red"', 'status = "Red"'),
    ('status = "red"', "status = 1"),
    ('status = "red"', 'value = "red"'),
    ('status = "red"', 'status = "red"\nvalue = 1'),
    ("value = 5", "value = 6"),
    ("value = 5", "value = 0"),
    ("value = 5", "value = 1"),
    ("value = 5", "status = 5\nvalue = 5"),
    ("value = 5", "value = true"),
    ("value = 5", 'status = "green"\nvalue = 5'),
    ('item = "team-mood"', 'item = "client-contacted"'),
    ('item = "team-mood"', 'item = "Team Mood"'),
    ('item = "team-mood"\n', ""),
    ('comment = "  Only mails \\u001b[31m "', "comment = 1"),
    ('comment = "  Only mails \\u001b[31m "', 'note = "x"'),
    ('[[answers]]\nitem = "team-mood"\nvalue = 5\n', "[answers.x]\n"),
    ('[[answers]]\nitem = "team-mood"\nvalue = 5\n', "answers = [1]\n"),
]


def test_every_refusal_of_a_reply_and_what_a_good_one_holds():
    said = []
    for old, new in REPLY_CHANGES:
        text = GOOD_REPLY.replace(old, new, 1) if old else GOOD_REPLY
        if old == '[[answers]]\nitem = "team-mood"\nvalue = 5\n':
            text = text.replace(
                '[[answers]]\nitem = "client-contacted"\nstatus = "red"\ncomment = "  Only mails \\u001b[31m "\n\n', ""
            )
        try:
            result = repr(read_reply(text.encode(), ".kundencheck/client/build-k3f9a2mz.toml"))
        except MirrorError as error:
            result = f"{error.source}: {error}"
        said.append(f"{old!r} -> {new!r}\n  {result}\n")
    assert_golden("mirror-replies.en.txt", "".join(said))


GOOD_INVITATION = """schema = 1
id = "build-k3f9a2mz"
phase = "build"
checklist = "build"
checklist_version = "1.3"
sprint = "2026-W48"
language = "en"
to = "Jane"
created = 2026-11-27T09:00:00+01:00
created_by = "Erika <erika@example.com>"
items = ["client-contacted", "team-mood"]
secret = "abababababababababababababababababababababababababababababababab"
"""

INVITATION_CHANGES = [
    ("", ""),
    ('to = "Jane"\n', ""),
    ('id = "build-k3f9a2mz"', 'id = "build-other"'),
    ('id = "build-k3f9a2mz"', "id = 1"),
    ('items = ["client-contacted", "team-mood"]', "items = []"),
    ('items = ["client-contacted", "team-mood"]', 'items = "client-contacted"'),
    ('items = ["client-contacted", "team-mood"]', 'items = ["client-contacted", "client-contacted"]'),
    ('items = ["client-contacted", "team-mood"]', 'items = ["client-contacted", "Team"]'),
    ('secret = "abab', 'secret = "ABAB'),
    ('secret = "abab', 'secret = "ab'),
    ('secret = "abababababababababababababababababababababababababababababababab"', "secret = 1"),
    ("created = 2026-11-27T09:00:00+01:00", "created = 2026-11-27"),
    ("created = 2026-11-27T09:00:00+01:00\n", ""),
    ("schema = 1", "schema = 0\nextra = 1"),
]


@pytest.mark.parametrize("shown", ["build-k3f9a2mz.toml", "mirror\\build-k3f9a2mz.toml", "build-k3f9a2mz.txt"])
def test_every_refusal_of_an_invitation_and_what_a_good_one_holds(shown):
    said = []
    for old, new in INVITATION_CHANGES:
        text = GOOD_INVITATION.replace(old, new, 1) if old else GOOD_INVITATION
        try:
            result = repr(read_invitation(text.encode(), shown))
        except MirrorError as error:
            result = f"{error.source}: {error}".replace(shown, "FILE")
        said.append(f"{old!r} -> {new!r}\n  {result}\n")
    name = "mirror-invitations.en.txt" if shown.endswith(".toml") else "mirror-invitations-txt.en.txt"
    assert_golden(name, "".join(said))
