"""The history model: trends, streaks, sprint pictures, actions, due checks, the summary, the
reports drawn from it, and action reviews in the answers file. Pure and fast: runs are built in
memory."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib

import pytest

from kundencheck.core.answers import (
    Action,
    ActionReview,
    Answer,
    dumps,
    problems_with,
)
from kundencheck.core.answers_file import loads
from kundencheck.core.checklist import Kind, checklist_from_dict
from kundencheck.core.errors import AnswersError, UsageError
from kundencheck.core.history import (
    ActionState,
    Trend,
    compare,
    current_streaks,
    due_check,
    item_series,
    joined_thread,
    latest_run,
    parse_runs,
    run_trends,
    sprint_pictures,
    summarize,
    thread_id,
    threads_to_show,
    track_actions,
)
from kundencheck.core.people import Person, is_owned_by
from kundencheck.core.report import (
    build_report,
    md,
    report_html,
    report_json,
    report_markdown,
    status_dict,
)
from tests.support.runs import A1, ANA, CHECKLIST, CHECKLISTS, D1, D2, D3, JONAS, LEA, action_runs, report_summary, run

# --------------------------------------------------------------------------------- bands and trends


@pytest.mark.parametrize(
    "now, before, item, expected",
    [
        ("green", "red", "contacted", Trend.BETTER),
        ("amber", "amber", "contacted", Trend.SAME),
        ("red", "amber", "contacted", Trend.WORSE),
        ("red", None, "contacted", Trend.NEW),
        ("red", "na", "contacted", Trend.NEW),
        ("na", "red", "contacted", Trend.NONE),
        (2, 4, "mood", Trend.WORSE),
        (5, 4, "mood", Trend.BETTER),
        ("yes", "no", "design", Trend.NONE),  # options without bands cannot be compared
    ],
)
def test_compare(now, before, item, expected):
    assert compare(now, before, CHECKLIST.item(item)) is expected


def test_compare_an_item_no_longer_in_the_checklist_by_its_values_kind():
    assert compare("red", "green", None) is Trend.WORSE
    assert compare(4, 2, None) is Trend.BETTER
    assert compare("maybe", "yes", None) is Trend.NONE


def test_run_trends_compare_with_the_previous_sprint_not_the_same_sprint():
    runs = [
        run("W10", D1, Answer("contacted", "amber"), Answer("mood", 3)),
        run("W12", D2, Answer("contacted", "green"), Answer("mood", 2), Answer("design", "yes")),
        run("W12", D2, Answer("contacted", "red"), author=JONAS, minute=10),
    ]
    pictures = sprint_pictures(runs, CHECKLISTS)
    assert run_trends(runs[1], pictures, CHECKLIST) == {"contacted": Trend.BETTER, "mood": Trend.WORSE, "design": Trend.NONE}
    # Jonas' red in the same sprint is compared with W10's amber, not with Ana's green.
    assert run_trends(runs[2], pictures, CHECKLIST) == {"contacted": Trend.WORSE}


def test_kinds_are_guessed_without_a_checklist():
    runs = [
        run("W10", D1, Answer("contacted", "green"), Answer("mood", 4)),
        run("W12", D2, Answer("contacted", "red"), Answer("mood", 5)),
    ]
    last = sprint_pictures(runs)[-1]
    assert last.items["contacted"].trend is Trend.WORSE and last.items["mood"].trend is Trend.BETTER


# --------------------------------------------------------------------------------- sprint pictures


def test_a_sprint_picture_with_a_disagreement():
    runs = [
        run("W10", D1, Answer("contacted", "green"), Answer("mood", 5), author=ANA),
        run("W10", D1, Answer("contacted", "red", note="Only mails"), Answer("mood", 2), author=JONAS, minute=5),
        run("W10", D1, Answer("contacted", "amber"), Answer("mood", 4), author=LEA, minute=9),
    ]
    [picture] = sprint_pictures(runs, CHECKLISTS)
    contacted, mood = picture.items["contacted"], picture.items["mood"]
    assert contacted.disagreement and contacted.spread == 2
    assert contacted.value == "red"  # one each: the worse answer on a tie
    assert contacted.counts() == {"green": 1, "red": 1, "amber": 1}
    assert contacted.notes() == [(JONAS, "Only mails")]
    assert mood.spread == 3 and mood.disagreement and mood.value == 4  # median of 2, 4, 5
    assert [i.item for i in picture.disagreements()] == ["contacted", "mood"]
    assert picture.authors == [ANA, JONAS, LEA]


def test_amber_against_red_and_a_small_scale_spread_are_no_disagreement():
    runs = [
        run("W10", D1, Answer("contacted", "amber"), Answer("mood", 2)),
        run("W10", D1, Answer("contacted", "red"), Answer("mood", 4), author=JONAS, minute=3),
    ]
    [picture] = sprint_pictures(runs, CHECKLISTS)
    assert not picture.disagreements()
    assert picture.items["mood"].value == 2  # the lower of the two middle values


def test_the_majority_answer_represents_the_sprint():
    runs = [run("W10", D1, Answer("contacted", "green"), author=a, minute=m) for m, a in enumerate((ANA, JONAS))] + [
        run("W10", D1, Answer("contacted", "red"), author=LEA, minute=7)
    ]
    assert sprint_pictures(runs)[0].items["contacted"].value == "green"


def test_a_person_counts_once_per_sprint_with_the_later_run():
    first = run("W10", D1, Answer("contacted", "red"), author=ANA)
    again = run("W10", D1, Answer("contacted", "green"), author="Ana S. <ANA@example.com>", minute=30)
    [picture] = sprint_pictures([again, first])
    assert picture.runs == [again] and picture.superseded == [first]
    assert picture.items["contacted"].value == "green" and not picture.items["contacted"].disagreement


def test_pictures_are_ordered_by_time_and_separate_checklists():
    runs = [
        run("S-late", D3, Answer("contacted", "red")),
        run("S-early", D1, Answer("contacted", "red")),
        run("S-early", D1, Answer("contacted", "red"), checklist="kickoff", phase="kickoff", minute=2),
    ]
    pictures = sprint_pictures(runs)
    assert [(p.checklist, p.sprint, p.index) for p in pictures] == [
        ("build", "S-early", 0),
        ("kickoff", "S-early", 0),
        ("build", "S-late", 1),
    ]


# --------------------------------------------------------------------------------- streaks


def test_red_for_three_sprints_in_a_row():
    runs = [run("W08", dt.date(2026, 2, 16), Answer("contacted", "red"), Answer("mood", 4))]
    runs += [run(s, d, Answer("contacted", "red"), Answer("mood", m)) for s, d, m in (("W10", D1, 4), ("W12", D2, 2))]
    runs.insert(0, run("W06", dt.date(2026, 2, 2), Answer("contacted", "green")))
    pictures = sprint_pictures(runs, CHECKLISTS)
    [streak] = current_streaks(pictures)
    assert (streak.item, streak.band, streak.length, streak.since, streak.until) == ("contacted", "red", 3, "W08", "W12")
    assert pictures[-1].items["mood"].streak == 1
    assert current_streaks(pictures, min_length=1, bands=("red",))[1].item == "mood"


def test_a_sprint_without_an_answer_breaks_the_streak():
    runs = [
        run("W08", dt.date(2026, 2, 16), Answer("contacted", "red")),
        run("W10", D1, Answer("mood", 3)),
        run("W12", D2, Answer("contacted", "red")),
    ]
    assert sprint_pictures(runs)[-1].items["contacted"].streak == 1


def test_item_series_for_one_author():
    runs = [
        run("W10", D1, Answer("contacted", "green"), author=ANA),
        run("W10", D1, Answer("contacted", "red"), author=JONAS, minute=3),
        run("W12", D2, Answer("contacted", "amber"), author=ANA),
        run("W14", D3, Answer("contacted", "red"), author=JONAS),
    ]
    pictures = sprint_pictures(runs)
    everyone = item_series(pictures, "build", "contacted")
    assert [i.value for _, i in everyone] == ["red", "amber", "red"]
    jonas = item_series(pictures, "build", "contacted", author="jonas")
    assert [(p.sprint, i.value if i else None) for p, i in jonas] == [("W10", "red"), ("W12", None), ("W14", "red")]
    assert jonas[2][1].trend is Trend.NEW and jonas[2][1].streak == 1


def test_item_series_of_one_author_has_their_own_trend_and_streak():
    D4 = D3 + dt.timedelta(days=14)
    runs = [
        run("W10", D1, Answer("contacted", "red"), Answer("mood", 2), author=JONAS),
        run("W12", D2, Answer("contacted", "red"), Answer("mood", 4), author=JONAS),
        run("W12", D2, Answer("contacted", "green"), Answer("mood", 5), author=ANA, minute=5),
        run("W14", D3, Answer("contacted", "red"), Answer("mood", 4), author=JONAS),
        run("W16", D4, Answer("contacted", "green"), author=JONAS),
        run("W10", D1, Answer("contacted", "green"), author=ANA, phase="kickoff", checklist="kickoff"),
    ]
    pictures = sprint_pictures(runs)
    jonas = item_series(pictures, "build", "contacted", author="JONAS@example")
    assert [(p.sprint, i.value, i.streak, i.trend) for p, i in jonas] == [
        ("W10", "red", 1, Trend.NEW),
        ("W12", "red", 2, Trend.SAME),
        ("W14", "red", 3, Trend.SAME),
        ("W16", "green", 1, Trend.BETTER),
    ]
    moods = item_series(pictures, "build", "mood", author="jonas")
    assert [(p.sprint, i and (i.value, i.trend)) for p, i in moods] == [
        ("W10", (2, Trend.NEW)),
        ("W12", (4, Trend.BETTER)),
        ("W14", (4, Trend.SAME)),
        ("W16", None),
    ]
    assert [p.sprint for p, _ in item_series(pictures, "kickoff", "contacted")] == ["W10"]
    ana = item_series(pictures, "build", "contacted", author="ana")
    assert [(p.sprint, i and (i.value, i.streak, i.trend)) for p, i in ana] == [
        ("W10", None),
        ("W12", ("green", 1, Trend.NEW)),
        ("W14", None),
        ("W16", None),
    ]
    # everyone's: the sprint picture's own item (W12 shows the worse answer)
    assert [(i.value, i.streak) for _, i in item_series(pictures, "build", "contacted")] == [
        ("red", 1),
        ("red", 2),
        ("red", 3),
        ("green", 1),
    ]


BANDED = checklist_from_dict(
    tomllib.loads("""
