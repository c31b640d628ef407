"""The client's own view in the pure core: invitations, the block a client mails back and its
MAC, the client's answers beside the team's, perception gaps and the gate's rule about them."""

from __future__ import annotations

import base64
import datetime as dt
import email.message
import json
import quopri

import pytest

from kundencheck.core.answers import Action, Answer, Run
from kundencheck.core.errors import KundencheckError
from kundencheck.core.gate import evaluate
from kundencheck.core.history import is_perception_gap, summarize
from kundencheck.core.mirror import (
    BLOCK_BEGIN,
    BLOCK_END,
    Block,
    BlockRefusal,
    ClientAnswer,
    ClientReply,
    MirrorError,
    client_questions,
    encode_block,
    find_block,
    invitation_message,
    invitation_states,
    invitation_toml,
    mac_of,
    new_invitation,
    open_block,
    payload_bytes,
    read_invitation,
    read_reply,
    reply_message,
    reply_toml,
)
from tests.support.mirror import ERIKA, NOW, jane_invitation, shipped_build_en

UTC = dt.UTC


@pytest.fixture(scope="module")
def build_en():
    return shipped_build_en()


@pytest.fixture
def invitation(build_en):
    return jane_invitation(build_en)


def block_of(invitation, answers=None, **kw) -> str:
    answers = answers or [
        ClientAnswer("client-contacted", "red", "Only status mails"),
        ClientAnswer("expectations-still-match", "amber", ""),
    ]
    return encode_block(
        invitation.id, payload_bytes(invitation.id, answers, name="Jane", answered="2026-11-28T09:00:00.000Z"), invitation.secret
    )


def opened(text: str, invitation, replies=None):
    block = find_block(text)
    if not isinstance(block, Block):
        return block
    return open_block(block, {invitation.id: invitation}, replies or {}, now=NOW, imported_by=ERIKA)


# ------------------------------------------------------------------------- questions and invitations


def test_the_client_is_asked_the_items_with_a_client_wording_in_order(build_en):
    questions = client_questions(build_en)
    assert [q.item for q in questions] == [
        "client-contacted",
        "expectations-still-match",
        "deviations-announced",
        "alternatives-offered",
        "compromise-early",
        "good-faith",
        "open-decisions-shared",
        "respectful-talk",
    ]
    assert questions[0].question == "In the last weeks, did we really talk with you, beyond status mails?"


def test_an_invitation_is_written_and_read_back(build_en, invitation):
    assert invitation.id == "build-k3f9a2mz" and invitation.path == ".kundencheck/mirror/build-k3f9a2mz.toml"
    assert invitation.items == tuple(q.item for q in client_questions(build_en))
    text = invitation_toml(invitation, build_en)
    assert '"client-contacted", # In the last weeks, did we really talk with you' in text
    assert read_invitation(text.encode(), invitation.path) == invitation


def test_a_new_invitation_gets_a_random_id_and_secret(build_en):
    one = new_invitation(build_en, phase="build", sprint="S1", created=NOW, created_by=ERIKA)
    two = new_invitation(build_en, phase="build", sprint="S1", created=NOW, created_by=ERIKA)
    assert one.id != two.id and one.secret != two.secret and len(one.secret) == 64
    assert one.id.startswith("build-") and len(one.id) == len("build-") + 8


def test_a_checklist_without_client_wordings_cannot_be_asked(build_en):
    from dataclasses import replace

    bare = replace(build_en, items=tuple(i._replace(client=None) for i in build_en.items), source="team/build.toml")
    with pytest.raises(MirrorError) as refused:
        new_invitation(bare, phase="build", sprint="S1", created=NOW, created_by=ERIKA)
    assert str(refused.value) == (
        "The build checklist (en) has no item with a client wording, so there is nothing to ask the client. Give the "
        'items the client can judge a client.question and a client.why (docs/checklist-format.md, "Asking the client").'
    )
    assert refused.value.source == "team/build.toml"


