"""The sprint meeting's model (core/meeting.py): turns, hidden votes, the reveal, anonymous counts,
the agreed default, and the run a meeting of votes given in files makes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer, ItemVotes, Vote, problems_with
from kundencheck.core.answers_file import Form, loads, read_filled
from kundencheck.core.checklist import checklist_from_dict, load_checklist
from kundencheck.core.meeting import Ballot, Meeting, Mode, default_answer, meeting_run, phase_of_files, sprint_of_files
from kundencheck.core.people import Person

DATA = Path(__file__).resolve().parents[1] / "data"
ERIKA = Person("Erika Mustermann", "erika@example.com")
ANA = Person("Ana Schäfer", "ana@example.com")
BEN = Person("Ben Okafor", "ben@example.com")
CEM = Person("Cem Yılmaz", "cem@example.com")
FOUR = [ERIKA, ANA, BEN, CEM]
STARTED = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def checklist(anonymous_mood: bool = True):
    """The tests' checklist, its team mood anonymous (as the shipped one) unless told otherwise."""
    import tomllib

    data = tomllib.loads((DATA / "sprint.en.toml").read_text(encoding="utf-8"))
    for item in data["items"]:
        if item["id"] == "team-mood":
            item["anonymous"] = anonymous_mood
    return checklist_from_dict(data)


# ----------------------------------------------------------------------------- turns and the reveal


def test_everyone_votes_in_turn_and_nothing_shows_until_the_last_vote():
    meeting = Meeting(checklist(), FOUR)
    assert meeting.state("client-contacted").mode is Mode.NAMED
    assert meeting.turn("client-contacted") == ERIKA
    assert meeting.voted("client-contacted") == (0, 4)
    for person, value in ((ERIKA, "red"), (ANA, "amber"), (BEN, "green")):
        assert meeting.turn("client-contacted") == person
        assert meeting.vote("client-contacted", value) is False
        assert meeting.counts("client-contacted") == [] and meeting.spread("client-contacted") is None
        assert meeting.recorded() == []  # a hidden vote is never among the votes to keep
    assert meeting.voted("client-contacted") == (3, 4)
    assert meeting.vote("client-contacted", "red") is True  # Cem, the last: revealed
    assert meeting.turn("client-contacted") is None
    assert meeting.recorded() == [
        ItemVotes(
            "client-contacted",
            named=(Vote(str(ERIKA), "red"), Vote(str(ANA), "amber"), Vote(str(BEN), "green"), Vote(str(CEM), "red")),
        )
    ]
    assert meeting.counts("client-contacted") == [("green", 1), ("amber", 1), ("red", 2)]
    spread = meeting.spread("client-contacted")
    assert spread.spread == 2 and spread.disagreement
    assert meeting.default("client-contacted") == "red"  # the worse of the two middle votes


def test_an_anonymous_item_keeps_only_how_many_voted_for_each_value():
    meeting = Meeting(checklist(), FOUR)
    state = meeting.state("team-mood")
    assert state.mode is Mode.ANONYMOUS
    for value in (1, 4, 4):
        meeting.vote("team-mood", value)
    assert meeting.vote("team-mood", 2) is True
    assert state.revealed == ItemVotes("team-mood", anonymous=((1, 1), (2, 1), (4, 2)))
    assert state._hidden == {} and state._steps == []  # who voted what is forgotten at the reveal
    assert not any(str(person) in repr(meeting.recorded()) for person in FOUR)
    assert meeting.default("team-mood") == 2  # votes 1, 2, 4, 4: the lower middle
    assert meeting.spread("team-mood").disagreement  # 1 and 4 lie 3 apart


def test_an_anonymous_item_with_fewer_than_three_voters_is_asked_openly():
    meeting = Meeting(checklist(), [ERIKA, ANA])
    assert meeting.state("team-mood").mode is Mode.OPEN
    meeting.vote("team-mood", 2)
    meeting.vote("team-mood", 3)
    assert meeting.recorded() == [ItemVotes("team-mood", named=(Vote(str(ERIKA), 2), Vote(str(ANA), 3)))]