format = 1
id = "build"
title = "Sprint start"
phase = "build"
language = "en"
version = "1.0"

[[items]]
id = "tone"
question = "How does the client sound?"
why = "Tone comes before trouble."
kind = "choice"
options = [{ id = "warm", label = "Warm", band = "green" }, { id = "cold", label = "Cold", band = "red" }]

[[items]]
id = "lesson"
question = "What did we learn?"
why = "Saying it helps."
kind = "text"
required = false
"""),
    "build.en.toml",
)


def test_item_series_of_one_author_reads_the_items_definition():
    """A choice whose options have bands is compared by them only with the checklist's item:
    the author's series keeps the item's id, kind and definition; a text has no band, no streak."""
    runs = [
        run("W10", D1, Answer("tone", "cold"), Answer("lesson", "Ask early"), author=JONAS),
        run("W12", D2, Answer("tone", "cold"), Answer("lesson", "Ask earlier"), author=JONAS),
        run("W14", D3, Answer("tone", "warm"), Answer("lesson", "Listen"), author=JONAS),
    ]
    pictures = sprint_pictures(runs, {"build": BANDED})
    tones = [i for _, i in item_series(pictures, "build", "tone", author="jonas")]
    assert [(i.item, i.kind, i.value, i.band, i.trend, i.streak) for i in tones] == [
        ("tone", Kind.CHOICE, "cold", "red", Trend.NEW, 1),
        ("tone", Kind.CHOICE, "cold", "red", Trend.SAME, 2),
        ("tone", Kind.CHOICE, "warm", "green", Trend.BETTER, 1),
    ]
    assert all(i.definition is BANDED.item("tone") for i in tones)
    lessons = [i for _, i in item_series(pictures, "build", "lesson", author="jonas")]
    assert [(i.item, i.kind, i.value, i.band, i.streak) for i in lessons] == [
        ("lesson", Kind.TEXT, "Ask early", None, 0),
        ("lesson", Kind.TEXT, "Ask earlier", None, 0),
        ("lesson", Kind.TEXT, "Listen", None, 0),
    ]


def test_the_previous_sprint_of_a_new_run_is_pictured_with_the_checklists_bands():
    from kundencheck.core.history import previous_sprint

    runs = [run("W10", D1, Answer("tone", "cold")), run("W12", D2, Answer("tone", "warm"))]
    before = previous_sprint(runs, BANDED, "W14", D3)
    assert (before.sprint, before.items["tone"].band, before.items["tone"].trend) == ("W12", "green", Trend.BETTER)


# --------------------------------------------------------------------------------- actions


def test_actions_are_opened_by_answers_and_closed_by_reviews():
    r1, r2, r3 = action_runs()
    actions, strays = track_actions([r3, r1, r2])
    assert strays == []
    states = {(a.run, a.item): a.state for a in actions}
    assert states == {
        (r1.id, "contacted"): ActionState.DONE,
        (r1.id, "mood"): ActionState.DROPPED,
        (r2.id, "contacted"): ActionState.OPEN,
    }
    still_open = actions[-1]
    assert still_open.key == (r2.id, "contacted") and still_open.is_open
    assert [(e.run, e.decision, e.note) for e in still_open.reviews] == [(r3.id, "open", "Client on holiday")]
    done = actions[0]
    assert done.closed_by.run == r2.id and done.closed_by.decision == "done"


def test_overdue_is_strictly_after_the_due_date():
    _r1, _r2, _r3 = action_runs()
    actions, _ = track_actions(action_runs())
    late = next(a for a in actions if a.is_open)
    assert not late.is_overdue(dt.date(2026, 3, 20)) and late.is_overdue(dt.date(2026, 3, 21))
    assert late.days_overdue(dt.date(2026, 4, 10)) == 21
    closed = [a for a in actions if not a.is_open]
    assert not any(a.is_overdue(dt.date(2027, 1, 1)) for a in closed)


def test_the_last_decision_counts_and_unknown_reviews_are_reported():
    r1, r2, r3 = action_runs()
    reopen = run(
        "W16",
        dt.date(2026, 4, 13),
        reviews=[ActionReview(r1.id, "contacted", "open"), ActionReview("20250101T000000Z-build-x-000000", "contacted", "done")],
    )
    actions, strays = track_actions([r1, r2, r3, reopen])
    assert {a.key: a.state for a in actions}[(r1.id, "contacted")] is ActionState.OPEN
    assert [s.review.run for s in strays] == ["20250101T000000Z-build-x-000000"]


def _raise(
    what: str, owner: str = "Ana", due: dt.date | None = dt.date(2026, 3, 20), *, item: str = "contacted", separate: bool = False
) -> Answer:
    return Answer(item, "red", note="why", action=Action(what, owner, due, separate=separate))


def test_actions_for_an_item_with_an_open_thread_join_it():
    """Two people raising an action on one item in the same sprint, and again next sprint: one
    thread with every text; its owner and due date are the latest word's."""
    r1 = run("W10", D1, _raise("Call the PO", "Ana", dt.date(2026, 3, 9)))
    r2 = run("W10", D1, _raise("Mail the PO", "Jonas", dt.date(2026, 3, 6)), author=JONAS, minute=30)
    r3 = run(
        "W12",
        D2,
        _raise("Book a review", "", None),
        author=LEA,
        reviews=[ActionReview(r2.id, "contacted", "open", "still nothing")],
    )
    threads, strays = track_actions([r3, r2, r1])
    assert strays == [] and len(threads) == 1
    thread = threads[0]
    assert [w.what for w in thread.words] == ["Call the PO", "Mail the PO", "Book a review"]
    assert [w.author for w in thread.words] == [ANA, JONAS, LEA]
    assert thread.what == "Book a review" and thread.owner == "Jonas" and thread.due == dt.date(2026, 3, 6)
    assert thread.key == (r1.id, "contacted") and thread.author == ANA and thread.raised == r1.finished
    assert thread.id == thread_id(r1.id, "contacted") and len(thread.id) == 6
    assert [(e.run, e.decision) for e in thread.reviews] == [(r3.id, "open")]
    assert thread.is_overdue(dt.date(2026, 3, 7)) and thread.days_overdue(dt.date(2026, 3, 16)) == 10