def test_the_client_questions_and_the_invitations_id(build_en):
    from dataclasses import replace

    from kundencheck.core.checklist import ClientWording

    mood = build_en.item("team-mood")
    own = mood._replace(client=ClientWording("How is our mood?", "Why.", low="grim"))
    light = build_en.item("client-contacted")._replace(client=ClientWording("Q?", "W.", low="never", high="daily"))
    checklist = replace(build_en, items=(own, light))
    assert [(q.item, q.question, q.why, q.low, q.high) for q in client_questions(checklist)] == [
        ("team-mood", "How is our mood?", "Why.", "grim", mood.high),  # the item's own end where unset
        ("client-contacted", "Q?", "W.", "", ""),  # a traffic light has no ends
    ]
    invitation = new_invitation(
        checklist, phase="a" * 39 + "-b" * 5, sprint="S1", created=NOW, created_by=ERIKA, token="k3f9a2mz"
    )
    assert invitation.id == "a" * 39 + "-k3f9a2mz" and invitation.to == ""  # no dash doubled where the phase is cut


@pytest.mark.parametrize(
    "change, fragments",
    [
        (lambda t: t.replace('secret = "', 'secret = "zz'), ["key 'secret'", "64 hex digits", "git log -p"]),
        (lambda t: t.replace("schema = 1", "schema = 2"), ["key 'schema'", "must be 1"]),
        (lambda t: t.replace('id = "build-k3f9a2mz"', 'id = "build-other"'), ["key 'id'", "is not the file's name"]),
        (lambda t: t.replace("created = 2026", "created = 1999").replace("T09:00:00+01:00", ""), ["key 'created'"]),
        (lambda t: t + 'colour = "red"\n', ["key 'colour'", "unknown key"]),
        (lambda t: t.replace("schema = 1", "schema = "), ["line 3", "TOML syntax error"]),
    ],
)
def test_a_broken_invitation_file_is_named_with_its_key(build_en, invitation, change, fragments):
    with pytest.raises(MirrorError) as caught:
        read_invitation(change(invitation_toml(invitation, build_en)).encode(), invitation.path)
    message = str(caught.value)
    assert message.startswith(invitation.path) and caught.value.source == invitation.path
    for fragment in fragments:
        assert fragment in message, message


def test_the_invitations_commit_message_has_its_trailers(invitation):
    message = invitation_message(invitation, 8)
    assert message.startswith("kundencheck(build): mirror invitation build-k3f9a2mz, sprint 2026-W48\n")
    assert message.rstrip().endswith("Kundencheck-Invitation: build-k3f9a2mz\nKundencheck-Phase: build")
    assert all(len(line) < 100 for line in message.splitlines())


# ------------------------------------------------------------------------- the block


def test_a_block_is_found_opened_and_becomes_the_clients_answers(invitation):
    reply = opened(block_of(invitation), invitation)
    assert isinstance(reply, ClientReply)
    assert reply.answers == (
        ClientAnswer("client-contacted", "red", "Only status mails"),
        ClientAnswer("expectations-still-match", "amber", ""),
    )
    assert (reply.invitation, reply.phase, reply.sprint, reply.respondent) == (invitation.id, "build", "2026-W48", "Jane")
    assert reply.answered == dt.datetime(2026, 11, 28, 9, 0, tzinfo=UTC) and reply.imported == NOW
    assert reply.path == ".kundencheck/client/build-k3f9a2mz.toml"


def test_the_block_is_short_lines_of_characters_mail_leaves_alone(invitation):
    block = block_of(invitation)
    lines = block.splitlines()
    assert lines[0] == BLOCK_BEGIN and lines[-1] == BLOCK_END and lines[1] == "Invitation: build-k3f9a2mz"
    assert all(len(line) <= 70 for line in lines) and "=" not in block and block.isascii()


@pytest.mark.parametrize(
    "wrap",
    [
        lambda b: "Hi Erika,\n\nhere it is.\n\n" + b + "\nBest, Jane\n",
        lambda b: "On Fri Jane wrote:\n" + "".join(f"> {line}\n" for line in b.splitlines()),
        lambda b: "".join(f">> {line}\n" for line in b.splitlines()),
        lambda b: "".join(f"> > {line}  \n" for line in b.splitlines()),
        lambda b: b.replace("\n", "\r\n"),
        lambda b: "<div>Hello</div><div>" + b.replace("\n", "<br>") + "</div>",
        lambda b: (
            quopri.encodestring(("Gr=C3=BC=C3=9Fe\n> " + b.replace("\n", "\n> ")).encode())
            .decode()
            .replace("> MAC: ", "> MAC: =\n")
        ),
    ],
)
def test_the_block_survives_what_mail_programs_do_to_it(invitation, wrap):
    assert isinstance(opened(wrap(block_of(invitation)), invitation), ClientReply)