def test_a_skip_that_leaves_too_few_voters_throws_the_masked_votes_away():
    meeting = Meeting(checklist(), [ERIKA, ANA, BEN])
    meeting.vote("team-mood", 1)
    meeting.vote("team-mood", 5)
    state = meeting.state("team-mood")
    assert state.mode is Mode.ANONYMOUS
    assert meeting.skip("team-mood") is False  # Ben stepped out: two voters left
    assert state.mode is Mode.OPEN and state.reopened
    assert state._hidden == {}  # nobody is named for a vote given in the belief it was anonymous
    assert meeting.turn("team-mood") == ERIKA and meeting.voted("team-mood") == (0, 2)
    meeting.vote("team-mood", 3)
    assert meeting.vote("team-mood", 4) is True
    assert meeting.recorded() == [ItemVotes("team-mood", named=(Vote(str(ERIKA), 3), Vote(str(ANA), 4)))]


def test_back_takes_back_the_last_vote_or_skip():
    meeting = Meeting(checklist(), FOUR)
    meeting.vote("client-contacted", "green")
    meeting.skip("client-contacted")
    assert meeting.voted("client-contacted") == (1, 3)
    assert meeting.back("client-contacted") == ANA  # the skip taken back: Ana's turn
    assert meeting.voted("client-contacted") == (1, 4) and meeting.turn("client-contacted") == ANA
    assert meeting.back("client-contacted") == ERIKA  # her vote taken back
    assert meeting.voted("client-contacted") == (0, 4) and meeting.back("client-contacted") is None
    for value in ("green", "green", "green"):
        meeting.vote("client-contacted", value)
    meeting.skip("client-contacted")  # the last one skipped: revealed with three votes
    assert meeting.recorded()[0].voters == 3 and not meeting.can_go_back("client-contacted")


def test_text_and_date_items_are_not_voted_on():
    meeting = Meeting(checklist(), FOUR)
    assert meeting.state("next-review").mode is Mode.AGREED
    assert meeting.turn("next-review") is None
    with pytest.raises(ValueError, match="nobody's turn"):
        meeting.vote("next-review", dt.date(2026, 12, 1))


def test_voting_again_forgets_the_revealed_votes():
    meeting = Meeting(checklist(), [ERIKA, ANA])
    meeting.vote("client-contacted", "red")
    meeting.vote("client-contacted", "green")
    meeting.vote_again("client-contacted")
    assert meeting.recorded() == [] and meeting.turn("client-contacted") == ERIKA


def test_a_resumed_meeting_takes_up_its_revealed_votes():
    meeting = Meeting(checklist(), FOUR)
    meeting.restore(
        [
            ItemVotes("team-mood", anonymous=((2, 3), (4, 1))),
            ItemVotes("client-contacted", named=(Vote(str(ANA), "red"), Vote(str(BEN), "green"))),
        ]
    )
    assert meeting.default("team-mood") == 2 and meeting.turn("team-mood") is None
    assert meeting.voters("client-contacted") == [ANA, BEN]  # the others had been skipped
    assert meeting.turn("expectations-match") == ERIKA  # not voted on yet


@pytest.mark.parametrize(
    "values, expected",
    [
        ([3], 3),
        ([1, 5], 1),
        ([2, 4, 4], 4),
        ([1, 2, 4, 5], 2),
        ([5, 5, 5, 1], 5),
    ],
)
def test_the_default_is_the_median_or_the_worse_of_the_two_middle_votes(values, expected):
    item = checklist().item("team-mood")
    assert default_answer(item, values) == expected
    assert default_answer(item, list(reversed(values))) == expected  # whatever the order of the votes


@pytest.mark.parametrize(
    "values, expected",
    [
        (["green", "red"], "red"),
        (["green", "green", "amber"], "green"),
        (["green", "amber", "red", "green"], "amber"),
        (["na", "na", "green"], "na"),
        (["na", "green"], "green"),
        ([], None),
    ],
)
def test_the_default_of_a_traffic_light_is_judged_by_its_bands(values, expected):
    assert default_answer(checklist().item("client-contacted"), values) == expected


def test_the_default_of_a_choice_without_bands_is_the_one_most_voted_for():
    item = checklist().item("own-design")  # the tests' options have no band
    assert default_answer(item, ["no", "yes", "no"]) == "no"
    assert default_answer(item, ["no", "yes"]) == "yes"  # a tie: the first option


# ----------------------------------------------------------------------------- votes in files


def ballot(person: Person, answers: dict, source: str = "") -> Ballot:
    filled = checklist()
    run = answers_mod.new_run(filled, person, started=STARTED)
    run.answers = [Answer(item, *(value if isinstance(value, tuple) else (value,))) for item, value in answers.items()]
    return Ballot(person, run, source or f"{person.name}.toml")