def test_a_review_of_any_action_decides_the_thread_and_a_closed_thread_is_not_joined():
    r1 = run("W10", D1, _raise("Call the PO"))
    r2 = run("W10", D1, _raise("Mail the PO"), author=JONAS, minute=30)
    # Done for the second word closes the whole thread; the same run's new action starts another.
    r3 = run("W12", D2, _raise("Book a review"), reviews=[ActionReview(r2.id, "contacted", "done")])
    threads, _ = track_actions([r1, r2, r3])
    assert [(len(t.words), t.state) for t in threads] == [(2, ActionState.DONE), (1, ActionState.OPEN)]
    assert threads[0].closed_by.run == r3.id


def test_separate_actions_and_other_items_and_phases_make_threads_of_their_own():
    r1 = run("W10", D1, _raise("Call the PO"), _raise("Team lunch", item="mood"))
    r2 = run("W12", D2, _raise("Write the minutes", separate=True))
    r3 = run("W12", D2, _raise("Call in design"), phase="design", minute=10)
    r4 = run("W14", D3, _raise("Call again"))
    threads, _ = track_actions([r1, r2, r3, r4])
    # A new action joins the open thread of the item whose latest word is the newest.
    assert [[w.what for w in t.words] for t in threads] == [
        ["Call the PO"],
        ["Team lunch"],
        ["Write the minutes", "Call again"],
        ["Call in design"],
    ]
    assert threads[2].words[0].separate and not threads[2].words[1].separate