def test_the_block_is_found_in_a_whole_mime_message_and_its_attachment(invitation):
    block = block_of(invitation)
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "jane@example.com", "erika@example.com", "Re: questions"
    message.set_content("Hello, see the attachment.\n", cte="base64")
    message.add_attachment(block.encode(), maintype="text", subtype="plain", filename="kundencheck-build-k3f9a2mz.txt")
    assert block not in message.as_string()  # base64 in the mail: only a decoding finds it
    assert isinstance(opened(message.as_string(), invitation), ClientReply)
    body_only = email.message.EmailMessage()
    body_only["Subject"] = "Re"
    body_only.set_content("> " + block.replace("\n", "\n> "), cte="quoted-printable")
    assert isinstance(opened(body_only.as_string(), invitation), ClientReply)


def test_no_block_and_a_broken_block_are_told_apart(invitation):
    assert opened("Thanks, all fine!", invitation) == BlockRefusal("no-block")
    lines = block_of(invitation).splitlines()
    assert opened("\n".join([*lines[:-2], lines[-1]]), invitation).reason == "broken"  # no MAC line
    assert opened("\n".join(lines[:-1]), invitation).reason == "broken"  # no end line


def test_every_single_character_changed_is_refused(invitation):
    """Each character of the invitation id, the answers and the MAC, changed to another that
    could stand there: never verifies as these answers (nor any others)."""
    block = block_of(invitation)
    lines = block.splitlines()
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    checked = 0
    for n in range(1, len(lines) - 1):
        for position, char in enumerate(lines[n]):
            if lines[n][:position].endswith(("Invitation:", "MAC:")) or char in " :":
                continue
            other = alphabet[(alphabet.index(char) + 1) % len(alphabet)] if char in alphabet else "a"
            changed = lines.copy()
            changed[n] = lines[n][:position] + other + lines[n][position + 1 :]
            result = opened("\n".join(changed), invitation)
            assert isinstance(result, BlockRefusal), (n, position)
            assert result.reason in ("tampered", "unknown", "broken"), (n, position, result)
            checked += 1
    assert checked > 300


def test_a_payload_with_spare_bits_changed_is_not_the_same_block(invitation):
    """base64 of a length not divisible by three leaves bits the decoder ignores; a block whose
    last character differs only there decodes to the same bytes, and is refused all the same."""
    for extra in range(3):
        answers = [ClientAnswer("client-contacted", "red", "x" * extra)]
        block = block_of(invitation, answers)
        lines = block.splitlines()
        last = lines[-3]
        data = "".join(lines[2:-2])
        if len(data) % 4 == 0:
            continue
        twin = base64.urlsafe_b64encode(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))).decode().rstrip("=")
        assert twin == data
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        index = alphabet.index(last[-1])
        lines[-3] = last[:-1] + alphabet[index + 1]
        same_bytes = base64.urlsafe_b64decode("".join(lines[2:-2]) + "=" * (-len(data) % 4))
        assert same_bytes == base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        assert opened("\n".join(lines), invitation).reason == "tampered"


def test_a_block_for_another_invitation_is_refused(build_en, invitation):
    other = new_invitation(build_en, phase="build", sprint="2026-W48", created=NOW, created_by=ERIKA, token="other123")
    foreign = block_of(other)
    assert opened(foreign, invitation) == BlockRefusal("unknown", "build-other123", known=("build-k3f9a2mz",))
    # Its id line changed to this invitation's: the MAC was made with the other's secret.
    disguised = foreign.replace("Invitation: build-other123", "Invitation: build-k3f9a2mz")
    assert opened(disguised, invitation).reason == "tampered"


def test_a_block_imported_before_is_refused(invitation):
    first = opened(block_of(invitation), invitation)
    again = opened(block_of(invitation), invitation, {invitation.id: first})
    assert again == BlockRefusal("replayed", invitation.id, reply=first)