def test_a_meeting_of_files_votes_as_the_tui_does():
    sheets = [
        ballot(
            ERIKA,
            {
                "client-contacted": ("red", "Only mails"),
                "team-mood": (1, "I am tired"),
                "own-design": "no",
                "expectations-match": "green",
                "next-review": dt.date(2026, 12, 4),
                "self-critical": "Call earlier",
            },
        ),
        ballot(
            ANA,
            {
                "client-contacted": ("amber", "One call"),
                "team-mood": 4,
                "own-design": "no",
                "expectations-match": "green",
                "next-review": dt.date(2026, 12, 4),
                "self-critical": "Call earlier",
            },
        ),
        ballot(BEN, {"client-contacted": ("green", ""), "team-mood": 4, "own-design": "yes", "expectations-match": "green"}),
        ballot(
            CEM,
            {
                "client-contacted": ("red", "", Action("Call them", "Cem", dt.date(2026, 12, 1))),
                "team-mood": 2,
                "own-design": "no",
                "expectations-match": "amber",
            },
        ),
    ]
    made = meeting_run(checklist(), ERIKA, sheets, started=STARTED, sprint="2026-W48")
    run = made.run
    assert run.meeting and run.author == str(ERIKA) and run.participants == [str(p) for p in FOUR]
    assert run.values() == {
        "client-contacted": "red",
        "team-mood": 2,
        "own-design": "no",
        "expectations-match": "green",
        "next-review": dt.date(2026, 12, 4),
        "self-critical": "Call earlier",
    }
    contacted = run.answer("client-contacted")
    assert contacted.note == "Erika Mustermann: Only mails\nAna Schäfer: One call"  # a named item: with names
    assert contacted.action == Action("Call them", "Cem", dt.date(2026, 12, 1))  # of a vote like the agreed one
    mood = run.answer("team-mood")
    assert mood.note == "" and mood.action is None  # an anonymous item takes nothing a person wrote
    assert run.votes_on("team-mood") == ItemVotes("team-mood", anonymous=((1, 1), (2, 1), (4, 2)))
    assert run.votes_on("next-review") is None  # not voted on: the files agree on it
    assert any("team-mood" in note and "left out" in note for note in made.notes)
    # team mood 2 needs an action (action_when = [1, 2]): only --agreed can give it
    assert problems_with(run, checklist()) == ["item 'team-mood': the answer '2' needs an action with what, owner and due date."]
    text = answers_mod.dumps(run, checklist())
    assert "I am tired" not in text and loads(text).votes == run.votes


def test_the_agreed_file_gives_the_answers_notes_actions_and_reviews():
    sheets = [
        ballot(p, {"client-contacted": "green", "team-mood": 4, "own-design": "no", "expectations-match": "green"})
        for p in (ANA, BEN, CEM)
    ]
    agreed = answers_mod.new_run(checklist(), ERIKA, started=STARTED)
    agreed.answers = [
        Answer("team-mood", 2, "Deadline pressure", Action("Talk it through", "Erika", dt.date(2026, 12, 2))),
        Answer("self-critical", "Offer the compromise sooner"),
    ]
    agreed.reviews = [answers_mod.ActionReview("20261113T090200Z-build-jonas-8b21d0", "client-contacted", "done")]
    run = meeting_run(checklist(), ERIKA, sheets, agreed, started=STARTED).run
    assert run.answer("team-mood") == agreed.answers[0]
    assert run.votes_on("team-mood").counts() == {4: 3}  # the votes are what they were
    assert run.reviews == agreed.reviews
    assert problems_with(run, checklist()) == []


def test_an_anonymous_item_voted_on_by_fewer_than_three_in_files_keeps_no_vote_and_decides_nothing():
    """One or two votes would make an answer that is one person's vote (the worse of two is one
    of them): the item waits for the agreed file's answer."""
    sheets = [ballot(ANA, {"team-mood": 1}), ballot(BEN, {"team-mood": 5}), ballot(CEM, {})]
    made = meeting_run(checklist(), ERIKA, sheets, started=STARTED)
    assert made.run.answer("team-mood") is None
    assert made.run.votes_on("team-mood") is None
    assert made.undecided == [("team-mood", 2)]
    agreed = answers_mod.new_run(checklist(), ERIKA, started=STARTED)
    agreed.answers = [Answer("team-mood", 3)]
    made = meeting_run(checklist(), ERIKA, sheets, agreed, started=STARTED)
    assert made.run.answer("team-mood").value == 3 and made.run.votes_on("team-mood") is None
    assert made.undecided == []
    assert any("team-mood" in note and "no vote is kept" in note and "--agreed" in note for note in made.notes)