def test_a_reopened_thread_is_joined_again():
    r1 = run("W10", D1, _raise("Call the PO"))
    r2 = run("W12", D2, reviews=[ActionReview(r1.id, "contacted", "dropped", "no need")])
    r3 = run("W14", D3, reviews=[ActionReview(r1.id, "contacted", "open", "needed after all")])
    r4 = run("W16", dt.date(2026, 4, 13), _raise("Call now"))
    threads, _ = track_actions([r1, r2, r3, r4])
    assert len(threads) == 1 and [w.what for w in threads[0].words] == ["Call the PO", "Call now"]


def test_joined_thread_previews_the_rule_for_the_run_being_answered():
    r1 = run("W10", D1, _raise("Call the PO"))
    threads, _ = track_actions([r1])
    draft = run("W12", D2, _raise("Call again"))
    assert joined_thread(threads, draft, "contacted") is threads[0]
    assert joined_thread(threads, draft, "mood") is None
    draft.answers[0].action.separate = True
    assert joined_thread(threads, draft, "contacted") is None
    draft.answers[0].action.separate = False
    draft.reviews = [ActionReview(r1.id, "contacted", "done")]
    assert joined_thread(threads, draft, "contacted") is None
    draft.reviews = [ActionReview(r1.id, "contacted", "open")]
    assert joined_thread(threads, draft, "contacted") is threads[0]
    # Committed, the tracker agrees.
    draft.reviews = []
    assert len(track_actions([r1, draft])[0]) == 1


def test_thread_ids_are_short_stable_and_readable():
    assert thread_id("20261127T091500Z-build-erika-3f9a1c", "client-contacted") == thread_id(
        "20261127T091500Z-build-erika-3f9a1c", "client-contacted"
    )
    ids = {thread_id(f"20261127T0915{n:02d}Z-build-erika-3f9a1c", item) for n in range(60) for item in "abcde"}
    assert len(ids) == 300
    assert all(len(i) == 6 and not set(i) & set("01ilo") for i in ids)


def test_threads_to_show_lists_a_few_per_phase_most_overdue_first():
    answers = [_raise(f"Task {n}", due=dt.date(2026, 3, 1) + dt.timedelta(days=(n * 7) % 12), separate=True) for n in range(12)]
    r1 = run("W10", D1, *[Answer(f"i{n}", a.value, action=a.action) for n, a in enumerate(answers)])
    r2 = run("W10", D1, _raise("In design", due=None), phase="design", minute=5)
    threads, _ = track_actions([r1, r2])
    lists = threads_to_show(threads)
    assert [(group.phase, len(group.shown), group.more) for group in lists] == [("design", 1, 0), ("build", 5, 7)]
    build = lists[1]
    dues = [t.due for t in build.threads]
    assert dues == sorted(dues) and build.shown == build.threads[:5]
    assert threads_to_show(threads, limit=20)[1].more == 0


def test_owner_of_a_thread_is_a_person():
    ana = Person("Ana Schäfer", "ana@example.com")
    assert is_owned_by("Ana", ana)
    assert is_owned_by("ana schäfer", ana)
    assert is_owned_by("ana@example.com", ana)
    assert is_owned_by("ANA", Person("Someone", "ana@example.com"))
    assert not is_owned_by("Anabel", ana)
    assert not is_owned_by("", ana)