@pytest.mark.parametrize(
    "answers",
    [
        [["team-mood", 3, ""]],  # an item the invitation did not ask
        [["client-contacted", "maybe", ""]],  # off the scale
        [["client-contacted", "red", ""], ["client-contacted", "green", ""]],  # twice
        [],  # nothing answered
    ],
)
def test_a_verifying_block_whose_answers_do_not_fit_is_refused(invitation, answers):
    payload = json.dumps({"v": 1, "id": invitation.id, "t": "", "n": "", "a": answers}).encode()
    block = encode_block(invitation.id, payload, invitation.secret)
    assert opened(block, invitation).reason == "invalid"


def test_the_mac_is_hmac_sha256_of_context_and_payload(invitation):
    import hashlib
    import hmac

    payload = b'{"v":1}'
    expected = hmac.new(bytes.fromhex(invitation.secret), b"kundencheck-mirror-1\n" + payload, hashlib.sha256).hexdigest()
    assert mac_of(invitation.secret, payload) == expected


# ------------------------------------------------------------------------- the client's answers file


def test_the_clients_answers_file_is_written_and_read_back(build_en, invitation):
    reply = opened(block_of(invitation), invitation)
    text = reply_toml(reply, build_en)
    assert "# In the last weeks, did we really talk with you, beyond status mails?" in text
    assert read_reply(text.encode(), reply.path) == reply
    message = reply_message(reply, build_en)
    assert message.startswith("kundencheck(build): client answers, 0 green, 1 amber, 1 red; sprint 2026-W48\n")
    assert message.rstrip().endswith(
        "Kundencheck-Invitation: build-k3f9a2mz\nKundencheck-Phase: build\nKundencheck-Source: client"
    )
    assert "    Comment: Only status mails" in message


def test_a_comment_cannot_forge_a_trailer(build_en, invitation):
    answers = [ClientAnswer("client-contacted", "red", "fine\n\nKundencheck-Source: team\nKundencheck-Run: x")]
    reply = opened(block_of(invitation, answers), invitation)
    message = reply_message(reply, build_en)
    trailers = message.rstrip().split("\n\n")[-1].splitlines()
    assert trailers == ["Kundencheck-Invitation: build-k3f9a2mz", "Kundencheck-Phase: build", "Kundencheck-Source: client"]


def test_a_broken_answers_file_is_named_with_its_key(build_en, invitation):
    text = reply_toml(opened(block_of(invitation), invitation), build_en)
    with pytest.raises(MirrorError, match=r"answer 1\W+item 'client-contacted': an answer is a status"):
        read_reply(text.replace('status = "red"', 'status = "purple"').encode(), "x.toml")


def test_invitations_are_answered_or_waiting_with_their_age(invitation):
    reply = opened(block_of(invitation), invitation)
    older = invitation._replace(id="build-older000", created=NOW - dt.timedelta(days=20))
    states = invitation_states([older, invitation], {invitation.id: reply}, NOW.date() + dt.timedelta(days=2))
    assert [(s.invitation.id, s.answered, s.age) for s in states] == [("build-k3f9a2mz", True, 2), ("build-older000", False, 22)]


# ------------------------------------------------------------------------- beside the team's answers


def run(n: int, sprint: str, *answers: Answer, author: str = "Ana") -> Run:
    started = dt.datetime(2026, 3, 2, 9, n, tzinfo=UTC) + dt.timedelta(days=14 * int(sprint[-1]))
    return Run(
        id=f"{started:%Y%m%dT%H%M%SZ}-build-{author[:3].lower()}-{n:06x}",
        checklist="build",
        checklist_version="1.2",
        phase="build",
        language="en",
        sprint=sprint,
        author=f"{author} <{author.lower()}@example.com>",
        started=started,
        finished=started + dt.timedelta(minutes=5),
        answers=list(answers),
    )


def reply(sprint: str, *answers: ClientAnswer, invitation: str = "build-aaaa1111") -> ClientReply:
    return ClientReply(
        invitation, "build", "build", "1.2", sprint, "en", "Jane", None, dt.datetime(2026, 4, 1, tzinfo=UTC), ERIKA, answers
    )