def test_an_anonymous_item_nobody_answered_in_the_files_is_not_undecided():
    made = meeting_run(checklist(), ERIKA, [ballot(ANA, {}), ballot(BEN, {})], started=STARTED)
    assert made.undecided == [] and made.run.answer("team-mood") is None
    assert not any("team-mood" in note for note in made.notes)


def test_files_that_answer_a_text_item_differently_need_the_agreed_answer():
    sheets = [ballot(ANA, {"next-review": dt.date(2026, 12, 4)}), ballot(BEN, {"next-review": dt.date(2026, 12, 5)})]
    made = meeting_run(checklist(), ERIKA, sheets, started=STARTED)
    assert made.run.answer("next-review") is None
    assert any("next-review" in note and "--agreed" in note for note in made.notes)


def test_a_filled_in_file_read_for_a_meeting_need_not_be_complete():
    raw = {"schema": 1, "checklist": "build", "author": str(ANA), "answers": [{"item": "client-contacted", "status": "red"}]}
    form = Form(load_checklist(DATA / "sprint.en.toml"), ANA, "build", started=STARTED)
    filled = read_filled(raw, "ana.toml", form, complete=False)
    assert filled.run.values() == {"client-contacted": "red"}  # no note, no action: it is a vote


# ----------------------------------------------------------------------------- the steps in detail


def test_what_the_screen_may_ask_before_and_after_the_reveal():
    meeting = Meeting(checklist(anonymous_mood=False), [ERIKA, ANA])
    assert not meeting.can_go_back("team-mood") and not meeting.has_voted("team-mood", ERIKA)
    meeting.vote("team-mood", 2)
    assert meeting.can_go_back("team-mood")
    assert meeting.has_voted("team-mood", ERIKA) and not meeting.has_voted("team-mood", ANA)
    meeting.vote("team-mood", 4)
    assert not meeting.can_go_back("team-mood") and meeting.back("team-mood") is None
    # 2 and 4 lie two apart: no disagreement on a scale, though one is red and the other green
    assert meeting.spread("team-mood") == (2, False)
    with pytest.raises(ValueError, match="nobody's turn to vote on team-mood"):
        meeting.skip("team-mood")


def test_taking_back_the_skip_that_opened_an_anonymous_item_makes_it_anonymous_again():
    meeting = Meeting(checklist(), [ERIKA, ANA, BEN])
    meeting.vote("team-mood", 1)
    meeting.vote("team-mood", 5)
    meeting.skip("team-mood")  # two voters left: asked openly, the masked votes thrown away
    state = meeting.state("team-mood")
    assert meeting.can_go_back("team-mood")  # the skip is the one step left
    assert meeting.back("team-mood") == BEN
    assert (state.mode, state.reopened) == (Mode.ANONYMOUS, False)
    assert meeting.turn("team-mood") == ERIKA and meeting.voted("team-mood") == (0, 3)
    # An open vote given since keeps it open when a skip is taken back under it.
    meeting.skip("team-mood")
    meeting.skip("team-mood")
    assert meeting.back("team-mood") == ANA and state.mode is Mode.OPEN  # back to two voters: still open
    meeting.vote("team-mood", 3)
    assert meeting.back("team-mood") == ANA and state.mode is Mode.OPEN and state.reopened


def test_voting_again_on_an_anonymous_item_starts_it_anonymous():
    meeting = Meeting(checklist(), FOUR)
    for value in (1, 2, 3, 4):
        meeting.vote("team-mood", value)
    meeting.vote_again("team-mood")
    state = meeting.state("team-mood")
    assert state.mode is Mode.ANONYMOUS and state.item.id == "team-mood" and state.revealed is None
    for value in (5, 5, 5):
        meeting.vote("team-mood", value)
    assert meeting.vote("team-mood", 4) and meeting.counts("team-mood") == [(4, 1), (5, 3)]