def test_separate_is_written_and_read_back():
    r1 = run("W10", D1, _raise("Call", separate=True), Answer("mood", 2, action=Action("Lunch", "Jo", None)))
    text = dumps(r1, CHECKLIST)
    assert "separate = true" in text and text.count("separate") == 1
    back = loads(text)
    assert back.answers[0].action.separate and not back.answers[1].action.separate
    with pytest.raises(AnswersError, match="'separate' must be true or false"):
        loads(text.replace("separate = true", 'separate = "yes"'))


# --------------------------------------------------------------------------------- due checks


@pytest.mark.parametrize(
    "today, due", [(dt.date(2026, 3, 29), False), (dt.date(2026, 3, 30), True), (dt.date(2026, 4, 20), True)]
)
def test_due_after_the_cadence(today, due):
    check = due_check([run("W12", D2, Answer("contacted", "green"))], "build", today, 14)
    assert check.is_due is due and check.last_checked == D2 and check.due_on == dt.date(2026, 3, 30)
    assert check.days_overdue == max(0, (today - D2).days - 14)


def test_a_phase_never_checked_is_due_and_other_phases_do_not_count():
    check = due_check([run("W12", D2, Answer("contacted", "green"), phase="kickoff")], "build", D2, 14)
    assert check.is_due and check.last_checked is None and check.days_since is None
    assert not due_check([run("W12", D2)], "build", D2 + dt.timedelta(days=6), 7).is_due


# --------------------------------------------------------------------------------- the summary


def test_summary_per_phase():
    r1, r2, r3 = action_runs()
    jonas = run("W14", D3, Answer("contacted", "green"), author=JONAS, minute=20)
    kickoff = run("K1", dt.date(2026, 1, 5), Answer("contacted", "green"), phase="kickoff", checklist="kickoff")
    summary = summarize(
        [jonas, r2, r1, r3, kickoff], today=dt.date(2026, 4, 10), cadence_days=14, current_phase="build", checklists=CHECKLISTS
    )
    assert [p.phase for p in summary.phases] == ["kickoff", "build"]
    build = summary.phase("build")
    assert build.last_run is jonas and build.runs == 4
    assert build.last_counts == {"green": 1, "amber": 0, "red": 0, "na": 0}
    assert build.trend == {"better": 1, "same": 0, "worse": 0, "new": 0}
    assert build.current_sprint == "W14" and [p.item for p in build.disagreements] == []  # amber vs green
    assert [a.item for a in build.open_actions] == ["contacted"] and len(build.overdue_actions) == 1
    assert not build.due.is_due and summary.phase("kickoff").due.is_due
    assert summary.sprints() == ["K1", "W10", "W12", "W14"] and summary.latest_sprint() == "W14"
    assert not summary.is_due()
    assert summarize([], today=D1, current_phase="design").phases[0].due.is_due


def test_parse_runs_and_latest_run_still_work():
    first, second = run("W10", D1, Answer("contacted", "green")), run("W12", D2, Answer("contacted", "red"))
    files = {
        "a.toml": ("1", dumps(second, CHECKLIST).encode()),
        "b.toml": ("2", dumps(first).encode()),
        "broken.toml": ("3", b"schema = 2\n"),
    }
    runs, errors = parse_runs(files)
    assert [r.id for r in runs] == [first.id, second.id] and len(errors) == 1
    assert latest_run(runs, "build").id == second.id and latest_run(runs, "kickoff") is None


# --------------------------------------------------------------------------------- action reviews in the file


def test_reviews_round_trip_after_the_answers():
    _r1, r2, _ = action_runs()
    text = dumps(r2, CHECKLIST)
    assert text.index("[[reviews]]") > text.index("[[answers]]")
    assert "# Action from an earlier run: How is the team's mood?" in text
    back = loads(text)
    assert back.reviews == r2.reviews and back == r2


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '[[reviews]]\nrun = "20260302T090000Z-build-ana-000001"\nitem = "contacted"\ndecision = "maybe"\n',
            "must be one of done, open, dropped",
        ),
        ('[[reviews]]\nrun = "../x"\nitem = "contacted"\ndecision = "done"\n', "key 'run'"),
        ('[[reviews]]\nrun = "20260302T090000Z-build-ana-000001"\nitem = "Bad"\ndecision = "done"\n', "key 'item'"),
        (
            '[[reviews]]\nrun = "20260302T090000Z-build-ana-000001"\nitem = "contacted"\ndecision = "done"\nnote = 3\n',
            "key 'note'",
        ),
        ('reviews = "done"\n', "key 'reviews' must be an array"),
        ('[[reviews]]\nrun = "20260302T090000Z-build-ana-000001"\nitem = "contacted"\ndecision = "done"\n' * 2, "reviewed twice"),
    ],
)
def test_bad_reviews_are_rejected(body, message):
    head = dumps(run("W12", D2, Answer("contacted", "green")))
    text = head + "\n" + body if body.startswith("[[") else body + head  # a plain key before any table
    with pytest.raises(AnswersError, match=message):
        loads(text, "x.toml")


def test_a_dropped_action_needs_a_note():
    r = run(
        "W12",
        D2,
        Answer("contacted", "green"),
        Answer("mood", 4),
        Answer("design", "no"),
        reviews=[ActionReview("20260302T090000Z-build-ana-000001", "contacted", "dropped", "  ")],
    )
    assert problems_with(r, CHECKLIST) == [
        (
            "review of the action on 'contacted' from run 20260302T090000Z-build-ana-000001: "
            "a dropped action needs a note saying why it is dropped."
        )
    ]
    r.reviews[0].note = "Not needed any more"
    assert problems_with(r, CHECKLIST) == []