def test_the_clients_answers_are_never_counted_as_the_teams(build_en):
    runs = [
        run(1, "S1", Answer("client-contacted", "green"), Answer("team-mood", 4)),
        run(2, "S2", Answer("client-contacted", "green"), Answer("team-mood", 4)),
    ]
    replies = [
        reply("S1", ClientAnswer("client-contacted", "red")),
        reply("S2", ClientAnswer("client-contacted", "red"), invitation="build-bbbb2222"),
    ]
    checklists = {"build": build_en}
    alone = summarize(runs, today=dt.date(2026, 4, 30), checklists=checklists)
    both = summarize(runs, today=dt.date(2026, 4, 30), checklists=checklists, client_replies=replies)
    for before, after in zip(alone.pictures, both.pictures, strict=True):
        assert before.band_counts() == after.band_counts()
        assert [(i.value, i.band, i.streak, i.trend, i.disagreement) for i in before.items.values()] == [
            (i.value, i.band, i.streak, i.trend, i.disagreement) for i in after.items.values()
        ]
    assert both.pictures[1].client["client-contacted"].band == "red"
    assert not both.pictures[1].items["client-contacted"].disagreement  # the client is no team member


@pytest.mark.parametrize(
    "team, client, gap",
    [
        ("green", "red", True),
        ("green", "amber", True),
        ("green", "green", False),
        ("green", "na", False),
        ("amber", "red", False),
        ("red", "red", False),
        (None, "red", False),
    ],
)
def test_a_perception_gap_is_team_green_client_red_or_amber(build_en, team, client, gap):
    runs = [run(1, "S1", *([Answer("client-contacted", team)] if team else [Answer("team-mood", 4)]))]
    summary = summarize(
        runs,
        today=dt.date(2026, 4, 30),
        checklists={"build": build_en},
        client_replies=[reply("S1", ClientAnswer("client-contacted", client))],
    )
    picture = summary.pictures[0]
    assert is_perception_gap(picture.items.get("client-contacted"), picture.client["client-contacted"]) is gap
    assert len(summary.gaps()) == int(gap)


def test_a_scale_item_is_compared_by_its_bands(build_en):
    # team-mood has no client wording in the shipped checklists, but a team's own checklist may ask it.
    runs = [run(1, "S1", Answer("team-mood", 5))]
    summary = summarize(
        runs,
        today=dt.date(2026, 4, 30),
        checklists={"build": build_en},
        client_replies=[reply("S1", ClientAnswer("team-mood", 3))],
    )
    assert [g.item for g in summary.gaps()] == ["team-mood"]


def gap_summary(build_en, *later: Run, levels=None):
    runs = [run(1, "S1", Answer("client-contacted", "green")), *later]
    summary = summarize(
        runs,
        today=dt.date(2026, 4, 30),
        checklists={"build": build_en},
        client_replies=[reply("S1", ClientAnswer("client-contacted", "red", "only mails"))],
    )
    return summary, evaluate(summary, {"due": "off", **(levels or {})})


def test_the_gate_fails_on_a_perception_gap_until_an_action_follows(build_en):
    summary, result = gap_summary(build_en)
    [finding] = result.findings
    assert (finding.rule, finding.level, finding.item, finding.phase) == ("perception_gap", "error", "client-contacted", "build")
    assert 'in sprint S1 the team answered ✔ yes (Ana ✔ yes), the client ✘ no (Jane: "only mails")' in finding.message
    assert finding.file == ".kundencheck/client/build-aaaa1111.toml" and finding.since_sprint == "S1"
    assert finding.details["client"][0]["comment"] == "only mails"
    # Still open a sprint later, answered green again and without an action.
    summary, result = gap_summary(build_en, run(2, "S2", Answer("client-contacted", "green")))
    assert [f.rule for f in result.findings] == ["perception_gap"]
    # An action on the item in a later sprint answers it, whatever the team answered.
    action = Action("Call Jane's PO every week", "Ana", dt.date(2026, 5, 30))
    summary, result = gap_summary(build_en, run(2, "S2", Answer("client-contacted", "green", action=action)))
    assert result.findings == [] and not summary.gaps()[0].is_open
    assert summary.gaps()[0].action.what == "Call Jane's PO every week"


def test_an_action_before_the_gaps_sprint_does_not_answer_it(build_en):
    early = run(0, "S0", Answer("client-contacted", "red", action=Action("Call", "Ana", dt.date(2026, 3, 10))))
    _summary, result = gap_summary(build_en, early)
    assert [f.rule for f in result.findings if f.rule == "perception_gap"] == ["perception_gap"]