def test_a_resumed_meeting_knows_how_each_item_was_voted_on():
    meeting = Meeting(checklist(), [ERIKA, ANA])
    meeting.restore(
        [
            ItemVotes("gone-from-the-checklist", named=(Vote(str(ANA), "red"),)),
            ItemVotes("team-mood", anonymous=((2, 3),)),
        ]
    )
    assert meeting.state("team-mood").mode is Mode.ANONYMOUS  # two present now, but it was counted
    four = Meeting(checklist(), FOUR)
    four.restore([ItemVotes("team-mood", named=(Vote(str(ANA), 3), Vote(str(BEN), 4)))])
    assert four.state("team-mood").mode is Mode.OPEN  # asked openly then
    assert four.voters("team-mood") == [ANA, BEN]


# ----------------------------------------------------------------------------- votes in files, in detail


def test_whose_votes_a_file_holds():
    from kundencheck.core.errors import AnswersError
    from kundencheck.core.meeting import ballot_author

    assert ballot_author({"author": " Ana Schäfer <ana@example.com> "}, "ana.toml") == ANA
    for data in ({}, {"author": "  "}, {"author": 3}):
        with pytest.raises(AnswersError) as missing:
            ballot_author(data, "ana.toml")
        assert str(missing.value) == (
            'ana.toml: a file for the meeting names whose answers it holds: author = "Name <email>" at the top '
            "(`kundencheck answer PHASE --template` writes it)."
        )
        assert missing.value.source == "ana.toml"
    with pytest.raises(AnswersError) as bad:
        ballot_author({"author": "Ana"}, "ana.toml")
    assert str(bad.value) == (
        "ana.toml: key 'author': 'Ana' is not a person as git writes one. Give a name and an e-mail address in angle "
        'brackets, like "Jürgen Groß <juergen@example.com>".'
    )
    assert bad.value.source == "ana.toml"


def test_the_notes_of_a_meeting_of_files_word_for_word():
    sheets = [
        ballot(ANA, {"team-mood": (1, "tired"), "next-review": dt.date(2026, 12, 4), "self-critical": ""}, "ana.toml"),
        ballot(BEN, {"team-mood": 5, "next-review": dt.date(2026, 12, 5), "self-critical": "Ask sooner"}, "ben.toml"),
    ]
    sheets[1].run.reviews = [answers_mod.ActionReview("20261113T090200Z-build-jonas-8b21d0", "client-contacted", "done")]
    made = meeting_run(checklist(), ERIKA, sheets, started=STARTED)
    assert made.undecided == [("team-mood", 2)]  # two votes cannot make the agreed answer: --agreed must
    assert made.notes == [
        (
            "next-review: the files answer it differently and it is not voted on (a date item); give the agreed answer in "
            "--agreed FILE."
        ),
        (
            "team-mood: anonymous, so the notes and actions in the files are left out (1 of them): a note could give its writer "
            "away. Give the agreed note and action in --agreed FILE."
        ),
        "ben.toml: its decisions on open actions are left out: a meeting decides them once, in --agreed FILE.",
    ]
    assert made.run.answer("self-critical").value == "Ask sooner"  # an empty answer is no other answer
    assert made.run.started == STARTED and made.run.reviews == []


def test_files_that_agree_leave_no_note_and_the_agreed_file_names_the_sprint():
    sheets = [ballot(p, {"client-contacted": "green", "self-critical": "Ask sooner"}) for p in (ANA, BEN, CEM)]
    sheets.append(ballot(ERIKA, {"client-contacted": "", "team-mood": "", "self-critical": ""}))  # left empty: no vote
    agreed = answers_mod.new_run(checklist(), ERIKA, started=STARTED, sprint="2026-W50")
    agreed.answers = [Answer("client-contacted", ""), Answer("self-critical", "")]
    made = meeting_run(checklist(), ERIKA, sheets, agreed, started=STARTED)
    assert made.notes == []  # nobody voted on the anonymous team mood: no vote was left out
    assert made.run.sprint == "2026-W50" and made.run.started == STARTED
    # an agreed answer left empty: the votes' default, the files' common answer
    assert made.run.values() == {"client-contacted": "green", "self-critical": "Ask sooner"}
    assert made.run.votes_on("client-contacted").named == tuple(Vote(str(p), "green") for p in (ANA, BEN, CEM))
    assert meeting_run(checklist(), ERIKA, sheets, agreed, started=STARTED, sprint="2026-W51").run.sprint == "2026-W51"
    alone = meeting_run(checklist(), ERIKA, [], started=STARTED)
    assert alone.run.participants == [str(ERIKA)] and alone.run.answers == []