# --------------------------------------------------------------------------------- reports


def test_markdown_report_neutralises_user_text():
    report = build_report(report_summary(), "W14", project="# Shop | relaunch", client="<Kunde>")
    text = report_markdown(report)
    assert "a \\| b # not a heading &lt;b&gt;bold&lt;/b&gt; \\[link\\](http://x) \\*x\\*" in text
    assert "<b>" not in text and "Project: \\# Shop \\| relaunch, client: &lt;Kunde&gt;" in text
    # The matrix: one row per banded item, one column per sprint, symbol + word + arrow.
    assert "| item | W10 | W12 | W14 |" in text
    assert "| **contacted** | ✘ no | ✘ no → | ◐ partly ↑ |" in text
    assert "| **mood** | ✘ 2/5 | · | ✘ 1/5 ⚠ |" in text
    assert "**⚠ overdue by 21 days**" in text


def test_md_escapes_leading_markers():
    assert md("# x") == "\\# x" and md("- x") == "\\- x" and md("1. x") == "1\\. x" and md("a\nb|c") == "a b\\|c"


def test_html_report_escapes_and_has_the_matrix():
    page = report_html(build_report(report_summary(), "W14"))
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<table class="matrix"' in page and 'data-band="red"' in page
    assert "<script" not in page.lower() and "http://x" not in page.split("<body>")[0]
    assert "jonas|x@example.com" not in page.replace("&lt;", "<")  # names only, e-mails stay out


def test_json_report_and_status_are_json():
    summary = report_summary()
    report = json.loads(report_json(build_report(summary)))
    assert report["sprint"] == "W14" and report["checklists"][0]["disagreements"] == ["mood"]
    assert [a["decision"] for a in report["actions"]["reviewed"]] == ["open"]
    status = json.loads(json.dumps(status_dict(summary, ["broken.toml: bad"])))
    assert status["problems"] == ["broken.toml: bad"] and status["overdue_actions"] == 1
    assert status["phases"][0]["disagreements"][0]["item"] == "mood"


def test_report_of_an_unknown_sprint_lists_the_known_ones():
    with pytest.raises(UsageError, match="Sprints with runs: W10, W12, W14"):
        build_report(report_summary(), "W99")
    with pytest.raises(UsageError, match="no runs"):
        build_report(summarize([], today=D1))


def test_summary_sprints_is_due_and_parse_runs():
    w9 = run("W9", D1, Answer("contacted", "green"))
    w10 = run("W10", D2, Answer("contacted", "green"))
    kick = run("W9", D2, Answer("contacted", "green"), phase="kickoff", checklist="kickoff")
    summary = summarize([w9, w10, kick], today=D2, cadence_days=14, current_phase="build", checklists=CHECKLISTS)
    assert summary.sprints() == ["W9", "W10"]  # in the order they started, not by name
    late_kick = run("W9", D3, Answer("contacted", "green"), phase="kickoff", checklist="kickoff")
    later = summarize([w9, w10, late_kick], today=D3, current_phase="build", checklists=CHECKLISTS)
    assert later.sprints() == ["W9", "W10"]  # W9 started with its first picture, however late another one began
    assert not summary.is_due()
    assert summarize([w9], today=D1 + dt.timedelta(days=15), cadence_days=14, current_phase="build").is_due()
    assert summarize([w9], today=D1, cadence_days=14, current_phase="acceptance").is_due()  # never checked
    runs, errors = parse_runs(
        {
            "b.toml": ("1", dumps(w10, CHECKLIST).encode()),
            "a.toml": ("2", b"schema = 1\n"),
            "c.toml": ("3", dumps(w9, CHECKLIST).encode()),
        }
    )
    assert [r.id for r in runs] == [w9.id, w10.id]
    assert len(errors) == 1 and isinstance(errors[0], AnswersError) and str(errors[0]).startswith("a.toml")


def test_a_dropped_review_keeps_a_new_action_out_of_the_thread():
    first = run("W10", D1, Answer("contacted", "red", action=A1))
    threads, _ = track_actions([first])
    later = run(
        "W12",
        D2,
        Answer("contacted", "red", action=Action("Try again", "Ana", D3)),
        reviews=[ActionReview(first.id, "contacted", "dropped")],
    )
    assert joined_thread(threads, later, "contacted") is None
    keeping = run(
        "W12",
        D2,
        Answer("contacted", "red", action=Action("Try again", "Ana", D3)),
        reviews=[ActionReview(first.id, "contacted", "open")],
    )
    assert joined_thread(threads, keeping, "contacted") is threads[0]


def test_no_name_owns_nothing():
    assert not is_owned_by("Ana", Person("", ""))
    assert not is_owned_by("Ana", Person("  ", "x@example.com"))
    assert is_owned_by("ana", Person("Ana Lopez", ""))