def test_the_rule_can_be_a_warning_or_off(build_en):
    _summary, warned = gap_summary(build_en, levels={"perception_gap": "warning"})
    assert [(f.rule, f.level) for f in warned.findings] == [("perception_gap", "warning")] and warned.passed
    _summary, off = gap_summary(build_en, levels={"perception_gap": "off"})
    assert off.findings == []


def test_a_reply_for_a_sprint_the_team_has_not_answered_waits(build_en):
    summary = summarize(
        [run(1, "S1", Answer("client-contacted", "green"))],
        today=dt.date(2026, 4, 30),
        checklists={"build": build_en},
        client_replies=[reply("S2", ClientAnswer("client-contacted", "red"))],
    )
    assert [r.sprint for r in summary.unplaced_client_replies] == ["S2"] and summary.gaps() == []


def test_the_mirror_errors_are_the_projects_errors():
    assert issubclass(MirrorError, KundencheckError)


# ------------------------------------------------------------------------- the block's edges


def verified(invitation, document) -> str:
    """A block with a valid MAC for ``document`` (a JSON value, or the payload's bytes): what only
    someone holding the page's secret can make."""
    payload = document if isinstance(document, bytes) else json.dumps(document).encode()
    return encode_block(invitation.id, payload, invitation.secret)


GOOD_ANSWERS = [["client-contacted", "red", ""]]


@pytest.mark.parametrize(
    "document",
    [
        [1],  # no JSON object
        {"v": 2, "id": "build-k3f9a2mz", "a": GOOD_ANSWERS},  # another version
        {"v": 1, "id": "build-other123", "a": GOOD_ANSWERS},  # another invitation's answers
        {"v": 1, "id": "build-k3f9a2mz"},  # no answers
        {"v": 1, "id": "build-k3f9a2mz", "a": 5},
        {"v": 1, "id": "build-k3f9a2mz", "a": GOOD_ANSWERS, "n": 1},  # a name that is no text
        {"v": 1, "id": "build-k3f9a2mz", "a": GOOD_ANSWERS, "t": 1},  # a time that is no text
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", "red"]]},  # an answer of two parts
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", "red", 5]]},  # a comment that is no text
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", "red", "x" * 2001]]},  # a comment too long
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", 0, ""]]},
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", 6, ""]]},
        {"v": 1, "id": "build-k3f9a2mz", "a": [["client-contacted", True, ""]]},
        b'{"v":1,"id":"build-k3f9a2mz","a":[["client-contacted","red","\xff"]]}',  # not UTF-8
    ],
)
def test_a_verifying_payload_the_page_never_writes_is_refused(invitation, document):
    assert opened(verified(invitation, document), invitation) == BlockRefusal("invalid", invitation.id)


def test_the_answers_of_a_payload_are_read_in_the_invitations_order(invitation):
    document = {
        "v": 1,
        "id": invitation.id,
        "a": [["deviations-announced", 5, "x" * 2000], ["expectations-still-match", 1, " fine \u001b[31m"]],
    }
    reply = opened(verified(invitation, document), invitation)
    assert reply.answers == (
        ClientAnswer("expectations-still-match", 1, "fine"),
        ClientAnswer("deviations-announced", 5, "x" * 2000),
    )
    # Without a name the invitation's addressee answered; without a time it is not known.
    assert (reply.respondent, reply.answered) == ("Jane Doe", None)