@pytest.mark.parametrize("of_files", [phase_of_files, sprint_of_files])
def test_the_files_value_is_the_one_those_that_name_one_agree_on(of_files):
    assert of_files([]) is None
    assert of_files([("ana.toml", None), ("ben.toml", "")]) is None
    assert of_files([("ana.toml", None), ("ben.toml", "build"), ("cem.toml", "build")]) == "build"


def test_files_of_different_phases_or_sprints_are_refused_naming_each_file():
    from kundencheck.core.errors import AnswersError

    said = [("ana.toml", "build"), ("ben.toml", None), ("cem.toml", "acceptance\n" + "x" * 60)]
    with pytest.raises(AnswersError) as phases:
        phase_of_files(said)
    shown = repr("acceptance " + "x" * 28 + "…")
    assert str(phases.value) == (
        f"The files are of different phases (ana.toml: 'build', cem.toml: {shown}); a meeting answers one "
        "phase's checklist. Give the files of one phase, each made with `kundencheck answer PHASE --template`."
    )
    with pytest.raises(AnswersError) as sprints:
        sprint_of_files([("ana.toml", "12"), ("ben.toml", "13")])
    assert str(sprints.value) == (
        "The files name different sprints (ana.toml: '12', ben.toml: '13'); a meeting is one sprint's. "
        "Give the sprint with --sprint, or make the files agree."
    )


def test_the_default_of_options_of_one_band_is_the_first_in_the_items_order_and_empty_votes_do_not_count():
    from tests.support.checklists import checklist as make
    from tests.support.checklists import item as make_item

    options = [
        {"id": "warm", "label": "Warm", "band": "amber"},
        {"id": "cool", "label": "Cool", "band": "amber"},
        {"id": "bright", "label": "Bright", "band": "green"},
    ]
    tone = make(make_item("tone", question="How does the client sound?", why="Tone first.", kind="choice", options=options))
    assert default_answer(tone.item("tone"), ["cool", "warm"]) == "warm"
    assert default_answer(tone.item("tone"), ["bright", "cool", "warm"]) == "cool"  # the middle: warm, cool, bright
    assert default_answer(checklist().item("client-contacted"), ["", "", "green"]) == "green"


def test_the_default_of_free_text_is_the_one_most_voted_for_the_first_in_order_on_a_tie():
    text = checklist().item("self-critical")
    assert default_answer(text, ["b", "a"]) == "a"
    assert default_answer(text, ["b", "a", "b"]) == "b"


def test_a_meetings_action_is_of_the_first_who_voted_the_agreed_answer_else_of_the_first_who_gave_one():
    mail = Action("Mail them", "Erika", dt.date(2026, 12, 4))
    call = Action("Call them", "Ana", dt.date(2026, 12, 5))
    visit = Action("Visit them", "Ben", dt.date(2026, 12, 6))

    def action(*votes, agreed=None):
        sheets = [ballot(person, {"client-contacted": vote}) for person, vote in zip((ERIKA, ANA, BEN), votes, strict=True)]
        return meeting_run(checklist(), ERIKA, sheets, agreed, started=STARTED).run.answer("client-contacted").action

    # The default is red (the middle of amber, red, red): Ana's action, not Erika's of her amber.
    assert action(("amber", "Mails only", mail), ("red", "None", call), ("red", "None")) == call
    # No one who voted red gave one: the first action given.
    assert action(("amber", "Mails only", mail), ("red", "None"), ("red", "None")) == mail
    # Red needs an action no one gave: none; green needs none, so Erika's of her red is not taken.
    assert action(("red", "None"), ("red", "None"), ("red", "None")) is None
    assert action(("red", "None", mail), ("green",), ("green",)) is None
    # The agreed file's action wins over the voters'.
    agreed = answers_mod.new_run(checklist(), ERIKA, started=STARTED)
    agreed.answers = [Answer("client-contacted", "red", "Agreed", visit)]
    assert action(("amber", "Mails only", mail), ("red", "None", call), ("red", "None"), agreed=agreed) == visit


def test_a_meeting_records_its_items_in_the_checklists_order_and_each_person_once():
    meeting = Meeting(checklist(), [ERIKA, ANA, ERIKA, BEN])
    assert meeting.people == [ERIKA, ANA, BEN]
    for item_id, value in (("expectations-match", "green"), ("own-design", "yes")):
        for _person in meeting.people:
            meeting.vote(item_id, value)
    assert [v.item for v in meeting.recorded()] == ["own-design", "expectations-match"]
    with pytest.raises(KeyError, match="gone"):
        meeting.state("gone")