def test_the_summary_answers_the_questions_the_views_ask():
    from kundencheck.core.history import (
        actions_to_review,
        kind_of,
        previous_sprint,
        run_time,
    )

    first = run("W10", D1, Answer("contacted", "red", action=A1), Answer("mood", 2))
    second = run("W12", D2, Answer("contacted", "red"), Answer("mood", 3))
    kick = run("W10", D1, Answer("contacted", "red", action=A1), phase="kickoff", checklist="kickoff")
    ahead = run("W14", D3 + dt.timedelta(days=30), Answer("contacted", "green"))
    summary = summarize([first, second, kick], today=D3, current_phase="build", checklists=CHECKLISTS)
    assert summary.picture("build", "W12").runs == [second] and summary.picture("build", "W11") is None
    assert summary.picture("kickoff", "W12") is None
    assert [(s.checklist, s.item, s.band, s.length, s.since, s.until) for s in summary.streaks()] == [
        ("build", "contacted", "red", 2, "W10", "W12")
    ]
    build_open = summary.actions_to_review("build")
    assert [t.phase for t in build_open] == ["build"] and build_open == actions_to_review(summary.actions, "build")
    assert [t.phase for t in summary.actions_to_review("kickoff")] == ["kickoff"]
    assert run_time(first) == first.finished and run_time(dataclasses.replace(first, finished=None)) == first.started
    assert kind_of("contacted", 5, CHECKLIST).value == "traffic-light" and kind_of("x", 5).value == "scale"
    assert kind_of("x", "green") is not None and kind_of("x", "green").value == "traffic-light"
    before = previous_sprint([first, second, ahead, kick], CHECKLIST, "W14", D3)
    assert before is not None and before.sprint == "W12" and before.checklist == "build"
    assert previous_sprint([first, second], CHECKLIST, "W12", D3).sprint == "W10"
    assert previous_sprint([first], CHECKLIST, "W10", D3) is None
    assert previous_sprint([ahead], CHECKLIST, "W16", D3) is None  # a run from the future is left out


def test_a_run_cannot_review_its_own_action_not_even_as_a_copy_of_its_file():
    """Two answers files with one run id (a file copied by hand): the later one's review of the
    action the earlier one raised is a review of the run's own action, which is never applied."""
    raised = run("W10", D1, Answer("contacted", "red", action=A1))
    twin = dataclasses.replace(
        raised,
        answers=[Answer("contacted", "red")],
        finished=raised.finished + dt.timedelta(hours=1),
        reviews=[ActionReview(raised.id, "contacted", "done")],
    )
    threads, strays = track_actions([raised, twin])
    assert [t.state for t in threads] == [ActionState.OPEN] and threads[0].reviews == []
    assert [(s.run, s.review.item) for s in strays] == [(raised.id, "contacted")]


def test_track_actions_reads_every_review_and_every_answer_of_a_run():
    first = run("W10", D1, Answer("contacted", "red", "silence", A1), Answer("mood", 1, "low", A1))
    later = run(
        "W12",
        D2,
        Answer("contacted", "green"),
        Answer("mood", 2, "", Action("Lunch", "Ana", D3)),
        reviews=[ActionReview(first.id, "contacted", "maybe"), ActionReview(first.id, "mood", "done")],
    )
    threads, strays = track_actions([first, later])
    by_item = {(t.item, t.run): t for t in threads}
    assert by_item[("mood", first.id)].state is ActionState.DONE  # after a review with an unknown decision
    assert by_item[("contacted", first.id)].state is ActionState.OPEN and strays == []
    assert [r.decision for r in by_item[("contacted", first.id)].reviews] == ["maybe"]
    assert ("mood", later.id) in by_item  # an answer without action before it does not stop the rest
    word = by_item[("contacted", first.id)].words[0]
    assert (word.value, word.note) == ("red", "silence")
    # a thread closed, then opened again by a later review, joins the open ones of its item again
    reopen = run("W14", D3, Answer("mood", 2), reviews=[ActionReview(first.id, "mood", "open")])
    threads, _ = track_actions([first, later, reopen])
    mood = [t for t in threads if t.item == "mood"]
    assert [t.state for t in mood] == [ActionState.OPEN, ActionState.OPEN]
    after = run("W16", D3 + dt.timedelta(days=14), Answer("mood", 1, "", Action("Again", "Ana", D3)))
    threads, _ = track_actions([first, later, reopen, after])
    assert [len(t.words) for t in threads if t.item == "mood"] == [1, 2]  # the re-opened one is the newest in line
    # an "open" review of a thread that is open already changes nothing
    kept = run("W14", D3, Answer("mood", 2), reviews=[ActionReview(later.id, "mood", "open")])
    threads, _ = track_actions([first, later, kept, after])
    assert [(t.state, len(t.words)) for t in threads if t.item == "mood"] == [(ActionState.DONE, 1), (ActionState.OPEN, 2)]
    closed = run("W16", D3 + dt.timedelta(days=13), Answer("mood", 2), reviews=[ActionReview(later.id, "mood", "done")])
    threads, _ = track_actions([first, later, kept, closed, after])
    assert [(t.state, len(t.words)) for t in threads if t.item == "mood"] == [
        (ActionState.DONE, 1),
        (ActionState.DONE, 1),
        (ActionState.OPEN, 1),
    ]  # a closed thread is never joined


def test_alarming_key_signals_red_and_worse_first_then_red_then_worse():
    from kundencheck.core.history import Change, alarming

    amber_worse = Change("a", "amber", "amber", "green", Trend.WORSE, key_signal=True)
    red_same = Change("b", "red", "red", "red", Trend.SAME, key_signal=True)
    red_worse = Change("c", "red", "red", "amber", Trend.WORSE, key_signal=True)
    green_better = Change("d", "green", "green", "red", Trend.BETTER, key_signal=True)
    no_signal = Change("e", "red", "red", "amber", Trend.WORSE)
    assert alarming([amber_worse, green_better, red_same, no_signal, red_worse]) == [red_worse, red_same, amber_worse]
    assert alarming([amber_worse, red_same]) == [red_same, amber_worse]
    assert alarming([]) == []