@pytest.mark.parametrize(
    "answered, expected",
    [
        ("2026-11-28T09:00:00.123Z", dt.datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
        ("2026-11-28T10:00:00+01:00", dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("2026-11-28T09:00:00", None),  # no offset: not a moment
        ("", None),
        ("yesterday", None),
    ],
)
def test_when_the_client_answered_is_read_as_the_browser_wrote_it(invitation, answered, expected):
    payload = payload_bytes(invitation.id, [ClientAnswer("client-contacted", "red")], answered=answered)
    assert opened(encode_block(invitation.id, payload, invitation.secret), invitation).answered == expected


def test_a_payload_is_compact_json_in_utf8():
    answers = [ClientAnswer("client-contacted", "red", "Grüße"), ClientAnswer("team-mood", 2)]
    assert payload_bytes("build-x", answers) == (
        '{"v":1,"id":"build-x","t":"","n":"","a":[["client-contacted","red","Grüße"],["team-mood",2,""]]}'.encode()
    )


def test_the_blocks_data_is_the_payloads_base64url_without_padding(invitation):
    payload = b'[1] "W'  # its base64url ends in an X: a character the padding "=" is not
    block = verified(invitation, payload)
    assert block.splitlines()[2] == base64.urlsafe_b64encode(payload).decode() == "WzFdICJX"
    assert opened(block, invitation) == BlockRefusal("invalid", invitation.id)  # verified, then read


def test_a_block_of_a_single_line_of_data_is_a_block(invitation):
    block = verified(invitation, b"[1]")
    assert len(block.splitlines()) == 5
    assert opened(block, invitation) == BlockRefusal("invalid", invitation.id)


def test_an_end_marker_before_the_block_is_not_its_end(invitation):
    text = f"> {BLOCK_END}\n(an old reply)\n\n" + block_of(invitation)
    assert isinstance(opened(text, invitation), ClientReply)


@pytest.mark.parametrize(
    "between, invitation_id",
    [
        (["Invitation: build-k3f9a2mz", "eyJ2IjoxfQ"], "build-k3f9a2mz"),  # no MAC line: the id is known
        (["Invitation: build-k3f9a2mz"], "build-k3f9a2mz"),
        (["Invitation:"], ""),
        (["build-k3f9a2mz", "eyJ2IjoxfQ", "MAC: " + "0" * 64], ""),  # no "Invitation:" word
        ([], ""),
    ],
)
def test_a_broken_block_names_its_invitation_where_it_can(invitation, between, invitation_id):
    text = "\n".join([BLOCK_BEGIN, *between, BLOCK_END])
    assert opened(text, invitation) == BlockRefusal("broken", invitation_id)


def test_a_refused_block_names_its_invitation(invitation):
    lines = block_of(invitation).splitlines()
    changed_data = [*lines[:2], "A" + lines[2][1:], *lines[3:]]
    assert opened("\n".join(changed_data), invitation) == BlockRefusal("tampered", invitation.id)
    changed_mac = [*lines[:-2], lines[-2][:-1] + ("0" if lines[-2][-1] != "0" else "1"), lines[-1]]
    assert opened("\n".join(changed_mac), invitation) == BlockRefusal("tampered", invitation.id)
    # A MAC that is no hex at all (an "é" a mail program made of a character) is refused, not compared.
    foreign_mac = [*lines[:-2], "MAC: " + "é" * 64, lines[-1]]
    assert opened("\n".join(foreign_mac), invitation) == BlockRefusal("tampered", invitation.id)


@pytest.mark.parametrize(
    "wrap",
    [
        # Outlook's HTML: upper-case tags, each line in a span of its own.
        lambda b: "<HTML><BODY><P>Hi,</P><P><SPAN>" + b.replace("\n", "</SPAN><BR><SPAN>") + "</SPAN></P></BODY></HTML>",
        lambda b: b.replace("\n", "\r"),  # an old Mac's line ends
        # Quoted-printable with a byte that is no UTF-8 (=FF), and a text that cannot be encoded.
        lambda b: quopri.encodestring(b.encode()).decode() + "=FF \ud800\n",
    ],
)
def test_the_block_survives_more_of_what_mail_programs_do_to_it(invitation, wrap):
    assert isinstance(opened(wrap(block_of(invitation)), invitation), ClientReply)


@pytest.mark.parametrize(
    "charset, content",
    [
        ("utf-16", lambda b: b.encode("utf-16")),  # Notepad's attachment
        ("x-unknown", lambda b: b.encode()),  # a charset Python does not know
        ("utf-8", lambda b: b"\xff\xfe broken\n" + b.encode()),  # bytes that are no UTF-8
        (None, lambda b: b.encode()),  # no charset named
    ],
)
def test_the_block_is_found_in_a_mail_part_of_any_charset(invitation, charset, content):
    import email.mime.application
    import email.mime.multipart
    import email.mime.text

    message = email.mime.multipart.MIMEMultipart()
    message.attach(email.mime.text.MIMEText("Hello, see the attachment.\n"))
    part = email.mime.application.MIMEApplication(content(block_of(invitation)), "octet-stream")
    part.replace_header("Content-Type", "text/plain" + (f"; charset={charset}" if charset else ""))
    message.attach(part)
    assert BLOCK_BEGIN not in message.as_string()  # base64 in the mail: only the part's decoding finds it
    assert isinstance(opened(message.as_string(), invitation), ClientReply)


def test_a_new_token_is_made_of_its_entropy():
    from kundencheck.core.mirror import new_token

    assert new_token(bytes(8)) == "22222222"
    assert new_token((31**8 - 1).to_bytes(8)) == "zzzzzzzz"
    assert new_token((1).to_bytes(8)) == "32222222"


def test_names_and_questions_are_cut_where_they_are_shown(build_en, invitation):
    from dataclasses import replace

    from kundencheck.core.checklist import ClientWording

    question = "Did we " + "really " * 60 + "talk?"
    contacted = build_en.item("client-contacted")._replace(client=ClientWording(question, "Why."))
    checklist = replace(build_en, items=(contacted, *build_en.items[1:]))
    named = new_invitation(checklist, phase="build", sprint="S1", created=NOW, created_by=ERIKA, to="Jane " * 100)
    assert named.to == ("Jane " * 40)[:199].rstrip() + "…"
    assert f"# {question[:159]}…\n" in invitation_toml(named, checklist)
    payload = payload_bytes(invitation.id, [ClientAnswer("client-contacted", "red")], name="Jane " * 100)
    reply = opened(encode_block(invitation.id, payload, invitation.secret), invitation)
    assert reply.respondent == ("Jane " * 40)[:199].rstrip() + "…"
    reply = reply._replace(imported_by="x" * 300)
    assert f"# {question[:199]}…\n" in reply_toml(reply, checklist)
    message = reply_message(reply, checklist)
    assert f"imported by\n  {'x' * 119}….\n" in message
    # The question, cut at 200 characters, wrapped under its item.
    lines = message.split("\nRed:\n")[1].split("\n\n")[0].splitlines()
    assert len(lines) == 3 and lines[0].startswith("- ") and all(line.startswith("  ") for line in lines[1:])
    assert " ".join(line[2:] for line in lines) == f"client-contacted: {question[:199]}…"


def test_the_clients_amber_answers_are_listed_without_red_ones(build_en, invitation):
    answers = [ClientAnswer("client-contacted", "amber", "so-so"), ClientAnswer("expectations-still-match", "green")]
    message = reply_message(opened(block_of(invitation, answers), invitation), build_en)
    assert "\nAmber:\n- client-contacted: In the last weeks" in message and "Red:" not in message


def test_a_scale_answer_is_banded_by_the_checklists_bands(build_en, invitation):
    from dataclasses import replace

    from kundencheck.core.checklist import ClientWording

    mood = build_en.item("team-mood")._replace(
        client=ClientWording("How are we?", "Why."), scale_bands=("red", "red", "red", "red", "amber")
    )
    checklist = replace(build_en, items=(mood,))
    reply = opened(block_of(invitation, [ClientAnswer("client-contacted", "red")]), invitation)
    reply = reply._replace(answers=(ClientAnswer("team-mood", 4, ""),))
    message = reply_message(reply, checklist)
    assert message.startswith("kundencheck(build): client answers, 0 green, 0 amber, 1 red;")
    assert "\nRed:\n- team-mood: How are we?\n  Answer: 4/5\n" in message


def test_an_invitation_is_zero_days_old_on_its_day_and_before(invitation):
    states = invitation_states([invitation], {}, NOW.date())
    assert [s.age for s in states] == [0]
    assert [s.age for s in invitation_states([invitation], {}, NOW.date() - dt.timedelta(days=3))] == [0]


def test_every_bad_answer_of_a_reply_file_is_named():
    text = """schema = 1
invitation = "build-k3f9a2mz"
phase = "build"
checklist = "build"
checklist_version = "1.3"
sprint = "S1"
language = "en"
imported = 2026-11-28T10:00:00+01:00
imported_by = "Erika"
answers = [1, {item = "Bad Id"}, {item = "a", status = "purple"}, {item = "b", status = "red", comment = 1}, 2]
"""
    with pytest.raises(MirrorError) as caught:
        read_reply(text.encode(), "r.toml")
    message = str(caught.value)
    for n in range(1, 6):
        assert f"key 'answer {n}'" in message, message