# ----------------------------------------------------------------------------- pictures in detail


def test_a_pictures_entries_skip_unanswered_items_and_keep_their_actions():
    call = Action("Call", "Ana", D2)
    answered = run("W10", D1, Answer("contacted", None), Answer("mood", ""), Answer("contacted", "red", action=call))
    answered.answers.append(Answer("design", "green"))
    (picture,) = sprint_pictures([answered], CHECKLISTS)
    assert list(picture.items) == ["contacted", "design"]
    assert picture.items["contacted"].entries[0].action == call


def test_votes_of_a_run_that_is_no_meeting_are_not_counted():
    from kundencheck.core.answers import ItemVotes, Vote

    ana = run("W10", D1, Answer("contacted", "green"))
    ana.participants = [ANA, JONAS]
    ana.votes = [ItemVotes("contacted", named=(Vote(ANA, "green"), Vote(JONAS, "red")))]
    (picture,) = sprint_pictures([ana], CHECKLISTS)
    assert [(e.author, e.value) for e in picture.items["contacted"].entries] == [(ANA, "green")]


def test_items_no_longer_in_the_checklist_come_after_its_own():
    (picture,) = sprint_pictures([run("W10", D1, Answer("gone", "red"), Answer("mood", "green"))], CHECKLISTS)
    assert list(picture.items) == ["mood", "gone"]


def test_the_latest_of_tied_answers_without_an_order_represents_the_sprint():
    """Free text has no better or worse: of the answers given most often, the latest run's."""
    texts = ["x", "y", "z", "x", "y"]
    runs = [run("W10", D1, Answer("design", text), author=f"P{n} <p{n}@example.com>", minute=n) for n, text in enumerate(texts)]
    (picture,) = sprint_pictures(runs, {})
    assert picture.items["design"].value == "y"


def test_a_sprint_without_a_picture_of_its_own_is_compared_with_the_latest():
    from kundencheck.core.history import sprint_before

    pictures = sprint_pictures([run(f"W{10 + n}", D1 + dt.timedelta(days=7 * n), Answer("mood", "green")) for n in range(3)])
    assert sprint_before(pictures, "build", "W20").sprint == "W12"
    assert sprint_before(pictures, "build", "W11").sprint == "W10"
    assert sprint_before(pictures, "build", "W10") is None


def test_a_cadence_of_one_day_is_due_the_next_day_and_the_end_of_the_calendar_on_its_last_day():
    checked = run("W10", D1, Answer("mood", "green"))
    assert due_check([checked], "build", D1 + dt.timedelta(days=1), cadence_days=1).is_due
    late = made_run_at(dt.datetime(9999, 12, 30, 9, 0, tzinfo=dt.UTC))
    last = due_check([late], "build", dt.date(9999, 12, 30))
    assert last.due_on == dt.date.max and not last.is_due


def made_run_at(started: dt.datetime):
    from tests.support.runs import made_run

    return made_run("99991230T090000Z-build-ana-000001", "W52", started, Answer("mood", "green"))


def test_the_clients_replies_are_banded_by_the_checklist_and_placed_in_their_sprint_in_the_order_answered():
    from kundencheck.core.history import attach_client
    from kundencheck.core.mirror import ClientAnswer, ClientReply
    from tests.support.checklists import checklist as make
    from tests.support.checklists import item as make_item

    tone = make(
        make_item("contacted", like="contacted"),
        make_item(
            "tone",
            question="How do we sound?",
            why="Tone first.",
            kind="choice",
            options=[{"id": "warm", "label": "Warm", "band": "green"}, {"id": "cold", "label": "Cold", "band": "red"}],
        ),
    )
    pictures = sprint_pictures(
        [run("W10", D1, Answer("contacted", "green")), run("W12", D2, Answer("contacted", "green"))], {"build": tone}
    )

    def reply(invitation, hour, value):
        answered = dt.datetime(2026, 3, 17, hour, tzinfo=dt.UTC)
        answers = (ClientAnswer("tone", value), ClientAnswer("gone", 3))
        return ClientReply(invitation, "build", "build", "1.0", "W12", "en", invitation, answered, answered, ANA, answers)

    late, early = reply("inv-a", 15, "cold"), reply("inv-b", 9, "warm")
    stray = reply("inv-c", 8, "warm")._replace(sprint="W99")  # the team has not answered W99 yet
    assert attach_client(pictures, [late, stray, early], {"build": tone}) == [stray]
    assert pictures[0].client == {} and pictures[1].client_replies == [early, late]
    client = pictures[1].client
    assert list(client) == ["tone", "gone"]
    assert [(e.author, e.value, e.band) for e in client["tone"].entries] == [("inv-b", "warm", "green"), ("inv-a", "cold", "red")]
    assert (client["tone"].item, client["tone"].kind, client["tone"].band) == ("tone", Kind.CHOICE, "red")
    assert (client["gone"].item, client["gone"].kind, client["gone"].definition) == ("gone", Kind.SCALE, None)


def test_changes_leave_out_unanswered_items_and_by_default_those_without_a_band():
    from kundencheck.core.history import changes

    values = {"mood": "", "design": "yes", "contacted": "red", "gone": None}
    assert [c.item for c in changes(values, None, CHECKLIST)] == ["contacted"]
    assert [c.item for c in changes(values, None, CHECKLIST, banded_only=False)] == ["design", "contacted"]
